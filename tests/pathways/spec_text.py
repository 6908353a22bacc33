"""The pathway's shared documents read as data, so tests compare the engine with the text.

`SpecText(path)` reads one version's SPEC: `citations` is the catalogue of its section 8 (code ->
its `(source key, section)` pairs, in order) and `section(prefix)` a section's text.
`SOURCE_FILES` is the table of SOURCES.md (source key -> seed file). They are parsed here rather
than imported from the engine, so the engine's catalogue is checked against the SPEC, not against
itself. The module-level names without a version are crlm-2026.1's (SPEC.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import SHARED_DIR

PATHWAYS_DIR = SHARED_DIR / "pathways"
SEEDS_DIR = SHARED_DIR / "seeds"
SOURCES_TEXT = (PATHWAYS_DIR / "SOURCES.md").read_text(encoding="utf-8")


def _section(text: str, heading_prefix: str) -> str:
    """The text from the `## <heading_prefix>` line up to the next `## ` heading."""
    start = text.index(f"\n## {heading_prefix}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


class SpecText:
    """One version's SPEC.md, read as data."""

    def __init__(self, path: Path) -> None:
        self.text = path.read_text(encoding="utf-8")
        self.citations = self._citations()

    def section(self, heading_prefix: str) -> str:
        return _section(self.text, heading_prefix)

    def _citations(self) -> dict[str, tuple[tuple[str, str], ...]]:
        catalogue = self.section("8. Citation catalogue")
        letters = dict(re.findall(r"\b([A-Z]) = `([a-z0-9-]+)`", catalogue))
        assert len(letters) == 5, letters
        table: dict[str, tuple[tuple[str, str], ...]] = {}
        for code, cells in re.findall(r"^\| `([A-Z0-9_]+)` \| (.+?) \|$", catalogue, re.M):
            pairs = []
            for cell in cells.split("; "):
                letter, section = cell.split(": ", 1)
                pairs.append((letters[letter], section.strip()))
            assert code not in table, f"{code} twice in SPEC section 8"
            table[code] = tuple(pairs)
        return table

    def warning_severities(self) -> dict[str, str]:
        """Section 5's table: warning code -> its severity (versions that have one)."""
        block = self.section("5. Warnings")
        return dict(re.findall(r"^\| `([A-Z0-9_]+)` \| (caution|info) \|", block, re.M))


def _source_files() -> dict[str, str]:
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| `([^`]+)` \|", SOURCES_TEXT, re.MULTILINE)
    return dict(rows)


def _listed_headings() -> dict[str, tuple[str, ...]]:
    """SOURCES.md's "Section headings, as they appear in the texts": key -> headings.

    The list is comma-separated over wrapped lines; "(sic)" is a remark, not part of a heading.
    """
    block = SOURCES_TEXT[SOURCES_TEXT.index("## Section headings") :]
    headings: dict[str, tuple[str, ...]] = {}
    for key, body in re.findall(r"^- `([a-z0-9-]+)`: (.+?)\.\s*(?=^- `|\Z)", block, re.M | re.S):
        text = " ".join(body.split()).replace(" (sic)", "")
        headings[key] = tuple(part.strip() for part in text.split(", "))
    return headings


SPEC_2026_1 = SpecText(PATHWAYS_DIR / "SPEC.md")
SPEC_2027_1 = SpecText(PATHWAYS_DIR / "crlm-2027.1" / "SPEC.md")

SPEC_TEXT = SPEC_2026_1.text
SPEC_CITATIONS = SPEC_2026_1.citations
SOURCE_FILES = _source_files()
LISTED_HEADINGS = _listed_headings()


def spec_section(heading_prefix: str) -> str:
    return SPEC_2026_1.section(heading_prefix)
