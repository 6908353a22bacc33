"""Serializers of the treatment-given endpoint. The input checks types and sizes only; which
codes, dates and reasons go together is the service's."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.core.api.fields import StrictBooleanField
from apps.core.api.serializers import InputSerializer
from apps.core.words import words

from ...choices import TreatmentMatch, TreatmentVarianceReason
from ...models import TreatmentGiven
from ...selectors.treatment import days_to_treatment


class TreatmentOutputSerializer(serializers.ModelSerializer):
    """What was started after the signed decision, and how it stands to the decision."""

    decision_version = serializers.IntegerField(
        source="decision.version", read_only=True, help_text="The decision version compared."
    )
    treatment_title = serializers.SerializerMethodField(
        help_text="The treatment in words (the code's title, or the description of other)."
    )
    days_from_meeting = serializers.SerializerMethodField(
        help_text="Days from the meeting's day to the start; null when nothing started."
    )
    reason = serializers.ChoiceField(
        choices=TreatmentVarianceReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty when the treatment is the one decided on.",
    )
    recorded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    def get_treatment_title(self, treatment: TreatmentGiven) -> str:
        if not treatment.started:
            return "No treatment started"
        return treatment.treatment_other or words(treatment.treatment_code)

    def get_days_from_meeting(self, treatment: TreatmentGiven) -> int | None:
        return days_to_treatment(treatment)

    class Meta:
        model = TreatmentGiven
        fields = [
            "id",
            "decision_version",
            "started",
            "treatment_code",
            "treatment_other",
            "treatment_title",
            "started_on",
            "days_from_meeting",
            "matches",
            "reason",
            "reason_detail",
            "recorded_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TreatmentInputSerializer(InputSerializer):
    started = StrictBooleanField(
        required=False, help_text="False records that no treatment was started (default true)."
    )
    treatment_code = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text='A plan code of the signed decision, or "other". Left out when not started.',
    )
    treatment_other = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text='Required for "other".'
    )
    started_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="From the meeting's day to today. Left out when not started.",
    )
    matches = serializers.ChoiceField(
        choices=TreatmentMatch.choices,
        required=False,
        help_text="Whether it is the treatment decided on; no when nothing was started.",
    )
    reason = serializers.ChoiceField(
        choices=TreatmentVarianceReason.choices,
        required=False,
        allow_blank=True,
        help_text="Required unless matches is yes.",
    )
    reason_detail = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text='Required for "other".'
    )
