"""The draw of reviewers: fewest open reviews first, ties broken at random by a recorded seed.

Plain functions of their inputs, so that a recorded draw (its seed and its candidates with their
open reviews, kept on the referral) replays to the same reviewers: anyone can check that an
assignment was the draw's and not someone's choice.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from typing import Any

REVIEWERS_FIRST = 3
REVIEWERS_ADDED = 2


def new_seed() -> int:
    """A fresh seed, small enough for JSON readers that hold numbers as doubles."""
    return secrets.randbits(52)


def draw_reviewers(candidates: Sequence[tuple[str, int]], *, seed: int, count: int) -> list[str]:
    """`count` of the candidates (member id, open reviews): those with the fewest open reviews
    first, ties in the random order the seed gives. The candidates' own order does not matter."""
    canonical = sorted(candidates)
    rng = random.Random(seed)
    tie_breaks = {member: rng.random() for member, _ in canonical}
    ranked = sorted(canonical, key=lambda candidate: (candidate[1], tie_breaks[candidate[0]]))
    return [member for member, _ in ranked[:count]]


def draw_record(
    *, stage: int, seed: int, candidates: Sequence[tuple[str, int]], drawn: Sequence[str]
) -> dict[str, Any]:
    """One stage's draw as the referral keeps it."""
    return {
        "stage": stage,
        "seed": seed,
        "candidates": [{"member": member, "open_reviews": load} for member, load in candidates],
        "drawn": list(drawn),
    }


def replay(record: dict[str, Any]) -> list[str]:
    """The reviewers a recorded draw gives (the same as it recorded, unless it was altered)."""
    candidates = [(item["member"], item["open_reviews"]) for item in record["candidates"]]
    return draw_reviewers(candidates, seed=record["seed"], count=len(record["drawn"]))
