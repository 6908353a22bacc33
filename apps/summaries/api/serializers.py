"""Serializers of the printable meeting summary's job: the status a client polls (the shape of
`selectors.summary_status`)."""

from __future__ import annotations

from rest_framework import serializers

from ..choices import SummaryStatus


class SummaryLetterOutputSerializer(serializers.Serializer):
    item = serializers.UUIDField(help_text="The agenda item the letter is about.")
    position = serializers.IntegerField(help_text="The case's place on the agenda.")
    patient = serializers.CharField(help_text="The patient's name.")
    checksum = serializers.CharField(help_text="SHA-256 of the letter's PDF.")
    download_url = serializers.CharField(help_text="The letter's PDF (authenticated).")


class SummaryStatusOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=SummaryStatus.choices)
    stuck = serializers.BooleanField(
        help_text="Pending or running, but nothing will finish it (its task was lost or its "
        "worker died): POST again to queue it again."
    )
    error = serializers.CharField(
        allow_blank=True, help_text="Why the last attempt failed (blank when it did not)."
    )
    version = serializers.IntegerField(
        help_text="1, 2, ... per meeting: each state of the meeting is a new version."
    )
    draft = serializers.BooleanField(help_text="Rendered before the meeting was signed off.")
    checksum = serializers.CharField(
        allow_null=True, help_text="SHA-256 of the PDF (also its ETag); null until ready."
    )
    size = serializers.IntegerField(allow_null=True, help_text="PDF size in bytes.")
    attempts = serializers.IntegerField(
        help_text="Render attempts since it was last queued (it fails after six)."
    )
    created_at = serializers.DateTimeField()
    requested_at = serializers.DateTimeField(
        help_text="When this version was last asked for: the current summary is the one asked "
        "for last."
    )
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.CharField(
        allow_null=True, help_text="The summary's PDF (authenticated); null until ready."
    )
    letters = SummaryLetterOutputSerializer(
        many=True, help_text="One outcome letter per agenda case; empty until ready."
    )
