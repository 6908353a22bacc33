"""Serializers of the referral import API: the upload's input, and the import's status with its
preview (the shape of `selectors.referral_import_status`)."""

from __future__ import annotations

from rest_framework import serializers

from ..choices import ImportStatus


class ReferralImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="The CSV (UTF-8, with or without a byte-order mark), in the template's "
        "columns; one row per referral.",
    )


class ReferralImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number as a spreadsheet shows it (header 1).")
    mrn = serializers.CharField(allow_blank=True)
    patient = serializers.CharField(help_text="FAMILY, Given as written in the file.")
    referred_on = serializers.CharField(allow_blank=True)
    lesions = serializers.CharField(allow_blank=True, help_text="The lesions cell as written.")
    existing_patient = serializers.BooleanField(
        allow_null=True,
        help_text="The MRN is already registered in the hospital (the identity must match); "
        "null when the MRN is missing.",
    )
    errors = serializers.DictField(  # type: ignore[assignment]  # a field, not Serializer.errors
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages by CSV column; "" for the whole row. Empty when the row is good.',
    )


class ReferralImportOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    filename = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=ImportStatus.choices)
    status_display = serializers.CharField(help_text="The status in words.")
    in_flight = serializers.BooleanField(
        help_text="Being checked or saved by the task queue: poll again in a second or two."
    )
    total = serializers.IntegerField(help_text="Referrals (data rows) in the file.")
    processed = serializers.IntegerField(help_text="Rows done so far in the current stage.")
    percent = serializers.IntegerField(help_text="processed / total, in percent.")
    error_rows = serializers.IntegerField(help_text="Rows with at least one error.")
    rows = ReferralImportRowSerializer(
        many=True, help_text="The preview: every row, with its errors; empty until checked."
    )
    created_case_ids = serializers.ListField(
        child=serializers.UUIDField(), help_text="The cases saved (once saved)."
    )
    error = serializers.CharField(allow_blank=True, help_text="Why the task failed.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
