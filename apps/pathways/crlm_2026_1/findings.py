"""Warnings (SPEC section 5) and work-up (section 6) of pathway `crlm-2026.1`.

Each is raised when its condition holds, whatever the plan except 4.0, and comes out in the
SPEC's order with a message naming the facts that raised it.
"""

from __future__ import annotations

from apps.pathways.common.text import number
from apps.pathways.crlm_2026_1.context import CaseContext
from apps.pathways.crlm_2026_1.derived import PROLONGED_CHEMOTHERAPY_CYCLES
from apps.pathways.crlm_2026_1.plans import BEVACIZUMAB_REGIMENS, Plan

HEPATECTOMY_CODES = frozenset({"HEPATECTOMY", "REPEAT_HEPATECTOMY"})
RESTAGING_AFTER_CYCLES = 4
CRITERIA_NAMES = {
    "dfi_under_12_months": "disease-free interval",
    "multiple_lesions": "number of lesions",
    "largest_over_50_mm": "largest lesion",
    "node_positive": "nodal status of the primary",
    "cea_over_200": "CEA",
}


def warnings(case: CaseContext, plan: Plan) -> list[tuple[str, str, str | None]]:
    """(code, message, choice) for every warning that applies, in the SPEC's order."""
    facts = case.facts
    codes = plan.codes
    raised_by_plan = dict(plan.raised)
    found: list[tuple[str, str, str | None]] = []
    biomarkers = facts.biomarkers
    not_unresectable = case.resectability != "unresectable"
    hepatectomy = bool(codes & HEPATECTOMY_CODES)

    if facts.treatment.latest_response == "progressive":
        found.append(
            (
                "PROGRESSION_ON_CHEMOTHERAPY",
                "The disease progressed on the current course: after resection, 5-year survival "
                "is 8% with progression against 37% with a response.",
                None,
            )
        )
    if case.resectability == "resectable" and facts.liver.r0_feasible is None:
        found.append(
            (
                "R0_NOT_ASSESSED",
                "Resectability is provisional until a liver surgeon judges that all liver "
                "disease can be removed with clear margins.",
                None,
            )
        )
    if (
        case.resectability == "resectable"
        and facts.liver.flr_percent is None
        and case.major_hepatectomy
    ):
        found.append(
            (
                "FLR_NOT_MEASURED",
                f"A major hepatectomy is expected ({len(case.segments)} segments) and the future "
                "liver remnant has not been measured.",
                None,
            )
        )
    if case.flr_borderline and hepatectomy:
        found.append(
            (
                "FLR_BORDERLINE",
                f"The remnant of {number(facts.liver.flr_percent or 0)}% clears this pathway's "
                "20% for a normal liver but not the 30% some consensus asks for.",
                "the sources give 20%, 25% and 30% for a normal liver; the pathway takes the "
                "lowest and flags the grey zone.",
            )
        )
    if not case.fong.complete and not_unresectable:
        missing = ", ".join(CRITERIA_NAMES[name] for name in case.fong.missing)
        found.append(
            (
                "FONG_INCOMPLETE",
                f"The Fong score is {case.fong.score} of a possible {case.fong.worst_case}: "
                f"unknown {missing} ({', '.join(case.fong.missing)}).",
                None,
            )
        )
    if "TWO_STAGE_HEPATECTOMY" in codes:
        found.append(
            (
                "TWO_STAGE_DROPOUT_RISK",
                "20-30% of patients never reach the second stage, mostly through progression.",
                None,
            )
        )
    if "STAGED_RESECTION" in codes:
        found.append(
            (
                "AVOID_SIMULTANEOUS_MAJOR_HEPATECTOMY",
                "A major hepatectomy together with colon surgery carries a high mortality: "
                "operate in stages.",
                None,
            )
        )
    if "NO_UPFRONT_PRIMARY_RESECTION" in raised_by_plan:
        found.append(
            (
                "NO_UPFRONT_PRIMARY_RESECTION",
                raised_by_plan["NO_UPFRONT_PRIMARY_RESECTION"],
                None,
            )
        )
    if case.ehd == "unresectable":
        found.append(
            (
                "NO_REGIONAL_LIVER_THERAPY_WITH_EHD",
                "Unresectable extrahepatic disease: liver-directed therapy does not treat it.",
                None,
            )
        )
    if "SIRT_NOT_FIRST_LINE" in raised_by_plan:
        found.append(("SIRT_NOT_FIRST_LINE", raised_by_plan["SIRT_NOT_FIRST_LINE"], None))
    if case.right_sided and biomarkers.ras != "mutant":
        found.append(
            (
                "NO_ANTI_EGFR_RIGHT_SIDED",
                "Right-sided primary: anti-EGFR antibodies do not benefit it, whatever the RAS "
                "status.",
                None,
            )
        )
    if biomarkers.ras == "wild_type" and "PERIOPERATIVE_CHEMOTHERAPY" in codes:
        found.append(
            (
                "NO_CETUXIMAB_PERIOPERATIVE",
                "RAS wild-type, but cetuximab added to perioperative chemotherapy for operable "
                "disease shortened survival (New EPOC).",
                None,
            )
        )
    if (biomarkers.ras == "unknown" or biomarkers.braf_v600e == "unknown") and (
        case.resectability != "resectable"
    ):
        found.append(
            (
                "ANTI_EGFR_NEEDS_RAS_BRAF",
                f"RAS {biomarkers.ras.replace('_', ' ')}, BRAF {biomarkers.braf_v600e}: an "
                "anti-EGFR antibody needs both known (RAS wild-type, BRAF V600E absent).",
                None,
            )
        )
    bleeding = {"bleeding", "perforation"} & set(facts.primary.symptoms)
    if facts.primary.in_situ and bleeding and codes & BEVACIZUMAB_REGIMENS:
        found.append(
            (
                "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY",
                f"The primary in place has {' and '.join(sorted(bleeding))}: treat it before "
                "starting bevacizumab.",
                "the sources are silent on bevacizumab's bleeding risk; treat the primary first "
                "and start bevacizumab only after.",
            )
        )
    if case.liver_injury and not_unresectable:
        found.append(
            (
                "CHEMOTHERAPY_LIVER_INJURY",
                "Chemotherapy-associated liver injury ("
                + _injury_because(case)
                + "): more complications after hepatectomy, and a 40% remnant is required.",
                None,
            )
        )
    if biomarkers.ras == "mutant" and (hepatectomy or "TWO_STAGE_HEPATECTOMY" in codes):
        found.append(
            (
                "RAS_MUTANT_MARGIN",
                "RAS-mutant disease: consider an anatomic resection or a margin over 1 cm "
                "(the evidence conflicts).",
                None,
            )
        )
    disappeared = [lesion for lesion in facts.liver.lesions if lesion.disappeared]
    if disappeared:
        sites = ", ".join(f"segment {lesion.segment}" for lesion in disappeared)
        found.append(
            (
                "DISAPPEARING_METASTASES",
                f"Lesion(s) no longer seen after chemotherapy ({sites}): residual disease is "
                "found in 11-67% of such sites; resect or treat them.",
                None,
            )
        )
    # The lesion plan lists every lesion in input order, when there is one.
    dome = [
        entry
        for entry, lesion in zip(plan.lesion_plan, facts.liver.lesions, strict=False)
        if lesion.subcapsular_or_dome and entry.modalities[:1] == ("RFA",)
    ]
    if dome:
        sites = ", ".join(f"segment {entry.segment}" for entry in dome)
        found.append(
            (
                "DOME_LESION_APPROACH",
                f"Subcapsular or dome lesion planned for RFA ({sites}): avoid a percutaneous "
                "approach; use laparoscopy or hydrodissection.",
                None,
            )
        )
    return found


def _injury_because(case: CaseContext) -> str:
    facts = case.facts
    reasons = []
    if facts.liver.parenchyma == "chemotherapy_injury":
        reasons.append("injured parenchyma")
    if facts.treatment.preoperative_cycles > PROLONGED_CHEMOTHERAPY_CYCLES:
        reasons.append(f"{facts.treatment.preoperative_cycles} cycles")
    if facts.treatment.chemo_refractory:
        reasons.append("oxaliplatin and irinotecan already given")
    return ", ".join(reasons)


def workup(case: CaseContext, plan: Plan) -> list[tuple[str, str]]:
    """(code, message) for every work-up item that applies, in the SPEC's order."""
    facts = case.facts
    done = facts.workup
    not_unresectable = case.resectability != "unresectable"
    found: list[tuple[str, str]] = []
    if not done.mri_hepatospecific_done and (
        not_unresectable or "LOCAL_ABLATIVE_THERAPY" in plan.codes
    ):
        found.append(
            (
                "MRI_LIVER_HEPATOSPECIFIC",
                "No liver MRI with a hepatospecific agent and diffusion yet: it changed the "
                "local plan in 31% of patients.",
            )
        )
    if not done.pet_ct_done and not_unresectable:
        found.append(("PET_CT", "No PET-CT yet: exclude extrahepatic disease before surgery."))
    if not facts.primary.in_situ and not done.colonoscopy_within_6_months and case.candidate:
        found.append(
            (
                "COLONOSCOPY",
                "No colonoscopy in the last 6 months: exclude a local recurrence or a new primary.",
            )
        )
    biomarkers = facts.biomarkers
    unknown = [
        name
        for name, value in (
            ("RAS", biomarkers.ras),
            ("BRAF V600E", biomarkers.braf_v600e),
            ("MSI", biomarkers.msi),
        )
        if value == "unknown"
    ]
    if unknown:
        found.append(
            (
                "MOLECULAR_TESTING",
                f"{', '.join(unknown)} unknown: the choice of systemic therapy depends on them.",
            )
        )
    if facts.liver.flr_percent is None and case.major_hepatectomy and not_unresectable:
        found.append(
            (
                "CT_VOLUMETRY",
                f"A major hepatectomy is expected ({len(case.segments)} segments): measure the "
                "future liver remnant.",
            )
        )
    if facts.liver.r0_feasible is None and case.candidate:
        found.append(
            (
                "HPB_SURGICAL_REVIEW",
                "No liver surgeon has yet judged whether all liver disease can be removed.",
            )
        )
    if (case.liver_injury or facts.liver.parenchyma == "cirrhosis") and not_unresectable:
        found.append(
            (
                "LIVER_FUNCTION_TEST_ICG",
                "Injured or cirrhotic liver: volume is not function; test liver function "
                "(indocyanine green clearance).",
            )
        )
    if not_unresectable and any(site.site == "peritoneum" for site in facts.extrahepatic.sites):
        found.append(
            (
                "STAGING_LAPAROSCOPY",
                "Peritoneal disease: a staging laparoscopy measures its extent.",
            )
        )
    if (
        facts.treatment.preoperative_cycles >= RESTAGING_AFTER_CYCLES
        and facts.treatment.latest_response is None
    ):
        found.append(
            (
                "RESTAGING_IMAGING",
                f"{facts.treatment.preoperative_cycles} cycles given and no response recorded: "
                "restage before deciding on surgery.",
            )
        )
    return found
