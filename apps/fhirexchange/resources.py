"""Building FHIR resources: each one goes through its fhir.resources model, so that nothing
leaves this system unvalidated.

The models are `fhir.resources.R4B` (FHIR 4.3). mCODE STU4 is written against R4 (4.0.1); the
resources used here (Patient, Condition, Observation, BodyStructure, ServiceRequest, CarePlan,
Procedure, RequestGroup) have the same shape in R4 and R4B for every element this exchange fills
in, so the R4B models validate R4-shaped JSON. (RequestGroup, which R5 replaced with
RequestOrchestration, still exists in R4B, one more reason not to take the R5 default models.)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle


def stable_uuid(owner: Any, key: str) -> uuid.UUID:
    """The same id for the same thing of the same record on every export (a receiver updating
    from a second export sees the same resources, not new ones)."""
    return uuid.uuid5(uuid.UUID(str(owner)), key)


def reference(full_url: str, display: str | None = None) -> dict[str, Any]:
    found = {"reference": full_url}
    if display:
        found["display"] = display
    return found


@dataclass
class Entries:
    """The entries of a Bundle being built, each resource validated as it is added."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def add(self, resource_type: str, resource_id: Any, data: dict[str, Any]) -> str:
        """Validate and add the resource (once: a case on two agendas is one Patient); answer
        its fullUrl, for references."""
        full_url = f"urn:uuid:{resource_id}"
        if full_url in self.seen:
            return full_url
        model = get_fhir_model_class(resource_type).model_validate(
            {"resourceType": resource_type, "id": str(resource_id), **data}
        )
        self.seen.add(full_url)
        self.entries.append({"fullUrl": full_url, "resource": model})
        return full_url

    def bundle(self, *, bundle_id: Any, timestamp: str) -> Bundle:
        return Bundle.model_validate(
            {
                "resourceType": "Bundle",
                "id": str(bundle_id),
                "type": "collection",
                "timestamp": timestamp,
                "entry": self.entries,
            }
        )


def bundle_json(bundle: Bundle) -> str:
    return bundle.model_dump_json(exclude_none=True, by_alias=True)
