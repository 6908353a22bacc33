"""The worklist's stored stages: where each case stands, kept beside the records it is computed
from so that a hospital's ten years of cases are staged without recomputing each one on every
request (apps/analytics/stages.py says how they are kept current).

These rows are derived, never entered: nobody edits them, they are recomputed from the audited
records (so they carry no history of their own), and dropping them all loses nothing.
"""

from __future__ import annotations

from django.db import models

from apps.core.models import Hospital
from apps.meetings.models import Decision
from apps.patients.models import MdtCase

from .choices import WorklistStage


class CaseStage(models.Model):
    """A case's stage on the worklist as computed from its records on `computed_on`, the date
    its days in stage count from, and the two things the coordinator acts on: its pending
    request for re-discussion (the decision that asked and the date asked for) and whether it
    waits for a meeting after a postponement. `referred_on` and `referring_clinician` are copied
    from the case so that a stage's oldest cases come in index order and the board's list of
    clinicians is read from an index."""

    case = models.OneToOneField(
        MdtCase, primary_key=True, on_delete=models.CASCADE, related_name="worklist_stage"
    )
    hospital = models.ForeignKey(Hospital, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=32, choices=WorklistStage.choices)
    stage_since = models.DateField(null=True)
    referred_on = models.DateField()
    referring_clinician = models.CharField(max_length=200, blank=True)
    rediscussion = models.ForeignKey(
        Decision, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rediscuss_on = models.DateField(null=True)
    waiting_for_meeting = models.BooleanField(default=False)
    computed_on = models.DateField()

    class Meta:
        indexes = [
            models.Index(
                fields=["hospital", "stage", "stage_since", "referred_on", "case"],
                name="case_stage_oldest",
            ),
            models.Index(
                fields=["hospital", "stage_since", "referred_on", "case"],
                name="case_stage_oldest_any",
            ),
            models.Index(fields=["hospital", "referring_clinician"], name="case_stage_clinician"),
            models.Index(
                fields=["hospital"],
                name="case_stage_waiting",
                condition=models.Q(waiting_for_meeting=True),
            ),
            models.Index(
                fields=["hospital", "rediscuss_on"],
                name="case_stage_rediscussion",
                condition=models.Q(rediscuss_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.stage}"


class CaseStageMark(models.Model):
    """A change to one of a case's records since its stage was last computed: written in the
    same transaction as the change, so a committed change always leaves its mark, and taken
    away by the refresh that read it."""

    id = models.BigAutoField(primary_key=True)
    # No constraint: a case deleted with its records leaves marks behind rather than failing
    # its deletion; the daily recomputation takes them away.
    case = models.ForeignKey(
        MdtCase, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.case_id} changed"


class HospitalStages(models.Model):
    """When a hospital's stages were last computed all together, and by which pathway: the
    stages that move with the date alone (readiness going stale, follow-up) and a new pathway
    version mean every case is computed again once a day (`computed_on` empty: at the next
    read, as after a change of the readiness policy)."""

    hospital = models.OneToOneField(
        Hospital, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    computed_on = models.DateField(null=True)
    pathway_version = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"{self.hospital_id}: {self.computed_on}"
