import django_filters

from .choices import MeetingStatus
from .models import Meeting


class MeetingFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=MeetingStatus.choices)
    scheduled_after = django_filters.IsoDateTimeFilter(
        field_name="scheduled_for", lookup_expr="gte"
    )
    scheduled_before = django_filters.IsoDateTimeFilter(
        field_name="scheduled_for", lookup_expr="lte"
    )

    class Meta:
        model = Meeting
        fields = ["status"]
