"""Input of the CDS endpoints, as the CDS Hooks 2.0 request and feedback field tables define
them. Fields the specification allows but the service does not use (fhirServer,
fhirAuthorization, extension) are accepted and ignored, as the specification asks of a service.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..choices import FeedbackOutcome

HOOK = "patient-view"


class PatientViewContextSerializer(serializers.Serializer):
    userId = serializers.CharField(required=False, max_length=255)
    patientId = serializers.CharField(max_length=255)
    encounterId = serializers.CharField(required=False, max_length=255)


class PrefetchSerializer(serializers.DictField):
    """Each prefetched item is a FHIR resource (an object) or null (the client could not fetch
    it); which resources the pathway needs is prefetch.py's business."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        bad = {
            key: ["Expected a FHIR resource (a JSON object) or null."]
            for key, item in value.items()
            if item is not None and not isinstance(item, dict)
        }
        if bad:
            raise serializers.ValidationError(bad)
        return value


class HookRequestSerializer(serializers.Serializer):
    hook = serializers.ChoiceField(choices=[HOOK])
    hookInstance = serializers.UUIDField()
    fhirServer = serializers.URLField(required=False)
    fhirAuthorization = serializers.DictField(required=False)
    # A field, not the serializer's `context` property: DRF's metaclass keeps them apart.
    context = PatientViewContextSerializer()  # type: ignore[assignment]
    prefetch = PrefetchSerializer(
        error_messages={"required": "Required: this service reads only the prefetched resources."}
    )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"": ["Expected a JSON object."]})
        return super().to_internal_value(data)


class CodingSerializer(serializers.Serializer):
    system = serializers.CharField(required=False, max_length=255)
    code = serializers.CharField(max_length=100)
    display = serializers.CharField(required=False, max_length=255, allow_blank=True)


class OverrideReasonSerializer(serializers.Serializer):
    reason = CodingSerializer(required=False)
    userComment = serializers.CharField(required=False, max_length=4000, allow_blank=True)


class AcceptedSuggestionSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=255)


class FeedbackEntrySerializer(serializers.Serializer):
    card = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=FeedbackOutcome.choices)
    overrideReason = OverrideReasonSerializer(required=False)
    acceptedSuggestions = AcceptedSuggestionSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=50
    )
    outcomeTimestamp = serializers.DateTimeField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("overrideReason") and attrs["outcome"] != FeedbackOutcome.OVERRIDDEN:
            raise serializers.ValidationError(
                {"overrideReason": ["Only an overridden card has an override reason."]}
            )
        return attrs


class FeedbackRequestSerializer(serializers.Serializer):
    feedback = FeedbackEntrySerializer(  # type: ignore[call-arg]
        many=True, allow_empty=False, max_length=100
    )

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"": ["Expected a JSON object."]})
        return super().to_internal_value(data)
