"""Base serializers for API input."""

from typing import Any

from rest_framework import serializers


class InputSerializer(serializers.Serializer):
    """Input that refuses unknown fields: a misspelt key must not be silently ignored (the
    value the user meant would be lost)."""

    default_error_messages = {"not_a_dict": "Expected a JSON object."}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = set(data) - set(self.fields)
        errors: dict[str, list[str]] = {key: ["Unknown field."] for key in sorted(unknown)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = (
                error.detail
                if isinstance(error.detail, dict)
                else {"non_field_errors": error.detail}
            )
            raise serializers.ValidationError({**errors, **detail}) from error
        if errors:
            raise serializers.ValidationError(errors)
        return value
