"""The recommendation plans of pathway `crlm-2026.1` (SPEC section 4).

`choose_plan` picks the section of 4 that applies, first match wins; each `plan_4_x` function is
that section, adding codes with a rationale that names the case's facts. A rule that is the
pathway's own reading passes `choice=`, which the trace shows as "[choice]".
"""

from __future__ import annotations

from apps.pathways.common.derived import (
    FLR_GREY_ZONE_TOP,
    FLR_REQUIRED_NORMAL,
    FONG_DFI_MONTHS,
    FONG_LARGEST_MM,
    FONG_LOW_MAX,
    MWA_FIRST_MAX_MM,
    ablation_modalities,
)
from apps.pathways.common.plan import Plan
from apps.pathways.common.text import number
from apps.pathways.crlm_2026_1.context import CaseContext
from apps.pathways.result import LesionPlanEntry, whole

FULL_COURSE_CYCLES = 12  # about 6 months of 2-weekly cycles: no more chemotherapy is added
NO_MORE_PREOPERATIVE_CYCLES = 4  # the two-month re-evaluation is done
ABLATION_ALONE_MAX_LESIONS = 3
ABLATION_ALONE_MAX_MM = MWA_FIRST_MAX_MM
ABLATION_PLAN_MAX_LESIONS = 5
REGIONAL_THERAPY_MAX_ECOG = 2
BEVACIZUMAB_REGIMENS = frozenset(
    {"DOUBLET_BEVACIZUMAB", "FOLFOXIRI_BEVACIZUMAB", "FLUOROPYRIMIDINE_BEVACIZUMAB"}
)


# --- choosing the plan ---------------------------------------------------------------------------


def choose_plan(case: CaseContext) -> tuple[str, str]:
    """The section of 4 that applies and why: the first of SPEC 4's list that matches."""
    treatment = case.facts.treatment
    ecog = case.facts.patient.ecog
    if ecog == 4:
        return "4.0", "ECOG performance status 4 (bedbound)."
    if treatment.chemo_refractory and case.resectability != "resectable":
        return (
            "4.1",
            f"Chemo-refractory disease that is {case.resectability.replace('_', ' ')} today.",
        )
    if treatment.latest_response == "progressive" and not treatment.chemo_refractory:
        return "4.2", "Progression on the current course of chemotherapy."
    if case.resectability == "resectable":
        refractory = " (chemo-refractory: resection is the one curative option left)"
        return "4.3", "Resectable disease" + (
            refractory if treatment.chemo_refractory else ""
        ) + "."
    if case.resectability == "potentially_resectable":
        return "4.4", "Potentially resectable disease."
    return "4.5", "Unresectable disease."


# --- steps shared by several plans ---------------------------------------------------------------


def _symptoms(case: CaseContext) -> str:
    return " and ".join(case.facts.primary.symptoms)


def add_primary_step(case: CaseContext, plan: Plan) -> None:
    """Treat a symptomatic primary first, or palliate it when the case is unresectable."""
    if not case.symptomatic_primary:
        return
    if case.resectability == "unresectable":
        plan.add(
            "PRIMARY_PALLIATION",
            "sequence",
            f"The primary tumour is in place with {_symptoms(case)}; "
            "it is palliated before anything else.",
        )
    else:
        plan.add(
            "PRIMARY_FIRST",
            "sequence",
            f"The primary tumour is in place with {_symptoms(case)}; "
            "it is treated before the liver.",
        )


def add_reassessment(case: CaseContext, plan: Plan, why: str) -> None:
    if case.candidate:
        plan.add("REASSESS_RESECTABILITY", "monitoring", why)


def _regional_therapy_possible(case: CaseContext) -> bool:
    return case.ehd == "none" and case.facts.patient.ecog <= REGIONAL_THERAPY_MAX_ECOG


def add_extrahepatic_resection(case: CaseContext, plan: Plan) -> None:
    if case.ehd != "resectable":
        return
    site = case.facts.extrahepatic.sites[0].site
    if site == "peritoneum":
        plan.add(
            "CRS_HIPEC",
            "adjunct",
            "Limited resectable peritoneal disease with few liver lesions and good performance "
            "status: cytoreduction with HIPEC alongside the liver resection.",
        )
    else:
        plan.add(
            "RESECT_EXTRAHEPATIC_DISEASE",
            "adjunct",
            f"The extrahepatic disease ({site.replace('_', ' ')}) is resectable and no bar to "
            "surgery: remove it as well.",
        )


def add_primary_sequencing(case: CaseContext, plan: Plan) -> None:
    """With the primary in place: rectum liver first; colon simultaneous or staged."""
    primary = case.facts.primary
    if not primary.in_situ:
        return
    if primary.symptoms:
        add_primary_step(case, plan)
    elif primary.site == "rectum":
        plan.add(
            "LIVER_FIRST",
            "sequence",
            "Asymptomatic rectal primary in place: the liver is treated first, then the rectum.",
        )
    elif not case.major_hepatectomy:
        plan.add(
            "SIMULTANEOUS_RESECTION",
            "sequence",
            "Asymptomatic colon primary in place and a minor hepatectomy "
            f"({len(case.segments)} segment(s)): both can be removed in one operation.",
        )
    else:
        plan.add(
            "STAGED_RESECTION",
            "sequence",
            "Asymptomatic colon primary in place and a major hepatectomy "
            f"({len(case.segments)} segments): colon and liver in separate operations.",
            choice="the sources conflict on simultaneous major resections; this pathway follows "
            "the HAI study's practice, simultaneous for a minor and staged for a major "
            "hepatectomy.",
        )


def add_lesion_plan(case: CaseContext, plan: Plan) -> None:
    plan.lesion_plan = tuple(
        LesionPlanEntry(lesion.segment, whole(lesion.size_mm), ablation_modalities(lesion))
        for lesion in case.facts.liver.lesions
    )
    plan.choices.append(
        (
            "ablation_modalities",
            "; ".join(
                f"segment {entry.segment} {number(entry.size_mm)} mm: "
                + (", ".join(entry.modalities) or "none")
                for entry in plan.lesion_plan
            ),
            "Modalities by size (RFA best at 20 mm or less, SBRT better above), dropping RFA "
            "near a major vessel (heat sink) and MWA for a peribiliary lesion. [choice] The 30 "
            "and 50 mm limits and the reordering are this pathway's.",
        )
    )


def small_few_lesions(case: CaseContext) -> bool:
    return case.lesion_count <= ABLATION_ALONE_MAX_LESIONS and all(
        lesion.size_mm <= ABLATION_ALONE_MAX_MM for lesion in case.facts.liver.lesions
    )


# --- 4.6 the systemic regimen --------------------------------------------------------------------


def add_regimen(case: CaseContext, plan: Plan, *, conversion: bool) -> None:
    facts = case.facts
    biomarkers = facts.biomarkers
    if biomarkers.msi == "msi_high":
        plan.add(
            "IMMUNE_CHECKPOINT_INHIBITOR",
            "adjunct",
            "MSI-high (dMMR) tumour: an immune checkpoint inhibitor.",
        )
    elif facts.patient.ecog == 3:
        plan.add(
            "FLUOROPYRIMIDINE_BEVACIZUMAB",
            "adjunct",
            "ECOG 3: capecitabine with or without bevacizumab rather than an intensive regimen.",
            choice="the sources list this regimen; intensive regimens suit fit patients.",
        )
    elif (
        conversion
        and facts.treatment.prior_systemic_lines == 0
        and case.triplet_eligible
        and case.ehd == "none"
        and (case.right_sided or biomarkers.ras == "mutant" or biomarkers.braf_v600e == "present")
    ):
        plan.add(
            "FOLFOXIRI_BEVACIZUMAB",
            "adjunct",
            f"First-line conversion of liver-only disease, age {facts.patient.age} and ECOG "
            f"{facts.patient.ecog}, with a right-sided or RAS/BRAF-mutant tumour: the triplet "
            "with bevacizumab.",
            choice="CAIRO5 is summarised as 'right-sided RAS/BRAF mutant'; read as the trial's "
            "groups (right-sided or RAS/BRAF-mutant), first line, liver-only; triplet "
            "eligibility is age 70 or under and ECOG 0-1 for 'young, healthy patients'.",
        )
    elif (
        biomarkers.ras == "wild_type" and biomarkers.braf_v600e == "absent" and not case.right_sided
    ):
        plan.add(
            "DOUBLET_ANTI_EGFR",
            "adjunct",
            "RAS wild-type, BRAF V600E absent, left-sided primary: a doublet with an anti-EGFR "
            "antibody.",
        )
    else:
        plan.add(
            "DOUBLET_BEVACIZUMAB",
            "adjunct",
            "No indication for immunotherapy, the triplet or an anti-EGFR antibody "
            f"(RAS {biomarkers.ras.replace('_', ' ')}, BRAF {biomarkers.braf_v600e}, "
            f"{facts.primary.site.replace('_', ' ')}): a doublet with bevacizumab.",
        )


# --- 4.0 to 4.5 ----------------------------------------------------------------------------------


def plan_4_0(case: CaseContext, plan: Plan) -> None:
    plan.add(
        "BEST_SUPPORTIVE_CARE",
        "primary",
        "ECOG performance status 4: no treatment the sources describe was studied in bedbound "
        "patients.",
        choice="the sources set no performance-status limit; poor performance predicts worse "
        "survival.",
    )
    add_primary_step(case, plan)


def plan_4_1(case: CaseContext, plan: Plan) -> None:
    if _regional_therapy_possible(case):
        plan.add(
            "SIRT",
            "primary",
            "Chemo-refractory liver-only disease in a patient with ECOG "
            f"{case.facts.patient.ecog}: radioembolization.",
        )
        plan.add(
            "TACE",
            "alternative",
            "Chemo-refractory liver-only disease: chemoembolization is the other liver-directed "
            "option.",
        )
        plan.add(
            "CHANGE_SYSTEMIC_LINE",
            "adjunct",
            "The three cytotoxics have failed: a further systemic line alongside liver-directed "
            "therapy.",
        )
    else:
        reason = "extrahepatic disease" if case.ehd != "none" else f"ECOG {case.facts.patient.ecog}"
        plan.add(
            "CHANGE_SYSTEMIC_LINE",
            "primary",
            f"Chemo-refractory disease with {reason}, so no liver-directed therapy: "
            "a further systemic line.",
            choice="the sources name no line after the three cytotoxics; the board chooses it.",
        )
    add_reassessment(case, plan, "A surgical candidate: re-assess resectability on restaging.")
    add_primary_step(case, plan)


def plan_4_2(case: CaseContext, plan: Plan) -> None:
    plan.add(
        "CHANGE_SYSTEMIC_LINE",
        "primary",
        "The disease progressed on the current course; tumours that progress under "
        "chemotherapy do badly after resection (5-year survival 8% vs 37%).",
    )
    if case.resectability != "resectable" and _regional_therapy_possible(case):
        plan.add(
            "SIRT",
            "alternative",
            "Liver-only disease that cannot be removed today: radioembolization with "
            "second-line chemotherapy.",
        )
    add_reassessment(
        case, plan, "A surgical candidate: re-assess resectability if the new line responds."
    )
    add_primary_step(case, plan)


def plan_4_3(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    treatment = facts.treatment
    if case.ready:
        plan.add(
            case.hepatectomy_code,
            "primary",
            f"Resectable disease ({case.disease()}; {case.flr_text()}) and "
            + _readiness(case)
            + ": operate now.",
        )
        if not treatment.chemo_refractory and treatment.preoperative_cycles < FULL_COURSE_CYCLES:
            plan.add(
                "ADJUVANT_CHEMOTHERAPY",
                "adjunct",
                f"{treatment.preoperative_cycles} cycle(s) given so far: complete about 6 months "
                "of chemotherapy after resection.",
            )
        if treatment.chemo_refractory and _regional_therapy_possible(case):
            plan.add(
                "SIRT",
                "alternative",
                "Chemo-refractory liver-only disease: radioembolization if resection is not done.",
            )
    else:
        plan.add(
            "PERIOPERATIVE_CHEMOTHERAPY",
            "primary",
            "Resectable but not yet ready for surgery (" + _not_ready(case) + "): a "
            "fluoropyrimidine-oxaliplatin doublet without a biologic, about 6 months in total "
            "around surgery.",
            choice="EORTC 40983 used FOLFOX4; CAPOX is this pathway's extension.",
        )
        plan.add(
            case.hepatectomy_code,
            "sequence",
            f"Resection after the preoperative cycles ({case.disease()}), about 4 weeks after "
            "the last dose and at least 3.",
        )
        plan.add(
            "REASSESS_RESECTABILITY",
            "monitoring",
            "Re-evaluate after 2 months of chemotherapy, then every 6 to 8 weeks.",
        )
    if case.flr_borderline and case.major_hepatectomy:
        plan.add(
            "PORTAL_VEIN_EMBOLIZATION",
            "alternative",
            f"Borderline remnant ({number(facts.liver.flr_percent or 0)}%, between "
            f"{FLR_REQUIRED_NORMAL}% and {FLR_GREY_ZONE_TOP}%) before a major hepatectomy: "
            "embolization can grow it first.",
            choice="the sources give 20%, 25% and 30% for a normal liver; the pathway takes 20% "
            "and offers embolization in the grey zone before a major hepatectomy.",
        )
    add_extrahepatic_resection(case, plan)
    add_primary_sequencing(case, plan)


def _readiness(case: CaseContext) -> str:
    treatment = case.facts.treatment
    if case.favourable:
        return (
            f"a favourable risk profile (Fong worst case {case.fong.worst_case}, metachronous "
            f"after {number(case.dfi_months or 0)} months, no extrahepatic disease)"
        )
    if treatment.chemo_refractory:
        return "chemo-refractory disease, for which resection is the one curative option left"
    return (
        f"{treatment.preoperative_cycles} preoperative cycles with a "
        f"{treatment.latest_response} response"
    )


def _not_ready(case: CaseContext) -> str:
    facts = case.facts
    reasons = []
    if facts.presentation.timing == "synchronous":
        reasons.append("synchronous disease")
    elif case.dfi_months is None:
        reasons.append("disease-free interval unknown")
    elif case.dfi_months < FONG_DFI_MONTHS:
        reasons.append(f"disease-free interval {number(case.dfi_months)} months")
    if case.fong.worst_case > FONG_LOW_MAX:
        reasons.append(f"Fong score up to {case.fong.worst_case}")
    if case.ehd != "none":
        reasons.append("extrahepatic disease")
    cycles = facts.treatment.preoperative_cycles
    if cycles < NO_MORE_PREOPERATIVE_CYCLES:
        reasons.append(f"{cycles} cycle(s) given so far, fewer than {NO_MORE_PREOPERATIVE_CYCLES}")
    else:
        response = facts.treatment.latest_response
        shown = "not recorded" if response is None else response
        reasons.append(f"{cycles} cycles given, response {shown}")
    return ", ".join(reasons)


def plan_4_4(case: CaseContext, plan: Plan) -> None:
    if not case.technically_unresectable and case.flr.sufficient is False:
        _flr_plan(case, plan)
    else:
        _conversion_plan(case, plan)


def _flr_plan(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    treatment = facts.treatment
    if case.bilobar:
        plan.add(
            "TWO_STAGE_HEPATECTOMY",
            "primary",
            f"Bilobar disease ({case.disease()}) with an insufficient remnant "
            f"({case.flr_text()}): clear one side, embolize, then resect.",
        )
        plan.add(
            "PORTAL_VEIN_EMBOLIZATION",
            "adjunct",
            "Portal vein embolization between the stages grows the remnant.",
        )
    else:
        plan.add(
            "PORTAL_VEIN_EMBOLIZATION",
            "primary",
            f"Unilobar disease ({case.disease()}) with an insufficient remnant "
            f"({case.flr_text()}): embolization to grow it before resection.",
        )
        plan.add(
            case.hepatectomy_code,
            "sequence",
            "Resection once the remnant has grown enough.",
        )
        plan.add(
            "REVOLUMETRY_AFTER_PVE",
            "monitoring",
            "The remnant grows 20-40% in 2 to 4 weeks: measure it again before operating.",
        )
        if case.ehd == "none":
            plan.add(
                "SIRT",
                "alternative",
                "Liver-only disease, potentially resectable with an insufficient remnant: "
                "radioembolization is an option.",
            )
    no_biologic = (
        "the disease is operable and only its volume is short; New EPOC's harm from cetuximab "
        "in operable disease outweighs the case for anti-EGFR in borderline disease."
    )
    cycles = treatment.preoperative_cycles
    if cycles >= FULL_COURSE_CYCLES:
        plan.choices.append(
            (
                "systemic_therapy",
                "none",
                f"{cycles} cycles already given (about 6 months): no more chemotherapy.",
            )
        )
    elif case.ready or cycles >= NO_MORE_PREOPERATIVE_CYCLES:
        plan.add(
            "ADJUVANT_CHEMOTHERAPY",
            "adjunct",
            f"{cycles} cycle(s) given so far: no more before surgery; complete the course "
            "after resection, without a biologic.",
            choice=no_biologic,
        )
    else:
        plan.add(
            "PERIOPERATIVE_CHEMOTHERAPY",
            "adjunct",
            f"{cycles} cycle(s) given so far: chemotherapy without a biologic while the remnant "
            "grows.",
            choice=no_biologic,
        )
    if small_few_lesions(case):
        plan.add(
            "LOCAL_ABLATIVE_THERAPY",
            "alternative",
            f"{case.lesion_count} lesion(s), none over {ABLATION_ALONE_MAX_MM} mm: ablation "
            "spares parenchyma when the remnant is too small.",
        )
        add_lesion_plan(case, plan)
    add_extrahepatic_resection(case, plan)
    primary = facts.primary
    if primary.in_situ:
        if primary.symptoms:
            add_primary_step(case, plan)
        elif case.bilobar:
            plan.add(
                "PRIMARY_WITH_FIRST_STAGE",
                "sequence",
                "Asymptomatic primary in place: remove it at the first-stage liver clearance.",
            )
        else:
            add_primary_sequencing(case, plan)


def _conversion_plan(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    if case.technically_unresectable:
        why = "technically unresectable liver disease"
    else:
        why = "extensive liver disease not yet judged resectable by a liver surgeon"
    plan.add(
        "CONVERSION_CHEMOTHERAPY",
        "primary",
        f"Potentially resectable: {why} ({case.disease()}); chemotherapy to convert it to "
        "resectable.",
    )
    add_regimen(case, plan, conversion=True)
    plan.add(
        "REASSESS_RESECTABILITY",
        "monitoring",
        "Re-assess resectability after 2 months of conversion chemotherapy.",
    )
    if case.extensive and case.ehd == "none":
        plan.add(
            "HAI_FUDR_WITH_SYSTEMIC",
            "alternative",
            f"Extensive liver-only disease ({case.lesion_count} lesions in "
            f"{len(case.segments)} segments): hepatic arterial floxuridine with systemic "
            "chemotherapy converted 70% in the HAI study.",
        )
    if facts.primary.in_situ:
        if facts.primary.symptoms:
            add_primary_step(case, plan)
        else:
            plan.raised.append(
                (
                    "NO_UPFRONT_PRIMARY_RESECTION",
                    "The asymptomatic primary stays in place during conversion chemotherapy: "
                    "resecting it first delays treatment of the liver disease.",
                )
            )


def plan_4_5(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    lesions = facts.liver.lesions
    if (
        not case.candidate
        and case.ehd == "none"
        and case.lesion_count <= ABLATION_PLAN_MAX_LESIONS
        and all(ablation_modalities(lesion) for lesion in lesions)
    ):
        if small_few_lesions(case):
            plan.add(
                "LOCAL_ABLATIVE_THERAPY",
                "primary",
                f"Not a surgical candidate, with {case.disease()}: few small lesions, ablation "
                "alone.",
            )
        else:
            plan.add(
                "SYSTEMIC_THERAPY",
                "primary",
                f"Not a surgical candidate, with {case.disease()}: systemic therapy, "
                "consolidated by ablation.",
            )
            add_regimen(case, plan, conversion=False)
            plan.add(
                "LOCAL_ABLATIVE_THERAPY",
                "adjunct",
                "Every lesion can be ablated: local treatment consolidates the response to "
                "systemic therapy.",
            )
        add_lesion_plan(case, plan)
        first_choices: dict[str, list[str]] = {}
        for entry in plan.lesion_plan:
            first_choices.setdefault(entry.modalities[0], []).append(
                f"segment {entry.segment} ({number(entry.size_mm)} mm)"
            )
        for modality, sites in first_choices.items():
            plan.add(modality, "adjunct", f"First choice for the lesion in {', '.join(sites)}.")
    else:
        plan.add(
            "SYSTEMIC_THERAPY",
            "primary",
            "Unresectable disease (" + case.unresectable_because() + "): systemic therapy.",
        )
        add_regimen(case, plan, conversion=False)
        if (
            _regional_therapy_possible(case)
            and facts.treatment.prior_systemic_lines >= 1
            and (case.extensive or case.largest_mm > FONG_LARGEST_MM)
        ):
            plan.add(
                "TACE",
                "alternative",
                f"Liver-only disease after {facts.treatment.prior_systemic_lines} systemic "
                f"line(s), {'extensive' if case.extensive else 'with a lesion over 50 mm'}: "
                "chemoembolization is a later-line option.",
                choice="a later-line option for large or extensive liver-only disease in a "
                "patient unfit for surgery; the sources disagree on its survival benefit.",
            )
        if case.ehd == "none" and facts.treatment.prior_systemic_lines == 0:
            plan.raised.append(
                (
                    "SIRT_NOT_FIRST_LINE",
                    "No systemic line given yet: radioembolization is not a first-line "
                    "treatment (it did not improve survival added to first-line chemotherapy).",
                )
            )
    add_reassessment(
        case,
        plan,
        "A surgical candidate: unresectable disease may respond; re-assess on restaging.",
    )
    add_primary_step(case, plan)


PLANS = {
    "4.0": plan_4_0,
    "4.1": plan_4_1,
    "4.2": plan_4_2,
    "4.3": plan_4_3,
    "4.4": plan_4_4,
    "4.5": plan_4_5,
}
