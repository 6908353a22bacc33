"""The terminology of the FHIR exchange: profiles, code systems and the codes of each fact.

Where a standard code says exactly what the board records, it is used (SNOMED CT for sites and
conditions, LOINC for ECOG, CEA, the genetic tests and MSI, HGNC for genes, UCUM for units).
Where none does (the liver surgeon's reading of the liver, the treatment so far counted as the
pathway counts it, the work-up), the fact travels as an Observation coded with the local
`FACTS_SYSTEM`, whose codes are the pathway input's own field paths (`liver.flr_percent`), and
coded values use `VALUES_SYSTEM` with the pathway's own values (`chemotherapy_injury`). A
receiver that knows neither still reads every such Observation's text; this system reads them
back without loss, which is what makes the round trip exact.

Local systems are URNs under `urn:tumorboard:` (the same root as the MRN system of each hospital):
the board owns no web domain to publish canonical URLs under, and a URN claims none.
"""

from __future__ import annotations

from typing import Any

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PROFILE_PATIENT = MCODE + "mcode-cancer-patient"
PROFILE_PRIMARY = MCODE + "mcode-primary-cancer-condition"
PROFILE_SECONDARY = MCODE + "mcode-secondary-cancer-condition"
PROFILE_TUMOR = MCODE + "mcode-tumor"
PROFILE_TUMOR_SIZE = MCODE + "mcode-tumor-size"
PROFILE_TUMOR_MARKER = MCODE + "mcode-tumor-marker-test"
PROFILE_GENOMIC_VARIANT = MCODE + "mcode-genomic-variant"
PROFILE_ECOG = MCODE + "mcode-ecog-performance-status"
PROFILE_DISEASE_STATUS = MCODE + "mcode-cancer-disease-status"
EXTENSION_RELATED_CONDITION = MCODE + "mcode-related-condition"
# The core extension mCODE's SecondaryCancerCondition slices as relatedPrimaryCancerCondition.
EXTENSION_CONDITION_RELATED = "http://hl7.org/fhir/StructureDefinition/condition-related"

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
HGNC = "http://www.genenames.org"
HGVS = "http://varnomen.hgvs.org"
UCUM = "http://unitsofmeasure.org"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
URI_IDENTIFIER = "urn:ietf:rfc:3986"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"

FACTS_SYSTEM = "urn:tumorboard:codesystem:crlm-facts"
VALUES_SYSTEM = "urn:tumorboard:codesystem:crlm-values"
COUINAUD_SYSTEM = "urn:tumorboard:codesystem:couinaud-segment"
LESION_SITE_SYSTEM = "urn:tumorboard:codesystem:lesion-location"
PLAN_SYSTEM = "urn:tumorboard:codesystem:crlm-plan"


def mrn_system(hospital_code: str) -> str:
    """Each hospital's MRNs are its own namespace: the same number elsewhere is someone else."""
    return f"urn:tumorboard:hospital:{hospital_code}:mrn"


def lesion_identifier(lesion_id: Any) -> str:
    return f"urn:tumorboard:lesion:{lesion_id}"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found = {"system": system, "code": str(code)}
    if display:
        found["display"] = display
    return found


def concept(*codings: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"coding": list(codings)}
    if text:
        found["text"] = text
    return found


# --- conditions and sites --------------------------------------------------------------------

# Primary site -> (condition code, body site code, body site display).
PRIMARY_SITES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "right_colon": (
        ("363406005", "Malignant tumor of colon"),
        ("51342009", "Right colon structure"),
    ),
    "left_colon": (("363406005", "Malignant tumor of colon"), ("55572008", "Left colon structure")),
    "rectum": (("363351006", "Malignant tumor of rectum"), ("34402009", "Rectum structure")),
}
LIVER_METASTASES = ("94381002", "Secondary malignant neoplasm of liver")
LIVER_STRUCTURE = ("10200004", "Liver structure")
SECONDARY_DISEASE = ("128462008", "Secondary malignant neoplastic disease")
# Extrahepatic site -> SNOMED body structure. The nodal groups the pathway tells apart have no
# SNOMED concept of their own at this grain: they go as lymph node structure, told apart by the
# local coding beside it (which is what import reads).
EXTRAHEPATIC_BODY_SITES: dict[str, tuple[str, str] | None] = {
    "lung": ("39607008", "Lung structure"),
    "portocaval_nodes": ("59441001", "Structure of lymph node"),
    "coeliac_or_paraaortic_nodes": ("59441001", "Structure of lymph node"),
    "peritoneum": ("15425007", "Peritoneum structure"),
    "ovary": ("15497006", "Ovarian structure"),
    "adrenal": ("23451007", "Adrenal gland structure"),
    "bone": ("272673000", "Bone structure"),
    "brain": ("12738006", "Brain structure"),
    "other": None,
}
LESION_FLAGS = ("near_major_vessel", "peribiliary", "subcapsular_or_dome")

# --- observations with standard codes ----------------------------------------------------------

ECOG = ("89247-1", "ECOG Performance Status score")
# The LOINC answers of ECOG 0 to 5 (LL529-9), mCODE's interpretation binding.
ECOG_ANSWERS = ("LA9622-7", "LA9623-5", "LA9624-3", "LA9625-0", "LA9626-8", "LA9627-6")
CEA = ("2039-6", "Carcinoembryonic Ag [Mass/volume] in Serum or Plasma")
TUMOR_SIZE = ("21889-1", "Size Tumor")
LONGEST_DIMENSION = ("33728-7", "Size.maximum dimension in Tumor")
GENETIC_VARIANT = ("69548-6", "Genetic variant assessment")
GENE_STUDIED = ("48018-6", "Gene studied [ID]")
PROTEIN_CHANGE = ("48005-3", "Amino acid change (pHGVS)")
PRESENT = ("LA9633-4", "Present")
ABSENT = ("LA9634-2", "Absent")
KRAS = ("HGNC:6407", "KRAS")
NRAS = ("HGNC:7989", "NRAS")
BRAF = ("HGNC:1097", "BRAF")
BRAF_V600E = ("NP_004324.2:p.Val600Glu", "BRAF V600E")
MSI = ("81695-9", "Microsatellite instability [Interpretation] in Cancer specimen Qualitative")
# msi_high covers MSI-high and dMMR (the pathway treats them alike); mss covers MSS and pMMR.
MSI_ANSWERS = {"msi_high": ("LA26203-2", "MSI-H"), "mss": ("LA14122-8", "Stable")}
DISEASE_STATUS = ("97509-4", "Cancer disease progression")
# RECIST response -> mCODE's condition status trend (SNOMED), the local coding kept beside it.
RESPONSE_TREND = {
    "complete": ("550991000124107", "Malignant neoplasm in full remission"),
    "partial": ("268910001", "Patient's condition improved"),
    "stable": ("359746009", "Patient's condition stable"),
    "progressive": ("271299001", "Patient's condition worsened"),
}
TUMOR_BOARD_REVIEW = ("C93304", "Tumor Board Review")
REFERRAL = ("3457005", "Patient referral")

# --- the facts that travel as local Observations ---------------------------------------------
# fact path -> (kind, display). Kinds: boolean, integer, quantity:<UCUM unit>, code. `focus` says
# which resource the Observation is about (primary, liver, site, lesion), or none.

LOCAL_FACTS: dict[str, tuple[str, str, str | None]] = {
    "patient.surgical_fitness": ("code", "Fitness for liver surgery", None),
    "patient.declines_surgery": ("boolean", "The patient declines surgery", None),
    "primary.in_situ": ("boolean", "The primary has not been resected", "primary"),
    "primary.symptoms": ("code", "Symptom of the primary", "primary"),
    "primary.node_positive": ("boolean", "Lymph nodes of the primary involved", "primary"),
    "presentation.timing": ("code", "Timing of the liver metastases", "liver"),
    "presentation.disease_free_interval_months": (
        "quantity:mo",
        "Disease-free interval before the liver metastases",
        "liver",
    ),
    "presentation.prior_hepatectomy": ("boolean", "Recurrence after a hepatectomy", "liver"),
    "liver.hepatic_veins_involved": ("integer", "Main hepatic veins involved", "liver"),
    "liver.both_portal_pedicles_involved": ("boolean", "Both portal pedicles involved", "liver"),
    "liver.flr_percent": ("quantity:%", "Planned future liver remnant", "liver"),
    "liver.parenchyma": ("code", "Liver parenchyma", "liver"),
    "liver.r0_feasible": ("boolean", "R0 resection feasible", "liver"),
    "liver.planned_resection": ("code", "Planned extent of hepatectomy", "liver"),
    "liver.lesions.disappeared": ("boolean", "Lesion disappeared after chemotherapy", "lesion"),
    "extrahepatic.sites.resectable": ("boolean", "Every metastasis at the site resectable", "site"),
    "treatment.prior_systemic_lines": ("integer", "Prior systemic treatment lines", None),
    "treatment.preoperative_cycles": ("integer", "Cycles of the current course", None),
    "treatment.chemo_refractory": ("boolean", "Chemo-refractory disease", None),
    "treatment.bevacizumab_in_course": ("boolean", "Bevacizumab in the current course", None),
    "treatment.adjuvant_oxaliplatin": ("boolean", "Adjuvant oxaliplatin given", None),
    "treatment.prior_immunotherapy": ("boolean", "Immune checkpoint inhibitor given", None),
    "workup.mri_hepatospecific_done": ("boolean", "Liver MRI (hepatospecific, DWI) done", None),
    "workup.pet_ct_done": ("boolean", "PET-CT done", None),
    "workup.colonoscopy_within_6_months": ("boolean", "Colonoscopy within 6 months", None),
}
# Facts that are a property of one lesion or one site, not of the case.
PER_ITEM_FACTS = {"liver.lesions.disappeared", "extrahepatic.sites.resectable"}
