"""Serializers of moving a case to a later meeting and of a case's history across meetings."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.serializers import InputSerializer

from ...models import AgendaItem, Meeting
from ...selectors import current_decision
from .meetings import DecisionSummarySerializer, ScopedMeetingField


class AgendaReorderInputSerializer(InputSerializer):
    items = serializers.ListField(
        child=serializers.UUIDField(),
        allow_empty=False,
        max_length=200,
        help_text="Every agenda item's id, once each, in the new order.",
    )


class AgendaItemMoveInputSerializer(InputSerializer):
    meeting = ScopedMeetingField(help_text="The later meeting the case moves to.")


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
    votes_recorded = serializers.IntegerField(read_only=True)
    decision = serializers.SerializerMethodField()
    decision_versions = serializers.SerializerMethodField()

    @extend_schema_field(DecisionSummarySerializer(allow_null=True))
    def get_decision(self, item: AgendaItem) -> dict | None:
        decision = current_decision(item=item)
        return DecisionSummarySerializer(decision).data if decision else None

    def get_decision_versions(self, item: AgendaItem) -> int:
        return len(item.decisions.all())

    class Meta:
        model = AgendaItem
        fields = [
            "meeting",
            "agenda_item",
            "position",
            "question",
            "moved_to",
            "votes_revealed_at",
            "votes_recorded",
            "decision",
            "decision_versions",
        ]
        read_only_fields = fields
