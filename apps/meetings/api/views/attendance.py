"""A meeting's attendance: who is present, for which specialty, and so whether it is quorate."""

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

from ... import selectors
from ...services.attendance import attendance_add, attendance_remove
from ..parameters import ATTENDANCE_ID, MEETING_ID
from ..serializers.attendance import (
    AttendanceAddedOutputSerializer,
    AttendanceAddInputSerializer,
    AttendanceListOutputSerializer,
    AttendeeOutputSerializer,
)

SIGNED_OFF = OpenApiResponse(
    ErrorSerializer, description="The meeting is signed off: its attendance is final."
)


class AttendanceListView(APIView):
    """Who is at the meeting, with the quorum they make."""

    write_roles = {Role.COORDINATOR}

    @extend_schema(
        summary="The meeting's attendance and quorum",
        parameters=[MEETING_ID],
        responses={200: AttendanceListOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, meeting_id: str) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        attendees = selectors.attendance_list(meeting=meeting)
        return Response(
            {
                "quorum": selectors.meeting_quorum(meeting=meeting)._asdict(),
                "attendees": AttendeeOutputSerializer(attendees, many=True).data,
            }
        )

    @extend_schema(
        summary="Record someone as present (coordinator)",
        description=(
            "Send \"user\" (a colleague's username; their profile's specialty unless "
            '"specialty" is given) or "name" and "specialty" for a guest without an account.'
        ),
        parameters=[MEETING_ID],
        request=AttendanceAddInputSerializer,
        responses={201: AttendanceAddedOutputSerializer, **ERROR_RESPONSES, 409: SIGNED_OFF},
    )
    def post(self, request: Request, meeting_id: str) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        data = validated_input(AttendanceAddInputSerializer, request)
        attendance = attendance_add(meeting=meeting, actor=request.user, **data)
        # Read again: the meeting's prefetched attendance predates the new attendee.
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        return Response(
            {
                "attendee": AttendeeOutputSerializer(attendance).data,
                "quorum": selectors.meeting_quorum(meeting=meeting)._asdict(),
            },
            status=status.HTTP_201_CREATED,
        )


class AttendanceDetailView(APIView):
    """One attendee of a meeting."""

    write_roles = {Role.COORDINATOR}

    @extend_schema(
        summary="Take someone off the attendance (coordinator)",
        description="Refused (409) once signed off, and for a surgeon who voted at the meeting.",
        parameters=[MEETING_ID, ATTENDANCE_ID],
        responses={
            204: None,
            **ERROR_RESPONSES,
            409: OpenApiResponse(
                ErrorSerializer,
                description="The meeting is signed off, or the surgeon voted at this meeting.",
            ),
        },
    )
    def delete(self, request: Request, meeting_id: str, attendance_id: str) -> Response:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        attendance = get_object_or_404(selectors.attendance_list(meeting=meeting), pk=attendance_id)
        attendance_remove(attendance=attendance, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
