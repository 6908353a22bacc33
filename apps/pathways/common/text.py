"""Phrases the versions' rationales and traces share, so that a number reads as a reader writes
it and a count agrees with its noun ("1 segment", "3 segments", never "3 segment(s)")."""

from __future__ import annotations

import functools
from collections.abc import Sequence


def number(value: float) -> str:
    """A measurement as a reader writes it: 35, not 35.0."""
    if value.__class__ is int:  # the common case, and the cheapest (rationales are built often)
        return str(value)
    return str(int(value)) if float(value).is_integer() else str(value)


@functools.lru_cache(maxsize=2048)
def count(amount: float, singular: str, plural: str | None = None) -> str:
    """`amount` with its noun in agreement: "1 lesion", "2 lesions", "0 cycles". Cached: the
    same few counts ("2 lesions", "4 cycles") are written many times per evaluation."""
    if amount == 1:
        return f"1 {singular}"
    return f"{number(amount)} {plural or singular + 's'}"


def words(code: str) -> str:
    """A coded value as words: `chemotherapy_injury` -> "chemotherapy injury"."""
    return code.replace("_", " ")


def listing(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
