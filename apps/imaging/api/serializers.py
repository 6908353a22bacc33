"""Serializers of the imaging endpoints."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import (
    CompactNumberField,
    FiniteFloatField,
    StrictBooleanField,
    StrictIntegerField,
    not_in_future,
)
from apps.core.api.serializers import InputSerializer
from apps.pathways.facts import LESION_SIZE_MAX_MM, SEGMENT_MAX, SEGMENT_MIN
from apps.patients.api.serializers import ScopedCaseField

from ..choices import Modality
from ..models import ImagingStudy, LiverLesion
from ..selectors import study_list


@extend_schema_field(OpenApiTypes.UUID)
class ScopedStudyField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return study_list(user=self.context["request"].user)


class ImagingStudyOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImagingStudy
        fields = [
            "id",
            "case",
            "modality",
            "performed_on",
            "hepatospecific_contrast",
            "diffusion_weighted",
            "report_summary",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ImagingStudyUpdateInputSerializer(InputSerializer):
    modality = serializers.ChoiceField(choices=Modality.choices)
    performed_on = serializers.DateField(validators=[not_in_future])
    hepatospecific_contrast = StrictBooleanField(required=False)
    diffusion_weighted = StrictBooleanField(required=False)
    report_summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class ImagingStudyCreateInputSerializer(ImagingStudyUpdateInputSerializer):
    case = ScopedCaseField()


class LiverLesionOutputSerializer(serializers.ModelSerializer):
    size_mm = CompactNumberField(read_only=True)

    class Meta:
        model = LiverLesion
        fields = [
            "id",
            "case",
            "study",
            "position",
            "segment",
            "size_mm",
            "near_major_vessel",
            "peribiliary",
            "subcapsular_or_dome",
            "disappeared",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _positive_size(value: float) -> float:
    if value <= 0:
        raise serializers.ValidationError("Must be greater than 0 mm.")
    return value


class LiverLesionUpdateInputSerializer(InputSerializer):
    study = ScopedStudyField(required=False, allow_null=True)
    segment = StrictIntegerField(
        min_value=SEGMENT_MIN, max_value=SEGMENT_MAX, help_text="Couinaud segment."
    )
    size_mm = FiniteFloatField(max_value=LESION_SIZE_MAX_MM, validators=[_positive_size])
    near_major_vessel = StrictBooleanField(required=False)
    peribiliary = StrictBooleanField(required=False)
    subcapsular_or_dome = StrictBooleanField(required=False)
    disappeared = StrictBooleanField(required=False)


class LiverLesionCreateInputSerializer(LiverLesionUpdateInputSerializer):
    case = ScopedCaseField()
