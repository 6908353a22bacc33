"""Shared pieces of the OpenAPI description."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from apps.pathways.facts import FACTS_JSON_SCHEMA

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "message": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text=(
                'Messages by field path, e.g. "facts.liver.lesions[1].segment"; '
                '"" is the whole body.'
            ),
        ),
    },
)

ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; every wrong field is named."),
    401: OpenApiResponse(ErrorSerializer, description="Not logged in."),
    403: OpenApiResponse(ErrorSerializer, description="Your role does not allow this."),
    404: OpenApiResponse(ErrorSerializer, description="No such record in your hospital."),
    409: OpenApiResponse(
        ErrorSerializer,
        description="The record's state does not allow this now (signed off, in use, changed).",
    ),
}


class CaseFactsDocument(serializers.Serializer):
    """Stands for the pathway input in the schema; validation is the pathway package's."""


class CaseFactsDocumentExtension(OpenApiSerializerExtension):
    """The pathway input is described once, in the pathway package: the schema takes it as is."""

    target_class = CaseFactsDocument

    def get_name(self, auto_schema: Any, direction: Any) -> str:
        return "CaseFacts"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return FACTS_JSON_SCHEMA


FACTS_SCHEMA = CaseFactsDocument


class HashedTokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <token>`, as POST /api/v1/auth/token/ gives it."""

    target_class = "apps.core.api.authentication.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106 (the header scheme, not a secret)
        )
