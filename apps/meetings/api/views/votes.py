"""The liver surgeons' independent resectability votes on an agenda case, and their reveal by
the chair. What a user may read is `selectors.votes.votes_view`'s decision."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_RESPONSES, ErrorSerializer
from apps.core.api.serializers import validated_input
from apps.core.choices import Role

from ... import selectors
from ...selectors.votes import votes_view
from ...services.votes import vote_record, votes_reveal
from ..parameters import ITEM_PARAMETERS
from ..serializers.votes import VoteInputSerializer, VoteOutputSerializer, VotesOutputSerializer


class VoteListView(APIView):
    """Read the votes (hidden until revealed) or record your own."""

    write_roles = {Role.CLINICIAN}

    @extend_schema(
        summary="The surgeons' votes on the case (each call hidden until the chair reveals)",
        description=(
            "Before the reveal: who has voted and your own vote, nobody else's call (not even "
            "for the chair or a coordinator). After: every vote and how they agree."
        ),
        parameters=ITEM_PARAMETERS,
        responses={200: VotesOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = selectors.agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
        return Response(VotesOutputSerializer(votes_view(item=item, user=request.user)).data)

    @extend_schema(
        summary="Record or replace your resectability call (liver surgeon present)",
        parameters=ITEM_PARAMETERS,
        request=VoteInputSerializer,
        responses={
            200: OpenApiResponse(VoteOutputSerializer, description="Your vote, replaced."),
            201: OpenApiResponse(VoteOutputSerializer, description="Your vote, recorded."),
            **ERROR_RESPONSES,
            409: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "The meeting is signed off, the case moved, the votes were revealed or a "
                    "decision is recorded."
                ),
            ),
        },
    )
    def post(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = selectors.agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
        data = validated_input(VoteInputSerializer, request)
        vote, created = vote_record(item=item, surgeon=request.user, **data)
        return Response(
            VoteOutputSerializer(vote).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class VoteRevealView(APIView):
    """The chair reveals every call at once."""

    # The service lets only the meeting's chair through.
    write_roles = {Role.COORDINATOR, Role.CLINICIAN}

    @extend_schema(
        summary="Reveal the surgeons' votes (the meeting's chair)",
        parameters=ITEM_PARAMETERS,
        request=None,
        responses={
            200: VotesOutputSerializer,
            **ERROR_RESPONSES,
            409: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Already revealed, no vote recorded, the meeting is signed off or has no chair."
                ),
            ),
        },
    )
    def post(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = selectors.agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)
        item = votes_reveal(item=item, actor=request.user)
        return Response(VotesOutputSerializer(votes_view(item=item, user=request.user)).data)
