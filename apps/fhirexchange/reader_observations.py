"""The Observations of a Bundle read into facts: the standard ones (ECOG, CEA, the genetic
tests, MSI, tumour sizes, the disease status) and the local ones of `codes.FACTS_SYSTEM`.

A part of `reader.BundleReader` (its helpers `at`, `fail`, `put`, `focus` and `date`, and the
lesions and sites read before the Observations), kept apart to keep each module readable.
"""

from __future__ import annotations

from typing import Any

from . import codes as c
from .importing import UNITS
from .importing import code_of as _code
from .importing import codes_of as _codes


def as_number(value: Any) -> Any:
    """A whole float as an int, as the facts write it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ObservationReader:
    referral: Any
    lesions: dict[int, dict[str, Any]]
    sites: dict[int, dict[str, Any]]
    symptoms: list[str]

    # Provided by BundleReader.
    def at(self, number: int, element: str = "") -> str:
        raise NotImplementedError

    def fail(self, path: str, message: str) -> None:
        raise NotImplementedError

    def put(self, path: str, value: Any, where: str) -> None:
        raise NotImplementedError

    def focus(self, resource: dict[str, Any]) -> int | None:
        raise NotImplementedError

    def date(self, value: Any, path: str) -> Any:
        raise NotImplementedError

    def observation(self, number: int, resource: dict[str, Any]) -> None:
        code = resource.get("code")
        local = _code(code, c.FACTS_SYSTEM)
        if local is not None:
            self.local(number, resource, local)
            return
        loinc = set(_codes(code, c.LOINC))
        if c.ECOG[0] in loinc:
            self.typed(number, resource, "patient.ecog", "valueInteger")
        elif c.CEA[0] in loinc:
            self.quantity(number, resource, "biomarkers.cea_ng_ml", "valueQuantity", {"ng/mL"})
            self.referral.cea_measured_on = self.date(
                resource.get("effectiveDateTime"), self.at(number, "effectiveDateTime")
            )
        elif c.GENETIC_VARIANT[0] in loinc:
            self.variant(number, resource)
        elif c.MSI[0] in loinc:
            answer = _code(resource.get("valueCodeableConcept"), c.LOINC)
            found = {code: msi for msi, (code, _) in c.MSI_ANSWERS.items()}.get(answer or "")
            if found is None:
                self.fail(self.at(number, "valueCodeableConcept"), "Must be MSI-H or stable.")
            else:
                self.put("biomarkers.msi", found, self.at(number, "valueCodeableConcept"))
        elif c.DISEASE_STATUS[0] in loinc:
            self.response(number, resource)
        elif c.TUMOR_SIZE[0] in loinc:
            self.size(number, resource)

    def typed(self, number: int, resource: dict[str, Any], path: str, element: str) -> Any:
        where = self.at(number, element)
        if element not in resource:
            self.fail(self.at(number, "value"), f"Must be given as {element}.")
            return None
        self.put(path, resource[element], where)
        return resource[element]

    def quantity(
        self, number: int, resource: dict[str, Any], path: str, element: str, units: set[str]
    ) -> None:
        value = resource.get(element) or {}
        if value.get("value") is None:
            self.fail(self.at(number, element), f"Must be given as {element} with a value.")
        elif (value.get("code") or value.get("unit")) not in units:
            self.fail(self.at(number, f"{element}.code"), f"The unit must be {' or '.join(units)}.")
        else:
            self.put(path, as_number(value["value"]), self.at(number, element))

    def local(self, number: int, resource: dict[str, Any], path: str) -> None:
        if path not in c.LOCAL_FACTS:
            self.fail(self.at(number, "code"), f"Unknown fact code {path}.")
            return
        kind = c.LOCAL_FACTS[path][0]
        element = {
            "boolean": "valueBoolean",
            "integer": "valueInteger",
            "code": "valueCodeableConcept",
        }.get(kind, "valueQuantity")
        if element not in resource:
            self.fail(self.at(number, "value"), f"Must be given as {element}.")
            return
        value = resource[element]
        if kind == "code":
            value = _code(value, c.VALUES_SYSTEM)
            if value is None:
                self.fail(self.at(number, element), f"Must hold a code of {c.VALUES_SYSTEM}.")
                return
        elif kind.startswith("quantity:"):
            if (value.get("code") or value.get("unit")) not in UNITS[kind]:
                self.fail(self.at(number, f"{element}.code"), f"The unit must be {kind[9:]}.")
                return
            value = as_number(value.get("value"))
        where = self.at(number, element)
        if path in c.PER_ITEM_FACTS:
            self.per_item(number, resource, path, value, where)
        elif path == "primary.symptoms":
            if value not in self.symptoms:
                self.symptoms.append(value)
                self.referral.where.setdefault(path, where)
        else:
            self.put(path, value, where)

    def per_item(
        self, number: int, resource: dict[str, Any], path: str, value: Any, where: str
    ) -> None:
        target = self.focus(resource)
        items = self.lesions if path == "liver.lesions.disappeared" else self.sites
        if target not in items:
            self.fail(self.at(number, "focus"), "Must point at the lesion or site it is about.")
            return
        name = path.rsplit(".", 1)[1]
        if name in items[target] and items[target][name] != value:
            self.fail(where, f"Contradicts another Observation of {path} for the same item.")
        items[target][name] = value

    def variant(self, number: int, resource: dict[str, Any]) -> None:
        genes = set()
        for component in resource.get("component") or []:
            if c.GENE_STUDIED[0] in _codes(component.get("code"), c.LOINC):
                genes.update(_codes(component.get("valueCodeableConcept"), c.HGNC))
        answer = _code(resource.get("valueCodeableConcept"), c.LOINC)
        where = self.at(number, "valueCodeableConcept")
        if answer not in (c.PRESENT[0], c.ABSENT[0]):
            self.fail(where, "Must be present (LA9633-4) or absent (LA9634-2).")
            return
        present = answer == c.PRESENT[0]
        if genes and genes <= {c.KRAS[0], c.NRAS[0]}:
            self.put("biomarkers.ras", "mutant" if present else "wild_type", where)
        elif genes == {c.BRAF[0]}:
            self.put("biomarkers.braf_v600e", "present" if present else "absent", where)
        else:
            self.fail(self.at(number, "component"), "Must study KRAS and NRAS, or BRAF.")

    def response(self, number: int, resource: dict[str, Any]) -> None:
        value = resource.get("valueCodeableConcept")
        found = _code(value, c.VALUES_SYSTEM)
        if found is None:
            by_trend = {code: response for response, (code, _) in c.RESPONSE_TREND.items()}
            found = by_trend.get(_code(value, c.SNOMED) or "")
        if found not in c.RESPONSE_TREND:
            self.fail(self.at(number, "valueCodeableConcept"), "Not a response this board records.")
            return
        self.put("treatment.latest_response", found, self.at(number, "valueCodeableConcept"))

    def size(self, number: int, resource: dict[str, Any]) -> None:
        target = self.focus(resource)
        if target not in self.lesions:
            self.fail(
                self.at(number, "focus"), "Must point at the lesion (BodyStructure) measured."
            )
            return
        for place, component in enumerate(resource.get("component") or []):
            if c.LONGEST_DIMENSION[0] in _codes(component.get("code"), c.LOINC):
                value = component.get("valueQuantity") or {}
                unit = value.get("code") or value.get("unit")
                path = self.at(number, f"component[{place}].valueQuantity")
                if value.get("value") is None or unit not in ("mm", "cm"):
                    self.fail(path, "Must be a size in mm or cm.")
                    return
                size = as_number(round(value["value"] * (10 if unit == "cm" else 1), 6))
                self.lesions[target]["size_mm"] = size
                self.referral.where[f"lesion:{target}"] = path
                return
        self.fail(
            self.at(number, "component"), "The longest dimension (LOINC 33728-7) is required."
        )
