"""The readiness checklist as the API gives it (the case resource and the agenda's items)."""

from rest_framework import serializers

from ..choices import ItemState, ReadinessItem


class ReadinessItemOutputSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ReadinessItem.choices)
    title = serializers.CharField(help_text="The item in words.")
    state = serializers.ChoiceField(choices=ItemState.choices)
    detail = serializers.CharField(help_text="What was found, in words (its date and age).")
    result_on = serializers.DateField(allow_null=True, help_text="The date of the result.")
    age_days = serializers.IntegerField(
        allow_null=True, help_text="The result's age in days on the reference date."
    )
    limit_weeks = serializers.IntegerField(
        allow_null=True, help_text="The hospital's freshness limit."
    )


class ReadinessOutputSerializer(serializers.Serializer):
    on = serializers.DateField(
        help_text="The reference date: the meeting's date, or today for a case on no agenda."
    )
    ready = serializers.BooleanField(help_text="Every item the hospital requires is current.")
    items = ReadinessItemOutputSerializer(many=True)
    outstanding = serializers.CharField(
        source="outstanding_words", help_text="The items not current, in words; empty when ready."
    )


class ReadinessMissingSerializer(serializers.Serializer):
    """An item not current when a case was added to an agenda, as recorded then."""

    code = serializers.ChoiceField(choices=ReadinessItem.choices)
    state = serializers.ChoiceField(choices=ItemState.choices)
    detail = serializers.CharField()
