"""Serializers of the decision, standard-of-care, action, follow-up endpoints. Input serializers
check types and sizes only; the rules (codes of the snapshot, departures explained, the
meeting's state) are the services'."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import HospitalUserField, StrictBooleanField, StrictIntegerField
from apps.core.api.serializers import InputSerializer
from apps.recommendations.choices import StaleReason
from apps.recommendations.models import RecommendationSnapshot

from ...choices import Agreement, DepartureReason, Intent
from ...models import Decision, DecisionAction
from ...selectors.decisions import (
    FLAG_LISTED_NOT_DISCUSSED,
    FLAG_RECOMMENDATION_STALE,
    FLAG_WITHOUT_QUORUM,
    decision_flags,
)

FLAGS = [FLAG_WITHOUT_QUORUM, FLAG_LISTED_NOT_DISCUSSED, FLAG_RECOMMENDATION_STALE]


class StrictUUIDField(serializers.UUIDField):
    """A UUID written as a string: DRF's field would also take a number (true as UUID 1)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


# --- decisions ----------------------------------------------------------------------------------


class DecisionRecommendationSerializer(serializers.ModelSerializer):
    """The recommendation snapshot a decision was made against, in brief, with whether it is
    stale now (the case's facts or the pathway changed since)."""

    stale = serializers.BooleanField(read_only=True)
    stale_reason = serializers.ChoiceField(
        choices=StaleReason.choices, read_only=True, allow_null=True
    )

    class Meta:
        model = RecommendationSnapshot
        fields = [
            "id",
            "pathway_version",
            "primary_code",
            "resectability",
            "created_at",
            "stale",
            "stale_reason",
        ]
        read_only_fields = fields


class DecisionOutputSerializer(serializers.ModelSerializer):
    """One version of the board's decision on a case, whole."""

    recommendation = DecisionRecommendationSerializer(read_only=True)
    plan_codes = serializers.ListField(child=serializers.CharField(), read_only=True)
    departure_reason = serializers.ChoiceField(
        choices=DepartureReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty when the board agreed.",
    )
    flags = serializers.SerializerMethodField(
        help_text=(
            "recorded_without_quorum: the core specialties were not all present; "
            "listed_not_discussed: listed as standard of care without discussion; "
            "recommendation_stale: the snapshot no longer reflects the case or the pathway."
        )
    )
    recorded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=FLAGS)))
    def get_flags(self, decision: Decision) -> list[str]:
        return decision_flags(decision)

    class Meta:
        model = Decision
        fields = [
            "id",
            "version",
            "recommendation",
            "plan_codes",
            "plan_text",
            "intent",
            "agreement",
            "departure_reason",
            "departure_detail",
            "listed_not_discussed",
            "quorate",
            "flags",
            "rediscuss_on",
            "rediscuss_reason",
            "amendment_reason",
            "recorded_by",
            "revision",
            "signed_off_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DecisionVersionsOutputSerializer(serializers.Serializer):
    current = DecisionOutputSerializer(help_text="The version in force.")
    versions = DecisionOutputSerializer(many=True, help_text="Every version, oldest first.")


class DecisionInputSerializer(InputSerializer):
    recommendation = StrictUUIDField(
        required=False,
        allow_null=True,
        help_text="A recommendation snapshot of the case; left out: the case's newest.",
    )
    plan_codes = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=20,
        help_text="Codes of the snapshot's recommendations the board adopts.",
    )
    plan_text = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    intent = serializers.ChoiceField(choices=Intent.choices)
    agreement = serializers.ChoiceField(choices=Agreement.choices)
    departure_reason = serializers.ChoiceField(
        choices=DepartureReason.choices,
        allow_blank=True,
        required=False,
        help_text="Required unless agreement is agree (then left out).",
    )
    departure_detail = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=2000,
        help_text="Required unless agreement is agree (then left out).",
    )
    rediscuss_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The board asks for the case back on or after this day (or rediscuss_in_weeks).",
    )
    rediscuss_in_weeks = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=104,
        help_text="Or: back this many weeks after the meeting's day (not with rediscuss_on).",
    )
    rediscuss_reason = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=200,
        help_text='Why, in short ("restage after 4 cycles"); required with a date or weeks.',
    )
    revision = StrictIntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The revision you edited (instead of the If-Match header).",
    )


class DecisionAmendInputSerializer(DecisionInputSerializer):
    amendment_reason = serializers.CharField(
        allow_blank=True, max_length=2000, help_text="Why the signed decision is amended."
    )


class StandardOfCareInputSerializer(InputSerializer):
    intent = serializers.ChoiceField(choices=Intent.choices)


# --- actions ------------------------------------------------------------------------------------


class ActionOutputSerializer(serializers.ModelSerializer):
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    done = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True, help_text="Not done and due before today.")

    def get_done(self, action: DecisionAction) -> bool:
        return action.done_at is not None

    class Meta:
        model = DecisionAction
        fields = [
            "id",
            "description",
            "owner",
            "due_on",
            "done",
            "done_at",
            "overdue",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActionCreateInputSerializer(InputSerializer):
    description = serializers.CharField(max_length=500)
    owner = HospitalUserField(help_text="Username of the colleague who does it.")
    due_on = serializers.DateField()


class ActionUpdateInputSerializer(InputSerializer):
    description = serializers.CharField(max_length=500, required=False)
    owner = HospitalUserField(required=False)
    due_on = serializers.DateField(required=False)
    done = StrictBooleanField(required=False, help_text="True: done now; false: not done.")


# --- follow-up ----------------------------------------------------------------------------------


class FollowUpOutputSerializer(serializers.Serializer):
    patient_informer = serializers.CharField(
        source="patient_informer.username",
        allow_null=True,
        default=None,
        help_text="Username of who tells the patient.",
    )
    inform_patient_by = serializers.DateField(allow_null=True)
    patient_informed_at = serializers.DateTimeField(allow_null=True)
    referrer_informed_at = serializers.DateTimeField(allow_null=True)
    patient_overdue = serializers.BooleanField(
        help_text="The patient is not told yet and inform_patient_by has passed."
    )


class FollowUpInputSerializer(InputSerializer):
    patient_informer = HospitalUserField(
        allow_null=True, required=False, help_text="Who tells the patient the decision."
    )
    inform_patient_by = serializers.DateField(allow_null=True, required=False)
    patient_informed_at = serializers.DateTimeField(
        allow_null=True, required=False, help_text="When the patient was told; not in the future."
    )
    referrer_informed_at = serializers.DateTimeField(
        allow_null=True,
        required=False,
        help_text="When the referring clinician was told; not in the future.",
    )
