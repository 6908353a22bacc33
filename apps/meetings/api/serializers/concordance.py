"""Serializers of the concordance endpoint: its query parameters, and the counts it answers.

Two parameters are called `from` and `to`, as a client would write them; `from` is a Python
keyword, so those fields are added in `get_fields` rather than declared on the class.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.core.api.fields import StrictBooleanField
from apps.core.api.serializers import InputSerializer

from ...choices import DepartureReason, MeetingStatus
from .meetings import ScopedMeetingField

FROM_HELP = "Meetings on or after this date (the meeting's local date), YYYY-MM-DD."
TO_HELP = "Meetings on or before this date (the meeting's local date), YYYY-MM-DD."
RATE_HELP = "Rounded to 3 places; null when there is nothing to divide by."


class ConcordanceInputSerializer(InputSerializer):
    """The query string: each parameter at most once, none unknown (a misspelt filter would
    otherwise widen the count silently)."""

    meeting = ScopedMeetingField(required=False, help_text="Only this meeting.")
    signed_only = StrictBooleanField(
        required=False, default=False, help_text="Only meetings the chair has signed off."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {
            "meeting": fields["meeting"],
            "from": serializers.DateField(required=False, help_text=FROM_HELP),
            "to": serializers.DateField(required=False, help_text=TO_HELP),
            "signed_only": fields["signed_only"],
        }

    def to_internal_value(self, data: Any) -> Any:
        # A query string may repeat a parameter; which value would win is no client's guess.
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

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if start is not None and end is not None and start > end:
            raise serializers.ValidationError({"from": [f"Must not be after to ({end})."]})
        return attrs


class ConcordanceFiltersSerializer(serializers.Serializer):
    """The filters as applied, so that a saved answer says what it counted."""

    meeting = serializers.UUIDField(allow_null=True)
    signed_only = serializers.BooleanField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        return {
            "meeting": fields["meeting"],
            "from": serializers.DateField(allow_null=True, help_text=FROM_HELP),
            "to": serializers.DateField(allow_null=True, help_text=TO_HELP),
            "signed_only": fields["signed_only"],
        }


DeparturesByReasonSerializer = type(
    "DeparturesByReasonSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "Departures (modified or disagreeing decisions) by coded reason, 0 included.",
        **{
            reason.value: serializers.IntegerField(help_text=reason.label)
            for reason in DepartureReason
        },
    },
)


class ConcordanceVotesSerializer(serializers.Serializer):
    """The liver surgeons' revealed resectability votes (hidden votes are never counted)."""

    cases_with_votes = serializers.IntegerField(help_text="Agenda cases with revealed votes.")
    votes = serializers.IntegerField()
    cases_with_two_or_more = serializers.IntegerField(help_text="Cases with two or more votes.")
    surgeons_unanimous = serializers.IntegerField(
        help_text="Of the cases with two or more votes, those where every call was the same."
    )
    surgeon_agreement_rate = serializers.FloatField(
        allow_null=True, help_text=f"surgeons_unanimous / cases_with_two_or_more. {RATE_HELP}"
    )
    votes_matching_pathway = serializers.IntegerField(
        help_text=(
            "Votes whose call is the resectability of the recommendation the current decision "
            "was made against (without a decision: the case's newest recommendation)."
        )
    )
    pathway_agreement_rate = serializers.FloatField(
        allow_null=True, help_text=f"votes_matching_pathway / votes. {RATE_HELP}"
    )


class ConcordanceSummarySerializer(serializers.Serializer):
    """Counts over the current decision (newest version) of each agenda case, and its votes."""

    decisions = serializers.IntegerField(help_text="Agenda cases with a decision.")
    agree = serializers.IntegerField()
    modified = serializers.IntegerField()
    disagree = serializers.IntegerField()
    agreement_rate = serializers.FloatField(
        allow_null=True, help_text=f"agree / decisions. {RATE_HELP}"
    )
    listed_not_discussed = serializers.IntegerField(
        help_text="Listed by the chair as standard of care, undiscussed."
    )
    recorded_without_quorum = serializers.IntegerField(
        help_text="Recorded while the meeting was not quorate."
    )
    departures_by_reason = DeparturesByReasonSerializer()
    votes = ConcordanceVotesSerializer()


class ConcordanceMeetingSerializer(ConcordanceSummarySerializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    scheduled_for = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    signed_off_at = serializers.DateTimeField(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        # The meeting first, then its counts.
        fields = super().get_fields()
        first = ["id", "title", "scheduled_for", "status", "signed_off_at"]
        return {**{name: fields.pop(name) for name in first}, **fields}


class ConcordanceOutputSerializer(serializers.Serializer):
    filters = ConcordanceFiltersSerializer()
    totals = ConcordanceSummarySerializer()
    meetings = ConcordanceMeetingSerializer(many=True, help_text="By date.")
    sources = serializers.DictField(
        child=serializers.DictField(),
        help_text=(
            "Counts reported beside the decisions by other parts of the service, by name, for "
            "the same dates (a meeting filter does not narrow them), e.g. `ehr_feedback`."
        ),
    )


# --- the answer written directly -----------------------------------------------------------------
# Ten years are 2,500 meetings of thirty-odd counts each: the serializers above took a third of a
# second to walk them field by field, so they only describe the answer (for the schema, and for
# the test that holds the two to one output), and `concordance_answer` writes it.

_DATETIME = serializers.DateTimeField()


def _votes(votes: Any) -> dict[str, Any]:
    return {
        "cases_with_votes": votes.cases_with_votes,
        "votes": votes.votes,
        "cases_with_two_or_more": votes.cases_with_two_or_more,
        "surgeons_unanimous": votes.surgeons_unanimous,
        "surgeon_agreement_rate": votes.surgeon_agreement_rate,
        "votes_matching_pathway": votes.votes_matching_pathway,
        "pathway_agreement_rate": votes.pathway_agreement_rate,
    }


def _counts(summary: Any) -> dict[str, Any]:
    return {
        "decisions": summary.decisions,
        "agree": summary.agree,
        "modified": summary.modified,
        "disagree": summary.disagree,
        "agreement_rate": summary.agreement_rate,
        "listed_not_discussed": summary.listed_not_discussed,
        "recorded_without_quorum": summary.recorded_without_quorum,
        "departures_by_reason": dict(summary.departures_by_reason),
        "votes": _votes(summary.votes),
    }


def concordance_answer(
    filters: dict[str, Any],
    totals: Any,
    meetings: list[Any],
    sources: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What `ConcordanceOutputSerializer` writes, built directly."""
    return {
        "filters": {
            "meeting": None if filters["meeting"] is None else str(filters["meeting"]),
            "from": None if filters["from"] is None else filters["from"].isoformat(),
            "to": None if filters["to"] is None else filters["to"].isoformat(),
            "signed_only": filters["signed_only"],
        },
        "totals": _counts(totals),
        "meetings": [
            {
                "id": str(meeting.id),
                "title": meeting.title,
                "scheduled_for": _DATETIME.to_representation(meeting.scheduled_for),
                "status": meeting.status,
                "signed_off_at": None
                if meeting.signed_off_at is None
                else _DATETIME.to_representation(meeting.signed_off_at),
                **_counts(meeting),
            }
            for meeting in meetings
        ],
        "sources": sources or {},
    }
