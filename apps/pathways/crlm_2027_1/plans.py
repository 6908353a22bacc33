"""The recommendation plans of pathway `crlm-2027.1` (SPEC section 4).

`choose_plan` picks the section of 4 that applies, first match wins; each `plan_4_x` function is
that section, adding codes with a rationale that names the case's facts. A rule that is the
pathway's own reading passes `choice=` only where the case reaches it, and the trace shows it
as "[choice]". What a plan weighs and does not take is noted with `plan.consider`, so the board
reads what was considered and why not.
"""

from __future__ import annotations

from apps.pathways.common.derived import (
    FLR_GREY_ZONE_TOP,
    FLR_REQUIRED_NORMAL,
    FONG_DFI_MONTHS,
    FONG_LARGEST_MM,
    FONG_LOW_MAX,
    ablation_modalities,
)
from apps.pathways.common.plan import Plan
from apps.pathways.common.text import count, listing, number, words
from apps.pathways.crlm_2027_1 import derived as d
from apps.pathways.crlm_2027_1.context import CaseContext
from apps.pathways.result import LesionPlanEntry, whole

FULL_COURSE_CYCLES = 12  # about 6 months of 2-weekly cycles: no more chemotherapy is added
NO_MORE_PREOPERATIVE_CYCLES = 4  # the two-month re-evaluation is done
ABLATION_PLAN_MAX_LESIONS = 5  # [choice] the SBRT series treated one to five metastases
ABLATION_PLAN_MAX_SUM_MM = 100  # [choice] the liver's tolerance of ablation and SBRT
REGIONAL_THERAPY_MAX_ECOG = 2
FLUOROPYRIMIDINE_FROM_ECOG = 2  # [choice] ESMO 2023: unfit for intensive treatment
ECOG_SUPPORTIVE = 3
ECOG_BEDBOUND = 4

REGIMEN_CODES = frozenset(
    {
        "IMMUNE_CHECKPOINT_INHIBITOR",
        "ENCORAFENIB_CETUXIMAB",
        "FLUOROPYRIMIDINE_BEVACIZUMAB",
        "FOLFOXIRI_BEVACIZUMAB",
        "DOUBLET_CHEMOTHERAPY",
        "DOUBLET_ANTI_EGFR",
        "DOUBLET_BEVACIZUMAB",
    }
)
BEVACIZUMAB_REGIMENS = frozenset({"FOLFOXIRI_BEVACIZUMAB", "FLUOROPYRIMIDINE_BEVACIZUMAB"})
BLEEDING_SYMPTOMS = frozenset({"bleeding", "perforation"})

CANCER_CAUSED = "when the poor performance is caused by the cancer"
CANCER_CAUSED_CHOICE = (
    "ESMO 2023 mCRC guideline: a patient whose performance is poor because of the cancer may "
    "still gain from treatment."
)
IRINOTECAN = "irinotecan-based (a fluoropyrimidine-irinotecan doublet such as FOLFIRI)"
EARLY_RELAPSE_IRINOTECAN = f" After a relapse within a year of adjuvant oxaliplatin: {IRINOTECAN}."
EARLY_RELAPSE_CHOICE = (
    "ESMO 2023 mCRC guideline: a relapse within a year of adjuvant oxaliplatin marks disease "
    "resistant to it."
)
NO_BIOLOGIC_CHOICE = (
    "New EPOC's harm from cetuximab in operable disease outweighs the case for anti-EGFR in "
    "borderline disease here."
)


# --- choosing the plan ---------------------------------------------------------------------------


def choose_plan(case: CaseContext) -> tuple[str, str]:
    """The section of 4 that applies and why: the first of SPEC 4's list that matches."""
    treatment = case.facts.treatment
    refractory = treatment.chemo_refractory
    ecog = case.ecog
    if ecog == ECOG_BEDBOUND:
        return "4.0", "ECOG performance status 4 (bedbound)."
    if ecog == ECOG_SUPPORTIVE and case.resectability == "unresectable":
        return "4.0b", f"ECOG 3 with {case.unresectable_because()}."
    if ecog == ECOG_SUPPORTIVE and refractory and case.resectability != "resectable":
        return "4.0b", (
            f"ECOG 3, fit for surgery, with chemo-refractory disease that is "
            f"{words(case.resectability)} today. [choice] A new line after the three "
            "cytotoxics has evidence only in ECOG 0-1 patients (ESMO 2023 mCRC guideline), and "
            "no surgery is possible today."
        )
    fit_ecog3 = (
        " [choice] ECOG 3 marked fit: fitness is the board's judgement that the patient can "
        "bear surgery and the treatment around it."
        if ecog == ECOG_SUPPORTIVE
        else ""
    )
    if refractory and case.resectability != "resectable":
        return "4.1", f"Chemo-refractory disease that is {words(case.resectability)} today."
    if treatment.latest_response == "progressive" and not refractory:
        return "4.2", "Progression on the current course of chemotherapy." + fit_ecog3
    if case.resectability == "resectable":
        because = "Resectable disease"
        if refractory:
            because += " (chemo-refractory: resection is the one curative option left)"
        return "4.3", because + "." + fit_ecog3
    if case.resectability == "potentially_resectable":
        return "4.4", "Potentially resectable disease." + fit_ecog3
    return "4.5", f"Unresectable disease: {case.unresectable_because()}."


# --- steps shared by several plans ---------------------------------------------------------------


def _symptoms(case: CaseContext) -> str:
    return listing(list(case.facts.primary.symptoms))


def add_primary_step(case: CaseContext, plan: Plan, *, palliative: bool = False) -> None:
    """Treat a symptomatic primary first, or palliate it when the case is unresectable (or the
    plan palliative)."""
    if not case.symptomatic_primary:
        return
    if palliative or case.resectability == "unresectable":
        plan.add(
            "PRIMARY_PALLIATION",
            "sequence",
            f"The primary tumour is in place with {_symptoms(case)}: palliate it before anything "
            "else.",
        )
    else:
        plan.add(
            "PRIMARY_FIRST",
            "sequence",
            f"The primary tumour is in place with {_symptoms(case)}: treat it before the liver.",
        )


def add_reassessment(case: CaseContext, plan: Plan, why: str) -> None:
    if case.candidate:
        plan.add("REASSESS_RESECTABILITY", "monitoring", why)


def regional_therapy_possible(case: CaseContext) -> bool:
    return case.ehd == "none" and case.ecog <= REGIONAL_THERAPY_MAX_ECOG


def _regional_bar(case: CaseContext) -> str:
    if case.ehd != "none":
        return "extrahepatic disease"
    return f"ECOG {case.ecog} (2 or less needed)"


def add_pve(
    case: CaseContext, plan: Plan, role: str, rationale: str, choice: str | None = None
) -> None:
    """Portal vein embolization, always with revolumetry before the resection it prepares."""
    plan.add("PORTAL_VEIN_EMBOLIZATION", role, rationale, choice)
    plan.add(
        "REVOLUMETRY_AFTER_PVE",
        "monitoring",
        "The remnant grows 20-40% in 2 to 4 weeks after embolization: measure it again before "
        "resection.",
    )


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
            f"The extrahepatic disease ({words(site)}) is resectable and no bar to surgery: "
            "remove it as well.",
        )


def add_colon_sequencing(case: CaseContext, plan: Plan, *, major: bool) -> None:
    """An asymptomatic colon primary in place: one operation with a minor hepatectomy, two with
    a major one."""
    if not major:
        plan.add(
            "SIMULTANEOUS_RESECTION",
            "sequence",
            f"Asymptomatic colon primary in place and {_extent_phrase(case, major)}: both can be "
            "removed in one operation.",
        )
        plan.consider(
            "STAGED_RESECTION", "no major hepatectomy is expected, so one operation suffices"
        )
    else:
        plan.add(
            "STAGED_RESECTION",
            "sequence",
            f"Asymptomatic colon primary in place and {_extent_phrase(case, major)}: colon and "
            "liver in separate operations.",
            choice="the sources conflict on simultaneous major resections; this pathway follows "
            "the HAI study's practice, simultaneous for a minor and staged for a major "
            "hepatectomy.",
        )
        plan.consider(
            "SIMULTANEOUS_RESECTION", "a major hepatectomy with colon surgery carries a high risk"
        )


def _extent_phrase(case: CaseContext, major: bool) -> str:
    if major == case.major_hepatectomy:
        return case.extent()
    return "a parenchyma-sparing liver treatment (no major hepatectomy)"


def add_primary_sequencing(case: CaseContext, plan: Plan, *, major: bool) -> None:
    """With the primary in place: symptomatic first; rectum liver first; colon simultaneous or
    staged."""
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
    else:
        add_colon_sequencing(case, plan, major=major)


def add_lesion_plan(case: CaseContext, plan: Plan, indexes: list[int] | None = None) -> None:
    """The lesions to ablate (every lesion, or those of `indexes`), each visible one with its
    modalities, a disappeared one with none (nothing left to target)."""
    lesions = case.facts.liver.lesions
    chosen = range(len(lesions)) if indexes is None else indexes
    entries = []
    for index in chosen:
        lesion = lesions[index]
        modalities = () if lesion.disappeared else ablation_modalities(lesion)
        entries.append(
            LesionPlanEntry(lesion.segment, whole(lesion.size_mm), modalities, lesion.disappeared)
        )
    plan.lesion_plan = tuple(entries)
    plan.lesion_indexes = tuple(chosen)
    described = "; ".join(
        f"segment {entry.segment} {number(entry.size_mm)} mm: "
        + ("disappeared, no target left" if entry.disappeared else ", ".join(entry.modalities))
        for entry in plan.lesion_plan
    )
    because = (
        "Modalities by size (RFA best at 20 mm or less, SBRT better above), dropping RFA near a "
        "major vessel (heat sink) and MWA for a peribiliary lesion."
    )
    if any(not entry.disappeared and entry.size_mm > 20 for entry in plan.lesion_plan):
        because += " [choice] The 30 and 50 mm limits and the reordering are this pathway's."
    plan.choices.append(("ablation_modalities", described, because))


def _few_small_not(case: CaseContext) -> str:
    """Why the lesions are not few and small (for what was considered and not chosen)."""
    if case.lesion_count > d.FEW_LESIONS_MAX:
        return f"{count(case.lesion_count, 'lesion')}, more than {d.FEW_LESIONS_MAX}"
    if not case.visible:
        return "no lesion is still seen"
    return f"a visible lesion is over {d.SMALL_LESION_MAX_MM} mm"


def _cancer_caused(rationale: str) -> str:
    return f"{rationale} Offered {CANCER_CAUSED}."


# --- the regimen and the new line (4.6 and the definitions of 4) ----------------------------------


def _bleeding_primary(case: CaseContext) -> list[str]:
    primary = case.facts.primary
    if not primary.in_situ:
        return []
    return [symptom for symptom in primary.symptoms if symptom in BLEEDING_SYMPTOMS]


def _geriatric(case: CaseContext, rationale: str) -> tuple[str, str | None]:
    """Over 75 with ECOG 0-1: the regimen stands, and a geriatric assessment comes first."""
    age = case.facts.patient.age
    if age > d.GERIATRIC_ASSESSMENT_AFTER_AGE and case.ecog <= 1:
        return (
            rationale + f" At {age}, a geriatric assessment comes before intensive treatment.",
            "ESMO 2023 mCRC guideline: fitness, not age, decides the intensity.",
        )
    return rationale, None


def add_regimen(case: CaseContext, plan: Plan, *, conversion: bool) -> None:
    """SPEC 4.6: one adjunct code, the first that applies."""
    facts = case.facts
    biomarkers = facts.biomarkers
    ras, braf = biomarkers.ras, biomarkers.braf_v600e
    lines = facts.treatment.prior_systemic_lines
    bleeding = _bleeding_primary(case)
    after_primary = (
        f" With the {listing(bleeding)} primary in place, bevacizumab only after the primary "
        "is treated."
        if bleeding
        else ""
    )
    if case.immunotherapy_eligible:
        plan.add(
            "IMMUNE_CHECKPOINT_INHIBITOR",
            "adjunct",
            "MSI-high (dMMR) tumour, no immunotherapy given yet: an immune checkpoint inhibitor.",
            choice="the source's recommendation stems from the front-line use of checkpoint "
            "inhibitors in MSI-high disease; a patient already given one is not given it again.",
        )
        return
    if braf == "present" and ras != "mutant" and lines >= 1:
        plan.add(
            "ENCORAFENIB_CETUXIMAB",
            "adjunct",
            f"BRAF V600E, RAS {words(ras)}, after {count(lines, 'prior line')}: encorafenib with "
            "cetuximab.",
            choice="BEACON trial and ESMO 2023 mCRC guideline, outside the five sources; "
            "cetuximab is not given to RAS-mutant disease.",
        )
        return
    if not conversion and case.ecog >= FLUOROPYRIMIDINE_FROM_ECOG:
        plan.add(
            "FLUOROPYRIMIDINE_BEVACIZUMAB",
            "adjunct",
            f"ECOG {case.ecog}: capecitabine with or without bevacizumab rather than an intensive "
            "regimen." + after_primary,
            choice="the sources list this regimen; intensive regimens suit fit patients, and "
            "ESMO 2023 offers it to patients unfit for intensive treatment.",
        )
        return
    triplet_group = case.right_sided or ras == "mutant" or braf == "present"
    if (
        conversion
        and lines == 0
        and case.triplet_eligible
        and case.ehd == "none"
        and not case.early_relapse
        and triplet_group
    ):
        rationale, geriatric = _geriatric(
            case,
            f"First-line conversion of liver-only disease, age {facts.patient.age} and ECOG "
            f"{case.ecog}, with a right-sided or RAS/BRAF-mutant tumour: the triplet with "
            "bevacizumab." + after_primary,
        )
        plan.add(
            "FOLFOXIRI_BEVACIZUMAB",
            "adjunct",
            rationale,
            choice="CAIRO5 is summarised as 'right-sided RAS/BRAF mutant'; read as the trial's "
            "groups (right-sided or RAS/BRAF-mutant), first line, liver-only; triplet "
            "eligibility is age 70 or under and ECOG 0-1 for 'young, healthy patients'."
            + (f" {geriatric}" if geriatric else ""),
        )
        return
    if conversion and triplet_group and case.early_relapse:
        plan.consider(
            "FOLFOXIRI_BEVACIZUMAB",
            "the triplet holds oxaliplatin, and the disease relapsed within a year of adjuvant "
            "oxaliplatin",
        )
    doublet = "a fluoropyrimidine doublet" + (f", {IRINOTECAN}" if case.early_relapse else "")
    early = EARLY_RELAPSE_IRINOTECAN if case.early_relapse else ""
    early_choice = EARLY_RELAPSE_CHOICE if case.early_relapse else None
    if not case.right_sided and (ras == "unknown" or (ras == "wild_type" and braf == "unknown")):
        rationale, geriatric = _geriatric(
            case,
            f"RAS {words(ras)}, BRAF V600E {braf}: {doublet} without a biologic, the biologic "
            "added once RAS and BRAF are known.",
        )
        plan.add(
            "DOUBLET_CHEMOTHERAPY",
            "adjunct",
            rationale,
            choice=_joined(
                "the antibody may be chosen according to RAS status, and anti-EGFR is for "
                "RAS/BRAF wild-type disease only: no biologic until the results are in.",
                geriatric,
                early_choice,
            ),
        )
        return
    if ras == "wild_type" and braf == "absent" and not case.right_sided:
        rationale, geriatric = _geriatric(
            case,
            "RAS wild-type, BRAF V600E absent, left-sided primary: a doublet with an anti-EGFR "
            "antibody." + early,
        )
        plan.add(
            "DOUBLET_ANTI_EGFR",
            "adjunct",
            rationale,
            choice=_joined(geriatric, early_choice),
        )
        return
    if bleeding:
        plan.add(
            "DOUBLET_CHEMOTHERAPY",
            "adjunct",
            f"The primary in place has {listing(bleeding)}: {doublet} without a biologic, "
            "bevacizumab added once the primary is treated.",
            choice=_joined(
                "treat the primary first and start bevacizumab only after; the sources are "
                "silent on its bleeding risk.",
                early_choice,
            ),
        )
        plan.consider("DOUBLET_BEVACIZUMAB", f"the primary in place has {listing(bleeding)}")
        return
    rationale, geriatric = _geriatric(
        case,
        "No indication for immunotherapy, the triplet or an anti-EGFR antibody "
        f"(RAS {words(ras)}, BRAF V600E {braf}, {words(facts.primary.site)}): a doublet with "
        "bevacizumab." + early,
    )
    plan.add("DOUBLET_BEVACIZUMAB", "adjunct", rationale, choice=_joined(geriatric, early_choice))


def _joined(*choices: str | None) -> str | None:
    given = [choice for choice in choices if choice]
    return " ".join(given) if given else None


def add_line_adjunct(case: CaseContext, plan: Plan) -> None:
    """With a new line: immunotherapy for MSI-high disease not given it yet, else encorafenib
    with cetuximab for BRAF V600E disease that is not RAS-mutant; otherwise none."""
    biomarkers = case.facts.biomarkers
    if case.immunotherapy_eligible:
        plan.add(
            "IMMUNE_CHECKPOINT_INHIBITOR",
            "adjunct",
            "MSI-high (dMMR) tumour, no immunotherapy given yet: an immune checkpoint inhibitor "
            "as the new line.",
            choice="the source's recommendation stems from the front-line use of checkpoint "
            "inhibitors in MSI-high disease; a patient already given one is not given it again.",
        )
    elif biomarkers.braf_v600e == "present" and biomarkers.ras != "mutant":
        plan.add(
            "ENCORAFENIB_CETUXIMAB",
            "adjunct",
            f"BRAF V600E, RAS {words(biomarkers.ras)}, after a line given: encorafenib with "
            "cetuximab as the new line.",
            choice="BEACON trial and ESMO 2023 mCRC guideline, outside the five sources; "
            "cetuximab is not given to RAS-mutant disease.",
        )
    elif biomarkers.braf_v600e == "present":
        plan.consider(
            "ENCORAFENIB_CETUXIMAB", "the tumour is RAS-mutant: cetuximab is not given to it"
        )


# --- 4.0 and 4.0b: performance status 4 and 3 -----------------------------------------------------


def plan_4_0(case: CaseContext, plan: Plan) -> None:
    plan.add(
        "BEST_SUPPORTIVE_CARE",
        "primary",
        "ECOG performance status 4: no treatment the sources describe was studied in bedbound "
        "patients.",
        choice="the sources set no performance-status limit; poor performance predicts worse "
        "survival (the HAI study enrolled ECOG 0-2).",
    )
    add_primary_step(case, plan, palliative=True)


def plan_4_0b(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    treatment = facts.treatment
    plan.add(
        "BEST_SUPPORTIVE_CARE",
        "primary",
        "ECOG performance status 3: outside the evidence for every anticancer treatment here "
        "(the later-line trials enrolled ECOG 0-1, the HAI study ECOG 0-2).",
        choice="ESMO 2023 mCRC guideline.",
    )
    if case.ehd == "none" and case.few_small:
        plan.add(
            "LOCAL_ABLATIVE_THERAPY",
            "alternative",
            _cancer_caused(
                f"{case.disease().capitalize()}: SBRT or percutaneous ablation, with low "
                "morbidity in patients not fit for surgery."
            ),
            choice=CANCER_CAUSED_CHOICE
            + " SBRT is frequently employed with low morbidity in patients who are not "
            "candidates for surgery; the lesion limits are those of the resectable plan.",
        )
        add_lesion_plan(case, plan)
    elif case.ehd != "none":
        plan.consider("LOCAL_ABLATIVE_THERAPY", "there is extrahepatic disease")
    else:
        plan.consider("LOCAL_ABLATIVE_THERAPY", _few_small_not(case))
    lines = treatment.prior_systemic_lines
    if treatment.chemo_refractory or lines >= 2:
        reason = (
            "chemo-refractory disease" if treatment.chemo_refractory else f"{lines} prior lines"
        )
        plan.consider(
            "CHANGE_SYSTEMIC_LINE",
            f"{reason} at ECOG 3: the later-line agents were studied in ECOG 0-1 patients",
        )
        plan.choices.append(
            (
                "systemic_alternative",
                "none",
                f"{reason.capitalize()} at ECOG 3: no systemic treatment with evidence is left. "
                "[choice] The later-line agents were studied in ECOG 0-1 patients.",
            )
        )
    elif lines == 0 and treatment.latest_response != "progressive":
        plan.add(
            "SYSTEMIC_THERAPY",
            "alternative",
            _cancer_caused("No systemic treatment given yet: systemic therapy."),
            choice=CANCER_CAUSED_CHOICE,
        )
        add_regimen(case, plan, conversion=False)
    else:
        given = (
            f"{count(lines, 'prior line')}"
            if lines
            else "a first course that is failing now (progression)"
        )
        plan.add(
            "CHANGE_SYSTEMIC_LINE",
            "alternative",
            _cancer_caused(f"After {given}: a new line, not more of the same."),
            choice=CANCER_CAUSED_CHOICE + " A first course that is failing counts as a line "
            "given; more of the same systemic therapy is not offered.",
        )
        add_line_adjunct(case, plan)
    add_primary_step(case, plan, palliative=True)


# --- 4.1 and 4.2: chemo-refractory, progressing --------------------------------------------------


def plan_4_1(case: CaseContext, plan: Plan) -> None:
    plan.add(
        "CHANGE_SYSTEMIC_LINE",
        "primary",
        f"Chemo-refractory disease that is {words(case.resectability)} today: a further systemic "
        "line.",
        choice="ESMO 2023 mCRC guideline puts the later-line agents with a survival benefit "
        "first; the sources name no line after the three cytotoxics, and the board chooses it.",
    )
    if regional_therapy_possible(case):
        plan.add(
            "SIRT",
            "alternative",
            f"Chemotherapy-resistant liver-only disease, ECOG {case.ecog}: radioembolization "
            "(a progression-free survival benefit beside second-line chemotherapy).",
        )
        plan.add(
            "TACE",
            "alternative",
            "Chemotherapy-resistant liver-only disease: chemoembolization is an option in "
            "subsequent lines.",
        )
    else:
        plan.consider("SIRT", _regional_bar(case))
    add_line_adjunct(case, plan)
    add_reassessment(case, plan, "A surgical candidate: re-assess resectability on restaging.")
    add_primary_step(case, plan)


def plan_4_2(case: CaseContext, plan: Plan) -> None:
    plan.add(
        "CHANGE_SYSTEMIC_LINE",
        "primary",
        "The disease progressed on the current course; tumours that progress under "
        "chemotherapy do badly after resection (5-year survival 8% vs 37%).",
    )
    if case.resectability == "resectable":
        plan.add(
            case.hepatectomy_code,
            "alternative",
            f"Still resectable ({case.disease()}): the board weighs resection against a new line.",
            choice="the disease can still be removed, and only the board can weigh that against "
            "the survival cost of progression.",
        )
    elif regional_therapy_possible(case):
        plan.add(
            "SIRT",
            "alternative",
            "Liver-only disease that cannot be removed today: radioembolization with "
            "second-line chemotherapy.",
        )
    else:
        plan.consider("SIRT", _regional_bar(case))
    add_line_adjunct(case, plan)
    add_reassessment(
        case, plan, "A surgical candidate: re-assess resectability if the new line responds."
    )
    add_primary_step(case, plan)


# --- 4.3 resectable ------------------------------------------------------------------------------


def plan_4_3(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    treatment = facts.treatment
    if case.ready:
        restage = (
            treatment.preoperative_cycles >= NO_MORE_PREOPERATIVE_CYCLES
            and treatment.latest_response is None
        )
        plan.add(
            case.hepatectomy_code,
            "primary",
            f"Resectable disease ({case.disease()}; {case.flr_text()}) and "
            + _readiness(case)
            + (": operate after restaging shows no progression." if restage else ": operate now."),
        )
        if treatment.chemo_refractory or treatment.preoperative_cycles >= FULL_COURSE_CYCLES:
            plan.consider(
                "ADJUVANT_CHEMOTHERAPY",
                "chemo-refractory disease"
                if treatment.chemo_refractory
                else f"{treatment.preoperative_cycles} cycles already given (about 6 months)",
            )
        else:
            _add_adjuvant(case, plan)
        if treatment.chemo_refractory and regional_therapy_possible(case):
            plan.add(
                "SIRT",
                "alternative",
                "Chemo-refractory liver-only disease: radioembolization if resection is not done.",
            )
    else:
        rationale = (
            "Resectable but not yet ready for surgery (" + _not_ready(case) + "): a "
            "fluoropyrimidine-oxaliplatin doublet without a biologic, about 6 months in total "
            "around surgery."
        )
        choice = "EORTC 40983 used FOLFOX4; CAPOX is this pathway's extension."
        if case.early_relapse:
            rationale = (
                "Resectable but not yet ready for surgery (" + _not_ready(case) + "), after a "
                f"relapse within a year of adjuvant oxaliplatin: chemotherapy {IRINOTECAN}, "
                "without a biologic, about 6 months in total around surgery."
            )
            choice = EARLY_RELAPSE_CHOICE
        plan.add("PERIOPERATIVE_CHEMOTHERAPY", "primary", rationale, choice=choice)
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
        add_pve(
            case,
            plan,
            "alternative",
            f"Borderline remnant ({number(facts.liver.flr_percent or 0)}%, between "
            f"{FLR_REQUIRED_NORMAL}% and {FLR_GREY_ZONE_TOP}%) before {case.extent()}: "
            "embolization can grow it first.",
            choice="the sources give 20%, 25% and 30% for a normal liver; the pathway takes 20% "
            "and offers embolization in the grey zone before a major hepatectomy.",
        )
    if case.ehd == "none" and case.few_small:
        plan.add(
            "LOCAL_ABLATIVE_THERAPY",
            "alternative",
            f"{_lesions_few_small(case)}: ablation is an alternative to resection for metastases "
            "of 3 cm or less.",
            choice="the COLLISION trial's limits (ablation against surgery for resectable "
            "metastases of 3 cm or less).",
        )
        add_lesion_plan(case, plan)
    elif case.ehd != "none":
        plan.consider("LOCAL_ABLATIVE_THERAPY", "there is extrahepatic disease")
    else:
        plan.consider("LOCAL_ABLATIVE_THERAPY", _few_small_not(case))
    add_extrahepatic_resection(case, plan)
    add_primary_sequencing(case, plan, major=case.major_hepatectomy)


def _lesions_few_small(case: CaseContext) -> str:
    gone = case.lesion_count - len(case.visible)
    text = f"{count(case.lesion_count, 'lesion')}"
    if gone:
        text += f" ({gone} disappeared, a site still to treat)"
    return text + f", every visible one {d.SMALL_LESION_MAX_MM} mm or less"


def _add_adjuvant(case: CaseContext, plan: Plan, *, no_biologic: bool = False) -> None:
    cycles = case.facts.treatment.preoperative_cycles
    given = f"{count(cycles, 'cycle')} given so far"
    if case.early_relapse:
        plan.add(
            "ADJUVANT_CHEMOTHERAPY",
            "adjunct",
            f"{given.capitalize()}, after a relapse within a year of adjuvant oxaliplatin: "
            "observation or an irinotecan-based regimen (the board decides).",
            choice=EARLY_RELAPSE_CHOICE,
        )
    elif no_biologic:
        plan.add(
            "ADJUVANT_CHEMOTHERAPY",
            "adjunct",
            f"{given.capitalize()}: no more before surgery; complete the course after resection, "
            "without a biologic.",
            choice=NO_BIOLOGIC_CHOICE,
        )
    else:
        plan.add(
            "ADJUVANT_CHEMOTHERAPY",
            "adjunct",
            f"{given.capitalize()}: complete about 6 months of chemotherapy after resection.",
        )


def _readiness(case: CaseContext) -> str:
    treatment = case.facts.treatment
    if case.favourable:
        return (
            f"a favourable risk profile (Fong worst case {case.fong.worst_case}, metachronous "
            f"after {number(case.dfi_months or 0)} months, no extrahepatic disease)"
        )
    if treatment.chemo_refractory:
        return "chemo-refractory disease, for which resection is the one curative option left"
    response = treatment.latest_response
    cycles = count(treatment.preoperative_cycles, "preoperative cycle")
    if response is None:
        return f"{cycles}, response not yet recorded"
    return f"{cycles} with a {response} response"


def _not_ready(case: CaseContext) -> str:
    facts = case.facts
    reasons = []
    if facts.presentation.timing == "synchronous":
        reasons.append("synchronous disease")
    elif case.dfi_months is None:
        reasons.append("disease-free interval unknown")
    elif case.dfi_months < FONG_DFI_MONTHS:
        reasons.append(f"disease-free interval {count(case.dfi_months, 'month')}")
    if case.fong.worst_case > FONG_LOW_MAX:
        reasons.append(f"Fong score up to {case.fong.worst_case}")
    if case.ehd != "none":
        reasons.append("extrahepatic disease")
    cycles = facts.treatment.preoperative_cycles
    if cycles < NO_MORE_PREOPERATIVE_CYCLES:
        reasons.append(
            f"{count(cycles, 'cycle')} given so far, fewer than {NO_MORE_PREOPERATIVE_CYCLES}"
        )
    else:
        reasons.append(f"{count(cycles, 'cycle')} given, progressing")
    return ", ".join(reasons)


# --- 4.4 potentially resectable ------------------------------------------------------------------


def plan_4_4(case: CaseContext, plan: Plan) -> None:
    if not case.technically_unresectable and case.flr.sufficient is False:
        _flr_plan(case, plan)
    else:
        _conversion_plan(case, plan)


def _flr_plan(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    treatment = facts.treatment
    major = case.major_hepatectomy
    two_stage = False
    if case.few_small:
        plan.choices.append(("flr_route", "ablation", "Few small lesions: the ablation route."))
        plan.add(
            "LOCAL_ABLATIVE_THERAPY",
            "primary",
            f"{_lesions_few_small(case)} and an insufficient remnant ({case.flr_text()}): "
            "ablation spares parenchyma.",
            choice="ablation spares parenchyma when the remnant is too small, and lesions under "
            "3 cm are accessible to it; this pathway tries it before surgery that needs the "
            "liver to grow.",
        )
        add_lesion_plan(case, plan)
        add_pve(
            case,
            plan,
            "alternative",
            "If the board does not choose ablation: embolization to grow the remnant first.",
        )
        plan.add(
            case.hepatectomy_code,
            "alternative",
            "Resection once the remnant has grown, if the board does not choose ablation.",
        )
        plan.consider("TWO_STAGE_HEPATECTOMY", "few small lesions can be ablated instead")
        # The route counts as no major hepatectomy: the guessed extent decides nothing here.
        major = False
    elif case.bilobar:
        two_stage = True
        plan.choices.append(
            ("flr_route", "two-stage", "Bilobar disease that is not few and small: two stages.")
        )
        plan.add(
            "TWO_STAGE_HEPATECTOMY",
            "primary",
            f"Bilobar disease ({case.disease()}) with an insufficient remnant "
            f"({case.flr_text()}): clear one side, embolize, then resect.",
        )
        add_pve(
            case,
            plan,
            "adjunct",
            "Portal vein embolization between the stages grows the remnant.",
        )
        _resection_with_ablation(case, plan)
    else:
        plan.choices.append(("flr_route", "unilobar", "Unilobar disease: embolization first."))
        add_pve(
            case,
            plan,
            "primary",
            f"Unilobar disease ({case.disease()}) with an insufficient remnant "
            f"({case.flr_text()}): embolization to grow it before resection.",
        )
        plan.add(case.hepatectomy_code, "sequence", "Resection once the remnant has grown enough.")
        if regional_therapy_possible(case):
            plan.add(
                "SIRT",
                "alternative",
                "Liver-only disease, potentially resectable with an insufficient remnant: "
                "radioembolization is an option.",
            )
        else:
            plan.consider("SIRT", _regional_bar(case))
    cycles = treatment.preoperative_cycles
    if cycles >= FULL_COURSE_CYCLES:
        plan.choices.append(
            (
                "systemic_therapy",
                "none",
                f"{count(cycles, 'cycle')} already given (about 6 months): no more chemotherapy.",
            )
        )
    elif case.ready or cycles >= NO_MORE_PREOPERATIVE_CYCLES:
        _add_adjuvant(case, plan, no_biologic=True)
    else:
        rationale = (
            f"{count(cycles, 'cycle')} given so far: chemotherapy without a biologic while the "
            "remnant grows"
        )
        if case.early_relapse:
            rationale += f", {IRINOTECAN} after a relapse within a year of adjuvant oxaliplatin"
        plan.add(
            "PERIOPERATIVE_CHEMOTHERAPY",
            "adjunct",
            rationale + ".",
            choice=_joined(
                NO_BIOLOGIC_CHOICE, EARLY_RELAPSE_CHOICE if case.early_relapse else None
            ),
        )
    add_extrahepatic_resection(case, plan)
    primary = facts.primary
    if primary.in_situ:
        if primary.symptoms:
            add_primary_step(case, plan)
        elif primary.site == "rectum":
            plan.add(
                "LIVER_FIRST",
                "sequence",
                "Asymptomatic rectal primary in place: the liver is treated first, then the "
                "rectum.",
            )
        elif two_stage:
            plan.add(
                "PRIMARY_WITH_FIRST_STAGE",
                "sequence",
                "Asymptomatic colon primary in place: remove it at the first-stage liver "
                "clearance.",
            )
        else:
            add_colon_sequencing(case, plan, major=major)


def _resection_with_ablation(case: CaseContext, plan: Plan) -> None:
    """The two-stage route's alternative: ablate the lesions of one hemiliver (the remnant
    side), embolize, then resect the other."""
    lesions = case.facts.liver.lesions
    qualifying = d.ablatable_hemilivers(lesions)
    if not qualifying:
        plan.consider(
            "RESECTION_WITH_ABLATION",
            f"neither hemiliver holds 1 to {d.FEW_LESIONS_MAX} visible lesions of "
            f"{d.SMALL_LESION_MAX_MM} mm or less",
        )
        return
    side = "left" if "left" in qualifying else "right"
    other = "right" if side == "left" else "left"
    segments = sorted({lesions[index].segment for index in qualifying[side]})
    plan.add(
        "RESECTION_WITH_ABLATION",
        "alternative",
        f"The {side} hemiliver holds {count(len(qualifying[side]), 'lesion')} of "
        f"{d.SMALL_LESION_MAX_MM} mm or less (segment{'s' if len(segments) > 1 else ''} "
        f"{', '.join(str(s) for s in segments)}): a staged plan: ablation clears the remnant "
        f"side, then portal vein embolization and revolumetry, then the {other} side is resected "
        f"once the remnant reaches {case.flr.required_percent}%.",
        choice=(
            "both hemilivers qualify; the left one is the usual remnant."
            if len(qualifying) == 2
            else None
        ),
    )
    add_lesion_plan(case, plan, qualifying[side])


def _conversion_plan(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    treatment = facts.treatment
    if case.technically_unresectable:
        why = "technically unresectable liver disease"
    elif case.flr.sufficient is None:
        why = "extensive liver disease, remnant not measured and R0 not yet judged"
    else:
        why = "extensive liver disease not yet judged resectable by a liver surgeon"
    if case.immunotherapy_eligible:
        plan.add(
            "IMMUNE_CHECKPOINT_INHIBITOR",
            "primary",
            f"Potentially resectable: {why} ({case.disease()}); MSI-high (dMMR) tumour, no "
            "immunotherapy given yet: first-line immunotherapy, aiming at conversion.",
            choice="the source recommends checkpoint inhibitors for MSI-high disease from their "
            "front-line use in unresectable disease; this pathway gives them with conversion "
            "intent in place of chemotherapy.",
        )
        plan.consider("CONVERSION_CHEMOTHERAPY", "MSI-high disease: immunotherapy instead")
    else:
        plan.add(
            "CONVERSION_CHEMOTHERAPY",
            "primary",
            f"Potentially resectable: {why} ({case.disease()}); chemotherapy to convert it to "
            "resectable.",
        )
        if facts.biomarkers.msi == "msi_high":
            plan.consider(
                "IMMUNE_CHECKPOINT_INHIBITOR", "an immune checkpoint inhibitor was given already"
            )
        add_regimen(case, plan, conversion=True)
    plan.add(
        "REASSESS_RESECTABILITY",
        "monitoring",
        "Re-assess resectability after 2 months of conversion treatment.",
    )
    hai_bars = []
    if not case.extensive:
        hai_bars.append("the liver disease is not extensive")
    if case.ehd != "none":
        hai_bars.append("there is extrahepatic disease")
    if case.ecog > REGIONAL_THERAPY_MAX_ECOG:
        hai_bars.append(f"ECOG {case.ecog}")
    if facts.biomarkers.msi == "msi_high":
        hai_bars.append("MSI-high disease")
    if treatment.prior_systemic_lines > 0:
        hai_bars.append(f"{count(treatment.prior_systemic_lines, 'prior line')} given")
    if case.early_relapse:
        hai_bars.append("a relapse within a year of adjuvant oxaliplatin (no oxaliplatin again)")
    if not hai_bars:
        plan.add(
            "HAI_FUDR_WITH_SYSTEMIC",
            "alternative",
            f"Extensive untreated liver-only disease ({count(case.lesion_count, 'lesion')} in "
            f"{count(len(case.segments), 'segment')}), ECOG {case.ecog}: hepatic arterial "
            "floxuridine with systemic XELOX converted 70% in the HAI study.",
            choice="the HAI study treated untreated patients upfront, all ECOG 0-2; this pathway "
            "keeps to the population studied.",
        )
    elif case.extensive:
        plan.consider("HAI_FUDR_WITH_SYSTEMIC", listing(hai_bars))
    if facts.primary.in_situ:
        if facts.primary.symptoms:
            add_primary_step(case, plan)
        else:
            plan.raised.append(
                (
                    "NO_UPFRONT_PRIMARY_RESECTION",
                    "The asymptomatic primary stays in place during conversion treatment: "
                    "resecting it first delays treatment of the liver disease.",
                )
            )


# --- 4.5 unresectable ----------------------------------------------------------------------------


def plan_4_5(case: CaseContext, plan: Plan) -> None:
    facts = case.facts
    visible = case.visible
    bars = []
    if case.candidate:
        bars.append("a surgical candidate (unresectable for other reasons)")
    if case.ehd != "none":
        bars.append("extrahepatic disease")
    if case.ecog > REGIONAL_THERAPY_MAX_ECOG:
        bars.append(f"ECOG {case.ecog}")
    if case.lesion_count > ABLATION_PLAN_MAX_LESIONS:
        bars.append(f"{count(case.lesion_count, 'lesion')}, more than {ABLATION_PLAN_MAX_LESIONS}")
    if not visible:
        bars.append("no lesion is still seen")
    elif not all(ablation_modalities(lesion) for lesion in visible):
        bars.append("a lesion over 50 mm")
    if case.visible_sum_mm > ABLATION_PLAN_MAX_SUM_MM:
        bars.append(
            f"visible lesions of {number(case.visible_sum_mm)} mm in all, over "
            f"{ABLATION_PLAN_MAX_SUM_MM} mm"
        )
    ablation_choice = (
        "the liver's tolerance of SBRT and ablation: the SBRT series treated one to five "
        "metastases; the 100 mm total is this pathway's."
    )
    if not bars:
        if case.lesion_count <= d.FEW_LESIONS_MAX:
            plan.add(
                "LOCAL_ABLATIVE_THERAPY",
                "primary",
                f"{case.unresectable_because().capitalize()}, with {case.disease()}: few "
                "lesions, ablation alone.",
                choice=ablation_choice,
            )
        else:
            plan.add(
                "SYSTEMIC_THERAPY",
                "primary",
                f"{case.unresectable_because().capitalize()}, with {case.disease()}: systemic "
                "therapy, consolidated by ablation.",
                choice=ablation_choice,
            )
            add_regimen(case, plan, conversion=False)
            plan.add(
                "LOCAL_ABLATIVE_THERAPY",
                "adjunct",
                "Every visible lesion can be ablated: local treatment consolidates the response "
                "to systemic therapy.",
            )
        add_lesion_plan(case, plan)
        first_choices: dict[str, list[str]] = {}
        for entry in plan.lesion_plan:
            if entry.modalities:
                first_choices.setdefault(entry.modalities[0], []).append(
                    f"segment {entry.segment} ({number(entry.size_mm)} mm)"
                )
        for modality, sites in first_choices.items():
            plan.add(
                modality,
                "adjunct",
                f"First choice for the lesion{'s' if len(sites) > 1 else ''} in {listing(sites)}.",
            )
    else:
        plan.consider("LOCAL_ABLATIVE_THERAPY", listing(bars))
        if case.immunotherapy_eligible:
            plan.add(
                "IMMUNE_CHECKPOINT_INHIBITOR",
                "primary",
                f"Unresectable disease ({case.unresectable_because()}); MSI-high (dMMR) tumour, "
                "no immunotherapy given yet: an immune checkpoint inhibitor.",
                choice="the source's recommendation stems from the front-line use of checkpoint "
                "inhibitors in MSI-high disease.",
            )
        else:
            plan.add(
                "SYSTEMIC_THERAPY",
                "primary",
                f"Unresectable disease ({case.unresectable_because()}): systemic therapy.",
            )
            add_regimen(case, plan, conversion=False)
        lines = facts.treatment.prior_systemic_lines
        large = case.extensive or case.largest_mm > FONG_LARGEST_MM
        if regional_therapy_possible(case) and lines >= 1 and large:
            plan.add(
                "TACE",
                "alternative",
                f"Liver-only disease after {count(lines, 'systemic line')}, "
                f"{'extensive' if case.extensive else 'with a lesion over 50 mm'}: "
                "chemoembolization is a later-line option.",
                choice="a later-line option for large or extensive liver-only disease in a "
                "patient unfit for surgery; the sources disagree on its survival benefit.",
            )
        if case.ehd == "none" and lines == 0:
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
    "4.0b": plan_4_0b,
    "4.1": plan_4_1,
    "4.2": plan_4_2,
    "4.3": plan_4_3,
    "4.4": plan_4_4,
    "4.5": plan_4_5,
}
