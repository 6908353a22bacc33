"""Serializers of the pathway and recommendation endpoints.

The pathway's output is built by `apps.pathways.result.result_to_dict` and sent as it is; the
`Pathway*` serializers below only describe it in the OpenAPI schema (they never render it), as
`CaseFactsDocument` describes the input.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.schema import CaseFactsDocument
from apps.pathways.result import EHD_CLASSES, FONG_RISKS, PLANS, ROLES, SEVERITIES

from ..choices import Resectability, StaleReason
from ..models import RecommendationSnapshot

CODE_HELP = "A code of the pathway's catalogue (GET /api/v1/pathway/ lists them with titles)."


# --- the pathway's output (SPEC section 7), for the schema only ---------------------------------


class PathwayCitationSerializer(serializers.Serializer):
    # Serializer declares `source` too; DRF's metaclass takes declared fields off the class.
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="A source key of the pathway's sources."
    )
    section = serializers.CharField(help_text="The section heading, exactly as in the source.")


class PathwayRecommendationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=CODE_HELP)
    role = serializers.ChoiceField(choices=ROLES)
    title = serializers.CharField()
    rationale = serializers.CharField(help_text="Why this option, for this case.")
    citations = PathwayCitationSerializer(many=True)


class PathwayFindingSerializer(serializers.Serializer):
    """A warning or a work-up item."""

    code = serializers.CharField(help_text=CODE_HELP)
    severity = serializers.ChoiceField(
        choices=SEVERITIES,
        required=False,
        help_text="A warning's weight (crlm-2027.1 and later): caution, for a risk or a gap the "
        "board must weigh before deciding; info, for context that does not by itself change the "
        "plan. Absent on work-up items.",
    )
    message = serializers.CharField()
    citations = PathwayCitationSerializer(many=True)


class PathwayLesionPlanEntrySerializer(serializers.Serializer):
    segment = serializers.IntegerField(help_text="Couinaud segment, 1 to 8.")
    size_mm = serializers.FloatField()
    modalities = serializers.ListField(
        child=serializers.CharField(), help_text="Ablative modalities, the preferred first."
    )
    disappeared = serializers.BooleanField(
        required=False,
        help_text="crlm-2027.1 and later: the lesion disappeared on chemotherapy (no modality: "
        "nothing left to target).",
    )


class PathwayTraceLineSerializer(serializers.Serializer):
    rule = serializers.CharField()
    result = serializers.CharField()
    because = serializers.CharField()


class PathwayDerivedSerializer(serializers.Serializer):
    lesion_count = serializers.IntegerField()
    largest_lesion_mm = serializers.FloatField()
    segments = serializers.ListField(child=serializers.IntegerField())
    bilobar = serializers.BooleanField()
    visible_lesion_count = serializers.IntegerField(
        required=False, help_text="crlm-2027.1 and later: the lesions not disappeared."
    )
    visible_sum_mm = serializers.FloatField(
        required=False, help_text="crlm-2027.1 and later: their sizes added up."
    )
    major_hepatectomy_expected = serializers.BooleanField()
    resection_extent = serializers.ChoiceField(
        choices=["planned", "assumed"],
        required=False,
        help_text="crlm-2027.1 and later: planned by the liver surgeon, or assumed from the "
        "imaging.",
    )
    extensive_liver_disease = serializers.BooleanField()
    ehd = serializers.ChoiceField(choices=EHD_CLASSES, help_text="Extrahepatic disease.")
    technically_unresectable = serializers.BooleanField()
    liver_injury = serializers.BooleanField()
    favourable = serializers.BooleanField(
        allow_null=True, help_text="Null (crlm-2027.1) for a patient who is not a candidate."
    )
    ready_for_surgery = serializers.BooleanField(allow_null=True)
    plan = serializers.ChoiceField(
        choices=PLANS, help_text="The section of SPEC 4 that chose the recommendations."
    )


class PathwayFongCriteriaSerializer(serializers.Serializer):
    """Each criterion of the Fong clinical risk score: true, false, or null when unknown."""

    dfi_under_12_months = serializers.BooleanField(allow_null=True)
    multiple_lesions = serializers.BooleanField(allow_null=True)
    largest_over_50_mm = serializers.BooleanField(allow_null=True)
    node_positive = serializers.BooleanField(allow_null=True)
    cea_over_200 = serializers.BooleanField(allow_null=True)


class PathwayFongSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="Criteria known to be met.")
    worst_case = serializers.IntegerField(help_text="The score if every unknown were met.")
    risk = serializers.ChoiceField(choices=FONG_RISKS)
    complete = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())
    criteria = PathwayFongCriteriaSerializer()


class PathwayFlrSerializer(serializers.Serializer):
    required_percent = serializers.IntegerField(help_text="Future liver remnant needed, %.")
    measured_percent = serializers.FloatField(allow_null=True)
    sufficient = serializers.BooleanField(allow_null=True)


class PathwayResultSerializer(serializers.Serializer):
    """The pathway's result for one set of case facts."""

    pathway_version = serializers.CharField()
    resectability = serializers.ChoiceField(choices=Resectability.choices)
    surgical_candidate = serializers.BooleanField()
    summary = serializers.CharField(
        required=False,
        help_text="crlm-2027.1 and later: one sentence for the ten-second read: the primary "
        "recommendation (with its regimen) and the fact that decided it.",
    )
    derived = PathwayDerivedSerializer()
    fong = PathwayFongSerializer()
    flr = PathwayFlrSerializer()
    recommendations = PathwayRecommendationSerializer(
        many=True, help_text="Exactly one has the role primary."
    )
    lesion_plan = PathwayLesionPlanEntrySerializer(many=True)
    warnings = PathwayFindingSerializer(many=True)
    workup = PathwayFindingSerializer(many=True)
    trace = PathwayTraceLineSerializer(many=True, help_text="Each decision, in order, and why.")


# --- the pathway's description ------------------------------------------------------------------


class PathwaySourceSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    seed_file = serializers.CharField()


class PathwayCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(choices=["recommendation", "warning", "workup"])
    title = serializers.CharField()
    severity = serializers.ChoiceField(
        choices=SEVERITIES, required=False, help_text="A warning's fixed severity, where given."
    )
    citations = PathwayCitationSerializer(many=True)


class PathwayDescriptionSerializer(serializers.Serializer):
    """A pathway version: its sources and every code it may answer."""

    version = serializers.CharField()
    title = serializers.CharField()
    current = serializers.BooleanField(help_text="This is the version new evaluations use.")
    versions = serializers.ListField(
        child=serializers.CharField(), help_text="Every version this installation serves."
    )
    sources = PathwaySourceSerializer(many=True)
    codes = PathwayCodeSerializer(many=True)


# --- recommendation snapshots -------------------------------------------------------------------


@extend_schema_field(CaseFactsDocument)
class FactsAsEvaluatedField(serializers.ReadOnlyField):
    """The facts as stored (the canonical pathway input)."""


@extend_schema_field(PathwayResultSerializer)
class ResultAsStoredField(serializers.ReadOnlyField):
    """The pathway's output as stored when the snapshot was made."""


class RecommendationSnapshotOutputSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who asked for the evaluation (null once the account is deleted).",
    )
    created_by_name = serializers.SerializerMethodField()
    stale = serializers.BooleanField(
        read_only=True,
        help_text=(
            "True when the case's facts changed after this evaluation, or the pathway version "
            "in use is newer: POST again for a current recommendation."
        ),
    )
    stale_reason = serializers.ChoiceField(
        choices=StaleReason.choices, read_only=True, allow_null=True
    )
    facts = FactsAsEvaluatedField(help_text="The case facts exactly as evaluated.")
    result = ResultAsStoredField()

    class Meta:
        model = RecommendationSnapshot
        fields = [
            "id",
            "case",
            "pathway_version",
            "primary_code",
            "resectability",
            "stale",
            "stale_reason",
            "created_by",
            "created_by_name",
            "created_at",
            "facts",
            "result",
        ]
        read_only_fields = fields

    def get_created_by_name(self, snapshot: RecommendationSnapshot) -> str | None:
        user: Any = snapshot.created_by
        if user is None:
            return None
        return str(user.get_full_name() or user.get_username())
