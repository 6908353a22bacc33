"""The FHIR exchange API: a case or a meeting as a FHIR R4 Bundle (every role of the hospital),
and a referral imported from one (coordinators). Each view parses, calls one selector or
service, and renders."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.parsers import LenientNumberJSONParser
from apps.core.api.schema import ERROR_RESPONSES
from apps.core.choices import Role
from apps.core.ids import uuid_or_none
from apps.core.roles import user_hospital
from apps.meetings.selectors import meeting_get
from apps.patients.selectors import case_list

from ..selectors import case_bundle, meeting_bundle
from ..services import fhir_referral_import
from .renderers import FHIR_JSON, FhirJSONParser, FhirJSONRenderer, bundle_data
from .serializers import FhirImportOutputSerializer

BUNDLE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=(
        "A FHIR R4 Bundle (type collection) with mCODE STU4 profiles named in meta.profile; "
        "see the README's FHIR section for the codes."
    ),
)
EXPORT_ERRORS = {code: ERROR_RESPONSES[code] for code in (401, 403, 404, 409)}


def _path(name: str, text: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=text)


class CaseFhirView(APIView):
    """A case as a FHIR Bundle."""

    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    @extend_schema(
        summary="The case as a FHIR R4 Bundle (mCODE)",
        parameters=[_path("case_id", "The case's id.")],
        # Plain JSON too, for a client that asks for it (Accept, or ?format=json).
        responses={(200, FHIR_JSON): BUNDLE, (200, "application/json"): BUNDLE, **EXPORT_ERRORS},
    )
    def get(self, request: Request, case_id: str) -> Response:
        case = get_object_or_404(case_list(user=request.user), pk=uuid_or_none(case_id))
        return Response(bundle_data(case_bundle(case=case)))


class MeetingFhirView(APIView):
    """Every case on a meeting's agenda as one FHIR Bundle."""

    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    @extend_schema(
        summary="The meeting's agenda cases as a FHIR R4 Bundle (mCODE)",
        parameters=[_path("meeting_id", "The meeting's id.")],
        # Plain JSON too, for a client that asks for it (Accept, or ?format=json).
        responses={(200, FHIR_JSON): BUNDLE, (200, "application/json"): BUNDLE, **EXPORT_ERRORS},
    )
    def get(self, request: Request, meeting_id: str) -> Response:
        meeting = meeting_get(user=request.user, meeting_id=meeting_id)
        return Response(bundle_data(meeting_bundle(meeting=meeting)))


class FhirImportView(APIView):
    """A referral from a FHIR Bundle (coordinators)."""

    write_roles = {Role.COORDINATOR}
    parser_classes = [FhirJSONParser, LenientNumberJSONParser]

    @extend_schema(
        summary="Import a referral from a FHIR R4 Bundle (coordinator)",
        description=(
            "Creates or updates the patient (matched by the MRN identifier of the user's "
            "hospital) and refers a new case with the facts the Bundle carries. All or nothing: "
            "errors name the element at fault, e.g. `Bundle.entry[3].resource.bodySite`."
        ),
        request={FHIR_JSON: OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
        responses={201: FhirImportOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        hospital = user_hospital(request.user)
        assert hospital is not None  # RolePermission lets no one without a hospital in
        case = fhir_referral_import(hospital=hospital, data=request.data, actor=request.user)
        output = FhirImportOutputSerializer({"case": case.id, "patient": case.patient_id})
        return Response(output.data, status=status.HTTP_201_CREATED)
