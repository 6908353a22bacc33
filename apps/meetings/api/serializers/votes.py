"""Serializers of the liver surgeons' resectability votes. They render what
`selectors.votes.votes_view` decided the user may see, and nothing else."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.core.api.serializers import InputSerializer
from apps.recommendations.choices import Resectability

from ...models import ResectabilityVote


class VoteOutputSerializer(serializers.ModelSerializer):
    surgeon: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ResectabilityVote
        fields = ["id", "surgeon", "call", "note", "created_at", "updated_at"]
        read_only_fields = fields


class VoteAgreementSerializer(serializers.Serializer):
    surgeons_unanimous = serializers.BooleanField(
        allow_null=True, help_text="Every surgeon made the same call (null with fewer than 2)."
    )
    pairwise_agreement = serializers.FloatField(
        allow_null=True,
        help_text="Share of pairs of surgeons with the same call, 0 to 1 (null with fewer than 2).",
    )
    pathway_resectability = serializers.ChoiceField(
        choices=Resectability.choices,
        allow_null=True,
        help_text=(
            "The pathway's call: from the snapshot the current decision was made against, else "
            "the case's newest snapshot; null when the pathway has not been run."
        ),
    )
    matching_pathway = serializers.IntegerField(
        allow_null=True, help_text="Votes equal to the pathway's call."
    )
    pathway_agreement = serializers.FloatField(
        allow_null=True, help_text="matching_pathway / votes, 0 to 1."
    )


class VotesOutputSerializer(serializers.Serializer):
    revealed = serializers.BooleanField()
    revealed_at = serializers.DateTimeField(allow_null=True)
    votes_recorded = serializers.IntegerField()
    voters = serializers.ListField(
        child=serializers.CharField(), help_text="Usernames of the surgeons who have voted."
    )
    mine = VoteOutputSerializer(allow_null=True, help_text="Your own vote, if you voted.")
    votes = VoteOutputSerializer(many=True, help_text="Every vote; empty until revealed.")
    agreement = VoteAgreementSerializer(allow_null=True, help_text="Null until revealed.")


class VoteInputSerializer(InputSerializer):
    call = serializers.ChoiceField(choices=Resectability.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
