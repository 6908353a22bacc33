"""The pathway endpoints (evaluate any facts, describe the pathway) and a case's recommendation
snapshots. Views parse input, call one service or selector, and render."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.renderers import FastJSONRenderer
from apps.core.api.schema import ERROR_RESPONSES, FACTS_SCHEMA, ErrorSerializer
from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.pathways import registry
from apps.pathways.facts import FactsValidationError
from apps.patients.models import MdtCase
from apps.patients.selectors import case_list

from .. import selectors, services
from .serializers import (
    PathwayDescriptionSerializer,
    PathwayResultSerializer,
    RecommendationSnapshotOutputSerializer,
)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERROR_RESPONSES[code] for code in codes}


CASE_ID = OpenApiParameter(
    "case_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's id."
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description=(
        "The case cannot be evaluated: it is closed or withdrawn, has no facts yet, or its "
        "records no longer make a valid pathway input (the errors name the fields)."
    ),
)


VERSION = OpenApiParameter(
    "version",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    enum=list(registry.VERSIONS),
    description=f"The pathway version; the current one ({registry.CURRENT_VERSION}) when left out.",
)


def _version(request: Request) -> str:
    """The version asked for (`?version=`), or the current one; an unknown one is a 400."""
    version = request.query_params.get("version", registry.CURRENT_VERSION)
    if version not in registry.VERSIONS:
        raise ApplicationError(
            "Unknown pathway version.",
            errors={"version": [f"Must be one of: {', '.join(registry.VERSIONS)}."]},
        )
    return version


class PathwayEvaluateView(APIView):
    """Any set of case facts through the pathway (the current version, or `?version=`), nothing
    stored. Reads no database beyond authentication: the facts are parsed by the pathway
    package itself (a serializer would validate them a second time, differently), and the
    result, 6 to 8 KB, is written by msgspec straight from its struct."""

    # Evaluating writes nothing: every role may, viewers included.
    write_roles = {Role.COORDINATOR, Role.CLINICIAN, Role.VIEWER, Role.NURSE_SPECIALIST}
    renderer_classes = [FastJSONRenderer]

    @extend_schema(
        summary="Evaluate case facts with the pathway (nothing is stored)",
        description=(
            "The body is the pathway input of the version (its SPEC section 1). Invalid facts "
            "answer 400 with every error under its field path; a body that is not a JSON object "
            'under "". An earlier version stays available with `?version=` (its own input: the '
            "fields a later version added are unknown keys there)."
        ),
        parameters=[VERSION],
        request=FACTS_SCHEMA,
        responses={200: PathwayResultSerializer, **_errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        version = _version(request)
        try:
            result = registry.evaluate_input(request.data, version)
        except FactsValidationError as error:
            raise ApplicationError(
                "Invalid case facts: see the errors for each field.", errors=error.errors
            ) from error
        # The result's own struct: the renderer writes it as JSON in one pass.
        return Response(result)


class PathwayDescribeView(APIView):
    """A pathway version (the current one, or `?version=`), for showing codes with their titles,
    evidence and severities."""

    @extend_schema(
        summary="The pathway: version, sources, every code with its citations",
        parameters=[VERSION],
        responses={200: PathwayDescriptionSerializer, **_errors(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        return Response(registry.describe(_version(request)))


def _case(request: Request, case_id: str) -> MdtCase:
    """The case among those the user may see; a malformed id or another hospital's case is 404."""
    return get_object_or_404(case_list(user=request.user), pk=case_id)


class CaseRecommendationView(APIView):
    """A case's current recommendation: read the newest snapshot, or make a new one."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN}

    @extend_schema(
        summary="The case's newest recommendation snapshot (with whether it is stale)",
        parameters=[CASE_ID],
        responses={200: RecommendationSnapshotOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, case_id: str) -> Response:
        snapshot = selectors.recommendation_latest(case=_case(request, case_id))
        if snapshot is None:
            raise ApplicationError(
                "No recommendation has been made for this case yet.",
                errors={"": ["POST to this address to evaluate the case's facts."]},
                status=404,
            )
        return Response(RecommendationSnapshotOutputSerializer(snapshot).data)

    @extend_schema(
        summary="Evaluate the case's facts now and keep the result (coordinator, clinician)",
        description=(
            "Runs the current pathway on the case's recorded facts and stores a snapshot: the "
            "facts as evaluated, the result, who asked and when. Snapshots are never changed; "
            "when the facts change, the snapshot turns stale and a new POST makes a fresh one."
        ),
        parameters=[CASE_ID],
        request=None,
        responses={
            201: RecommendationSnapshotOutputSerializer,
            **ERROR_RESPONSES,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, case_id: str) -> Response:
        case = _case(request, case_id)
        snapshot = services.recommendation_create(case=case, actor=request.user)
        snapshot = selectors.recommendation_get(case=case, snapshot_id=snapshot.pk)
        return Response(
            RecommendationSnapshotOutputSerializer(snapshot).data, status=status.HTTP_201_CREATED
        )


class CaseRecommendationHistoryView(GenericAPIView):
    """Every recommendation snapshot of a case, newest first."""

    serializer_class = RecommendationSnapshotOutputSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="The case's recommendation snapshots, newest first",
        parameters=[CASE_ID],
        responses={200: RecommendationSnapshotOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request, case_id: str) -> Response:
        snapshots = selectors.recommendation_history(case=_case(request, case_id))
        page = self.paginate_queryset(snapshots)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
