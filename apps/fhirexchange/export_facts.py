"""A case's referral and clinical facts as FHIR resources (mCODE STU4 profiles where they
exist; `codes` says which code carries which fact).

The facts come from `apps.casefacts.selectors.case_facts`, the one place the records become the
pathway input, so that what is exported is exactly what the pathway evaluates; the records are
read only for what the facts do not hold (ids, dates of the measurements).
"""

from __future__ import annotations

from typing import Any

from apps.core.words import words
from apps.imaging.selectors import facts_lesions
from apps.patients.models import MdtCase

from . import codes as c
from .resources import Entries, reference, stable_uuid

LABORATORY = c.concept(c.coding(c.OBSERVATION_CATEGORY, "laboratory", "Laboratory"))
SURVEY = c.concept(c.coding(c.OBSERVATION_CATEGORY, "survey", "Survey"))
IMAGING = c.concept(c.coding(c.OBSERVATION_CATEGORY, "imaging", "Imaging"))


def patient_resource(entries: Entries, case: MdtCase) -> str:
    patient = case.patient
    return entries.add(
        "Patient",
        patient.id,
        {
            "meta": {"profile": [c.PROFILE_PATIENT]},
            "identifier": [
                {
                    "use": "usual",
                    "type": c.concept(c.coding(c.IDENTIFIER_TYPE, "MR", "Medical record number")),
                    "system": c.mrn_system(patient.hospital.code),
                    "value": patient.mrn,
                }
            ],
            "name": [{"family": patient.family_name, "given": [patient.given_name]}],
            "birthDate": patient.birth_date.isoformat(),
            "gender": patient.sex,
        },
    )


def referral_resource(entries: Entries, case: MdtCase, subject: str) -> str:
    """The referral: the question put to the board, the date and who referred."""
    data: dict[str, Any] = {
        "identifier": [{"system": c.URI_IDENTIFIER, "value": f"urn:tumorboard:case:{case.id}"}],
        "status": "active" if case.status not in ("closed", "withdrawn") else "completed",
        "intent": "order",
        "category": [c.concept(c.coding(c.SNOMED, *c.REFERRAL))],
        "code": c.concept(c.coding(c.NCIT, *c.TUMOR_BOARD_REVIEW)),
        "subject": reference(subject),
        "authoredOn": case.referred_on.isoformat(),
        "note": [{"text": case.question}],
    }
    if case.referring_clinician:
        data["requester"] = {"display": case.referring_clinician}
    return entries.add("ServiceRequest", case.id, data)


class FactsExport:
    """The resources of one case's facts, added to `entries` in a fixed order."""

    def __init__(self, entries: Entries, case: MdtCase, facts: dict[str, Any], subject: str):
        self.entries, self.case, self.facts, self.subject = entries, case, facts, subject

    def _observation(
        self, key: str, code: dict[str, Any], value: dict[str, Any], **more: Any
    ) -> str:
        data = {"status": "final", "code": code, "subject": reference(self.subject), **value}
        return self.entries.add("Observation", stable_uuid(self.case.id, key), {**data, **more})

    def _local(self, key: str, path: str, value: Any, focus: str | None = None) -> None:
        """A fact with no standard code; None is not sent (absent reads as unknown)."""
        if value is None:
            return
        kind, display, _ = c.LOCAL_FACTS[path]
        if kind == "boolean":
            typed = {"valueBoolean": value}
        elif kind == "integer":
            typed = {"valueInteger": value}
        elif kind.startswith("quantity:"):
            unit = kind.removeprefix("quantity:")
            typed = {
                "valueQuantity": {"value": value, "unit": unit, "system": c.UCUM, "code": unit}
            }
        else:
            typed = {
                "valueCodeableConcept": c.concept(c.coding(c.VALUES_SYSTEM, value, words(value)))
            }
        more = {"focus": [reference(focus)]} if focus else {}
        self._observation(
            key, c.concept(c.coding(c.FACTS_SYSTEM, path, display), text=display), typed, **more
        )

    def run(self) -> None:
        primary = self._primary()
        liver = self._liver_condition(primary)
        sites = self._extrahepatic(primary)
        self._lesions(liver)
        self._performance()
        self._biomarkers()
        self._response()
        self._local_facts(primary, liver, sites)

    def _primary(self) -> str:
        site = self.facts["primary"]["site"]
        (code, display), (body_code, body_display) = c.PRIMARY_SITES[site]
        return self.entries.add(
            "Condition",
            stable_uuid(self.case.id, "primary"),
            {
                "meta": {"profile": [c.PROFILE_PRIMARY]},
                "clinicalStatus": c.concept(c.coding(c.CONDITION_CLINICAL, "active")),
                "verificationStatus": c.concept(c.coding(c.CONDITION_VERIFICATION, "confirmed")),
                "category": [c.concept(c.coding(c.CONDITION_CATEGORY, "problem-list-item"))],
                "code": c.concept(c.coding(c.SNOMED, code, display)),
                "bodySite": [
                    c.concept(
                        c.coding(c.SNOMED, body_code, body_display),
                        c.coding(c.VALUES_SYSTEM, site, words(site)),
                    )
                ],
                "subject": reference(self.subject),
            },
        )

    def _secondary(
        self, key: str, code: tuple[str, str], site: dict[str, Any], primary: str
    ) -> str:
        return self.entries.add(
            "Condition",
            stable_uuid(self.case.id, key),
            {
                "meta": {"profile": [c.PROFILE_SECONDARY]},
                "extension": [
                    {"url": c.EXTENSION_CONDITION_RELATED, "valueReference": reference(primary)}
                ],
                "clinicalStatus": c.concept(c.coding(c.CONDITION_CLINICAL, "active")),
                "verificationStatus": c.concept(c.coding(c.CONDITION_VERIFICATION, "confirmed")),
                "category": [c.concept(c.coding(c.CONDITION_CATEGORY, "problem-list-item"))],
                "code": c.concept(c.coding(c.SNOMED, *code)),
                "bodySite": [site],
                "subject": reference(self.subject),
            },
        )

    def _liver_condition(self, primary: str) -> str:
        site = c.concept(c.coding(c.SNOMED, *c.LIVER_STRUCTURE))
        return self._secondary("liver", c.LIVER_METASTASES, site, primary)

    def _extrahepatic(self, primary: str) -> list[str]:
        found = []
        for site in self.facts["extrahepatic"]["sites"]:
            name = site["site"]
            standard = c.EXTRAHEPATIC_BODY_SITES[name]
            codings = [c.coding(c.SNOMED, *standard)] if standard else []
            body = c.concept(
                *codings, c.coding(c.VALUES_SYSTEM, name, words(name)), text=words(name)
            )
            found.append(self._secondary(f"site:{name}", c.SECONDARY_DISEASE, body, primary))
        return found

    def _lesions(self, liver: str) -> None:
        records = facts_lesions(self.case.liver_lesions.all())
        for lesion, facts in zip(records, self.facts["liver"]["lesions"], strict=True):
            qualifiers = [
                c.concept(
                    c.coding(
                        c.COUINAUD_SYSTEM, facts["segment"], f"Couinaud segment {facts['segment']}"
                    )
                )
            ]
            qualifiers += [
                c.concept(c.coding(c.LESION_SITE_SYSTEM, flag, words(flag)))
                for flag in c.LESION_FLAGS
                if facts[flag]
            ]
            tumor = self.entries.add(
                "BodyStructure",
                lesion.id,
                {
                    "meta": {"profile": [c.PROFILE_TUMOR]},
                    "extension": [
                        {"url": c.EXTENSION_RELATED_CONDITION, "valueReference": reference(liver)}
                    ],
                    "identifier": [
                        {"system": c.URI_IDENTIFIER, "value": c.lesion_identifier(lesion.id)}
                    ],
                    "location": c.concept(c.coding(c.SNOMED, *c.LIVER_STRUCTURE)),
                    "locationQualifier": qualifiers,
                    "patient": reference(self.subject),
                },
            )
            size = {
                "code": c.concept(c.coding(c.LOINC, *c.LONGEST_DIMENSION)),
                "valueQuantity": {
                    "value": facts["size_mm"],
                    "unit": "mm",
                    "system": c.UCUM,
                    "code": "mm",
                },
            }
            when = (
                {"effectiveDateTime": lesion.study.performed_on.isoformat()} if lesion.study else {}
            )
            self._observation(
                f"size:{lesion.id}",
                c.concept(c.coding(c.LOINC, *c.TUMOR_SIZE)),
                {"component": [size]},
                meta={"profile": [c.PROFILE_TUMOR_SIZE]},
                category=[IMAGING],
                focus=[reference(tumor)],
                **when,
            )
            if facts["disappeared"]:
                self._local(f"disappeared:{lesion.id}", "liver.lesions.disappeared", True, tumor)

    def _performance(self) -> None:
        ecog = self.facts["patient"]["ecog"]
        assessed_on = self.case.performance_status.assessed_on
        self._observation(
            "ecog",
            c.concept(c.coding(c.LOINC, *c.ECOG)),
            {"valueInteger": ecog},
            meta={"profile": [c.PROFILE_ECOG]},
            category=[SURVEY],
            interpretation=[c.concept(c.coding(c.LOINC, c.ECOG_ANSWERS[ecog]))],
            **({"effectiveDateTime": assessed_on.isoformat()} if assessed_on else {}),
        )

    def _biomarkers(self) -> None:
        markers = self.facts["biomarkers"]
        if markers["cea_ng_ml"] is not None:
            measured_on = self.case.biomarkers.cea_measured_on
            self._observation(
                "cea",
                c.concept(c.coding(c.LOINC, *c.CEA)),
                {
                    "valueQuantity": {
                        "value": markers["cea_ng_ml"],
                        "unit": "ng/mL",
                        "system": c.UCUM,
                        "code": "ng/mL",
                    }
                },
                meta={"profile": [c.PROFILE_TUMOR_MARKER]},
                category=[LABORATORY],
                **({"effectiveDateTime": measured_on.isoformat()} if measured_on else {}),
            )
        if markers["ras"] != "unknown":
            self._variant("ras", [c.KRAS, c.NRAS], markers["ras"] == "mutant", None)
        if markers["braf_v600e"] != "unknown":
            self._variant("braf", [c.BRAF], markers["braf_v600e"] == "present", c.BRAF_V600E)
        if markers["msi"] != "unknown":
            self._observation(
                "msi",
                c.concept(c.coding(c.LOINC, *c.MSI)),
                {
                    "valueCodeableConcept": c.concept(
                        c.coding(c.LOINC, *c.MSI_ANSWERS[markers["msi"]])
                    )
                },
                meta={"profile": [c.PROFILE_TUMOR_MARKER]},
                category=[LABORATORY],
            )

    def _variant(self, key: str, genes: list[tuple[str, str]], present: bool, change: Any) -> None:
        components = [
            {
                "code": c.concept(c.coding(c.LOINC, *c.GENE_STUDIED)),
                "valueCodeableConcept": c.concept(c.coding(c.HGNC, *gene)),
            }
            for gene in genes
        ]
        if change:
            components.append(
                {
                    "code": c.concept(c.coding(c.LOINC, *c.PROTEIN_CHANGE)),
                    "valueCodeableConcept": c.concept(c.coding(c.HGVS, *change)),
                }
            )
        answer = c.PRESENT if present else c.ABSENT
        self._observation(
            key,
            c.concept(c.coding(c.LOINC, *c.GENETIC_VARIANT)),
            {
                "valueCodeableConcept": c.concept(c.coding(c.LOINC, *answer)),
                "component": components,
            },
            meta={"profile": [c.PROFILE_GENOMIC_VARIANT]},
            category=[LABORATORY],
        )

    def _response(self) -> None:
        response = self.facts["treatment"]["latest_response"]
        if response is None:
            return
        self._observation(
            "response",
            c.concept(c.coding(c.LOINC, *c.DISEASE_STATUS)),
            {
                "valueCodeableConcept": c.concept(
                    c.coding(c.SNOMED, *c.RESPONSE_TREND[response]),
                    c.coding(c.VALUES_SYSTEM, response, words(response)),
                )
            },
            meta={"profile": [c.PROFILE_DISEASE_STATUS]},
        )

    def _local_facts(self, primary: str, liver: str, sites: list[str]) -> None:
        focus = {"primary": primary, "liver": liver, None: None}
        for path, (_, _, about) in c.LOCAL_FACTS.items():
            if path in c.PER_ITEM_FACTS:
                continue
            section, name = path.split(".")
            value = self.facts[section][name]
            if path == "primary.symptoms":
                for symptom in value:
                    self._local(f"{path}:{symptom}", path, symptom, primary)
                continue
            self._local(path, path, value, focus[about])
        for site, resource in zip(self.facts["extrahepatic"]["sites"], sites, strict=True):
            self._local(
                f"resectable:{site['site']}",
                "extrahepatic.sites.resectable",
                site["resectable"],
                resource,
            )
