"""Reordering the agenda, moving a case to a later meeting, and a case's history across
meetings."""

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
from ...services.agenda_moves import agenda_item_move
from ..parameters import CASE_ID, ITEM_PARAMETERS, MEETING_ID
from ..serializers.agenda import (
    AgendaItemMoveInputSerializer,
    AgendaReorderInputSerializer,
    CaseMeetingOutputSerializer,
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
        moved = agenda_item_move(item=item, to_meeting=data["meeting"], actor=request.user)
        return Response(AgendaItemOutputSerializer(moved).data, status=status.HTTP_201_CREATED)


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
