"""Serializers of the analytics and worklist endpoints: their query strings and answers.

The date range's parameters are `from` and `to`, as a client writes them; `from` is a Python
keyword, so both fields are added in `get_fields`."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.core.api.serializers import InputSerializer

from ..choices import WorklistStage
from ..periods import MAX_YEARS, Period, range_errors

FROM_HELP = (
    "First day counted (YYYY-MM-DD, local date); default: the first day of the month eleven "
    "months ago."
)
TO_HELP = f"Last day counted (YYYY-MM-DD, local date); default: today. At most {MAX_YEARS} years."


class _QueryString(InputSerializer):
    """Each parameter at most once, none unknown (a misspelt filter would widen the answer)."""

    def to_internal_value(self, data: Any) -> Any:
        repeated: dict[str, list[str]] = {}
        if hasattr(data, "lists"):
            repeated = {
                key: ["Give this parameter once."]
                for key, values in data.lists()
                if len(values) > 1
            }
            data = {key: data[key] for key in data}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"": error.detail}
            raise serializers.ValidationError({**detail, **repeated}) from error
        if repeated:
            raise serializers.ValidationError(repeated)
        return value


class PeriodInputSerializer(_QueryString):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.DateField(required=False, help_text=FROM_HELP),
            "to": serializers.DateField(required=False, help_text=TO_HELP),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        default = Period.default()
        start, end = attrs.get("from", default.start), attrs.get("to", default.end)
        errors = range_errors(start, end)
        if errors:
            raise serializers.ValidationError(errors)
        return {"period": Period(start=start, end=end)}


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class MetricOutputSerializer(serializers.Serializer):
    metric = serializers.CharField(help_text="The metric's slug.")
    title = serializers.CharField()
    description = serializers.CharField()
    chart = serializers.ChoiceField(
        choices=["bars", "figures"],
        help_text="bars: a bar per row; figures: plain numbers (median, percentiles, shares).",
    )
    empty = serializers.BooleanField(help_text="True when there was nothing to count.")
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.JSONField()),
        help_text=(
            "One object per row, keyed by the columns' keys. Shares are percentages to one "
            "decimal; null where there is nothing to divide by or no value."
        ),
    )
    units = serializers.ListField(
        child=serializers.ChoiceField(choices=["days", "seconds", "percent", "count"]),
        help_text="For figures: the unit of each row's value, in order (empty for bars).",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class WorklistInputSerializer(_QueryString):
    stage = serializers.ChoiceField(choices=WorklistStage.choices, required=False)
    referring_clinician = serializers.CharField(
        required=False, max_length=200, help_text="Exactly this referring clinician."
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text="The start of an MRN or family name."
    )
    flag = serializers.ChoiceField(
        choices=[
            ("rediscussion_due", "Due for re-discussion"),
            ("waiting_for_meeting", "Waiting for a meeting"),
        ],
        required=False,
        help_text="Only the cases due for re-discussion today or earlier, or only the cases "
        "postponed that no meeting has taken yet.",
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class WorklistPatientSerializer(serializers.Serializer):
    mrn = serializers.CharField()
    family_name = serializers.CharField()
    given_name = serializers.CharField()


class WorklistCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    patient = WorklistPatientSerializer()
    referring_clinician = serializers.CharField()
    referred_on = serializers.DateField()
    stage = serializers.ChoiceField(choices=WorklistStage.choices)
    stage_since = serializers.DateField(allow_null=True)
    days_in_stage = serializers.IntegerField(allow_null=True)
    rediscussion_due = serializers.BooleanField(
        help_text="A signed decision asked for the case back on or before today, and no later "
        "meeting has it yet."
    )
    waiting_for_meeting = serializers.BooleanField(
        help_text="Postponed at a signed-off meeting, and no later meeting has taken it yet."
    )


class WorklistOutputSerializer(serializers.Serializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Cases in each stage (with the referring clinician and search filters).",
    )
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = WorklistCaseSerializer(many=True)
