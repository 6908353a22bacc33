"""Reordering the agenda, postponing a case and moving it to a later meeting, and a case's
history across meetings."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_RESPONSES, ErrorSerializer
from apps.core.api.serializers import validated_input
from apps.core.choices import Role
from apps.patients.selectors import case_list

from ... import selectors
from ...selectors.case_meetings import case_meetings
from ...selectors.readiness import with_readiness
from ...services import agenda_reorder
from ...services.agenda_moves import (
    agenda_item_move,
    agenda_item_postpone,
    agenda_item_postpone_withdraw,
)
from ..parameters import CASE_ID, ITEM_PARAMETERS, MEETING_ID
from ..serializers.agenda import (
    AgendaItemMoveInputSerializer,
    AgendaReorderInputSerializer,
    CaseMeetingOutputSerializer,
    PostponeInputSerializer,
    PostponementOutputSerializer,
)
from ..serializers.meetings import AgendaItemOutputSerializer


class AgendaReorderView(APIView):
    """Put the agenda's cases in a new order."""

    write_roles = {Role.COORDINATOR}

    @extend_schema(
        summary="Reorder the agenda (coordinator)",
        parameters=[MEETING_ID],
        request=AgendaReorderInputSerializer,
        responses={200: AgendaItemOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def post(self, request: Request, meeting_id: str) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        data = validated_input(AgendaReorderInputSerializer, request)
        agenda_reorder(meeting=meeting, item_ids=data["items"], actor=request.user)
        agenda = with_readiness(selectors.agenda_list(meeting=meeting), meeting)
        return Response(AgendaItemOutputSerializer(agenda, many=True).data)


class AgendaItemMoveView(APIView):
    """Move an undiscussed case to a later meeting."""

    write_roles = {Role.COORDINATOR}

    @extend_schema(
        summary="Move the case, undiscussed, to a later meeting (coordinator)",
        description=(
            "Puts the case on the later meeting's agenda with the same presenter and question, "
            "and marks this item as moved there. Answers the new agenda item."
        ),
        parameters=ITEM_PARAMETERS,
        request=AgendaItemMoveInputSerializer,
        responses={
            201: AgendaItemOutputSerializer,
            **ERROR_RESPONSES,
            409: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "This meeting is signed off, the case has already moved, or a decision is "
                    "recorded for it."
                ),
            ),
        },
    )
    def post(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = selectors.agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
        data = validated_input(AgendaItemMoveInputSerializer, request)
        moved = agenda_item_move(
            item=item,
            to_meeting=data["meeting"],
            actor=request.user,
            reason=data.get("reason", ""),
            reason_detail=data.get("reason_detail", ""),
        )
        return Response(AgendaItemOutputSerializer(moved).data, status=status.HTTP_201_CREATED)


POSTPONE_CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description=(
        "The meeting is signed off, the case has already moved, or a decision or actions are "
        "recorded for it (POST); there is no postponement to withdraw (DELETE)."
    ),
)


class AgendaItemPostponeView(APIView):
    """Postpone an undiscussed case with its reason, or withdraw the postponement."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN}

    @extend_schema(
        summary="Postpone the case with a coded reason (coordinator or clinician)",
        description=(
            "Records why the case is not discussed at this meeting, who postponed it and when. "
            "With `meeting`, the case moves there now; without, it stays on this agenda marked "
            "postponed and the chair's sign-off carries it to the next meeting. `reason_detail` "
            "is required when `reason` is other. Answers this agenda item's postponement."
        ),
        parameters=ITEM_PARAMETERS,
        request=PostponeInputSerializer,
        responses={200: PostponementOutputSerializer, **ERROR_RESPONSES, 409: POSTPONE_CONFLICT},
    )
    def post(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = selectors.agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
        data = validated_input(PostponeInputSerializer, request)
        postponed = agenda_item_postpone(
            item=item,
            reason=data["reason"],
            reason_detail=data.get("reason_detail", ""),
            to_meeting=data.get("meeting"),
            actor=request.user,
        )
        postponed.meeting = item.meeting
        return Response(PostponementOutputSerializer(postponed).data)

    @extend_schema(
        summary="Withdraw the postponement: the case is discussed here after all",
        parameters=ITEM_PARAMETERS,
        responses={200: PostponementOutputSerializer, **ERROR_RESPONSES, 409: POSTPONE_CONFLICT},
    )
    def delete(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = selectors.agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
        withdrawn = agenda_item_postpone_withdraw(item=item, actor=request.user)
        withdrawn.meeting = item.meeting
        return Response(PostponementOutputSerializer(withdrawn).data)


class CaseMeetingsView(APIView):
    """Every meeting a case was on, in date order, and what became of it at each."""

    @extend_schema(
        summary="The case's meetings: moves, votes and decisions at each",
        parameters=[CASE_ID],
        responses={200: CaseMeetingOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request, case_id: str) -> Response:
        case = get_object_or_404(case_list(user=request.user), pk=case_id)
        return Response(CaseMeetingOutputSerializer(case_meetings(case=case), many=True).data)
