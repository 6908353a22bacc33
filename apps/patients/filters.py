import django_filters

from .choices import CaseStatus
from .models import MdtCase, Patient


class PatientFilter(django_filters.FilterSet):
    mrn = django_filters.CharFilter(field_name="mrn", lookup_expr="exact")
    family_name = django_filters.CharFilter(field_name="family_name", lookup_expr="icontains")

    class Meta:
        model = Patient
        fields = ["mrn", "family_name", "birth_date", "sex"]


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    mrn = django_filters.CharFilter(field_name="patient__mrn", lookup_expr="exact", label="MRN")
    patient = django_filters.UUIDFilter(field_name="patient_id")
    meeting = django_filters.UUIDFilter(
        field_name="agenda_items__meeting_id", distinct=True, label="On this meeting's agenda"
    )
    referred_after = django_filters.DateFilter(field_name="referred_on", lookup_expr="gte")
    referred_before = django_filters.DateFilter(field_name="referred_on", lookup_expr="lte")

    class Meta:
        model = MdtCase
        fields = ["status", "mrn", "patient", "meeting"]
