"""Concordance of the board's decisions and the surgeons' votes with the pathway, for audit."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_RESPONSES
from apps.core.api.serializers import validated_input
from apps.core.roles import user_hospital

from ...selectors.concordance import concordance_summary
from ...selectors.concordance_sources import concordance_sources
from ..serializers.concordance import (
    FROM_HELP,
    TO_HELP,
    ConcordanceInputSerializer,
    ConcordanceOutputSerializer,
    concordance_answer,
)

PARAMETERS = [
    OpenApiParameter(
        "meeting",
        OpenApiTypes.UUID,
        OpenApiParameter.QUERY,
        description="Only this meeting (of your hospital; any other id is a 400).",
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, OpenApiParameter.QUERY, description=FROM_HELP),
    OpenApiParameter("to", OpenApiTypes.DATE, OpenApiParameter.QUERY, description=TO_HELP),
    OpenApiParameter(
        "signed_only",
        OpenApiTypes.BOOL,
        OpenApiParameter.QUERY,
        description="true: only meetings the chair has signed off (default false).",
    ),
]


class ConcordanceView(APIView):
    """Counts over the hospital's meetings: every role may read them (they name no patient)."""

    @extend_schema(
        summary="Concordance of decisions and surgeons' votes with the pathway",
        description=(
            "For each meeting (by date) and in total: the current decision (newest version) of "
            "each agenda case counted by its agreement with the recommendation it was made "
            "against, departures by coded reason, decisions listed as standard of care or "
            "recorded without quorum, and the liver surgeons' revealed resectability votes "
            "(agreement between surgeons, and with the pathway). Hidden votes are never counted. "
            "Beside them, `sources`: counts other parts of the service report for the same "
            "dates (`ehr_feedback`: CDS Hooks cards issued to the hospital's EHRs, accepted or "
            "overridden there, override reasons counted). "
            "An unknown query parameter, or one given twice, is a 400."
        ),
        parameters=PARAMETERS,
        responses={
            200: ConcordanceOutputSerializer,
            **{code: ERROR_RESPONSES[code] for code in (400, 401, 403)},
        },
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.copy()
        # ?format=json chooses DRF's renderer (the browsable API offers it): not a filter.
        query.pop(api_settings.URL_FORMAT_OVERRIDE, None)
        filters = validated_input(ConcordanceInputSerializer, request, data=query)
        meeting = filters.get("meeting")
        result = concordance_summary(
            user=request.user,
            meeting=meeting,
            date_from=filters.get("from"),
            date_to=filters.get("to"),
            signed_only=filters["signed_only"],
        )
        echo = {
            "meeting": meeting.pk if meeting is not None else None,
            "from": filters.get("from"),
            "to": filters.get("to"),
            "signed_only": filters["signed_only"],
        }
        sources = concordance_sources(
            user_hospital(request.user), filters.get("from"), filters.get("to")
        )
        return Response(concordance_answer(echo, result.totals, result.meetings, sources))
