"""Words for codes: the one mapping from the identifiers machines exchange (`HEPATECTOMY`,
`msi_high`, `in_progress`) to what people read on pages, in documents and in messages.

Where the words come from:

- **Pathway codes** (recommendations, warnings, work-up): the `title` of the code in the
  `CATALOGUE` of every pathway version registered in `apps.pathways.registry.VERSIONS`. When two
  versions title a code differently, the newest version's title wins. A code added by a new
  pathway version therefore has its words as soon as the version is registered there; nothing
  here changes.
- **Enum values** (the apps' `TextChoices`, and small vocabularies of the pathway's output such
  as the Fong criteria): each app registers its vocabularies at start-up, in its
  `AppConfig.ready`, with `register_choices(SomeChoices)` or `register_vocabulary(name, {...})`.
  The label is the word, unless `CLINICAL_WORDS` below says what a clinician reads instead
  (a label written for a form, e.g. "MSS / pMMR", reads "microsatellite stable" in a sentence).
  A new enum gets its words by being registered; a label that does not read well in a sentence
  gets a line in `CLINICAL_WORDS`.

Reading them: `words(value)` or `words(value, "MsiStatus")` (a vocabulary's name removes any
doubt where two vocabularies share a value), `sentence_words(text)` for a sentence that names an
identifier ("unknown node-positive primary" instead of "(node_positive)"), and in templates the
filters `{{ value|words }}`, `{{ value|words:"MsiStatus" }}`, `{{ value|lower_words }}` and
`{{ text|sentence_words }}` (apps/core/templatetags/words.py, a built-in of every template).

An identifier nobody registered is still shown readably (underscores become spaces, capitals
become a sentence) rather than raw; `tests/core/test_words.py` fails for any known code or enum
value that has no words of its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from apps.pathways import registry

# Labels that are right on a form but not in a sentence a clinician reads: (vocabulary, value).
CLINICAL_WORDS: dict[tuple[str, str], str] = {
    ("MsiStatus", "mss"): "Microsatellite stable",
    ("MsiStatus", "msi_high"): "Microsatellite instability-high (dMMR)",
    ("MsiStatus", "unknown"): "Microsatellite status unknown",
    ("RasStatus", "wild_type"): "RAS wild type",
    ("RasStatus", "mutant"): "RAS mutant",
    ("RasStatus", "unknown"): "RAS status unknown",
    ("BrafStatus", "absent"): "BRAF V600E absent",
    ("BrafStatus", "present"): "BRAF V600E present",
    ("BrafStatus", "unknown"): "BRAF V600E status unknown",
    ("PrimarySite", "right_colon"): "Right colon",
    ("PrimarySite", "left_colon"): "Left colon",
    ("MeetingStatus", "closed"): "Signed off",
    ("PlannedResection", "minor"): "Minor hepatectomy",
    ("PlannedResection", "major"): "Major hepatectomy",
}

_vocabularies: dict[str, dict[str, str]] = {}
# Identifiers: a run of letters and digits with underscores inside, or a run of capitals.
_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")


def register_vocabulary(name: str, labels: Mapping[str, str]) -> None:
    """Words for the values of one vocabulary (`{"node_positive": "Node-positive primary"}`);
    `CLINICAL_WORDS` overrides a label. Registering again adds to or replaces the words."""
    entries = _vocabularies.setdefault(name, {})
    for value, label in labels.items():
        entries[str(value)] = CLINICAL_WORDS.get((name, str(value)), str(label))


def register_choices(*choices: Any) -> None:
    """Register Django `TextChoices` classes, each under its class name."""
    for enum in choices:
        register_vocabulary(enum.__name__, {value: label for value, label in enum.choices})


def vocabularies() -> dict[str, dict[str, str]]:
    """Every registered vocabulary (name -> value -> words), for tests and the API."""
    return {name: dict(entries) for name, entries in _vocabularies.items()}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


@functools.cache
def code_titles() -> dict[str, str]:
    """Every pathway code of every registered version with its title, the newest version's
    title winning."""
    titles: dict[str, str] = {}
    for version in sorted(registry.VERSIONS, key=_version_key):
        catalogue = getattr(registry.VERSIONS[version], "CATALOGUE", {})
        for code, entry in catalogue.items():
            titles[code] = str(entry.title)
    return titles


def known(value: str, vocabulary: str | None = None) -> bool:
    """Whether `value` has words of its own (a pathway code or a registered value)."""
    if vocabulary is not None:
        return value in _vocabularies.get(vocabulary, {})
    return value in code_titles() or any(value in v for v in _vocabularies.values())


def readable(value: str) -> str:
    """An unregistered identifier made readable: `SOME_CODE` and `some_code` -> "Some code"."""
    text = value.replace("_", " ").strip()
    if text.isupper():
        text = text.lower()
    return text[:1].upper() + text[1:]


def words(value: Any, vocabulary: str | None = None) -> str:
    """What a person reads for `value`: a pathway code's title, an enum value's label (from
    `vocabulary` when named, else the first vocabulary that knows it), or the identifier made
    readable. None and "" give ""."""
    if value is None or value == "":
        return ""
    text = str(value)
    if vocabulary is not None:
        found = _vocabularies.get(vocabulary, {}).get(text)
        if found is not None:
            return found
    titles = code_titles()
    if text in titles:
        return titles[text]
    for entries in _vocabularies.values():
        if text in entries:
            return entries[text]
    return readable(text)


def lower_words(value: Any, vocabulary: str | None = None) -> str:
    """`words` for the middle of a sentence: the first letter lowered unless the first word is
    an abbreviation ("MRI", "RAS")."""
    text = words(value, vocabulary)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and (first[1:2].isupper() or any(c.isdigit() for c in first)):
        return text
    return text[:1].lower() + text[1:]


def words_list(values: Iterable[Any], vocabulary: str | None = None) -> list[str]:
    return [words(value, vocabulary) for value in values]


def sentence_words(text: Any) -> str:
    """A sentence with each identifier it names replaced by its words (lowered, as it stands
    inside a sentence): "unknown criterion (node_positive)" reads "(node-positive primary)"."""
    if not text:
        return ""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        return lower_words(token) if known(token) else readable(token).lower()

    return _IDENTIFIER.sub(replace, str(text))
