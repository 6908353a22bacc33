"""The treatment actually given after an agenda case's signed decision: read it, or record
and correct it (coordinators and clinicians)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_RESPONSES, ErrorSerializer
from apps.core.api.serializers import validated_input
from apps.core.choices import Role
from apps.core.exceptions import ApplicationError

from ...selectors import agenda_item_get
from ...selectors.treatment import treatment_get
from ...services.treatment import treatment_record
from ..parameters import ITEM_PARAMETERS
from ..serializers.treatment import TreatmentInputSerializer, TreatmentOutputSerializer

CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="The meeting is not signed off yet, or the case moved to a later meeting.",
)


class TreatmentView(APIView):
    """What was started after the board's signed decision on the case."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN}

    @extend_schema(
        summary="The treatment given after the case's signed decision",
        description="404 when none is recorded yet.",
        parameters=ITEM_PARAMETERS,
        responses={200: TreatmentOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
        treatment = treatment_get(item=item)
        if treatment is None:
            raise ApplicationError(
                "No treatment has been recorded for this case's decision yet.",
                errors={"": ["PUT the treatment given to record it."]},
                status=404,
            )
        return Response(TreatmentOutputSerializer(treatment).data)

    @extend_schema(
        summary="Record or correct the treatment given (coordinator, clinician)",
        description=(
            "After sign-off. The first PUT records it (201); a later one corrects it (200), "
            "the earlier state kept in the audit trail. started=false records that nothing "
            "was started, with the reason."
        ),
        parameters=ITEM_PARAMETERS,
        request=TreatmentInputSerializer,
        responses={
            200: TreatmentOutputSerializer,
            201: TreatmentOutputSerializer,
            **ERROR_RESPONSES,
            409: CONFLICT,
        },
    )
    def put(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
        data = validated_input(TreatmentInputSerializer, request)
        existed = treatment_get(item=item) is not None
        treatment_record(item=item, actor=request.user, data=data)
        return Response(
            TreatmentOutputSerializer(treatment_get(item=item)).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )
