"""Meeting and agenda endpoints."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.schema import ERROR_RESPONSES
from apps.core.api.viewsets import ServiceModelViewSet
from apps.core.choices import Role
from apps.core.roles import user_hospital

from ... import selectors, services
from ...filters import MeetingFilter
from ...models import Meeting
from ...selectors.readiness import with_readiness
from ...services.presenting import meeting_present
from ..parameters import ITEM_ID
from ..serializers.meetings import (
    AgendaItemCreateInputSerializer,
    AgendaItemOutputSerializer,
    AgendaItemUpdateInputSerializer,
    MeetingCreateInputSerializer,
    MeetingOutputSerializer,
    MeetingPresentInputSerializer,
    MeetingUpdateInputSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="List meetings",
        responses={200: MeetingOutputSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="A meeting", responses={200: MeetingOutputSerializer, **ERROR_RESPONSES}
    ),
    create=extend_schema(
        summary="Schedule a meeting (coordinator)",
        request=MeetingCreateInputSerializer,
        responses={201: MeetingOutputSerializer, **ERROR_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Change a meeting (coordinator)",
        request=MeetingUpdateInputSerializer,
        responses={200: MeetingOutputSerializer, **ERROR_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Delete a meeting that has not started (coordinator)",
        responses={204: None, **ERROR_RESPONSES},
    ),
)
class MeetingViewSet(ServiceModelViewSet):
    serializer_class = MeetingOutputSerializer
    create_serializer_class = MeetingCreateInputSerializer
    update_serializer_class = MeetingUpdateInputSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["scheduled_for", "created_at", "status"]
    ordering = ["scheduled_for"]
    # The chair (a clinician) drives the meeting's screen as well as a coordinator.
    action_write_roles = {"present": {Role.COORDINATOR, Role.CLINICIAN}}

    def get_queryset(self) -> Any:
        return selectors.meeting_list(user=self.request.user)

    def perform_service_create(self, data: dict[str, Any]) -> Meeting:
        return services.meeting_create(
            hospital=user_hospital(self.request.user), actor=self.request.user, **data
        )

    def perform_service_update(self, instance: Meeting, data: dict[str, Any]) -> Meeting:
        return services.meeting_update(meeting=instance, data=data, actor=self.request.user)

    def perform_service_delete(self, instance: Meeting) -> None:
        services.meeting_delete(meeting=instance, actor=self.request.user)

    @extend_schema(
        methods=["GET"],
        summary="The meeting's agenda, in order",
        responses={200: AgendaItemOutputSerializer(many=True), **ERROR_RESPONSES},
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Put a case on the agenda (coordinator)",
        request=AgendaItemCreateInputSerializer,
        responses={201: AgendaItemOutputSerializer, **ERROR_RESPONSES},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="agenda",
        filter_backends=[],
        pagination_class=None,
    )
    def agenda(self, request: Request, pk: Any = None) -> Response:
        meeting = self.get_object()
        if request.method == "POST":
            data = self._input(AgendaItemCreateInputSerializer, request)
            item = services.agenda_item_add(meeting=meeting, actor=request.user, **data)
            return Response(AgendaItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)
        agenda = with_readiness(selectors.agenda_list(meeting=meeting), meeting)
        return Response(AgendaItemOutputSerializer(agenda, many=True).data)

    @extend_schema(
        summary="Bring a case up on the meeting's screen (chair or coordinator)",
        description=(
            "The case the room discusses now; the time on the case left is added to its "
            "`discussion_seconds`. `item: null` ends the discussion. 403 for anyone but the "
            "chair or a coordinator, 409 unless the meeting is in progress."
        ),
        request=MeetingPresentInputSerializer,
        responses={200: MeetingOutputSerializer, **ERROR_RESPONSES},
        filters=False,
    )
    @action(detail=True, methods=["post"], url_path="present", filter_backends=[])
    def present(self, request: Request, pk: Any = None) -> Response:
        meeting = self.get_object()
        data = self._input(MeetingPresentInputSerializer, request)
        item = None
        if data["item"] is not None:
            item = selectors.agenda_item_get(
                user=request.user, meeting_id=meeting.pk, item_id=data["item"]
            )
        meeting = meeting_present(meeting=meeting, item=item, actor=request.user)
        return Response(MeetingOutputSerializer(meeting).data)

    @extend_schema(
        methods=["PATCH"],
        summary="Change a case's presenter or the question to the board (coordinator)",
        request=AgendaItemUpdateInputSerializer,
        responses={200: AgendaItemOutputSerializer, **ERROR_RESPONSES},
        parameters=[ITEM_ID],
        filters=False,
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Take a case off the agenda before it is discussed (coordinator)",
        responses={204: None, **ERROR_RESPONSES},
        parameters=[ITEM_ID],
        filters=False,
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        # Any segment: a malformed id then gets the API's 404 from the selector.
        url_path=r"agenda/(?P<item_id>[^/.]+)",
        filter_backends=[],
    )
    def agenda_item(self, request: Request, pk: Any = None, item_id: str | None = None) -> Response:
        item = selectors.agenda_item_get(user=request.user, meeting_id=pk, item_id=item_id)
        if request.method == "PATCH":
            data = self._input(AgendaItemUpdateInputSerializer, request, partial=True)
            item = services.agenda_item_update(item=item, data=data, actor=request.user)
            return Response(AgendaItemOutputSerializer(item).data)
        services.agenda_item_remove(item=item, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
