"""The panel's round in sentences, for the pages and the printed record alike."""

from __future__ import annotations

from typing import Any

from .choices import Disagreement


def disagreement_sentence(*, disagreement: str, reviews: int) -> str:
    """How the first three reviewers stood, and whether more were drawn."""
    added = " Two more surgeons reviewed it; the majority stands." if reviews > 3 else ""
    if disagreement == Disagreement.NONE:
        return "The three reviewers agreed."
    if disagreement == Disagreement.MINOR:
        return "The first three reviewers disagreed by one category (minor)." + added
    if disagreement == Disagreement.MAJOR:
        return (
            "The first three reviewers disagreed: resectable against permanently unresectable "
            "(major)." + added
        )
    return ""


def review_plan_words(review_plan: Any, conclusion_plan: Any, lines: list[str]) -> str:
    """A review's plan as one line, or "the recommended plan" when it is the conclusion's."""
    if not lines:
        return ""
    if review_plan == conclusion_plan:
        return "the recommended plan"
    return "; ".join(lines)
