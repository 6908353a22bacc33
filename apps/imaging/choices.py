"""Choices of the imaging records, spelt as in the pathway input where the pathway reads them."""

from django.db import models


class Modality(models.TextChoices):
    CT = "ct", "CT"
    CT_CHEST_ABDOMEN_PELVIS = "ct_chest_abdomen_pelvis", "CT chest-abdomen-pelvis"
    MRI = "mri", "MRI"
    PET_CT = "pet_ct", "PET-CT"
    ULTRASOUND = "ultrasound", "Ultrasound"
    CONTRAST_ULTRASOUND = "contrast_ultrasound", "Contrast-enhanced ultrasound"
    OTHER = "other", "Other"


# The studies that image the liver well enough to measure its metastases: the pathway's lesions
# come from the most recent of these that holds lesions (`apps.imaging.selectors.facts_lesions`).
# Plain ultrasound and "other" studies are recorded but never the source of the facts.
LIVER_MODALITIES = frozenset(
    {
        Modality.MRI,
        Modality.CT,
        Modality.CT_CHEST_ABDOMEN_PELVIS,
        Modality.PET_CT,
        Modality.CONTRAST_ULTRASOUND,
    }
)


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
