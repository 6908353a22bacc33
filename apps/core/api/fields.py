"""Serializer fields with the strictness clinical input needs."""

import math
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.roles import user_hospital


class FiniteFloatField(serializers.FloatField):
    """A number that is finite and not a boolean (true is not 1 mm)."""

    default_error_messages = {
        "invalid": "Must be a number.",
        "not_finite": "Must be a finite number.",
    }

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("not_finite")
        return value


class CompactNumberField(serializers.FloatField):
    """A number written as the facts write it: 25, not 25.0, when it is whole."""

    def to_representation(self, value: Any) -> float | int:
        number = float(value)
        return int(number) if number.is_integer() else number


class StrictIntegerField(serializers.IntegerField):
    """A whole number; booleans and fractions are refused."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, float) and not (math.isfinite(data) and data.is_integer()):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true/false (and the form values 'true'/'false'): 1 or 'yes' are refused."""

    TRUE_VALUES = {True, "true", "True"}
    FALSE_VALUES = {False, "false", "False"}

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, int | float) and not isinstance(data, bool):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class HospitalUserField(serializers.SlugRelatedField):
    """A colleague by username, looked up among the active members of the user's hospital."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="username", **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        # Refused before the lookup: PostgreSQL cannot compare text holding a NUL byte.
        if not isinstance(data, str) or "\x00" in data or len(data) > 150:
            self.fail("invalid")
        return super().to_internal_value(data)

    def get_queryset(self) -> Any:
        hospital = user_hospital(self.context["request"].user)
        return get_user_model().objects.filter(staff_profile__hospital=hospital, is_active=True)


def not_in_future(value: Any) -> Any:
    """A date validator: clinical events and births have happened already."""
    if value > timezone.localdate():
        raise serializers.ValidationError("Cannot be in the future.")
    return value
