"""Reading values out of FHIR resources (R4, tolerant of R5) as the EHR sends them: defensive,
since a prefetch is whatever the EHR holds; a value of the wrong shape reads as absent, so
that an odd record answers a card naming the missing input, never an error."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from typing import Any

# A resource in these states says nothing usable about the patient.
_UNUSABLE = {"entered-in-error", "cancelled", "preliminary", "registered"}


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def resources(value: Any, resource_type: str) -> Iterator[dict[str, Any]]:
    """The resources of a search Bundle (or a lone resource) of the given type, usable ones."""
    value = as_dict(value)
    if value.get("resourceType") == "Bundle":
        candidates: Iterable[Any] = (
            as_dict(entry).get("resource") for entry in as_list(value.get("entry"))
        )
    else:
        candidates = [value]
    for resource in candidates:
        if (
            isinstance(resource, dict)
            and resource.get("resourceType") == resource_type
            and resource.get("status") not in _UNUSABLE
            and codes_of(resource.get("verificationStatus")).isdisjoint(
                {"entered-in-error", "refuted"}
            )
        ):
            yield resource


def codings(concept: Any) -> list[dict[str, Any]]:
    return [
        coding for coding in as_list(as_dict(concept).get("coding")) if isinstance(coding, dict)
    ]


def codes_of(concept: Any) -> set[str]:
    return {str(coding.get("code")) for coding in codings(concept) if coding.get("code")}


def words_of(concept: Any) -> str:
    concept = as_dict(concept)
    parts = [str(concept.get("text") or "")]
    parts += [str(coding.get("display") or "") for coding in codings(concept)]
    return " ".join(part for part in parts if part)


def fhir_date(value: Any) -> datetime.date | None:
    """A FHIR date or dateTime's day ("2024", "2024-05" read as their first day)."""
    if not isinstance(value, str):
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not match:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None


def when(resource: dict[str, Any]) -> datetime.date | None:
    for key in (
        "effectiveDateTime",
        "onsetDateTime",
        "performedDateTime",
        "recordedDate",
        "issued",
    ):
        found = fhir_date(resource.get(key))
        if found is not None:
            return found
    for key in ("effectivePeriod", "onsetPeriod", "performedPeriod"):
        found = fhir_date(as_dict(resource.get(key)).get("start"))
        if found is not None:
            return found
    return None


def quantity(item: dict[str, Any]) -> float | None:
    quantity = as_dict(item.get("valueQuantity"))
    value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    unit = str(quantity.get("code") or quantity.get("unit") or "").lower()
    return value * 10 if unit == "cm" else value
