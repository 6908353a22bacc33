import django_filters

from .choices import Modality
from .models import ImagingStudy, LiverLesion


class ImagingStudyFilter(django_filters.FilterSet):
    case = django_filters.UUIDFilter(field_name="case_id")
    modality = django_filters.ChoiceFilter(choices=Modality.choices)

    class Meta:
        model = ImagingStudy
        fields = ["case", "modality"]


class LiverLesionFilter(django_filters.FilterSet):
    case = django_filters.UUIDFilter(field_name="case_id")
    study = django_filters.UUIDFilter(field_name="study_id")
    segment = django_filters.NumberFilter(field_name="segment")

    class Meta:
        model = LiverLesion
        fields = ["case", "study", "segment"]
