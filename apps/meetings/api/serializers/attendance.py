"""Serializers of a meeting's attendance."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.core.api.fields import HospitalUserField
from apps.core.api.serializers import InputSerializer
from apps.core.choices import Specialty

from ...models import Attendance
from .meetings import QuorumSerializer


class AttendeeOutputSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The colleague's username; null for a guest without an account.",
    )
    name = serializers.SerializerMethodField(help_text="The name to show.")

    def get_name(self, attendance: Attendance) -> str:
        user: Any = attendance.user
        if user is None:
            return attendance.name
        return str(user.get_full_name() or user.get_username())

    class Meta:
        model = Attendance
        fields = ["id", "user", "name", "specialty", "created_at"]
        read_only_fields = fields


class AttendanceListOutputSerializer(serializers.Serializer):
    quorum = QuorumSerializer()
    attendees = AttendeeOutputSerializer(many=True)


class AttendanceAddedOutputSerializer(serializers.Serializer):
    attendee = AttendeeOutputSerializer()
    quorum = QuorumSerializer(help_text="The quorum with the new attendee.")


class AttendanceAddInputSerializer(InputSerializer):
    user = HospitalUserField(
        required=False, help_text="A colleague's username (or send name for a guest)."
    )
    name = serializers.CharField(
        required=False, max_length=200, help_text="A guest without an account."
    )
    specialty = serializers.ChoiceField(
        choices=Specialty.choices,
        required=False,
        help_text="The specialty they sit in for; a colleague's defaults to their profile's.",
    )
