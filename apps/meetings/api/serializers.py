"""Serializers of the meeting endpoints."""

from rest_framework import serializers

from apps.core.api.fields import HospitalUserField
from apps.core.api.serializers import InputSerializer
from apps.patients.api.serializers import PatientOutputSerializer, ScopedCaseField

from ..choices import MeetingStatus
from ..models import AgendaItem, Meeting


class MeetingOutputSerializer(serializers.ModelSerializer):
    chair = serializers.SlugRelatedField(slug_field="username", read_only=True)

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


class AgendaItemOutputSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    patient = PatientOutputSerializer(source="case.patient", read_only=True)
    question = serializers.CharField(source="case.question", read_only=True)
    presenter = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "case", "patient", "question", "presenter"]
        read_only_fields = fields


class AgendaItemCreateInputSerializer(InputSerializer):
    case = ScopedCaseField()
    presenter = HospitalUserField(allow_null=True, required=False)
