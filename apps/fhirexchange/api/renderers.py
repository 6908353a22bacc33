"""The FHIR JSON media type (`application/fhir+json`), read and written as JSON."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from rest_framework.renderers import JSONRenderer

from apps.core.api.parsers import LenientNumberJSONParser

FHIR_JSON = "application/fhir+json"


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


class FhirJSONParser(LenientNumberJSONParser):
    media_type = FHIR_JSON


def bundle_data(bundle: Bundle) -> dict[str, Any]:
    return bundle.model_dump(mode="json", exclude_none=True, by_alias=True)
