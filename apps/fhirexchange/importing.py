"""Reading a FHIR Bundle back into a referral: the patient's identity, the referral's details and
the pathway input (`CaseFacts`), or every problem at once, each named by the element at fault
(`Bundle.entry[3].resource.bodySite`).

The Bundle is validated first by the fhir.resources R4B model (R4-shaped JSON, see
`resources`); its pydantic error locations become the same paths. The facts are then read from
the resources `export_facts` writes (a sender may add anything else: it is ignored), and checked
by `apps.pathways.facts.parse_facts`, whose field paths are mapped back to the elements they
were read from. A fact given twice with different values is a contradiction, not a choice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pydantic
from fhir.resources.R4B.bundle import Bundle

from apps.core.exceptions import ApplicationError
from apps.pathways.facts import CaseFacts

from . import codes as c

INVALID = "The FHIR Bundle cannot be imported."
# What the pathway cannot do without, and the resource that must carry it.
REQUIRED = {
    "patient.ecog": "An ECOG performance status Observation (LOINC 89247-1) is required.",
    "primary.site": "A primary cancer Condition (SNOMED 363406005 or 363351006) is required.",
    "primary.in_situ": f"An Observation {c.FACTS_SYSTEM}#primary.in_situ is required.",
    "presentation.timing": f"An Observation {c.FACTS_SYSTEM}#presentation.timing is required.",
}
UNITS = {"quantity:mo": {"mo"}, "quantity:%": {"%"}}
PRIMARY_BY_BODY_SITE = {body[0]: site for site, (_, body) in c.PRIMARY_SITES.items()}
SITE_BY_BODY_SITE = {
    code[0]: site
    for site, code in c.EXTRAHEPATIC_BODY_SITES.items()
    if code and list(c.EXTRAHEPATIC_BODY_SITES.values()).count(code) == 1
}


def error_path(location: tuple[Any, ...]) -> str:
    """A pydantic error location as a FHIRPath-like element path."""
    path = "Bundle"
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier():
            path += f".{part}"
    return path


def validate_bundle(data: Any) -> None:
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise ApplicationError(INVALID, errors={"Bundle.resourceType": ["Must be a Bundle."]})
    try:
        Bundle.model_validate(data)
    except pydantic.ValidationError as error:
        errors: dict[str, list[str]] = {}
        for problem in error.errors():
            errors.setdefault(error_path(problem["loc"]), []).append(problem["msg"])
        raise ApplicationError(INVALID, errors=errors) from None
    if not data.get("entry"):
        raise ApplicationError(INVALID, errors={"Bundle.entry": ["The Bundle is empty."]})


def codes_of(concept: Any, system: str) -> list[str]:
    if not isinstance(concept, dict):
        return []
    return [
        str(coding.get("code"))
        for coding in concept.get("coding") or []
        if coding.get("system") == system and coding.get("code") is not None
    ]


def code_of(concept: Any, system: str) -> str | None:
    found = codes_of(concept, system)
    return found[0] if found else None


@dataclass
class Referral:
    """What the Bundle says: the patient, the referral and the facts, with where each fact was
    read (for mapping later errors onto the Bundle)."""

    mrn: str = ""
    identity: dict[str, Any] = field(default_factory=dict)
    question: str = ""
    referring_clinician: str = ""
    referred_on: datetime.date | None = None
    cea_measured_on: datetime.date | None = None
    facts: CaseFacts | None = None
    where: dict[str, str] = field(default_factory=dict)

    def bundle_errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        """A service's errors, keyed by the elements they are about."""
        mapped: dict[str, list[str]] = {}
        for key, messages in errors.items():
            path = key.removeprefix("facts.").removeprefix("patient.")
            target = self.where.get(key) or self.where.get(path) or nearest(self.where, path)
            mapped.setdefault(target or f"Bundle ({key})", []).extend(messages)
        return mapped


def nearest(where: dict[str, str], path: str) -> str | None:
    while "." in path or "[" in path:
        path = path.rsplit(".", 1)[0] if "." in path else path.rsplit("[", 1)[0]
        if path in where:
            return where[path]
    return None
