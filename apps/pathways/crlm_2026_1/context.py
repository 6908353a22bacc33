"""The facts of one case with every derived value computed once (SPEC sections 2 and 3).

The rules in `plans` and `findings` read a `CaseContext` instead of recomputing; the engine
writes its trace from the same values, so what the trace says is what the rules used.
"""

from __future__ import annotations

from apps.pathways.common.text import number
from apps.pathways.crlm_2026_1 import derived as d
from apps.pathways.facts import CaseFacts
from apps.pathways.result import FlrAssessment, FongScore


class CaseContext:
    """A case's facts and derived values, read by every rule."""

    __slots__ = (
        "bilobar",
        "candidate",
        "dfi_months",
        "ehd",
        "extensive",
        "facts",
        "favourable",
        "flr",
        "flr_borderline",
        "fong",
        "hepatectomy_code",
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
    )

    def __init__(self, facts: CaseFacts) -> None:
        self.facts = facts
        liver = facts.liver
        lesions = liver.lesions
        self.lesion_count = len(lesions)
        self.largest_mm = max(lesion.size_mm for lesion in lesions)
        self.segments = d.segments_involved(lesions)
        self.bilobar = d.is_bilobar(self.segments)
        self.major_hepatectomy = d.major_hepatectomy_expected(self.segments)
        self.extensive = d.extensive_liver_disease(self.lesion_count, self.segments)
        self.right_sided = facts.primary.site == "right_colon"
        self.dfi_months = d.disease_free_interval_months(facts)
        self.triplet_eligible = d.triplet_eligible(facts)
        self.candidate = d.surgical_candidate(facts)
        self.liver_injury = d.liver_injury(facts)
        self.symptomatic_primary = facts.primary.in_situ and bool(facts.primary.symptoms)
        self.fong: FongScore = d.fong_score(facts)
        self.flr: FlrAssessment = d.flr_assessment(liver, self.liver_injury)
        self.flr_borderline = d.flr_borderline(liver, self.liver_injury)
        self.ehd = d.ehd_class(facts.extrahepatic.sites, self.lesion_count, facts.patient.ecog)
        self.technically_unresectable = d.technically_unresectable(liver, self.segments)
        self.resectability = d.resectability(
            ehd=self.ehd,
            candidate=self.candidate,
            technically_unresectable=self.technically_unresectable,
            flr_sufficient=self.flr.sufficient,
            r0_feasible=liver.r0_feasible,
            extensive=self.extensive,
        )
        self.favourable = d.favourable(
            fong=self.fong,
            timing=facts.presentation.timing,
            dfi_months=self.dfi_months,
            ehd=self.ehd,
        )
        self.ready = d.ready_for_surgery(facts, is_favourable=self.favourable)
        self.hepatectomy_code = (
            "REPEAT_HEPATECTOMY" if facts.presentation.prior_hepatectomy else "HEPATECTOMY"
        )

    # --- phrases the rationales share ---

    def unresectable_because(self) -> str:
        """Why SPEC section 3 calls the case unresectable (empty when it does not)."""
        reasons = []
        if self.ehd == "unresectable":
            reasons.append("unresectable extrahepatic disease")
        if not self.candidate:
            reasons.append("not a surgical candidate")
        return " and ".join(reasons)

    def disease(self) -> str:
        segments = ", ".join(str(segment) for segment in self.segments)
        lesions = "1 lesion" if self.lesion_count == 1 else f"{self.lesion_count} lesions"
        side = "bilobar" if self.bilobar else "unilobar"
        return (
            f"{lesions} in segment{'s' if len(self.segments) > 1 else ''} {segments}, {side}, "
            f"largest {number(self.largest_mm)} mm"
        )

    def flr_text(self) -> str:
        measured = self.flr.measured_percent
        if measured is None:
            return f"future liver remnant not measured ({self.flr.required_percent}% required)"
        return (
            f"future liver remnant {number(measured)}% against "
            f"{self.flr.required_percent}% required"
        )
