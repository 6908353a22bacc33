"""Imaging findings of a case: the studies, the liver lesions seen on them, the liver surgeon's
assessment of the liver, and disease outside the liver."""

from django.db import models
from simple_history.models import HistoricalRecords

from apps.core.constraints import between, one_of
from apps.core.models import BaseModel
from apps.pathways import facts as spec
from apps.patients.models import MdtCase

from .choices import ExtrahepaticSiteName, Modality, Parenchyma, PlannedResection


class ImagingStudy(BaseModel):
    """An imaging study reviewed for the case: modality and date, and for liver MRI whether a
    hepatospecific contrast agent and diffusion-weighted imaging (DWI) were used."""

    case = models.ForeignKey(MdtCase, on_delete=models.CASCADE, related_name="imaging_studies")
    modality = models.CharField(max_length=24, choices=Modality.choices)
    performed_on = models.DateField()
    hepatospecific_contrast = models.BooleanField(default=False)
    diffusion_weighted = models.BooleanField("DWI", default=False)
    report_summary = models.TextField(max_length=4000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "imaging studies"
        ordering = ["-performed_on", "-created_at"]
        constraints = [
            one_of("modality", Modality.values, "study_modality_valid"),
            models.CheckConstraint(
                condition=models.Q(modality=Modality.MRI)
                | models.Q(hepatospecific_contrast=False, diffusion_weighted=False),
                name="study_mri_only_sequences",
                violation_error_message="Hepatospecific contrast and DWI are MRI techniques.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_modality_display()} {self.performed_on:%Y-%m-%d}"


class LiverLesion(BaseModel):
    """A liver metastasis: Couinaud segment (1-8), size in mm (before chemotherapy when it has
    since disappeared), and the features that shape surgery and ablation. `position` keeps the
    order in which lesions were entered, which the ablation plan follows."""

    case = models.ForeignKey(MdtCase, on_delete=models.CASCADE, related_name="liver_lesions")
    study = models.ForeignKey(
        ImagingStudy, on_delete=models.SET_NULL, null=True, blank=True, related_name="lesions"
    )
    position = models.PositiveSmallIntegerField()
    segment = models.PositiveSmallIntegerField("Couinaud segment")
    size_mm = models.FloatField("size (mm)")
    near_major_vessel = models.BooleanField(default=False)
    peribiliary = models.BooleanField(default=False)
    subcapsular_or_dome = models.BooleanField(default=False)
    disappeared = models.BooleanField(
        default=False, help_text="Complete radiological response after chemotherapy."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="lesion_position_unique"),
            between("segment", spec.SEGMENT_MIN, spec.SEGMENT_MAX, "lesion_segment_range"),
            between(
                "size_mm", 0, spec.LESION_SIZE_MAX_MM, "lesion_size_range", low_inclusive=False
            ),
        ]

    def __str__(self) -> str:
        return f"Segment {self.segment}, {self.size_mm:g} mm"


class LiverAssessment(BaseModel):
    """The liver surgeon's and radiologist's reading of the liver as a whole: vascular
    involvement, the planned future liver remnant (FLR), the parenchyma, and whether all disease
    can be removed with clear margins (R0; null until judged), and the extent of the
    hepatectomy the liver surgeon plans (null until planned)."""

    case = models.OneToOneField(MdtCase, on_delete=models.CASCADE, related_name="liver_assessment")
    hepatic_veins_involved = models.PositiveSmallIntegerField(default=0)
    both_portal_pedicles_involved = models.BooleanField(default=False)
    future_liver_remnant_percent = models.FloatField("FLR (%)", null=True, blank=True)
    parenchyma = models.CharField(
        max_length=24, choices=Parenchyma.choices, default=Parenchyma.NORMAL
    )
    r0_feasible = models.BooleanField("R0 resection feasible", null=True, blank=True)
    # NULL, not "": the liver surgeon has not planned the extent yet.
    planned_resection = models.CharField(  # noqa: DJ001
        "planned resection",
        max_length=8,
        choices=PlannedResection.choices,
        null=True,
        blank=True,
        help_text="The liver surgeon's planned extent of the hepatectomy; empty until planned.",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            between("hepatic_veins_involved", 0, spec.HEPATIC_VEINS_MAX, "liver_veins_range"),
            between("future_liver_remnant_percent", spec.FLR_MIN, spec.FLR_MAX, "liver_flr_range"),
            one_of("parenchyma", Parenchyma.values, "liver_parenchyma_valid"),
            one_of(
                "planned_resection",
                PlannedResection.values,
                "liver_planned_resection_valid",
                nullable=True,
            ),
        ]


class ExtrahepaticSite(BaseModel):
    """A site of disease outside the liver; resectable only when every metastasis there can be
    removed."""

    case = models.ForeignKey(MdtCase, on_delete=models.CASCADE, related_name="extrahepatic_sites")
    site = models.CharField(max_length=32, choices=ExtrahepaticSiteName.choices)
    resectable = models.BooleanField()
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "site"], name="extrahepatic_site_once_per_case"
            ),
            one_of("site", ExtrahepaticSiteName.values, "extrahepatic_site_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_site_display()} ({'resectable' if self.resectable else 'unresectable'})"
