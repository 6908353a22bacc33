"""Serializers of the workspace's own API answers: a re-evaluation of the open cases and what
it changed per case."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.readiness.api.serializers import ReadinessOutputSerializer
from apps.recommendations.choices import ReevaluationOutcome, ReevaluationStatus


class ReevaluationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    pathway_version = serializers.CharField(help_text="The version the cases are evaluated with.")
    status = serializers.ChoiceField(choices=ReevaluationStatus.choices)
    total = serializers.IntegerField(help_text="Open cases with facts.")
    done = serializers.IntegerField(help_text="Cases re-evaluated so far (the progress).")
    requested_by = serializers.CharField(source="requested_by.username")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


class ReevaluationCaseOutputSerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case_id")
    mrn = serializers.CharField(source="case.patient.mrn")
    patient = serializers.SerializerMethodField()
    next_meeting_at = serializers.DateTimeField(
        allow_null=True, help_text="The next meeting the case is on, if any (listed first)."
    )
    outcome = serializers.ChoiceField(choices=ReevaluationOutcome.choices)
    version_before = serializers.CharField(source="changes.version_before", allow_null=True)
    primary_before = serializers.CharField(source="changes.primary_before", allow_null=True)
    primary_after = serializers.CharField(source="changes.primary_after", allow_null=True)
    added = serializers.ListField(
        source="changes.added", child=serializers.CharField(), help_text="Codes now recommended."
    )
    removed = serializers.ListField(
        source="changes.removed",
        child=serializers.CharField(),
        help_text="Codes no longer recommended.",
    )
    new_cautions = serializers.ListField(
        source="changes.new_cautions",
        child=serializers.CharField(),
        help_text="Warnings of severity caution the case did not have.",
    )
    errors = serializers.DictField(
        source="changes.errors",
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For a case the pathway refuses: each field path with why.",
    )
    before = serializers.UUIDField(source="before_id", allow_null=True)
    after = serializers.UUIDField(source="after_id", allow_null=True)

    def get_patient(self, record: Any) -> str:
        patient = record.case.patient
        return f"{patient.family_name.upper()}, {patient.given_name}"

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # A refused case has no change lists, a changed one no errors: both read as empty.
        changes = instance.changes or {}
        for key in ("added", "removed", "new_cautions"):
            changes.setdefault(key, [])
        changes.setdefault("errors", {})
        for key in ("version_before", "primary_before", "primary_after"):
            changes.setdefault(key, None)
        instance.changes = changes
        return super().to_representation(instance)


class TaskOutputSerializer(serializers.Serializer):
    """One task of the user's inbox (apps.workspace.inbox)."""

    kind = serializers.ChoiceField(
        choices=[
            ("action", "Action"),
            ("tell_patient", "Tell the patient"),
            ("record_treatment", "Record the treatment given"),
            ("rediscuss", "Due for re-discussion"),
            ("panel_review", "Liver panel review"),
            ("panel_conclusion", "Liver panel conclusion"),
            ("panel_rereview", "Due for panel re-review"),
        ],
        help_text="action: an action you own; tell_patient: a patient you are to tell the "
        "decision; record_treatment: a signed decision without its treatment given; "
        "rediscuss: a case a decision asked back, due within the week (coordinators); "
        "panel_review: a case you were drawn to review for a liver expert panel; "
        "panel_conclusion: a panel case you chair whose reviews are all in; panel_rereview: a "
        "case due back to the panel within the week (coordinators).",
    )
    kind_label = serializers.CharField(help_text="The kind in words.")
    id = serializers.UUIDField(help_text="The action's id, or the agenda item's.")
    title = serializers.CharField()
    patient = serializers.CharField(
        help_text="Family name, given name and MRN; a panel case's pseudonym for its reviewers."
    )
    case_id = serializers.UUIDField(
        allow_null=True, help_text="Null for a panel case of another hospital's records."
    )
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    url = serializers.CharField(help_text="The page where the task's record is.")


class CaseReadinessQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="The reference date.")


class CaseReadinessOutputSerializer(serializers.Serializer):
    meeting = serializers.UUIDField(
        allow_null=True,
        help_text="The open meeting whose date was the reference; null for `on` or today.",
    )
    readiness = ReadinessOutputSerializer()
