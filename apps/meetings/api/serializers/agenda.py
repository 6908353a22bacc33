"""Serializers of postponing a case and moving it to a later meeting, of the sign-off's
carry-over, and of a case's history across meetings."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import InputSerializer

from ...choices import MeetingStatus, PostponementReason
from ...models import AgendaItem, Meeting
from ...selectors import current_decision
from .meetings import DecisionSummarySerializer, MeetingOutputSerializer, ScopedMeetingField

REASON_HELP = "Why the case is not discussed: a coded reason; other needs reason_detail."


class AgendaReorderInputSerializer(InputSerializer):
    items = serializers.ListField(
        child=serializers.UUIDField(),
        allow_empty=False,
        max_length=200,
        help_text="Every agenda item's id, once each, in the new order.",
    )


class AgendaItemMoveInputSerializer(InputSerializer):
    meeting = ScopedMeetingField(help_text="The later meeting the case moves to.")
    reason = serializers.ChoiceField(
        choices=PostponementReason.choices, required=False, help_text=REASON_HELP
    )
    reason_detail = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class PostponeInputSerializer(InputSerializer):
    reason = serializers.ChoiceField(choices=PostponementReason.choices, help_text=REASON_HELP)
    reason_detail = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=2000,
        help_text="The reason in words; required when reason is other.",
    )
    meeting = ScopedMeetingField(
        required=False,
        allow_null=True,
        help_text="A later meeting to move the case to now; left out: the chair's sign-off "
        "carries it to the next meeting.",
    )


class CarriedMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "title", "scheduled_for"]
        read_only_fields = fields


class PostponementOutputSerializer(serializers.ModelSerializer):
    """An agenda case postponed at its meeting: why, by whom, when, and where it went."""

    agenda_item = serializers.UUIDField(source="id", read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    postponement_reason = serializers.ChoiceField(
        choices=PostponementReason.choices, allow_blank=True, read_only=True
    )
    postponed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    moved_to = CarriedMeetingSerializer(
        read_only=True,
        allow_null=True,
        help_text="The later meeting the case went to; null: not yet (waiting for a meeting "
        "once this one is signed off).",
    )
    waiting_for_meeting = serializers.SerializerMethodField(
        help_text="Postponed at a signed-off meeting with no later meeting to carry it to."
    )

    def get_waiting_for_meeting(self, item: AgendaItem) -> bool:
        return item.moved_to_id is None and item.meeting.status == MeetingStatus.CLOSED

    class Meta:
        model = AgendaItem
        fields = [
            "agenda_item",
            "case",
            "position",
            "postponement_reason",
            "postponement_detail",
            "postponed_at",
            "postponed_by",
            "moved_to",
            "waiting_for_meeting",
        ]
        read_only_fields = fields


class SignOffInputSerializer(InputSerializer):
    carry_to = ScopedMeetingField(
        required=False,
        allow_null=True,
        help_text="The later meeting to carry the undiscussed cases to; left out: the next "
        "meeting of the hospital after this one.",
    )


class SignOffOutputSerializer(MeetingOutputSerializer):
    """The signed-off meeting, with what became of its undiscussed cases."""

    carry_over = PostponementOutputSerializer(
        many=True,
        read_only=True,
        help_text="The cases that left this meeting undiscussed: carried to a later meeting, "
        "or waiting for one (no later meeting was scheduled).",
    )

    class Meta(MeetingOutputSerializer.Meta):
        fields = [*MeetingOutputSerializer.Meta.fields, "carry_over"]
        read_only_fields = fields


class CaseMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "title", "scheduled_for", "status", "signed_off_at"]
        read_only_fields = fields


class CaseMeetingOutputSerializer(serializers.ModelSerializer):
    """One meeting the case was on, and what became of it there."""

    meeting = CaseMeetingSerializer(read_only=True)
    agenda_item = serializers.UUIDField(source="id", read_only=True)
    question = serializers.CharField(
        source="board_question", read_only=True, help_text="The question put to the board."
    )
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
        help_text="Why the case waited instead of being discussed here; empty if it did not.",
    )
    postponed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    carried_from = serializers.SerializerMethodField(
        help_text="The earlier meeting the case was carried from, undiscussed there."
    )
    waiting_for_meeting = serializers.SerializerMethodField(
        help_text="Postponed here, and no later meeting has taken the case yet."
    )
    votes_recorded = serializers.IntegerField(read_only=True)
    decision = serializers.SerializerMethodField()
    decision_versions = serializers.SerializerMethodField()

    @extend_schema_field(DecisionSummarySerializer(allow_null=True))
    def get_decision(self, item: AgendaItem) -> dict | None:
        decision = current_decision(item=item)
        return DecisionSummarySerializer(decision).data if decision else None

    def get_decision_versions(self, item: AgendaItem) -> int:
        return len(item.decisions.all())

    @extend_schema_field(CarriedMeetingSerializer(allow_null=True))
    def get_carried_from(self, item: AgendaItem) -> dict | None:
        origin = item.carried_from
        return CarriedMeetingSerializer(origin.meeting).data if origin else None

    def get_waiting_for_meeting(self, item: AgendaItem) -> bool:
        return (
            bool(item.postponement_reason)
            and item.moved_to_id is None
            and item.meeting.status == MeetingStatus.CLOSED
        )

    class Meta:
        model = AgendaItem
        fields = [
            "meeting",
            "agenda_item",
            "position",
            "question",
            "moved_to",
            "postponement_reason",
            "postponement_detail",
            "postponed_at",
            "postponed_by",
            "carried_from",
            "waiting_for_meeting",
            "votes_revealed_at",
            "votes_recorded",
            "decision",
            "decision_versions",
        ]
        read_only_fields = fields
