"""Serializers of the patient and case endpoints. Input and output are separate classes."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import StrictBooleanField, not_in_future
from apps.core.api.schema import CaseFactsDocument
from apps.core.api.serializers import InputSerializer

from ..choices import CaseStatus, Sex
from ..models import MdtCase, Patient
from ..selectors import case_list


@extend_schema_field(OpenApiTypes.UUID)
class ScopedCaseField(serializers.PrimaryKeyRelatedField):
    """A case id, looked up among the cases the user may see (others do not exist for them)."""

    def get_queryset(self) -> Any:
        return case_list(user=self.context["request"].user)


class PatientOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Patient
        fields = [
            "id",
            "mrn",
            "given_name",
            "family_name",
            "birth_date",
            "sex",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PatientIdentityInputSerializer(InputSerializer):
    mrn = serializers.CharField(max_length=64, trim_whitespace=True)
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField(validators=[not_in_future])
    sex = serializers.ChoiceField(choices=Sex.choices)


class PatientUpdateInputSerializer(PatientIdentityInputSerializer):
    pass


class CaseOutputSerializer(serializers.ModelSerializer):
    patient = PatientOutputSerializer(read_only=True)
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    has_facts = serializers.BooleanField(read_only=True)
    cea_measured_on = serializers.DateField(
        source="biomarkers.cea_measured_on",
        read_only=True,
        allow_null=True,
        help_text="When the CEA level in the facts was measured.",
    )
    performance_assessed_on = serializers.DateField(
        source="performance_status.assessed_on",
        read_only=True,
        allow_null=True,
        help_text="When the performance status was last assessed.",
    )
    histology_confirmed = serializers.BooleanField(
        source="primary_tumour.histology_confirmed",
        read_only=True,
        allow_null=True,
        help_text="Adenocarcinoma confirmed on a biopsy or specimen (null without facts).",
    )

    class Meta:
        model = MdtCase
        fields = [
            "id",
            "patient",
            "question",
            "referring_clinician",
            "general_practitioner",
            "status",
            "referred_on",
            "has_facts",
            "facts_updated_at",
            "cea_measured_on",
            "performance_assessed_on",
            "histology_confirmed",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(CaseFactsDocument)
class FactsDocumentField(serializers.Field):
    """The pathway input, passed through as sent: the pathway package validates it (and names
    a NaN at its own field, which a JSON field would refuse as a whole)."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class CaseCreateInputSerializer(InputSerializer):
    """A case for an existing patient (`patient_id`), or a whole referral in one call: the
    patient's identity (`patient`, matched by MRN) and the clinical `facts` (pathway input)."""

    patient = PatientIdentityInputSerializer(required=False)
    patient_id = serializers.UUIDField(required=False)
    question = serializers.CharField(max_length=2000)
    referring_clinician = serializers.CharField(max_length=200, required=False, allow_blank=True)
    general_practitioner = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="The patient's GP, copied on letters.",
    )
    referred_on = serializers.DateField(required=False, validators=[not_in_future])
    facts = FactsDocumentField(required=False, allow_null=True)
    cea_measured_on = serializers.DateField(
        required=False, allow_null=True, validators=[not_in_future], help_text="Needs facts."
    )

    def validate(self, attrs: dict) -> dict:
        if attrs.get("cea_measured_on") and attrs.get("facts") is None:
            raise serializers.ValidationError(
                {"cea_measured_on": ["Give the facts (with the CEA level) as well."]}
            )
        if ("patient" in attrs) == ("patient_id" in attrs):
            raise serializers.ValidationError(
                {
                    "patient": [
                        "Give either the patient's identity (patient) or patient_id, not both."
                    ]
                }
            )
        return attrs


class CaseUpdateInputSerializer(InputSerializer):
    question = serializers.CharField(max_length=2000)
    referring_clinician = serializers.CharField(max_length=200, allow_blank=True)
    general_practitioner = serializers.CharField(max_length=300, allow_blank=True)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    referred_on = serializers.DateField(validators=[not_in_future])
    cea_measured_on = serializers.DateField(allow_null=True, validators=[not_in_future])
    performance_assessed_on = serializers.DateField(
        allow_null=True,
        validators=[not_in_future],
        help_text="When the performance status was last assessed (needs facts).",
    )
    histology_confirmed = StrictBooleanField(
        help_text="Adenocarcinoma confirmed on a biopsy or specimen (needs facts)."
    )


class AuditChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="Username of the author.")
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    record = serializers.CharField(help_text="What was changed, e.g. liver_lesion.")
    record_id = serializers.CharField()
    changes = AuditChangeSerializer(many=True)
