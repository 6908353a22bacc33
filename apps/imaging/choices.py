"""Choices of the imaging records, spelt as in the pathway input where the pathway reads them."""

from django.db import models


class Modality(models.TextChoices):
    CT = "ct", "CT"
    MRI = "mri", "MRI"
    PET_CT = "pet_ct", "PET-CT"
    ULTRASOUND = "ultrasound", "Ultrasound"
    CONTRAST_ULTRASOUND = "contrast_ultrasound", "Contrast-enhanced ultrasound"
    OTHER = "other", "Other"


class Parenchyma(models.TextChoices):
    NORMAL = "normal", "Normal"
    CHEMOTHERAPY_INJURY = "chemotherapy_injury", "Chemotherapy-associated injury"
    CIRRHOSIS = "cirrhosis", "Cirrhosis"


class PlannedResection(models.TextChoices):
    """The liver surgeon's planned extent of the hepatectomy (the pathway's
    `liver.planned_resection`); not yet planned is null."""

    MINOR = "minor", "Minor hepatectomy (fewer than 3 contiguous segments)"
    MAJOR = "major", "Major hepatectomy (3 or more contiguous segments)"


class ExtrahepaticSiteName(models.TextChoices):
    LUNG = "lung", "Lung"
    PORTOCAVAL_NODES = "portocaval_nodes", "Hepatic hilar or porto-caval nodes"
    COELIAC_OR_PARAAORTIC_NODES = (
        "coeliac_or_paraaortic_nodes",
        "Coeliac, para-aortic or aorto-caval nodes",
    )
    PERITONEUM = "peritoneum", "Peritoneum"
    OVARY = "ovary", "Ovary"
    ADRENAL = "adrenal", "Adrenal"
    BONE = "bone", "Bone"
    BRAIN = "brain", "Brain"
    OTHER = "other", "Other"
