"""Base serializers for API input."""

from typing import Any

from rest_framework import serializers


def validated_input(
    serializer_class: Any, request: Any, *, data: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """The request's body (or `data`, e.g. a query string) through an input serializer: its
    validated values, or a ValidationError that the API answers as a 400 naming each field."""
    serializer = serializer_class(
        data=request.data if data is None else data, context={"request": request}, **kwargs
    )
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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
