"""Serializers of the meeting endpoints."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import HospitalUserField
from apps.core.api.serializers import InputSerializer
from apps.core.words import words
from apps.patients.api.serializers import PatientOutputSerializer, ScopedCaseField
from apps.readiness.api.serializers import ReadinessMissingSerializer, ReadinessOutputSerializer

from ...choices import DepartureReason, MeetingStatus, PostponementReason
from ...models import AgendaItem, Decision, Meeting
from ...selectors import current_decision, meeting_list, meeting_quorum
from ...selectors.readiness import with_readiness


class QuorumSerializer(serializers.Serializer):
    quorate = serializers.BooleanField(
        help_text="A liver surgeon, a medical oncologist and a radiologist are present."
    )
    present = serializers.ListField(
        child=serializers.CharField(), help_text="The core specialties present."
    )
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="The core specialties missing."
    )


class MeetingOutputSerializer(serializers.ModelSerializer):
    # A link, or "" when there is none (a URL-formatted field would not allow the empty one).
    video_link = serializers.CharField(read_only=True, help_text="A URL, or empty.")
    chair = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    current_item = serializers.UUIDField(
        source="current_item_id",
        read_only=True,
        allow_null=True,
        help_text="The agenda item the room is discussing now (presentation mode), or null.",
    )
    signed_off_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    quorum = serializers.SerializerMethodField()

    @extend_schema_field(QuorumSerializer)
    def get_quorum(self, meeting: Meeting) -> dict:
        return meeting_quorum(meeting=meeting)._asdict()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "scheduled_for",
            "location",
            "video_link",
            "chair",
            "status",
            "quorum",
            "started_at",
            "current_item",
            "current_item_since",
            "signed_off_at",
            "signed_off_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MeetingUpdateInputSerializer(InputSerializer):
    title = serializers.CharField(max_length=200)
    scheduled_for = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, allow_blank=True, required=False)
    video_link = serializers.URLField(max_length=500, allow_blank=True, required=False)
    chair = HospitalUserField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=MeetingStatus.choices, required=False)


class MeetingCreateInputSerializer(MeetingUpdateInputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    status = None  # a new meeting is scheduled


class DecisionSummarySerializer(serializers.ModelSerializer):
    """The current version of an agenda case's decision, in brief (the decision endpoint has it
    whole)."""

    departure_reason = serializers.ChoiceField(
        choices=DepartureReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty when the board agreed.",
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "version",
            "intent",
            "agreement",
            "departure_reason",
            "listed_not_discussed",
            "quorate",
            "rediscuss_on",
            "rediscuss_reason",
            "signed_off_at",
        ]
        read_only_fields = fields


class AgendaItemOutputSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    patient = PatientOutputSerializer(source="case.patient", read_only=True)
    question = serializers.CharField(
        source="board_question", read_only=True, help_text="The question put to the board."
    )
    presenter = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    moved_to = serializers.UUIDField(
        source="moved_to_id",
        read_only=True,
        allow_null=True,
        help_text="The later meeting the case moved to, undiscussed here.",
    )
    postponement_reason = serializers.ChoiceField(
        choices=PostponementReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why the case was not discussed here; empty when it was not postponed.",
    )
    postponed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    carried_from = serializers.UUIDField(
        source="carried_from_id",
        read_only=True,
        allow_null=True,
        help_text="The earlier meeting's agenda item this case was carried from, undiscussed.",
    )
    decision = serializers.SerializerMethodField()
    readiness = serializers.SerializerMethodField(
        help_text="The case's readiness checklist on the meeting's date, now."
    )
    added_not_ready = serializers.BooleanField(
        read_only=True, help_text="The case was not ready when it was added to the agenda."
    )
    readiness_missing = serializers.SerializerMethodField(
        help_text="What was not current when the case was added (empty when it was ready)."
    )
    readiness_warning = serializers.SerializerMethodField(
        help_text="In words, what was missing when the case was added; null when it was ready."
    )

    @extend_schema_field(DecisionSummarySerializer(allow_null=True))
    def get_decision(self, item: AgendaItem) -> dict | None:
        decision = current_decision(item=item)
        return DecisionSummarySerializer(decision).data if decision else None

    @extend_schema_field(ReadinessOutputSerializer)
    def get_readiness(self, item: AgendaItem) -> dict:
        # Lists attach it in one batch (with_readiness); a single item is checked here.
        readiness = getattr(item, "readiness", None)
        if readiness is None:
            readiness = with_readiness([item], item.meeting)[0].readiness
        return ReadinessOutputSerializer(readiness).data

    @extend_schema_field(ReadinessMissingSerializer(many=True))
    def get_readiness_missing(self, item: AgendaItem) -> list:
        return ReadinessMissingSerializer(item.readiness_missing, many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_readiness_warning(self, item: AgendaItem) -> str | None:
        if not item.added_not_ready:
            return None
        missing = "; ".join(
            f"{words(entry['code'], 'ReadinessItem')}: {entry['detail']}"
            for entry in item.readiness_missing
        )
        return f"Added, but the case is not ready: {missing}."

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "position",
            "case",
            "patient",
            "question",
            "presenter",
            "moved_to",
            "postponement_reason",
            "postponement_detail",
            "postponed_at",
            "postponed_by",
            "carried_from",
            "votes_revealed_at",
            "discussion_started_at",
            "discussion_ended_at",
            "discussion_seconds",
            "letter_note",
            "decision",
            "readiness",
            "added_not_ready",
            "readiness_missing",
            "readiness_warning",
        ]
        read_only_fields = fields


class MeetingPresentInputSerializer(InputSerializer):
    item = serializers.UUIDField(
        allow_null=True, help_text="The agenda item to bring up; null ends the discussion."
    )


class AgendaItemCreateInputSerializer(InputSerializer):
    case = ScopedCaseField()
    presenter = HospitalUserField(allow_null=True, required=False)
    question = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=2000,
        help_text="The question to the board; left out or blank: the case's question.",
    )


class AgendaItemUpdateInputSerializer(InputSerializer):
    presenter = HospitalUserField(allow_null=True, required=False)
    question = serializers.CharField(allow_blank=True, required=False, max_length=2000)
    letter_note = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=3000,
        help_text="The coordinator's personal paragraph for the outcome letter; also after "
        "sign-off.",
    )


class ScopedMeetingField(serializers.PrimaryKeyRelatedField):
    """A meeting id among the meetings the user may see; unknown, another hospital's or
    malformed, it is bad input (400 on the field), since the address itself exists."""

    default_error_messages = {
        "does_not_exist": "No such meeting in your hospital.",
        "incorrect_type": "Must be a meeting id (a UUID).",
    }

    def __init__(self, **kwargs: Any) -> None:
        # The id's form is checked first: a malformed one never reaches the database.
        super().__init__(pk_field=serializers.UUIDField(), **kwargs)

    def get_queryset(self) -> Any:
        return meeting_list(user=self.context["request"].user).prefetch_related(None)
