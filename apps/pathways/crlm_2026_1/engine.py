"""Pathway `crlm-2026.1` end to end: facts in, a cited and traced result out.

The trace explains each decision in the order it was taken: the derived values, resectability,
the plan chosen and why, each recommendation, warning and work-up item. A rule that is this
pathway's own reading rather than a source's says "[choice]" with its reason.
"""

from __future__ import annotations

from apps.pathways.common.text import number
from apps.pathways.crlm_2026_1 import derived as d
from apps.pathways.crlm_2026_1.catalogue import CATALOGUE, VERSION
from apps.pathways.crlm_2026_1.context import CaseContext
from apps.pathways.crlm_2026_1.findings import warnings, workup
from apps.pathways.crlm_2026_1.plans import PLANS, Plan, choose_plan
from apps.pathways.facts import CaseFacts
from apps.pathways.result import (
    Derived,
    Finding,
    PathwayResult,
    Recommendation,
    TraceLine,
    whole,
)


def _choice(because: str, choice: str | None) -> str:
    return f"{because} [choice] {choice}" if choice else because


def evaluate(facts: CaseFacts) -> PathwayResult:
    case = CaseContext(facts)
    section, plan_because = choose_plan(case)
    plan = Plan(section, plan_because)
    PLANS[section](case, plan)
    ordered = plan.ordered()

    recommendations = tuple(
        Recommendation(
            item.code,
            item.role,
            CATALOGUE[item.code].title,
            item.rationale,
            CATALOGUE[item.code].citations,
        )
        for item in ordered
    )
    if section == "4.0":  # nothing else from sections 4, 5 and 6
        raised_warnings: list[tuple[str, str, str | None]] = []
        needed_workup: list[tuple[str, str]] = []
    else:
        raised_warnings = warnings(case, plan)
        needed_workup = workup(case, plan)

    trace = _derived_trace(case)
    trace.append(TraceLine("plan", section, plan_because))
    # What the plan derived on its way (the lesion plan), then what it recommends.
    trace.extend(TraceLine(rule, result, because) for rule, result, because in plan.choices)
    trace.extend(
        TraceLine(item.code, item.role, _choice(item.rationale, item.choice)) for item in ordered
    )
    trace.extend(
        TraceLine(code, "warning", _choice(message, choice))
        for code, message, choice in raised_warnings
    )
    trace.extend(TraceLine(code, "work-up", message) for code, message in needed_workup)

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
        ),
        fong=case.fong,
        flr=case.flr,
        recommendations=recommendations,
        lesion_plan=plan.lesion_plan,
        warnings=tuple(
            Finding(code=code, message=message, citations=CATALOGUE[code].citations)
            for code, message, _ in raised_warnings
        ),
        workup=tuple(
            Finding(code=code, message=message, citations=CATALOGUE[code].citations)
            for code, message in needed_workup
        ),
        trace=tuple(trace),
    )


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _derived_trace(case: CaseContext) -> list[TraceLine]:
    """One line per derived value (SPEC section 2) and one for resectability (section 3)."""
    facts = case.facts
    liver = facts.liver
    fong = case.fong
    flr = case.flr
    lines = [
        TraceLine("liver_disease", case.disease(), "Lesions, segments and sides from the imaging."),
        TraceLine(
            "major_hepatectomy_expected",
            _yes(case.major_hepatectomy),
            f"{len(case.segments)} segment(s) hold disease; 3 or more means a major hepatectomy. "
            "[choice] The usual definition of a major hepatectomy, applied to the segments "
            "holding disease.",
        ),
        TraceLine(
            "extensive_liver_disease",
            _yes(case.extensive),
            f"{case.lesion_count} lesion(s) in {len(case.segments)} segment(s); extensive means "
            "6 or more lesions or 5 or more segments. [choice] The HAI study's cohort (46 of 54 "
            "with 6 or more lesions); 5 segments stands for bulk a lesion count misses.",
        ),
        TraceLine(
            "fong_score",
            f"{fong.score} ({fong.risk})" + ("" if fong.complete else f", up to {fong.worst_case}"),
            "One point each for: "
            + "; ".join(
                f"{name} {'unknown' if met is None else _yes(met)}" for name, met in fong.criteria
            )
            + ".",
        ),
        TraceLine(
            "liver_injury",
            _yes(case.liver_injury),
            f"Parenchyma {liver.parenchyma.replace('_', ' ')}, "
            f"{facts.treatment.preoperative_cycles} cycle(s) in this course (more than "
            f"{d.PROLONGED_CHEMOTHERAPY_CYCLES} injures the liver), chemo-refractory "
            f"{_yes(facts.treatment.chemo_refractory)}.",
        ),
        TraceLine(
            "future_liver_remnant",
            "unknown" if flr.sufficient is None else ("sufficient" if flr.sufficient else "short"),
            case.flr_text().capitalize()
            + " (20% normal, 30% cirrhosis, 40% after liver injury; the highest that applies). "
            "[choice] The lowest figure the sources give for each liver; 20-30% in a normal "
            "liver is flagged as borderline.",
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
            f"Surgical fitness {facts.patient.effective_surgical_fitness}"
            + (" (from ECOG)" if facts.patient.surgical_fitness is None else "")
            + f", ECOG {facts.patient.ecog}, declines surgery "
            + f"{_yes(facts.patient.declines_surgery)}.",
        ),
        TraceLine("resectability", case.resectability, _resectability_because(case)),
        TraceLine(
            "favourable",
            _yes(case.favourable),
            f"Fong worst case {fong.worst_case} (2 or less needed), "
            f"{facts.presentation.timing}, disease-free interval "
            + ("unknown" if case.dfi_months is None else f"{number(case.dfi_months)} months")
            + f" (12 or more needed), extrahepatic disease {case.ehd}. [choice] Synchronous "
            "disease is never favourable: the source stresses preoperative chemotherapy "
            "especially for synchronous metastases.",
        ),
        TraceLine(
            "ready_for_surgery",
            _yes(case.ready),
            f"Favourable {_yes(case.favourable)}, chemo-refractory "
            f"{_yes(facts.treatment.chemo_refractory)}, "
            f"{facts.treatment.preoperative_cycles} cycle(s) with response "
            f"{facts.treatment.latest_response or 'unknown'}. [choice] Four cycles without "
            "progression count as the two-month re-evaluation done.",
        ),
    ]
    return lines


def _ehd_because(case: CaseContext) -> str:
    sites = case.facts.extrahepatic.sites
    if not sites:
        return "No extrahepatic disease recorded."
    listed = ", ".join(
        f"{site.site.replace('_', ' ')} ({'resectable' if site.resectable else 'not resectable'})"
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
    if len(case.segments) == d.ALL_SEGMENTS:
        causes.append("all 8 segments involved")
    if liver.hepatic_veins_involved == d.MAIN_HEPATIC_VEINS:
        causes.append("all 3 main hepatic veins involved")
    if liver.both_portal_pedicles_involved:
        causes.append("both portal pedicles involved")
    if liver.r0_feasible is False:
        causes.append("the liver surgeon judges R0 resection not feasible")
    if causes:
        return "; ".join(causes).capitalize() + "."
    return "No bar to resection: bilobar disease and the number of lesions alone never are."


def _resectability_because(case: CaseContext) -> str:
    facts = case.facts
    if case.resectability == "unresectable":
        return case.unresectable_because().capitalize() + "."
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
