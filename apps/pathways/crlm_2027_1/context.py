"""The facts of one case with every derived value computed once (SPEC sections 2 to 4).

The rules in `plans` and `findings` read a `CaseContext` instead of recomputing; the engine
writes its trace and summary from the same values, so what they say is what the rules used.
"""

from __future__ import annotations

from functools import lru_cache

from apps.pathways.common import derived as common
from apps.pathways.common.text import count, number
from apps.pathways.crlm_2027_1 import derived as d
from apps.pathways.facts import CaseFacts
from apps.pathways.result import FlrAssessment, FongScore


@lru_cache(maxsize=1024)
def _disease_text(
    lesion_count: int, segments: tuple[int, ...], bilobar: bool, largest_mm: float, gone: int
) -> str:
    """ "2 lesions in segments 5, 6, unilobar, largest 30 mm": written once per combination."""
    text = (
        f"{count(lesion_count, 'lesion')} in "
        f"{'segments' if len(segments) > 1 else 'segment'} "
        f"{', '.join(str(segment) for segment in segments)}, "
        f"{'bilobar' if bilobar else 'unilobar'}, largest {number(largest_mm)} mm"
    )
    if gone:
        # Within the brackets of a rationale: no brackets of its own.
        text += f", of which {number(gone)} no longer seen after chemotherapy and sized before it"
    return text


class CaseContext:
    """A case's facts and derived values, read by every rule."""

    __slots__ = (
        "_phrases",
        "bilobar",
        "candidate",
        "dfi_months",
        "early_relapse",
        "ehd",
        "extensive",
        "facts",
        "favourable",
        "few_small",
        "flr",
        "flr_borderline",
        "fong",
        "hepatectomy_code",
        "immunotherapy_eligible",
        "largest_mm",
        "lesion_count",
        "liver_injury",
        "major_hepatectomy",
        "ready",
        "resectability",
        "right_sided",
        "segments",
        "symptomatic_primary",
        "technically_unresectable",
        "triplet_eligible",
        "visible",
        "visible_sum_mm",
    )

    def __init__(self, facts: CaseFacts) -> None:
        self.facts = facts
        liver = facts.liver
        lesions = liver.lesions
        self.lesion_count = len(lesions)
        # One pass over the lesions for the sizes: the largest, and the visible ones.
        largest = 0.0
        visible = []
        visible_sum = 0.0
        for lesion in lesions:
            size = lesion.size_mm
            if size > largest:
                largest = size
            if not lesion.disappeared:
                visible.append(lesion)
                visible_sum += size
        self.largest_mm = largest
        self.visible = tuple(visible)
        self.visible_sum_mm = visible_sum
        self.segments = common.segments_involved(lesions)
        self.bilobar = common.is_bilobar(self.segments)
        self.major_hepatectomy = d.major_hepatectomy_expected(
            liver.planned_resection, self.segments, self.largest_mm, liver.hepatic_veins_involved
        )
        self.extensive = common.extensive_liver_disease(self.lesion_count, self.segments)
        self.right_sided = facts.primary.site == "right_colon"
        self.dfi_months = common.disease_free_interval_months(facts)
        self.triplet_eligible = common.triplet_eligible(facts)
        self.candidate = common.surgical_candidate(facts)
        self.liver_injury = common.liver_injury(facts)
        self.symptomatic_primary = facts.primary.in_situ and bool(facts.primary.symptoms)
        self.fong: FongScore = common.fong_score(facts)
        self.flr: FlrAssessment = common.flr_assessment(liver, self.liver_injury)
        self.flr_borderline = common.flr_borderline(liver, self.liver_injury)
        self.ehd = common.ehd_class(facts.extrahepatic.sites, self.lesion_count, facts.patient.ecog)
        self.technically_unresectable = common.technically_unresectable(liver, self.segments)
        self.resectability = common.resectability(
            ehd=self.ehd,
            candidate=self.candidate,
            technically_unresectable=self.technically_unresectable,
            flr_sufficient=self.flr.sufficient,
            r0_feasible=liver.r0_feasible,
            extensive=self.extensive,
        )
        if self.candidate:
            self.favourable = d.favourable(
                candidate=True,
                fong=self.fong,
                timing=facts.presentation.timing,
                dfi_months=self.dfi_months,
                ehd=self.ehd,
            )
            self.ready = d.ready_for_surgery(facts, candidate=True, is_favourable=self.favourable)
        else:  # null for a patient who is not a surgical candidate: no surgical plan to time
            self.favourable = self.ready = None
        self.few_small = d.few_small_lesions(lesions, self.visible)
        self.immunotherapy_eligible = d.immunotherapy_eligible(facts)
        self.early_relapse = d.early_oxaliplatin_relapse(facts, self.dfi_months)
        self.hepatectomy_code = (
            "REPEAT_HEPATECTOMY" if facts.presentation.prior_hepatectomy else "HEPATECTOMY"
        )
        # Phrases several rules and the trace quote, each written once per case.
        self._phrases: dict[str, str] = {}

    # --- phrases the rationales share ---

    @property
    def ecog(self) -> int:
        return self.facts.patient.ecog

    @property
    def extent_planned(self) -> bool:
        return self.facts.liver.planned_resection is not None

    def unresectable_because(self) -> str:
        """Why SPEC section 3 calls the case unresectable (empty when it does not)."""
        reasons = []
        if self.ehd == "unresectable":
            reasons.append("unresectable extrahepatic disease")
        if not self.candidate:
            reasons.append(
                "the patient declines surgery"
                if self.facts.patient.declines_surgery
                else "not fit for liver surgery"
            )
        return " and ".join(reasons)

    def disease(self) -> str:
        found = self._phrases.get("disease")
        if found is None:
            found = self._phrases["disease"] = self._disease()
        return found

    def _disease(self) -> str:
        return _disease_text(
            self.lesion_count,
            self.segments,
            self.bilobar,
            self.largest_mm,
            self.lesion_count - len(self.visible),
        )

    def extent(self) -> str:
        planned = self.facts.liver.planned_resection
        if planned is not None:
            return f"a {planned} hepatectomy planned by the liver surgeon"
        return ("a major" if self.major_hepatectomy else "a minor") + " hepatectomy assumed"

    def flr_text(self) -> str:
        found = self._phrases.get("flr")
        if found is None:
            found = self._phrases["flr"] = self._flr_text()
        return found

    def _flr_text(self) -> str:
        measured = self.flr.measured_percent
        if measured is None:
            return f"future liver remnant not measured, {self.flr.required_percent}% required"
        return (
            f"future liver remnant {number(measured)}% against "
            f"{self.flr.required_percent}% required"
        )
