"""The pass over a validated Bundle that reads the referral out of it (`importing` says what is
read and how errors are named)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.pathways.facts import FactsValidationError, parse_facts
from apps.patients.models import age_on

from . import codes as c
from .importing import (
    INVALID,
    PRIMARY_BY_BODY_SITE,
    REQUIRED,
    SITE_BY_BODY_SITE,
    Referral,
    validate_bundle,
)
from .importing import code_of as _code
from .importing import codes_of as _codes
from .reader_observations import ObservationReader


class BundleReader(ObservationReader):
    """One pass over the entries, collecting facts and errors."""

    def __init__(self, data: dict[str, Any], hospital_code: str) -> None:
        self.hospital_code = hospital_code
        self.entries = [entry.get("resource") or {} for entry in data["entry"]]
        self.index: dict[str, int] = {}
        for number, entry in enumerate(data["entry"]):
            resource = entry.get("resource") or {}
            if entry.get("fullUrl"):
                self.index[entry["fullUrl"]] = number
            if resource.get("id"):
                self.index[f"{resource['resourceType']}/{resource['id']}"] = number
        self.errors: dict[str, list[str]] = {}
        self.facts: dict[str, dict[str, Any]] = {
            "patient": {},
            "primary": {},
            "presentation": {},
            "biomarkers": {},
            "liver": {},
            "extrahepatic": {},
            "treatment": {},
            "workup": {},
        }
        self.referral = Referral()
        self.sites: dict[int, dict[str, Any]] = {}
        self.lesions: dict[int, dict[str, Any]] = {}
        self.symptoms: list[str] = []

    # --- helpers ---------------------------------------------------------------------------

    def at(self, number: int, element: str = "") -> str:
        return f"Bundle.entry[{number}].resource" + (f".{element}" if element else "")

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def put(self, path: str, value: Any, where: str) -> None:
        """Set a fact; the same fact with another value elsewhere is a contradiction."""
        section, name = path.split(".", 1)
        if name in self.facts[section] and self.facts[section][name] != value:
            self.fail(where, f"Contradicts {self.referral.where[path]}, which gives {path} too.")
            return
        self.facts[section][name] = value
        self.referral.where[path] = where

    def focus(self, resource: dict[str, Any]) -> int | None:
        for target in resource.get("focus") or []:
            number = self.index.get(target.get("reference", ""))
            if number is not None:
                return number
        return None

    def date(self, value: Any, path: str) -> datetime.date | None:
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            self.fail(path, "Must be a full date (YYYY-MM-DD).")
            return None

    # --- the pass --------------------------------------------------------------------------

    def read(self) -> Referral:
        readers = {
            "Patient": self.patient,
            "ServiceRequest": self.service_request,
            "Condition": self.condition,
            "BodyStructure": self.body_structure,
        }
        for number, resource in enumerate(self.entries):
            reader = readers.get(str(resource.get("resourceType")))
            if reader is not None:
                reader(number, resource)
        # Observations second: they point at the conditions and lesions read above.
        for number, resource in enumerate(self.entries):
            if resource.get("resourceType") == "Observation":
                self.observation(number, resource)
        self.finish()
        if self.errors:
            raise ApplicationError(INVALID, errors=self.errors)
        return self.referral

    def patient(self, number: int, resource: dict[str, Any]) -> None:
        if self.referral.mrn:
            self.fail(self.at(number), "A second Patient: the Bundle must be about one patient.")
            return
        own = c.mrn_system(self.hospital_code)
        identifiers = resource.get("identifier") or []
        chosen = [i for i in identifiers if i.get("system") == own] or [
            i for i in identifiers if "MR" in _codes(i.get("type"), c.IDENTIFIER_TYPE)
        ]
        if not chosen or not chosen[0].get("value"):
            self.fail(self.at(number, "identifier"), f"An MRN is required (system {own}).")
        else:
            self.referral.mrn = chosen[0]["value"].strip()
        names = resource.get("name") or [{}]
        given = " ".join(names[0].get("given") or [])
        family = names[0].get("family") or ""
        if not given or not family:
            self.fail(self.at(number, "name"), "A family name and a given name are required.")
        birth = self.date(resource.get("birthDate"), self.at(number, "birthDate"))
        if resource.get("birthDate") is None:
            self.fail(self.at(number, "birthDate"), "The birth date is required.")
        if resource.get("gender") is None:
            self.fail(self.at(number, "gender"), "The gender is required.")
        self.referral.identity = {
            "given_name": given,
            "family_name": family,
            "birth_date": birth,
            "sex": resource.get("gender"),
        }
        for key, element in (
            ("mrn", "identifier"),
            ("given_name", "name"),
            ("family_name", "name"),
            ("birth_date", "birthDate"),
            ("sex", "gender"),
        ):
            self.referral.where[key] = self.at(number, element)
        self.referral.where["patient.age"] = self.at(number, "birthDate")

    def service_request(self, number: int, resource: dict[str, Any]) -> None:
        if c.TUMOR_BOARD_REVIEW[0] not in _codes(resource.get("code"), c.NCIT):
            return
        if self.referral.where.get("referred_on"):
            self.fail(self.at(number), "A second referral: import one referral at a time.")
            return
        self.referral.question = " ".join(
            note.get("text", "") for note in resource.get("note") or []
        ).strip()
        self.referral.referring_clinician = (resource.get("requester") or {}).get("display", "")
        path = self.at(number, "authoredOn")
        self.referral.referred_on = self.date(resource.get("authoredOn"), path)
        self.referral.where["referred_on"] = path
        self.referral.where["question"] = self.at(number, "note")

    def condition(self, number: int, resource: dict[str, Any]) -> None:
        codes = _codes(resource.get("code"), c.SNOMED)
        body_sites = resource.get("bodySite") or []
        if set(codes) & {"363406005", "363351006"}:
            self.primary(number, codes, body_sites)
        elif c.LIVER_METASTASES[0] in codes:
            self.referral.where.setdefault("liver", self.at(number))
        elif c.SECONDARY_DISEASE[0] in codes:
            site = _code(body_sites[0] if body_sites else None, c.VALUES_SYSTEM)
            if site is None and body_sites:
                site = SITE_BY_BODY_SITE.get(_code(body_sites[0], c.SNOMED) or "")
            if site not in c.EXTRAHEPATIC_BODY_SITES:
                self.fail(self.at(number, "bodySite"), "Which site? None this board records.")
                return
            self.sites[number] = {"site": site}

    def primary(self, number: int, codes: list[str], body_sites: list[Any]) -> None:
        path = self.at(number, "bodySite")
        site = _code(body_sites[0], c.VALUES_SYSTEM) if body_sites else None
        if site is None and body_sites:
            site = PRIMARY_BY_BODY_SITE.get(_code(body_sites[0], c.SNOMED) or "")
        if site is None and codes == ["363351006"]:
            site = "rectum"
        if site not in c.PRIMARY_SITES:
            self.fail(path, "Must say where the primary is: right colon, left colon or rectum.")
            return
        if c.PRIMARY_SITES[site][0][0] not in codes:
            self.fail(path, f"Contradicts the condition's code: {site} is not what it codes.")
            return
        self.put("primary.site", site, path)
        self.referral.where.setdefault("primary", self.at(number))

    def body_structure(self, number: int, resource: dict[str, Any]) -> None:
        if c.LIVER_STRUCTURE[0] not in _codes(resource.get("location"), c.SNOMED):
            self.fail(self.at(number, "location"), "Only liver lesions are imported.")
            return
        lesion: dict[str, Any] = {}
        for qualifier in resource.get("locationQualifier") or []:
            segment = _code(qualifier, c.COUINAUD_SYSTEM)
            if segment is not None:
                lesion["segment"] = int(segment) if segment.isdigit() else segment
            for flag in _codes(qualifier, c.LESION_SITE_SYSTEM):
                if flag in c.LESION_FLAGS:
                    lesion[flag] = True
        if "segment" not in lesion:
            self.fail(self.at(number, "locationQualifier"), "The Couinaud segment is required.")
        self.lesions[number] = lesion

    # --- assembling ------------------------------------------------------------------------

    def finish(self) -> None:
        if not self.referral.mrn and "mrn" not in self.referral.where:
            self.fail("Bundle.entry", "A Patient is required.")
        for path, message in REQUIRED.items():
            section, name = path.split(".")
            if name not in self.facts[section] and path not in self.referral.where:
                self.fail("Bundle.entry", message)
        if not self.lesions:
            self.fail("Bundle.entry", "At least one liver lesion (mcode-tumor BodyStructure).")
        self.facts["primary"]["symptoms"] = self.symptoms
        self.facts["liver"]["lesions"] = []
        for place, (number, lesion) in enumerate(self.lesions.items()):
            self.referral.where[f"liver.lesions[{place}]"] = self.at(number)
            if "size_mm" in lesion:
                self.referral.where[f"liver.lesions[{place}].size_mm"] = self.referral.where[
                    f"lesion:{number}"
                ]
            else:
                self.fail(self.at(number), "No tumor size Observation has this lesion as focus.")
            self.referral.where[f"liver.lesions[{place}].segment"] = self.at(
                number, "locationQualifier"
            )
            self.facts["liver"]["lesions"].append({"disappeared": False, **lesion})
        self.facts["extrahepatic"]["sites"] = []
        for place, (number, site) in enumerate(self.sites.items()):
            self.referral.where[f"extrahepatic.sites[{place}]"] = self.at(number, "bodySite")
            if "resectable" not in site:
                self.fail(
                    self.at(number),
                    "Whether the site is resectable: an Observation of "
                    "extrahepatic.sites.resectable with this Condition as focus.",
                )
            self.facts["extrahepatic"]["sites"].append(site)
        birth = self.referral.identity.get("birth_date")
        if birth is not None:
            referred_on = self.referral.referred_on or timezone.localdate()
            self.facts["patient"]["age"] = age_on(birth, referred_on)
        if self.errors:
            return
        try:
            self.referral.facts = parse_facts(self.facts)
        except FactsValidationError as error:
            self.errors.update(self.referral.bundle_errors(error.errors))


def read_bundle(data: Any, *, hospital_code: str) -> Referral:
    """The referral a Bundle carries; raises ApplicationError naming every element at fault."""
    validate_bundle(data)
    return BundleReader(data, hospital_code).read()
