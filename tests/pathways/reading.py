"""What makes an output read as plain sentences (the review's wording points)."""

import re

REPEATED_WORD = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)


def sentences(written: dict) -> list[str]:
    """Every sentence of an output a person reads."""
    items = written["recommendations"] + written["warnings"] + written["workup"]
    return [
        written["summary"],
        *(item.get("rationale") or item.get("message") for item in items),
        *(line["because"] for line in written["trace"]),
    ]


def bracket_depth(sentence: str) -> int:
    depth = deepest = 0
    for character in sentence:
        depth += {"(": 1, ")": -1}.get(character, 0)
        deepest = max(deepest, depth)
    return deepest
