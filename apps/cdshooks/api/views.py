"""The CDS Hooks endpoints (HL7 CDS Hooks 2.0): discovery, the `crlm-pathway` service for the
`patient-view` hook, and its feedback endpoint.

They sit at the site root (`/cds-services`, as the specification places them). The OpenAPI
description lists them with their bearer JWT; their documents' contract is the CDS Hooks
specification, and the discovery document is how an EHR learns this service (what it answers,
what it must prefetch).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.serializers import validated_input
from apps.core.exceptions import ApplicationError

from ..models import CdsClient
from ..prefetch import PREFETCH
from ..services import feedback_record, hook_answer
from ..tokens import SERVICE_ID
from .authentication import CdsClientJwtAuthentication, IsCdsClient
from .schema import CARDS, DISCOVERY, ERRORS, RECORDED
from .serializers import HOOK, FeedbackRequestSerializer, HookRequestSerializer

SERVICE = {
    "hook": HOOK,
    "id": SERVICE_ID,
    "title": "Colorectal liver metastases: MDT pathway recommendation",
    "description": (
        "Reads the patient's colorectal cancer and liver metastasis record (conditions, "
        "ECOG, CEA, RAS/BRAF/MSI, liver lesions by Couinaud segment and size, procedures) "
        "and answers the evidence-based pathway's recommendation for the liver MDT, with its "
        "rationale and citations. It supports the MDT's discussion; it does not decide."
    ),
    "prefetch": PREFETCH,
    "usageRequirements": (
        "Sign each request with a JWT (ES384 or RS384) whose issuer and public key the MDT "
        "service's administrator has configured."
    ),
}


class CdsView(APIView):
    """What the three endpoints share: no session or API-token authentication, and a body no
    larger than the API's."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            raise ApplicationError(
                f"The request body is larger than {limit} bytes.",
                errors={"": ["Too large."]},
                status=413,
            )
        super().initial(request, *args, **kwargs)


def _client(request: Request) -> CdsClient:
    """The EHR client the JWT authenticated (IsCdsClient has checked there is one)."""
    assert isinstance(request.auth, CdsClient)
    return request.auth


def _service(service_id: str) -> None:
    if service_id != SERVICE_ID:
        raise NotFound(f"No CDS service {service_id!r}: see /cds-services.")


@extend_schema(
    summary="CDS Hooks discovery: the services offered (open)",
    tags=["cds-services"],
    responses={200: DISCOVERY},
)
class DiscoveryView(CdsView):
    """The services offered: anyone may read it (it names no patient)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"services": [SERVICE]})


@extend_schema(
    summary="CDS Hooks patient-view: the pathway's recommendation as a card (EHR client JWT)",
    tags=["cds-services"],
    request=HookRequestSerializer,
    responses={200: CARDS, **ERRORS},
)
class ServiceView(CdsView):
    """A `patient-view` call: the pathway's recommendation as a card."""

    authentication_classes = [CdsClientJwtAuthentication]
    permission_classes = [IsCdsClient]

    def post(self, request: Request, service_id: str) -> Response:
        _service(service_id)
        data = validated_input(HookRequestSerializer, request)
        answer = hook_answer(
            client=_client(request),
            hook_instance=str(data["hookInstance"]),
            prefetch=data["prefetch"],
        )
        return Response(answer)


@extend_schema(
    summary="CDS Hooks feedback: a card accepted or overridden, with the reason (EHR client JWT)",
    tags=["cds-services"],
    request=FeedbackRequestSerializer,
    responses={200: RECORDED, **ERRORS},
)
class FeedbackView(CdsView):
    """What the EHR's user did with the cards: recorded for concordance."""

    authentication_classes = [CdsClientJwtAuthentication]
    permission_classes = [IsCdsClient]

    def post(self, request: Request, service_id: str) -> Response:
        _service(service_id)
        data = validated_input(FeedbackRequestSerializer, request)
        feedback_record(client=_client(request), entries=data["feedback"])
        return Response({})
