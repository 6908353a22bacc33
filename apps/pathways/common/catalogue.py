"""The catalogue's entries every version shares: a code with its kind, title and citations
(SPEC section 8), and the evidence as `{source, section}` pairs.

A code cites exactly the pairs of its SPEC's catalogue, in its order; the rules look their
citations up in their version's catalogue, which is `SHARED_ENTRIES` plus the entries that
version cites its own way or adds.
"""

from __future__ import annotations

from dataclasses import dataclass

from apps.pathways.result import Citation

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


def entry(code: str, kind: str, title: str, *pairs: tuple[str, str]) -> CodeEntry:
    return CodeEntry(
        code, kind, title, tuple(Citation(source, section) for source, section in pairs)
    )


SHARED_ENTRIES = (
    # --- recommendations ---
    entry("HEPATECTOMY", RECOMMENDATION, "Liver resection", S_RESECTION, R_INDICATIONS),
    entry(
        "REPEAT_HEPATECTOMY",
        RECOMMENDATION,
        "Repeat liver resection",
        (R, "RECURRENCE AND REPEAT RESECTION"),
    ),
    entry(
        "ADJUVANT_CHEMOTHERAPY",
        RECOMMENDATION,
        "Adjuvant chemotherapy after resection",
        S_CHEMO,
        (R, "ADJUVANT SYSTEMIC CHEMOTHERAPY"),
    ),
    entry(
        "PERIOPERATIVE_CHEMOTHERAPY",
        RECOMMENDATION,
        "Perioperative chemotherapy (fluoropyrimidine and oxaliplatin, no biologic)",
        S_CHEMO,
    ),
    entry(
        "REASSESS_RESECTABILITY",
        RECOMMENDATION,
        "Re-assess resectability on restaging",
        S_CHEMO,
        H_SELECTION,
    ),
    entry(
        "RESECT_EXTRAHEPATIC_DISEASE",
        RECOMMENDATION,
        "Resect the extrahepatic disease",
        (R, "EXTRALIVER DISEASE"),
        R_INDICATIONS,
    ),
    entry(
        "CRS_HIPEC",
        RECOMMENDATION,
        "Cytoreductive surgery with HIPEC for the peritoneal disease",
        (
            R,
            "MANAGEMENT FOR COLORECTAL LIVER METASTASIS WITH SYNCHRONOUS PERITONEAL CARCINOMATOSIS",
        ),
    ),
    entry(
        "PRIMARY_FIRST",
        RECOMMENDATION,
        "Treat the symptomatic primary first",
        S_RESECTION,
        H_SELECTION,
    ),
    entry(
        "LIVER_FIRST",
        RECOMMENDATION,
        "Liver-first approach (rectal primary)",
        S_RESECTION,
        H_DISCUSSION,
    ),
    entry(
        "SIMULTANEOUS_RESECTION",
        RECOMMENDATION,
        "Simultaneous resection of the primary and the liver metastases",
        R_SIMULTANEOUS,
        H_DISCUSSION,
    ),
    entry(
        "STAGED_RESECTION",
        RECOMMENDATION,
        "Staged resection of the primary and the liver metastases",
        S_RESECTION,
        R_SIMULTANEOUS,
        H_DISCUSSION,
    ),
    entry(
        "PRIMARY_WITH_FIRST_STAGE",
        RECOMMENDATION,
        "Remove the primary at the first-stage liver clearance",
        S_RESECTION,
        R_PROCEDURES,
    ),
    entry(
        "TWO_STAGE_HEPATECTOMY",
        RECOMMENDATION,
        "Two-stage hepatectomy",
        S_RESECTION,
        (C, "Two-Stage Hepatectomy"),
        R_PROCEDURES,
    ),
    entry(
        "PORTAL_VEIN_EMBOLIZATION",
        RECOMMENDATION,
        "Portal vein embolization to grow the future liver remnant",
        R_PROCEDURES,
        (T, "PORTAL VEIN EMBOLIZATION"),
    ),
    entry(
        "REVOLUMETRY_AFTER_PVE",
        RECOMMENDATION,
        "Repeat volumetry 2 to 4 weeks after portal vein embolization",
        R_PROCEDURES,
    ),
    entry(
        "CONVERSION_CHEMOTHERAPY",
        RECOMMENDATION,
        "Conversion chemotherapy",
        R_UNRESECTABLE,
        S_CHEMO,
        H_INTRODUCTION,
    ),
    entry(
        "HAI_FUDR_WITH_SYSTEMIC",
        RECOMMENDATION,
        "Hepatic arterial infusion of floxuridine with systemic chemotherapy",
        H_RESULTS,
        (C, "Hepatic arterial infusion"),
    ),
    entry(
        "LOCAL_ABLATIVE_THERAPY",
        RECOMMENDATION,
        "Local ablative therapy",
        (S, "4) Local Therapies for Unresectable CRLMs"),
        (R, "ABLATIVE TREATMENT"),
        (T, "RADIOFREQUENCY ABLATION (RFA)"),
    ),
    entry("RFA", RECOMMENDATION, "Radiofrequency ablation", S_RFA),
    entry("MWA", RECOMMENDATION, "Microwave ablation", (S, "Microwave Ablation")),
    entry(
        "SBRT",
        RECOMMENDATION,
        "Stereotactic body radiotherapy",
        (S, "Stereotactic Body Radiotherapy"),
    ),
    entry("SIRT", RECOMMENDATION, "Selective internal radiation therapy", S_SIRT, T_CONCLUSION),
    entry(
        "TACE",
        RECOMMENDATION,
        "Transarterial chemoembolization",
        (S, "Transarterial Chemoembolization"),
        (T, "HEPATIC ARTERY CHEMOEMBOLIZATION"),
    ),
    entry("SYSTEMIC_THERAPY", RECOMMENDATION, "Systemic therapy", S_CHEMO, T_CONCLUSION),
    entry(
        "PRIMARY_PALLIATION",
        RECOMMENDATION,
        "Palliate the symptomatic primary",
        S_RESECTION,
        H_RESULTS,
    ),
    entry(
        "IMMUNE_CHECKPOINT_INHIBITOR",
        RECOMMENDATION,
        "Immune checkpoint inhibitor (MSI-high or dMMR)",
        S_CHEMO,
    ),
    entry(
        "FLUOROPYRIMIDINE_BEVACIZUMAB",
        RECOMMENDATION,
        "Capecitabine with or without bevacizumab",
        S_CHEMO,
    ),
    entry("FOLFOXIRI_BEVACIZUMAB", RECOMMENDATION, "FOLFOXIRI with bevacizumab", S_CHEMO),
    entry(
        "DOUBLET_ANTI_EGFR",
        RECOMMENDATION,
        "Doublet chemotherapy with an anti-EGFR antibody",
        S_CHEMO,
    ),
    entry("DOUBLET_BEVACIZUMAB", RECOMMENDATION, "Doublet chemotherapy with bevacizumab", S_CHEMO),
    # --- warnings ---
    entry("PROGRESSION_ON_CHEMOTHERAPY", WARNING, "Progression on chemotherapy", R_PROGNOSTIC),
    entry(
        "R0_NOT_ASSESSED",
        WARNING,
        "Complete (R0) resection not yet assessed by a liver surgeon",
        S_RESECTION,
        R_INDICATIONS,
        H_SELECTION,
    ),
    entry(
        "FLR_NOT_MEASURED",
        WARNING,
        "Future liver remnant not measured",
        S_RESECTION,
        R_INDICATIONS,
    ),
    entry(
        "FLR_BORDERLINE",
        WARNING,
        "Borderline future liver remnant",
        S_RESECTION,
        R_UNRESECTABLE,
        C_RESECTION,
    ),
    entry("FONG_INCOMPLETE", WARNING, "Fong score incomplete", S_RESECTION),
    entry("TWO_STAGE_DROPOUT_RISK", WARNING, "Risk of not reaching the second stage", R_PROCEDURES),
    entry(
        "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY",
        WARNING,
        "Avoid a major hepatectomy together with colon surgery",
        R_SIMULTANEOUS,
        S_RESECTION,
        H_DISCUSSION,
    ),
    entry(
        "NO_UPFRONT_PRIMARY_RESECTION",
        WARNING,
        "No upfront resection of an asymptomatic primary",
        H_INTRODUCTION,
        H_DISCUSSION,
    ),
    entry(
        "NO_REGIONAL_LIVER_THERAPY_WITH_EHD",
        WARNING,
        "Liver-directed therapy does not treat unresectable extrahepatic disease",
        T_CONCLUSION,
        (C, "Abstract"),
    ),
    entry("SIRT_NOT_FIRST_LINE", WARNING, "SIRT is not a first-line treatment", S_SIRT),
    entry(
        "NO_ANTI_EGFR_RIGHT_SIDED",
        WARNING,
        "No anti-EGFR antibody for a right-sided primary",
        S_CHEMO,
    ),
    entry(
        "NO_CETUXIMAB_PERIOPERATIVE",
        WARNING,
        "No cetuximab with perioperative chemotherapy for operable disease",
        S_CHEMO,
    ),
    entry(
        "ANTI_EGFR_NEEDS_RAS_BRAF",
        WARNING,
        "Anti-EGFR therapy needs known RAS and BRAF status",
        S_CHEMO,
    ),
    entry(
        "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY",
        WARNING,
        "Bevacizumab with a bleeding or perforated primary in place",
        S_RESECTION,
    ),
    entry(
        "CHEMOTHERAPY_LIVER_INJURY",
        WARNING,
        "Chemotherapy-associated liver injury",
        (R, "PREOPERATIVE CHEMOTHERAPY"),
        R_UNRESECTABLE,
        C_RESECTION,
    ),
    entry("RAS_MUTANT_MARGIN", WARNING, "RAS-mutant disease: resection margin", S_RESECTION),
    entry(
        "DISAPPEARING_METASTASES",
        WARNING,
        "Disappearing metastases",
        (C, "Disappearing Metastasis"),
    ),
    entry("DOME_LESION_APPROACH", WARNING, "Dome or subcapsular lesion planned for RFA", S_RFA),
    # --- work-up ---
    entry(
        "MRI_LIVER_HEPATOSPECIFIC",
        WORKUP,
        "Liver MRI with hepatospecific contrast and diffusion",
        S_IMAGING,
    ),
    entry("PET_CT", WORKUP, "PET-CT", S_IMAGING, R_PREOP_EVALUATION),
    entry("COLONOSCOPY", WORKUP, "Colonoscopy", T_PRETREATMENT),
    entry("MOLECULAR_TESTING", WORKUP, "RAS, BRAF and MSI testing", S_CHEMO),
    entry("CT_VOLUMETRY", WORKUP, "CT volumetry of the future liver remnant", S_RESECTION),
    entry(
        "HPB_SURGICAL_REVIEW", WORKUP, "Review by a liver (HPB) surgeon", T_CONCLUSION, H_SELECTION
    ),
    entry(
        "LIVER_FUNCTION_TEST_ICG",
        WORKUP,
        "Liver function test (indocyanine green clearance)",
        R_PREOP_EVALUATION,
        C_RESECTION,
    ),
    entry(
        "STAGING_LAPAROSCOPY",
        WORKUP,
        "Staging laparoscopy",
        R_PREOP_EVALUATION,
        T_PRETREATMENT,
    ),
    entry("RESTAGING_IMAGING", WORKUP, "Restaging imaging", S_CHEMO, S_IMAGING),
)


def catalogue(entries: tuple[CodeEntry, ...]) -> dict[str, CodeEntry]:
    return {item.code: item for item in entries}
