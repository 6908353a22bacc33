"""Patients and their MDT cases, with the clinical facts of each case.

A patient holds identity only. The clinical facts (performance status, primary tumour,
presentation, biomarkers, treatment so far, work-up) belong to a case, because a case records the
patient as the board saw them: when the patient comes back after chemotherapy, a new case records
the new state and the earlier discussion keeps what it was based on.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from apps.core.constraints import between, one_of
from apps.core.models import BaseModel, Hospital
from apps.pathways import facts as spec

from .choices import (
    BrafStatus,
    CaseStatus,
    MsiStatus,
    PrimarySite,
    RasStatus,
    Response,
    Sex,
    SurgicalFitness,
    Timing,
)


class Patient(BaseModel):
    """A person referred to the liver MDT. The medical record number (MRN) is unique within the
    hospital."""

    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("MRN", max_length=64)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    birth_date = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["hospital", "mrn"], name="patient_mrn_unique_per_hospital"
            ),
            one_of("sex", Sex.values, "patient_sex_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name} ({self.mrn})"

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


class MdtCase(BaseModel):
    """A referral of a patient to the MDT: the question put to the board, who referred, and
    where the case stands. Its clinical facts hang off it (one record per concern)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    question = models.TextField(max_length=2000)
    referring_clinician = models.CharField(max_length=200, blank=True)
    general_practitioner = models.CharField(
        "GP",
        max_length=300,
        blank=True,
        help_text="The patient's general practitioner (name and practice), copied on letters.",
    )
    status = models.CharField(
        max_length=24, choices=CaseStatus.choices, default=CaseStatus.AWAITING_DISCUSSION
    )
    referred_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    facts_updated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the clinical facts last changed."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "MDT case"
        ordering = ["-referred_on", "-created_at"]
        indexes = [
            # The case lists' order (newest referral first) and the waiting list's (oldest
            # first, by status): read in index order, not sorted from every case.
            models.Index(fields=["-referred_on", "-created_at"], name="case_referred_newest"),
            models.Index(
                fields=["status", "referred_on", "created_at"], name="case_status_referred"
            ),
        ]
        constraints = [one_of("status", CaseStatus.values, "case_status_valid")]

    def __str__(self) -> str:
        return f"Case {str(self.id)[:8]} for {self.patient}"

    @property
    def has_facts(self) -> bool:
        return self.facts_updated_at is not None


class CaseRecord(BaseModel):
    """A part of a case's clinical facts: one row per case, linked by a one-to-one `case`."""

    class Meta:
        abstract = True


class PerformanceStatus(CaseRecord):
    """The patient's condition for this discussion: ECOG performance status and fitness for
    surgery (null fitness means: derived from ECOG, fit up to 2), and when it was assessed."""

    case = models.OneToOneField(
        MdtCase, on_delete=models.CASCADE, related_name="performance_status"
    )
    ecog = models.PositiveSmallIntegerField("ECOG performance status")
    # NULL, not "": no judgement recorded, so the pathway derives fitness from ECOG.
    surgical_fitness = models.CharField(  # noqa: DJ001
        max_length=8, choices=SurgicalFitness.choices, null=True, blank=True
    )
    declines_surgery = models.BooleanField(default=False)
    assessed_on = models.DateField(
        "performance status assessed on",
        null=True,
        blank=True,
        help_text="When the performance status was last assessed (the readiness checklist).",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "performance statuses"
        constraints = [
            between("ecog", spec.ECOG_MIN, spec.ECOG_MAX, "performance_ecog_range"),
            one_of(
                "surgical_fitness",
                SurgicalFitness.values,
                "performance_fitness_valid",
                nullable=True,
            ),
            models.CheckConstraint(
                condition=~models.Q(ecog=4, surgical_fitness=SurgicalFitness.FIT),
                name="performance_ecog4_not_fit",
                violation_error_message="A patient with ECOG 4 cannot be fit for surgery.",
            ),
        ]


class PrimaryTumour(CaseRecord):
    """The colorectal primary: where it is, whether it is still in place and symptomatic, its
    nodal status, and whether its histology has been confirmed."""

    case = models.OneToOneField(MdtCase, on_delete=models.CASCADE, related_name="primary_tumour")
    site = models.CharField(max_length=16, choices=PrimarySite.choices)
    in_situ = models.BooleanField(help_text="The primary has not been resected.")
    has_obstruction = models.BooleanField(default=False)
    has_bleeding = models.BooleanField(default=False)
    has_perforation = models.BooleanField(default=False)
    node_positive = models.BooleanField(null=True, blank=True)
    histology_confirmed = models.BooleanField(
        "histology confirmed",
        default=False,
        help_text="Adenocarcinoma confirmed on a biopsy or resection specimen.",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            one_of("site", PrimarySite.values, "primary_site_valid"),
            models.CheckConstraint(
                condition=models.Q(in_situ=True)
                | models.Q(has_obstruction=False, has_bleeding=False, has_perforation=False),
                name="primary_symptoms_only_in_situ",
                violation_error_message="A resected primary has no symptoms.",
            ),
        ]

    SYMPTOM_FIELDS = {
        "obstruction": "has_obstruction",
        "bleeding": "has_bleeding",
        "perforation": "has_perforation",
    }

    @property
    def symptoms(self) -> list[str]:
        return [name for name, field in self.SYMPTOM_FIELDS.items() if getattr(self, field)]


class Presentation(CaseRecord):
    """How the liver metastases presented: with the primary (synchronous) or after it
    (metachronous, with the disease-free interval), and whether this is a recurrence after an
    earlier hepatectomy."""

    case = models.OneToOneField(MdtCase, on_delete=models.CASCADE, related_name="presentation")
    timing = models.CharField(max_length=16, choices=Timing.choices)
    disease_free_interval_months = models.FloatField(null=True, blank=True)
    prior_hepatectomy = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            one_of("timing", Timing.values, "presentation_timing_valid"),
            models.CheckConstraint(
                condition=models.Q(disease_free_interval_months__gte=0)
                | models.Q(disease_free_interval_months__isnull=True),
                name="presentation_dfi_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(timing=Timing.SYNCHRONOUS)
                | models.Q(disease_free_interval_months__isnull=True, prior_hepatectomy=False),
                name="presentation_synchronous_consistent",
                violation_error_message=(
                    "Synchronous metastases have no disease-free interval and no prior hepatectomy."
                ),
            ),
        ]


class Biomarkers(CaseRecord):
    """Tumour biology: RAS (KRAS and NRAS), BRAF V600E, microsatellite status, and the CEA level
    with the date it was measured."""

    case = models.OneToOneField(MdtCase, on_delete=models.CASCADE, related_name="biomarkers")
    ras = models.CharField(
        "RAS", max_length=10, choices=RasStatus.choices, default=RasStatus.UNKNOWN
    )
    braf_v600e = models.CharField(
        "BRAF V600E", max_length=10, choices=BrafStatus.choices, default=BrafStatus.UNKNOWN
    )
    msi = models.CharField(
        "MSI", max_length=10, choices=MsiStatus.choices, default=MsiStatus.UNKNOWN
    )
    cea_ng_ml = models.FloatField("CEA (ng/mL)", null=True, blank=True)
    cea_measured_on = models.DateField("CEA measured on", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "biomarkers"
        constraints = [
            one_of("ras", RasStatus.values, "biomarkers_ras_valid"),
            one_of("braf_v600e", BrafStatus.values, "biomarkers_braf_valid"),
            one_of("msi", MsiStatus.values, "biomarkers_msi_valid"),
            models.CheckConstraint(
                condition=models.Q(cea_ng_ml__gte=0) | models.Q(cea_ng_ml__isnull=True),
                name="biomarkers_cea_not_negative",
            ),
        ]


class TreatmentHistory(CaseRecord):
    """Systemic treatment so far: earlier lines, cycles of the current course (2-weekly
    equivalents), the latest RECIST response, whether the disease is chemo-refractory, whether
    bevacizumab is part of the current course, whether oxaliplatin was given as adjuvant
    treatment of the primary (not a line), and whether an immune checkpoint inhibitor has been
    given."""

    case = models.OneToOneField(MdtCase, on_delete=models.CASCADE, related_name="treatment_history")
    prior_systemic_lines = models.PositiveSmallIntegerField(default=0)
    preoperative_cycles = models.PositiveSmallIntegerField(default=0)
    # NULL, not "": the response has not been assessed.
    latest_response = models.CharField(  # noqa: DJ001
        max_length=12, choices=Response.choices, null=True, blank=True
    )
    chemo_refractory = models.BooleanField(default=False)
    bevacizumab_in_course = models.BooleanField("bevacizumab in the current course", default=False)
    adjuvant_oxaliplatin = models.BooleanField(
        "adjuvant oxaliplatin given",
        default=False,
        help_text="Oxaliplatin as adjuvant treatment of the primary; not a prior systemic line.",
    )
    prior_immunotherapy = models.BooleanField(
        "immune checkpoint inhibitor given",
        default=False,
        help_text="Anti-PD-1, anti-PD-L1 or anti-CTLA-4, in an earlier line or this course.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "treatment histories"
        constraints = [
            between(
                "prior_systemic_lines",
                spec.PRIOR_LINES_MIN,
                spec.PRIOR_LINES_MAX,
                "treatment_lines_range",
            ),
            between(
                "preoperative_cycles", spec.CYCLES_MIN, spec.CYCLES_MAX, "treatment_cycles_range"
            ),
            one_of("latest_response", Response.values, "treatment_response_valid", nullable=True),
            models.CheckConstraint(
                condition=~models.Q(preoperative_cycles=0) | models.Q(latest_response__isnull=True),
                name="treatment_response_needs_cycles",
                violation_error_message="A response needs a cycle of the current course.",
            ),
            models.CheckConstraint(
                condition=models.Q(chemo_refractory=False)
                | models.Q(prior_systemic_lines__gt=0)
                | models.Q(preoperative_cycles__gt=0),
                name="treatment_refractory_needs_treatment",
                violation_error_message="Chemo-refractory disease needs some chemotherapy given.",
            ),
            models.CheckConstraint(
                condition=models.Q(prior_immunotherapy=False)
                | models.Q(prior_systemic_lines__gt=0)
                | models.Q(preoperative_cycles__gt=0),
                name="treatment_immunotherapy_needs_treatment",
                violation_error_message="Immunotherapy needs a prior line or a current course.",
            ),
        ]


class WorkupStatus(CaseRecord):
    """Which staging investigations have been done for this case."""

    case = models.OneToOneField(MdtCase, on_delete=models.CASCADE, related_name="workup_status")
    mri_hepatospecific_done = models.BooleanField(
        "liver MRI with hepatospecific contrast and DWI done", default=False
    )
    pet_ct_done = models.BooleanField("PET-CT done", default=False)
    colonoscopy_within_6_months = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "work-up statuses"
