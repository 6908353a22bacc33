"""The CDS Hooks endpoints in the OpenAPI description: their bearer JWT, and their documents
(the CDS Hooks 2.0 shapes, described in words: the specification is their contract)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from apps.core.api.schema import ErrorSerializer


class CdsClientJwtScheme(OpenApiAuthenticationExtension):
    """`Authorization: Bearer <JWT>`, signed by an EHR client with a key configured for it."""

    target_class = "apps.cdshooks.api.authentication.CdsClientJwtAuthentication"
    name = "cdsClientJwt"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": (
                "A JWT signed (ES384 or RS384) by a CDS client whose issuer and public key an "
                "administrator configured: iss, aud (this service's URL), exp (5 minutes at "
                "most), iat and a single-use jti (CDS Hooks 2.0)."
            ),
        }


DISCOVERY = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='`{"services": [...]}`: the `crlm-pathway` service for `patient-view`, with '
    "its prefetch templates (CDS Hooks 2.0 discovery).",
)
CARDS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='`{"cards": [...]}`: one card with the pathway\'s recommendation (summary, '
    "indicator, Markdown detail with the rationale and citations, source, override reasons, a "
    "link to the case when the patient has one).",
)
RECORDED = OpenApiResponse(OpenApiTypes.OBJECT, description="`{}`: the feedback is recorded.")
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid body; each wrong field named."),
    401: OpenApiResponse(ErrorSerializer, description="No valid signed JWT of a known client."),
    404: OpenApiResponse(ErrorSerializer, description="No such CDS service."),
    413: OpenApiResponse(ErrorSerializer, description="The body is too large."),
}
