"""Pathway `crlm-2027.1` end to end: facts in, a cited and traced result out, with the one
sentence the board reads first (`summary`).

The trace explains each decision in the order it was taken: the derived values, resectability,
the plan chosen and why, each recommendation, what was considered and not chosen, each warning
and work-up item. A line says "[choice]" only where the case reached a rule that is this
pathway's own reading, with its reason.
"""

from __future__ import annotations

from functools import lru_cache

from apps.pathways.common import derived as common
from apps.pathways.common.plan import Plan
from apps.pathways.common.text import count, listing, number, words
from apps.pathways.crlm_2027_1.catalogue import CATALOGUE, SEVERITY, VERSION
from apps.pathways.crlm_2027_1.context import CaseContext
from apps.pathways.crlm_2027_1.findings import warnings, workup
from apps.pathways.crlm_2027_1.plans import PLANS, REGIMEN_CODES, choose_plan
from apps.pathways.facts import PARENCHYMA, CaseFacts
from apps.pathways.result import (
    Derived,
    Finding,
    FongCriteria,
    PathwayResult,
    Recommendation,
    TraceLine,
    whole,
)

# The Fong criteria as a clinician reads them (the trace's fong_score line).
FONG_WORDS = {
    "dfi_under_12_months": "disease-free interval under 12 months",
    "multiple_lesions": "more than one lesion",
    "largest_over_50_mm": "largest lesion over 50 mm",
    "node_positive": "node-positive primary",
    "cea_over_200": "CEA over 200 ng/mL",
}
assert set(FONG_WORDS) == set(common.FONG_CRITERIA)
PARENCHYMA_WORDS = {name: words(name) for name in PARENCHYMA}
# The primaries a regimen belongs to: the summary names it in the same breath.
SYSTEMIC_PRIMARIES = frozenset(
    {"SYSTEMIC_THERAPY", "CONVERSION_CHEMOTHERAPY", "CHANGE_SYSTEMIC_LINE"}
)


def evaluate(facts: CaseFacts) -> PathwayResult:
    case = CaseContext(facts)
    section, plan_because = choose_plan(case)
    plan = Plan(section, plan_because)
    PLANS[section](case, plan)
    ordered = plan.ordered()

    # One pass over the plan: each recommendation, its trace line, and the primary and regimen
    # the summary names.
    recommendations = []
    recommendation_lines = []
    primary = regimen = None
    for item in ordered:
        entry = CATALOGUE[item.code]
        recommendation = Recommendation(
            item.code, item.role, entry.title, item.rationale, entry.citations
        )
        recommendations.append(recommendation)
        if item.role == "primary":
            if primary is None:
                primary = recommendation
        elif regimen is None and item.role == "adjunct" and item.code in REGIMEN_CODES:
            regimen = recommendation
        because = item.rationale
        if item.choice:
            because = f"{because} [choice] {item.choice}"
        recommendation_lines.append(TraceLine(item.code, item.role, because))
    if section == "4.0":  # nothing else from sections 4, 5 and 6
        raised_warnings: list[tuple[str, str, str | None]] = []
        needed_workup: list[tuple[str, str]] = []
    else:
        raised_warnings = warnings(case, plan)
        needed_workup = workup(
            case,
            plan,
            extent_assumed=any(
                code == "RESECTION_EXTENT_ASSUMED" for code, _, _ in raised_warnings
            ),
        )

    trace = _derived_trace(case)
    trace.append(TraceLine("plan", section, plan_because))
    # What the plan derived on its way (the route, the lesion plan), then what it recommends,
    # then what it weighed and did not take.
    for rule, result, because in plan.choices:
        trace.append(TraceLine(rule, result, because))
    trace += recommendation_lines
    for code, reason in plan.considered:
        trace.append(TraceLine(code, "not chosen", reason[:1].upper() + reason[1:] + "."))
    warning_findings = []
    for code, message, choice in raised_warnings:
        entry = CATALOGUE[code]
        warning_findings.append(
            Finding(code=code, severity=SEVERITY[code], message=message, citations=entry.citations)
        )
        trace.append(
            TraceLine(code, "warning", f"{message} [choice] {choice}" if choice else message)
        )
    workup_findings = []
    for code, message in needed_workup:
        workup_findings.append(
            Finding(code=code, message=message, citations=CATALOGUE[code].citations)
        )
        trace.append(TraceLine(code, "work-up", message))

    return PathwayResult(
        pathway_version=VERSION,
        resectability=case.resectability,
        surgical_candidate=case.candidate,
        derived=Derived(
            lesion_count=case.lesion_count,
            largest_lesion_mm=whole(case.largest_mm),
            segments=case.segments,
            bilobar=case.bilobar,
            major_hepatectomy_expected=case.major_hepatectomy,
            extensive_liver_disease=case.extensive,
            ehd=case.ehd,
            technically_unresectable=case.technically_unresectable,
            liver_injury=case.liver_injury,
            favourable=case.favourable,
            ready_for_surgery=case.ready,
            plan=section,
            visible_lesion_count=len(case.visible),
            visible_sum_mm=whole(case.visible_sum_mm),
            resection_extent="planned" if case.extent_planned else "assumed",
        ),
        fong=case.fong,
        flr=case.flr,
        recommendations=tuple(recommendations),
        lesion_plan=plan.lesion_plan,
        warnings=tuple(warning_findings),
        workup=tuple(workup_findings),
        trace=tuple(trace),
        summary=_summary(case, section, primary, regimen),
    )


# --- the ten-second read -------------------------------------------------------------------------


def _summary(
    case: CaseContext, section: str, primary: Recommendation | None, regimen: Recommendation | None
) -> str:
    """The primary recommendation (with its regimen) and the one fact that decided it."""
    assert primary is not None  # every plan has one (a property test holds them to it)
    headline = primary.title
    if regimen is not None and primary.code in SYSTEMIC_PRIMARIES:
        headline += f", {_lower_first(regimen.title)}"
    return f"{headline}: {_deciding_fact(case, section)}."


def _lower_first(title: str) -> str:
    """A title inside a sentence: "Doublet chemotherapy" -> "doublet chemotherapy", an
    acronym ("FOLFOXIRI ...") kept."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def _deciding_fact(case: CaseContext, section: str) -> str:
    facts = case.facts
    treatment = facts.treatment
    if section == "4.0":
        return "ECOG 4, bedbound"
    if section == "4.0b":
        if case.resectability == "unresectable":
            return f"ECOG 3, {case.unresectable_because()}"
        return "ECOG 3, chemo-refractory disease that cannot be removed today"
    if section == "4.1":
        return "chemo-refractory disease that cannot be removed today"
    if section == "4.2":
        return "progression on the current course"
    if section == "4.3":
        if case.ready:
            if case.favourable:
                return f"{_lesions(case)}, favourable risk profile (surgery first)"
            if treatment.chemo_refractory:
                return "resectable chemo-refractory disease, resection the one curative option"
            if treatment.latest_response is None:
                return (
                    f"resectable after {count(treatment.preoperative_cycles, 'cycle')}, "
                    "once restaging shows no progression"
                )
            return (
                f"resectable after {count(treatment.preoperative_cycles, 'cycle')} with a "
                f"{treatment.latest_response} response"
            )
        if facts.presentation.timing == "synchronous":
            return "resectable synchronous disease, chemotherapy before surgery"
        return "resectable, not yet ready for surgery (chemotherapy first)"
    if section == "4.4":
        if not case.technically_unresectable and case.flr.sufficient is False:
            return (
                f"remnant {number(case.flr.measured_percent or 0)}%, "
                f"{case.flr.required_percent}% required"
            )
        if case.technically_unresectable:
            return "technically unresectable liver disease, aiming at conversion"
        return "extensive liver disease not yet judged resectable, aiming at conversion"
    return case.unresectable_because()


def _lesions(case: CaseContext) -> str:
    timing = words(case.facts.presentation.timing)
    if case.lesion_count == 1:
        return f"a {timing} lesion"
    return f"{case.lesion_count} {timing} lesions"


# --- the trace of the derived values -------------------------------------------------------------


def _yes(value: bool | None) -> str:
    if value is None:
        return "not applicable"
    return "yes" if value else "no"


def _derived_trace(case: CaseContext) -> list[TraceLine]:
    """One line per derived value (SPEC section 2), resectability (section 3) and the
    definitions of section 4."""
    facts = case.facts
    liver = facts.liver
    treatment = facts.treatment
    fong = case.fong
    flr = case.flr
    flr_text = case.flr_text()
    segments = count(len(case.segments), "segment")
    cycles = count(treatment.preoperative_cycles, "cycle")
    lines = [
        TraceLine("liver_disease", case.disease(), "Lesions, segments and sides from the imaging."),
        TraceLine(
            "visible_lesions",
            *_visible_line(len(case.visible), case.visible_sum_mm, case.lesion_count),
        ),
        TraceLine(
            "major_hepatectomy_expected",
            _yes(case.major_hepatectomy),
            _extent_because(case, segments),
        ),
        TraceLine(
            "extensive_liver_disease",
            _yes(case.extensive),
            _extensive_because(case.lesion_count, len(case.segments), case.extensive),
        ),
        TraceLine("fong_score", *_fong_line(fong.criteria, fong.score, fong.worst_case, fong.risk)),
        TraceLine(
            "liver_injury",
            _yes(case.liver_injury),
            _injury_because(
                liver.parenchyma, treatment.preoperative_cycles, treatment.chemo_refractory
            ),
        ),
        TraceLine(
            "future_liver_remnant",
            "unknown" if flr.sufficient is None else ("sufficient" if flr.sufficient else "short"),
            _flr_because(flr_text, flr.measured_percent is not None),
        ),
        TraceLine("extrahepatic_disease", case.ehd, _ehd_because(case)),
        TraceLine(
            "technically_unresectable",
            _yes(case.technically_unresectable),
            _technical_because(case),
        ),
        TraceLine(
            "surgical_candidate",
            _yes(case.candidate),
            _candidate_because(
                facts.patient.effective_surgical_fitness,
                facts.patient.surgical_fitness is None,
                facts.patient.ecog,
                facts.patient.declines_surgery,
            ),
        ),
        TraceLine("resectability", case.resectability, _resectability_because(case)),
        TraceLine("favourable", _yes(case.favourable), _favourable_because(case)),
        TraceLine("ready_for_surgery", _yes(case.ready), _ready_because(case, cycles)),
    ]
    if facts.biomarkers.msi == "msi_high":
        lines.append(
            TraceLine(
                "immunotherapy_eligible",
                _yes(case.immunotherapy_eligible),
                "MSI-high, "
                + (
                    "an immune checkpoint inhibitor already given."
                    if treatment.prior_immunotherapy
                    else "no immune checkpoint inhibitor given yet."
                ),
            )
        )
    if treatment.adjuvant_oxaliplatin:
        lines.append(
            TraceLine(
                "early_oxaliplatin_relapse",
                _yes(case.early_relapse),
                "Adjuvant oxaliplatin, disease-free interval "
                + ("unknown" if case.dfi_months is None else count(case.dfi_months, "month"))
                + " (under 12 is an early relapse: no oxaliplatin again)."
                + (
                    " [choice] ESMO 2023 mCRC guideline: such a relapse marks disease "
                    "resistant to oxaliplatin."
                    if case.early_relapse
                    else ""
                ),
            )
        )
    return lines


# The derived values' trace lines depend on a few facts each, and the same few combinations come
# back case after case: each is written once.


@lru_cache(maxsize=512)
def _visible_line(visible: int, visible_sum_mm: float, lesion_count: int) -> tuple[str, str]:
    gone = lesion_count - visible
    return (
        f"{visible}, {number(visible_sum_mm)} mm in all",
        f"{count(gone, 'lesion')} no longer seen after chemotherapy: counted as a site "
        "still to treat, not sized."
        if gone
        else "Every lesion is still seen.",
    )


@lru_cache(maxsize=512)
def _extensive_because(lesion_count: int, segment_count: int, extensive: bool) -> str:
    return (
        f"{count(lesion_count, 'lesion')} in {count(segment_count, 'segment')}; extensive means "
        "6 or more lesions or 5 or more segments."
        + (
            " [choice] The HAI study's cohort (46 of 54 with 6 or more lesions); 5 segments "
            "stands for bulk a lesion count misses."
            if extensive
            else ""
        )
    )


@lru_cache(maxsize=512)
def _fong_line(criteria: FongCriteria, score: int, worst: int, risk: str) -> tuple[str, str]:
    result = f"{score} ({risk})" + ("" if score == worst else f", up to {worst}")
    met = "; ".join(
        f"{FONG_WORDS[name]}: {'unknown' if value is None else ('yes' if value else 'no')}"
        for name, value in criteria
    )
    return result, f"One point each for {met}."


@lru_cache(maxsize=512)
def _injury_because(parenchyma: str, cycles: int, refractory: bool) -> str:
    return (
        f"Parenchyma {PARENCHYMA_WORDS[parenchyma]}, {count(cycles, 'cycle')} in this course "
        f"(more than {common.PROLONGED_CHEMOTHERAPY_CYCLES} injures the liver), chemo-refractory "
        f"{_yes(refractory)}."
    )


@lru_cache(maxsize=512)
def _flr_because(flr_text: str, measured: bool) -> str:
    return (
        flr_text[:1].upper()
        + flr_text[1:]
        + " (20% normal, 30% cirrhosis, 40% after liver injury; the highest that applies)."
        + (
            " [choice] The lowest figure the sources give for each liver; 20-30% in a "
            "normal liver is flagged as borderline."
            if measured
            else ""
        )
    )


@lru_cache(maxsize=512)
def _candidate_because(fitness: str, from_ecog: bool, ecog: int, declines: bool) -> str:
    return (
        f"Surgical fitness {fitness}"
        + (" (from ECOG)" if from_ecog else "")
        + f", ECOG {ecog}, "
        + ("declines surgery." if declines else "accepts surgery.")
    )


def _extent_because(case: CaseContext, segments_text: str) -> str:
    liver = case.facts.liver
    if liver.planned_resection is not None:
        return f"The liver surgeon plans a {liver.planned_resection} hepatectomy."
    veins = liver.hepatic_veins_involved
    return (
        f"Not yet planned by the liver surgeon: {segments_text}, largest "
        f"lesion {number(case.largest_mm)} mm, "
        f"{veins} hepatic vein{'' if veins == 1 else 's'} involved; {EXTENT_GUESS}"
    )


EXTENT_GUESS = (
    "3 or more segments, a lesion over 50 mm or an involved hepatic vein make a major "
    "hepatectomy expected. [choice] A major hepatectomy is the usual three or more segments; a "
    "large or juxta-venous lesion usually needs one."
)


NO_SURGICAL_PLAN = "Not a surgical candidate: there is no surgical plan to time."
SYNCHRONOUS_CHOICE = (
    " [choice] Synchronous disease is never favourable: the source stresses preoperative "
    "chemotherapy especially for synchronous metastases."
)
READY_BY_CYCLES_CHOICE = (
    " [choice] Four cycles without progression make the two-month re-evaluation due: more "
    "cycles add liver injury and make more lesions disappear; an unknown response is restaged "
    "before operating."
)


def _favourable_because(case: CaseContext) -> str:
    if case.favourable is None:
        return NO_SURGICAL_PLAN
    timing = case.facts.presentation.timing
    dfi = case.dfi_months
    interval = "unknown" if dfi is None else count(dfi, "month")
    because = (
        f"Fong worst case {case.fong.worst_case} (2 or less needed), {timing}, disease-free "
        f"interval {interval} (12 or more needed), extrahepatic disease {case.ehd}."
    )
    return because + SYNCHRONOUS_CHOICE if timing == "synchronous" else because


def _ready_because(case: CaseContext, cycles_text: str) -> str:
    if case.ready is None:
        return NO_SURGICAL_PLAN
    treatment = case.facts.treatment
    because = (
        f"Favourable {'yes' if case.favourable else 'no'}, chemo-refractory "
        f"{'yes' if treatment.chemo_refractory else 'no'}, {cycles_text} "
        f"with response {treatment.latest_response or 'not recorded'}."
    )
    by_cycles = (
        case.ready
        and not case.favourable
        and not treatment.chemo_refractory
        and treatment.preoperative_cycles >= 4
    )
    return because + READY_BY_CYCLES_CHOICE if by_cycles else because


def _ehd_because(case: CaseContext) -> str:
    sites = case.facts.extrahepatic.sites
    if not sites:
        return "No extrahepatic disease recorded."
    listed = ", ".join(
        f"{words(site.site)} ({'resectable' if site.resectable else 'not resectable'})"
        for site in sites
    )
    because = f"Sites: {listed}."
    if case.ehd == "resectable":
        return because + " One resectable site that the sources report as no bar to surgery."
    if len(sites) > 1:
        return because + " More than one site."
    site = sites[0]
    if not site.resectable:
        return because + " The site cannot be cleared."
    if site.site == "peritoneum":
        return (
            because + " Peritoneal disease counts as resectable only with 3 or fewer liver "
            "lesions and ECOG 0-1."
        )
    if site.site == "coeliac_or_paraaortic_nodes":
        return because + " Coeliac or para-aortic nodes: no 5-year survivors after resection."
    return (
        because + " The sources report no benefit from resection at this site. [choice] The "
        "MDT may still decide otherwise."
    )


def _technical_because(case: CaseContext) -> str:
    liver = case.facts.liver
    causes = []
    if len(case.segments) == common.ALL_SEGMENTS:
        causes.append("all 8 segments involved")
    if liver.hepatic_veins_involved == common.MAIN_HEPATIC_VEINS:
        causes.append("all 3 main hepatic veins involved")
    if liver.both_portal_pedicles_involved:
        causes.append("both portal pedicles involved")
    if liver.r0_feasible is False:
        causes.append("the liver surgeon judges R0 resection not feasible")
    if causes:
        text = listing(causes)
        return text[:1].upper() + text[1:] + "."
    return "No bar to resection: bilobar disease and the number of lesions alone never are."


def _resectability_because(case: CaseContext) -> str:
    facts = case.facts
    if case.resectability == "unresectable":
        reason = case.unresectable_because()
        return reason[:1].upper() + reason[1:] + "."
    if case.resectability == "potentially_resectable":
        if case.technically_unresectable:
            return "The liver disease is technically unresectable today."
        if case.flr.sufficient is False:
            return f"The remnant is short: {case.flr_text()}."
        return (
            "Extensive liver disease without a liver surgeon's judgement of R0 resection. "
            "[choice] Without that judgement, extensive disease is not presumed resectable."
        )
    provisional = []
    if facts.liver.r0_feasible is None:
        provisional.append("provisional until a liver surgeon judges R0 resection")
    if facts.liver.flr_percent is None and case.major_hepatectomy:
        provisional.append("provisional until the remnant of the major hepatectomy is measured")
    because = "A surgical candidate with no bar to resection in the liver or beyond"
    return because + (": " + "; ".join(provisional) if provisional else "") + "."
