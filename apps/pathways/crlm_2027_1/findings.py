"""Warnings (SPEC section 5) and work-up (section 6) of pathway `crlm-2027.1`.

Each is raised when its condition holds, whatever the plan except 4.0, and comes out in the
SPEC's order with a message naming the facts that raised it; a warning carries its fixed
severity (catalogue.SEVERITY). A warning whose rule is the pathway's own reading returns its
choice for the trace.
"""

from __future__ import annotations

from apps.pathways.common.derived import (
    FLR_GREY_ZONE_TOP,
    FLR_REQUIRED_NORMAL,
    PROLONGED_CHEMOTHERAPY_CYCLES,
)
from apps.pathways.common.plan import Plan
from apps.pathways.common.text import count, listing, number, words
from apps.pathways.crlm_2027_1.context import CaseContext
from apps.pathways.crlm_2027_1.plans import BEVACIZUMAB_REGIMENS, BLEEDING_SYMPTOMS

HEPATECTOMY_CODES = frozenset({"HEPATECTOMY", "REPEAT_HEPATECTOMY"})
SURGERY_CODES = HEPATECTOMY_CODES | {"TWO_STAGE_HEPATECTOMY"}
OXALIPLATIN_FREE_CODES = frozenset(
    {
        "PERIOPERATIVE_CHEMOTHERAPY",
        "ADJUVANT_CHEMOTHERAPY",
        "DOUBLET_CHEMOTHERAPY",
        "DOUBLET_ANTI_EGFR",
        "DOUBLET_BEVACIZUMAB",
    }
)
RESTAGING_AFTER_CYCLES = 4
CRITERIA_NAMES = {
    "dfi_under_12_months": "the disease-free interval",
    "multiple_lesions": "the number of lesions",
    "largest_over_50_mm": "the largest lesion",
    "node_positive": "the nodal status of the primary",
    "cea_over_200": "the CEA",
}
# What each unknown criterion could add to the score.
CRITERIA_SHORT = {
    "dfi_under_12_months": "disease-free interval",
    "multiple_lesions": "number of lesions",
    "largest_over_50_mm": "largest lesion",
    "node_positive": "node status",
    "cea_over_200": "CEA",
}


def extent_assumption_matters(case: CaseContext, plan: Plan) -> bool:
    """RESECTION_EXTENT_ASSUMED: the guessed extent decides something (SPEC section 5)."""
    liver = case.facts.liver
    if liver.planned_resection is not None or not plan.codes & SURGERY_CODES:
        return False
    if plan.section == "4.4" and any(
        item.code == "LOCAL_ABLATIVE_THERAPY" and item.role == "primary" for item in plan.items
    ):
        return False  # the ablation route counts as no major hepatectomy: nothing to decide
    return bool(
        plan.codes & {"SIMULTANEOUS_RESECTION", "STAGED_RESECTION"}
        or liver.flr_percent is None
        or case.flr_borderline
    )


def warnings(case: CaseContext, plan: Plan) -> list[tuple[str, str, str | None]]:
    """(code, message, choice) for every warning that applies, in the SPEC's order."""
    facts = case.facts
    codes = plan.codes
    raised_by_plan = dict(plan.raised)
    found: list[tuple[str, str, str | None]] = []
    biomarkers = facts.biomarkers
    not_unresectable = case.resectability != "unresectable"
    hepatectomy = bool(codes & HEPATECTOMY_CODES)
    surgery = bool(codes & SURGERY_CODES)

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
                f"{case.extent().capitalize()} and the future liver remnant has not been measured.",
                None,
            )
        )
    if case.flr_borderline and hepatectomy:
        found.append(
            (
                "FLR_BORDERLINE",
                f"The remnant of {number(facts.liver.flr_percent or 0)}% clears this pathway's "
                f"{FLR_REQUIRED_NORMAL}% for a normal liver but not the {FLR_GREY_ZONE_TOP}% some "
                "consensus asks for.",
                "the sources give 20%, 25% and 30% for a normal liver; the pathway takes the "
                "lowest and flags the grey zone.",
            )
        )
    if not case.fong.complete and not_unresectable:
        missing = [CRITERIA_NAMES[name] for name in case.fong.missing]
        short = [CRITERIA_SHORT[name] for name in case.fong.missing]
        found.append(
            (
                "FONG_INCOMPLETE",
                f"Fong score: {count(case.fong.score, 'point')} known; up to "
                f"{case.fong.worst_case} if {listing(short)} "
                + ("is" if len(short) == 1 else "are")
                + f" positive. Unknown: {listing(missing)}.",
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
                "The evidence conflicts: operative mortality up to 17% when the primary is "
                "removed with a major hepatectomy, and staged operations recommended for major "
                "colon plus major liver surgery, against series where simultaneous major "
                "resections did as well. This plan stages them.",
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
    if case.right_sided and biomarkers.ras != "mutant" and "ENCORAFENIB_CETUXIMAB" not in codes:
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
                f"RAS {words(biomarkers.ras)}, BRAF V600E {biomarkers.braf_v600e}: an anti-EGFR "
                "antibody needs both known (RAS wild-type, BRAF V600E absent).",
                None,
            )
        )
    bleeding = [symptom for symptom in facts.primary.symptoms if symptom in BLEEDING_SYMPTOMS]
    if facts.primary.in_situ and bleeding and codes & BEVACIZUMAB_REGIMENS:
        found.append(
            (
                "NO_BEVACIZUMAB_WITH_BLEEDING_PRIMARY",
                f"The primary in place has {listing(bleeding)}: treat it before starting "
                "bevacizumab.",
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
    if biomarkers.ras == "mutant" and surgery:
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
        sites = listing([f"segment {lesion.segment}" for lesion in disappeared])
        found.append(
            (
                "DISAPPEARING_METASTASES",
                f"{'A lesion is' if len(disappeared) == 1 else 'Lesions are'} no longer seen "
                f"after chemotherapy ({sites}): residual disease is found in 11-67% of such "
                "sites; resect or treat them.",
                None,
            )
        )
    lesions = facts.liver.lesions
    dome = [
        entry
        for entry, index in zip(plan.lesion_plan, plan.lesion_indexes, strict=True)
        if entry.modalities[:1] == ("RFA",) and lesions[index].subcapsular_or_dome
    ]
    if dome:
        sites = listing([f"segment {entry.segment}" for entry in dome])
        found.append(
            (
                "DOME_LESION_APPROACH",
                f"Subcapsular or dome lesion planned for RFA ({sites}): avoid a percutaneous "
                "approach; use laparoscopy or hydrodissection.",
                None,
            )
        )
    if extent_assumption_matters(case, plan):
        found.append(
            (
                "RESECTION_EXTENT_ASSUMED",
                f"The liver surgeon has not planned the extent of the hepatectomy: "
                f"{case.extent()} from the imaging, and it decides "
                + _what_the_extent_decides(case, plan)
                + ".",
                "a major hepatectomy is the usual three or more segments; a large or "
                "juxta-venous lesion usually needs one.",
            )
        )
    if "HAI_FUDR_WITH_SYSTEMIC" in codes:
        found.append(
            (
                "HAI_TOXICITY",
                "Hepatic arterial infusion: hepatotoxicity (grade 3 in about 20%), "
                "gastroduodenal ulceration from extrahepatic perfusion, biliary injury.",
                None,
            )
        )
    if surgery and any(lesion.segment == 1 for lesion in facts.liver.lesions):
        found.append(
            (
                "CAUDATE_LESION",
                "A lesion in the caudate lobe (segment 1): it lies on the vena cava and drains "
                "straight into it, so its resection is demanding whatever its size.",
                "HPB surgical anatomy; the sources name only lesions at the vena cava and "
                "hepatic veins.",
            )
        )
    if facts.treatment.bevacizumab_in_course and surgery:
        found.append(
            (
                "BEVACIZUMAB_INTERVAL",
                "Bevacizumab is part of the current course: at least 6 weeks from its last dose "
                "to surgery.",
                "ESMO/NCCN; the sources give about 4 weeks after chemotherapy.",
            )
        )
    if case.early_relapse and codes & OXALIPLATIN_FREE_CODES:
        found.append(
            (
                "OXALIPLATIN_EARLY_RELAPSE",
                f"Relapse {count(case.dfi_months or 0, 'month')} after adjuvant oxaliplatin: "
                "the chemotherapy here is irinotecan-based, without oxaliplatin.",
                "ESMO 2023 mCRC guideline.",
            )
        )
    return found


def _what_the_extent_decides(case: CaseContext, plan: Plan) -> str:
    decided = []
    if plan.codes & {"SIMULTANEOUS_RESECTION", "STAGED_RESECTION"}:
        decided.append("whether the primary is removed in the same operation")
    if case.facts.liver.flr_percent is None:
        decided.append("whether the remnant must be measured")
    if case.flr_borderline:
        decided.append("whether embolization is offered in the borderline remnant")
    return listing(decided)


def _injury_because(case: CaseContext) -> str:
    facts = case.facts
    reasons = []
    if facts.liver.parenchyma == "chemotherapy_injury":
        reasons.append("injured parenchyma")
    if facts.treatment.preoperative_cycles > PROLONGED_CHEMOTHERAPY_CYCLES:
        reasons.append(count(facts.treatment.preoperative_cycles, "cycle"))
    if facts.treatment.chemo_refractory:
        reasons.append("oxaliplatin and irinotecan already given")
    return ", ".join(reasons)


def workup(case: CaseContext, plan: Plan, *, extent_assumed: bool) -> list[tuple[str, str]]:
    """(code, message) for every work-up item that applies, in the SPEC's order;
    `extent_assumed`: whether RESECTION_EXTENT_ASSUMED was raised (the surgeon's review answers
    it)."""
    facts = case.facts
    done = facts.workup
    codes = plan.codes
    not_unresectable = case.resectability != "unresectable"
    found: list[tuple[str, str]] = []
    if not done.mri_hepatospecific_done and (not_unresectable or "LOCAL_ABLATIVE_THERAPY" in codes):
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
                f"{listing(unknown)} unknown: the choice of systemic therapy depends on "
                + ("it." if len(unknown) == 1 else "them."),
            )
        )
    if facts.liver.flr_percent is None and case.major_hepatectomy and not_unresectable:
        found.append(
            (
                "CT_VOLUMETRY",
                f"{case.extent().capitalize()}: measure the future liver remnant.",
            )
        )
    if case.candidate and (facts.liver.r0_feasible is None or extent_assumed):
        needed = []
        if facts.liver.r0_feasible is None:
            needed.append("whether all liver disease can be removed")
        if extent_assumed:
            needed.append("the extent of the hepatectomy")
        found.append(
            (
                "HPB_SURGICAL_REVIEW",
                f"A liver surgeon should judge {listing(needed)}.",
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
    cycles = facts.treatment.preoperative_cycles
    if cycles >= RESTAGING_AFTER_CYCLES and facts.treatment.latest_response is None:
        found.append(
            (
                "RESTAGING_IMAGING",
                f"{count(cycles, 'cycle')} given and no response recorded: restage before "
                "deciding on surgery.",
            )
        )
    if any(lesion.disappeared for lesion in facts.liver.lesions) and codes & SURGERY_CODES:
        found.append(
            (
                "INTRAOPERATIVE_ULTRASOUND",
                "A lesion has disappeared: find and mark its site at operation with "
                "intraoperative ultrasound (contrast-enhanced if available).",
            )
        )
    if "HAI_FUDR_WITH_SYSTEMIC" in codes:
        found.append(
            (
                "CT_ANGIOGRAPHY_HEPATIC_ARTERY",
                "Before the hepatic arterial catheter is placed: CT angiography of the hepatic "
                "arterial anatomy.",
            )
        )
    return found
