"""Every code of pathway `crlm-2026.1` with its title and its citations (SPEC section 8).

A code cites exactly the `{source, section}` pairs of the SPEC's catalogue, in its order; the
rules look their citations up here, so evidence is written once per code.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.pathways.result import Citation

VERSION = "crlm-2026.1"
TITLE = "Colorectal cancer liver metastases"

T = "crlm-therapies-review"
S = "synchronous-crlm-review-2024"
C = "liver-metastasis-concepts-review"
R = "crlm-surgical-strategy-review"
H = "hai-fudr-xelox-study"

S_RESECTION = (S, "2) Hepatic Resection")
S_CHEMO = (S, "3) Perioperatif Systemic Chemotherapy for CRLMs")  # sic, as in the text
S_IMAGING = (S, "1) Imaging")
S_SIRT = (S, "Selective Internal Radiation Therapy")
S_RFA = (S, "Radiofrequency Ablation")
R_INDICATIONS = (R, "INDICATIONS OF RESECTION")
R_PROCEDURES = (R, "LIVER RESECTION PROCEDURES")
R_SIMULTANEOUS = (R, "SIMULTANEOUS COLO-RECTAL AND LIVER RESECTION FOR SYNCHRONOUS METASTASES")
R_UNRESECTABLE = (R, "TREATMENT OF UNRESECTABLE LIVER METASTASES")
R_PROGNOSTIC = (R, "PROGNOSTIC FACTORS AFTER LIVER RESECTION")
R_PREOP_EVALUATION = (R, "PREOPERATIVE EVALUATION")
H_SELECTION = (H, "Patient selection")
H_DISCUSSION = (H, "Discussion")
H_RESULTS = (H, "Results")
H_INTRODUCTION = (H, "Introduction")
T_CONCLUSION = (T, "CONCLUSION")
T_PRETREATMENT = (T, "PRETREATMENT ASSESSMENT")
C_RESECTION = (C, "Surgical Resection")

RECOMMENDATION = "recommendation"
WARNING = "warning"
WORKUP = "workup"


@dataclass(frozen=True, slots=True)
class CodeEntry:
    code: str
    kind: str  # recommendation, warning or workup
    title: str
    citations: tuple[Citation, ...]


def _entry(code: str, kind: str, title: str, *pairs: tuple[str, str]) -> CodeEntry:
    return CodeEntry(
        code, kind, title, tuple(Citation(source, section) for source, section in pairs)
    )


_ENTRIES = (
    # --- recommendations ---
    _entry("HEPATECTOMY", RECOMMENDATION, "Liver resection", S_RESECTION, R_INDICATIONS),
    _entry(
        "REPEAT_HEPATECTOMY",
        RECOMMENDATION,
        "Repeat liver resection",
        (R, "RECURRENCE AND REPEAT RESECTION"),
    ),
    _entry(
        "ADJUVANT_CHEMOTHERAPY",
        RECOMMENDATION,
        "Adjuvant chemotherapy after resection",
        S_CHEMO,
        (R, "ADJUVANT SYSTEMIC CHEMOTHERAPY"),
    ),
    _entry(
        "PERIOPERATIVE_CHEMOTHERAPY",
        RECOMMENDATION,
        "Perioperative chemotherapy (fluoropyrimidine and oxaliplatin, no biologic)",
        S_CHEMO,
    ),
    _entry(
        "REASSESS_RESECTABILITY",
        RECOMMENDATION,
        "Re-assess resectability on restaging",
        S_CHEMO,
        H_SELECTION,
    ),
    _entry(
        "RESECT_EXTRAHEPATIC_DISEASE",
        RECOMMENDATION,
        "Resect the extrahepatic disease",
        (R, "EXTRALIVER DISEASE"),
        R_INDICATIONS,
    ),
    _entry(
        "CRS_HIPEC",
        RECOMMENDATION,
        "Cytoreductive surgery with HIPEC for the peritoneal disease",
        (
            R,
            "MANAGEMENT FOR COLORECTAL LIVER METASTASIS WITH SYNCHRONOUS PERITONEAL CARCINOMATOSIS",
        ),
    ),
    _entry(
        "PRIMARY_FIRST",
        RECOMMENDATION,
        "Treat the symptomatic primary first",
        S_RESECTION,
        H_SELECTION,
    ),
    _entry(
        "LIVER_FIRST",
        RECOMMENDATION,
        "Liver-first approach (rectal primary)",
        S_RESECTION,
        H_DISCUSSION,
    ),
    _entry(
        "SIMULTANEOUS_RESECTION",
        RECOMMENDATION,
        "Simultaneous resection of the primary and the liver metastases",
        R_SIMULTANEOUS,
        H_DISCUSSION,
    ),
    _entry(
        "STAGED_RESECTION",
        RECOMMENDATION,
        "Staged resection of the primary and the liver metastases",
        S_RESECTION,
        R_SIMULTANEOUS,
        H_DISCUSSION,
    ),
    _entry(
        "PRIMARY_WITH_FIRST_STAGE",
        RECOMMENDATION,
        "Remove the primary at the first-stage liver clearance",
        S_RESECTION,
        R_PROCEDURES,
    ),
    _entry(
        "TWO_STAGE_HEPATECTOMY",
        RECOMMENDATION,
        "Two-stage hepatectomy",
        S_RESECTION,
        (C, "Two-Stage Hepatectomy"),
        R_PROCEDURES,
    ),
    _entry(
        "PORTAL_VEIN_EMBOLIZATION",
        RECOMMENDATION,
        "Portal vein embolization to grow the future liver remnant",
        R_PROCEDURES,
        (T, "PORTAL VEIN EMBOLIZATION"),
    ),
    _entry(
        "REVOLUMETRY_AFTER_PVE",
        RECOMMENDATION,
        "Repeat volumetry 2 to 4 weeks after portal vein embolization",
        R_PROCEDURES,
    ),
    _entry(
        "CONVERSION_CHEMOTHERAPY",
        RECOMMENDATION,
        "Conversion chemotherapy",
        R_UNRESECTABLE,
        S_CHEMO,
        H_INTRODUCTION,
    ),
    _entry(
        "HAI_FUDR_WITH_SYSTEMIC",
        RECOMMENDATION,
        "Hepatic arterial infusion of floxuridine with systemic chemotherapy",
        H_RESULTS,
        (C, "Hepatic arterial infusion"),
    ),
    _entry(
        "LOCAL_ABLATIVE_THERAPY",
        RECOMMENDATION,
        "Local ablative therapy",
        (S, "4) Local Therapies for Unresectable CRLMs"),
        (R, "ABLATIVE TREATMENT"),
        (T, "RADIOFREQUENCY ABLATION (RFA)"),
    ),
    _entry("RFA", RECOMMENDATION, "Radiofrequency ablation", S_RFA),
    _entry("MWA", RECOMMENDATION, "Microwave ablation", (S, "Microwave Ablation")),
    _entry(
        "SBRT",
        RECOMMENDATION,
        "Stereotactic body radiotherapy",
        (S, "Stereotactic Body Radiotherapy"),
    ),
    _entry("SIRT", RECOMMENDATION, "Selective internal radiation therapy", S_SIRT, T_CONCLUSION),
    _entry(
        "TACE",
        RECOMMENDATION,
        "Transarterial chemoembolization",
        (S, "Transarterial Chemoembolization"),
        (T, "HEPATIC ARTERY CHEMOEMBOLIZATION"),
    ),
    _entry("SYSTEMIC_THERAPY", RECOMMENDATION, "Systemic therapy", S_CHEMO, T_CONCLUSION),
    _entry(
        "CHANGE_SYSTEMIC_LINE",
        RECOMMENDATION,
        "Change to another line of systemic therapy",
        R_PROGNOSTIC,
        H_RESULTS,
    ),
    _entry(
        "PRIMARY_PALLIATION",
        RECOMMENDATION,
        "Palliate the symptomatic primary",
        S_RESECTION,
        H_RESULTS,
    ),
    _entry(
        "BEST_SUPPORTIVE_CARE",
        RECOMMENDATION,
        "Best supportive care",
        (C, "Conclusions"),
        S_SIRT,
    ),
    _entry(
        "IMMUNE_CHECKPOINT_INHIBITOR",
        RECOMMENDATION,
        "Immune checkpoint inhibitor (MSI-high or dMMR)",
        S_CHEMO,
    ),
    _entry(
        "FLUOROPYRIMIDINE_BEVACIZUMAB",
        RECOMMENDATION,
        "Capecitabine with or without bevacizumab",
        S_CHEMO,
    ),
    _entry("FOLFOXIRI_BEVACIZUMAB", RECOMMENDATION, "FOLFOXIRI with bevacizumab", S_CHEMO),
    _entry(
        "DOUBLET_ANTI_EGFR",
        RECOMMENDATION,
        "Doublet chemotherapy with an anti-EGFR antibody",
        S_CHEMO,
    ),
    _entry("DOUBLET_BEVACIZUMAB", RECOMMENDATION, "Doublet chemotherapy with bevacizumab", S_CHEMO),
    # --- warnings ---
    _entry("PROGRESSION_ON_CHEMOTHERAPY", WARNING, "Progression on chemotherapy", R_PROGNOSTIC),
    _entry(
        "R0_NOT_ASSESSED",
        WARNING,
        "Complete (R0) resection not yet assessed by a liver surgeon",
        S_RESECTION,
        R_INDICATIONS,
        H_SELECTION,
    ),
    _entry(
        "FLR_NOT_MEASURED",
        WARNING,
        "Future liver remnant not measured",
        S_RESECTION,
        R_INDICATIONS,
    ),
    _entry(
        "FLR_BORDERLINE",
        WARNING,
        "Borderline future liver remnant",
        S_RESECTION,
        R_UNRESECTABLE,
        C_RESECTION,
    ),
    _entry("FONG_INCOMPLETE", WARNING, "Fong score incomplete", S_RESECTION),
    _entry(
        "TWO_STAGE_DROPOUT_RISK", WARNING, "Risk of not reaching the second stage", R_PROCEDURES
    ),
    _entry(
        "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY",
        WARNING,
        "Avoid a major hepatectomy together with colon surgery",
        R_SIMULTANEOUS,
        S_RESECTION,
        H_DISCUSSION,
    ),
    _entry(
        "NO_UPFRONT_PRIMARY_RESECTION",
        WARNING,
        "No upfront resection of an asymptomatic primary",
        H_INTRODUCTION,
        H_DISCUSSION,
    ),
    _entry(
        "NO_REGIONAL_LIVER_THERAPY_WITH_EHD",
        WARNING,
        "Liver-directed therapy does not treat unresectable extrahepatic disease",
        T_CONCLUSION,
        (C, "Abstract"),
    ),
    _entry("SIRT_NOT_FIRST_LINE", WARNING, "SIRT is not a first-line treatment", S_SIRT),
    _entry(
        "NO_ANTI_EGFR_RIGHT_SIDED",
        WARNING,
        "No anti-EGFR antibody for a right-sided primary",
        S_CHEMO,
    ),
    _entry(
        "NO_CETUXIMAB_PERIOPERATIVE",
        WARNING,
        "No cetuximab with perioperative chemotherapy for operable disease",
        S_CHEMO,
    ),
    _entry(
        "ANTI_EGFR_NEEDS_RAS_BRAF",
        WARNING,
        "Anti-EGFR therapy needs known RAS and BRAF status",
        S_CHEMO,
    ),
    _entry(
        "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY",
        WARNING,
        "Bevacizumab with a bleeding or perforated primary in place",
        S_RESECTION,
    ),
    _entry(
        "CHEMOTHERAPY_LIVER_INJURY",
        WARNING,
        "Chemotherapy-associated liver injury",
        (R, "PREOPERATIVE CHEMOTHERAPY"),
        R_UNRESECTABLE,
        C_RESECTION,
    ),
    _entry("RAS_MUTANT_MARGIN", WARNING, "RAS-mutant disease: resection margin", S_RESECTION),
    _entry(
        "DISAPPEARING_METASTASES",
        WARNING,
        "Disappearing metastases",
        (C, "Disappearing Metastasis"),
    ),
    _entry("DOME_LESION_APPROACH", WARNING, "Dome or subcapsular lesion planned for RFA", S_RFA),
    # --- work-up ---
    _entry(
        "MRI_LIVER_HEPATOSPECIFIC",
        WORKUP,
        "Liver MRI with hepatospecific contrast and diffusion",
        S_IMAGING,
    ),
    _entry("PET_CT", WORKUP, "PET-CT", S_IMAGING, R_PREOP_EVALUATION),
    _entry("COLONOSCOPY", WORKUP, "Colonoscopy", T_PRETREATMENT),
    _entry("MOLECULAR_TESTING", WORKUP, "RAS, BRAF and MSI testing", S_CHEMO),
    _entry("CT_VOLUMETRY", WORKUP, "CT volumetry of the future liver remnant", S_RESECTION),
    _entry(
        "HPB_SURGICAL_REVIEW", WORKUP, "Review by a liver (HPB) surgeon", T_CONCLUSION, H_SELECTION
    ),
    _entry(
        "LIVER_FUNCTION_TEST_ICG",
        WORKUP,
        "Liver function test (indocyanine green clearance)",
        R_PREOP_EVALUATION,
        C_RESECTION,
    ),
    _entry(
        "STAGING_LAPAROSCOPY",
        WORKUP,
        "Staging laparoscopy",
        R_PREOP_EVALUATION,
        T_PRETREATMENT,
    ),
    _entry("RESTAGING_IMAGING", WORKUP, "Restaging imaging", S_CHEMO, S_IMAGING),
)

CATALOGUE: dict[str, CodeEntry] = {entry.code: entry for entry in _ENTRIES}

# Output order of warnings and work-up: the SPEC's order (sections 5 and 6).
WARNING_ORDER = tuple(entry.code for entry in _ENTRIES if entry.kind == WARNING)
WORKUP_ORDER = tuple(entry.code for entry in _ENTRIES if entry.kind == WORKUP)
