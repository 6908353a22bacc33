"""The board's decision on an agenda case (record, edit with a precondition, list as standard of
care, amend after sign-off), its actions and follow-up, and the chair's sign-off. Views parse
input, call one service or selector, and render; the rules are the services'."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_RESPONSES, ErrorSerializer
from apps.core.api.serializers import validated_input
from apps.core.choices import Role

from ...models import AgendaItem, Decision
from ...selectors import agenda_item_get, meeting_get
from ...selectors.carry_over import meeting_carry_over
from ...selectors.decisions import (
    action_get,
    action_list,
    decision_get,
    decision_versions,
    follow_up_get,
)
from ...services.decisions import (
    action_add,
    action_remove,
    action_update,
    decision_amend,
    decision_etag,
    decision_record,
    follow_up_update,
    standard_of_care_list,
)
from ...services.sign_off import meeting_sign_off
from ..parameters import ACTION_ID, ITEM_PARAMETERS, MEETING_ID
from ..serializers.agenda import SignOffInputSerializer, SignOffOutputSerializer
from ..serializers.decisions import (
    ActionCreateInputSerializer,
    ActionOutputSerializer,
    ActionUpdateInputSerializer,
    DecisionAmendInputSerializer,
    DecisionInputSerializer,
    DecisionOutputSerializer,
    DecisionVersionsOutputSerializer,
    FollowUpInputSerializer,
    FollowUpOutputSerializer,
    StandardOfCareInputSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag of the decision you read; a mismatch answers 412.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The decision\'s entity tag, "<decision id>.<revision>", for If-Match.',
)
CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description=(
        "The state forbids it (the meeting's status, a case moved to a later meeting, no "
        "recommendation yet...), or the body's revision is not the current one: the errors "
        "then name each field changed since, by whom and when."
    ),
)
PRECONDITION_FAILED = OpenApiResponse(
    ErrorSerializer,
    description="If-Match is not the current decision's ETag; the errors name what changed.",
)
PRECONDITION_REQUIRED = OpenApiResponse(
    ErrorSerializer,
    description="A decision exists: send If-Match or revision to say which one you edited.",
)
WRITE_ERRORS = {**ERROR_RESPONSES, 409: CONFLICT}


def _item(request: Request, meeting_id: str, item_id: str) -> AgendaItem:
    return agenda_item_get(user=request.user, meeting_id=meeting_id, item_id=item_id)


def _decision_response(item: AgendaItem, decision: Decision, status_code: int) -> Response:
    """The decision as stored, re-read with its snapshot's staleness, and its ETag."""
    shown = next(version for version in decision_versions(item=item) if version.pk == decision.pk)
    return Response(
        DecisionOutputSerializer(shown).data,
        status=status_code,
        headers={"ETag": decision_etag(shown)},
    )


class DecisionView(APIView):
    """The board's decision on an agenda case: read it with its versions, or record the draft."""

    write_roles = {Role.CLINICIAN}

    @extend_schema(
        summary="The case's decision at this meeting, with every version",
        parameters=[*ITEM_PARAMETERS, ETAG],
        responses={200: DecisionVersionsOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, meeting_id: str, item_id: str) -> Response:
        record = decision_get(item=_item(request, meeting_id, item_id))
        return Response(
            DecisionVersionsOutputSerializer(record._asdict()).data,
            headers={"ETag": decision_etag(record.current)},
        )

    @extend_schema(
        summary="Record the decision, or replace the draft (clinician)",
        description=(
            "The first PUT records version 1 (201). Replacing the draft (200) needs the revision "
            "you edited: the header If-Match with the ETag of your GET (412 when it changed), "
            "or `revision` in the body (409 when it changed); neither answers 428. Only while "
            "the meeting is in progress: after sign-off, amend. `quorate` is the meeting's "
            "quorum at this write."
        ),
        parameters=[*ITEM_PARAMETERS, IF_MATCH, ETAG],
        request=DecisionInputSerializer,
        responses={
            200: DecisionOutputSerializer,
            201: DecisionOutputSerializer,
            **WRITE_ERRORS,
            412: PRECONDITION_FAILED,
            428: PRECONDITION_REQUIRED,
        },
    )
    def put(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = _item(request, meeting_id, item_id)
        data = validated_input(DecisionInputSerializer, request)
        revision = data.pop("revision", None)
        recorded = decision_record(
            item=item,
            actor=request.user,
            data=data,
            if_match=request.headers.get("If-Match"),
            expected_revision=revision,
        )
        created = status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        return _decision_response(item, recorded.decision, created)


class DecisionAmendView(APIView):
    """A new version of a signed-off decision."""

    write_roles = {Role.CLINICIAN}

    @extend_schema(
        summary="Amend the signed-off decision: a new version with its reason (clinician)",
        description=(
            "The body is the decision's, with `amendment_reason`. The new version is final "
            "when made; the earlier ones stay as they were. If-Match (or `revision`) is "
            "optional and refuses an amendment of a version you have not seen."
        ),
        parameters=[*ITEM_PARAMETERS, IF_MATCH, ETAG],
        request=DecisionAmendInputSerializer,
        responses={201: DecisionOutputSerializer, **WRITE_ERRORS, 412: PRECONDITION_FAILED},
    )
    def post(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = _item(request, meeting_id, item_id)
        data = validated_input(DecisionAmendInputSerializer, request)
        revision = data.pop("revision", None)
        amendment_reason = data.pop("amendment_reason")
        decision = decision_amend(
            item=item,
            actor=request.user,
            data=data,
            amendment_reason=amendment_reason,
            if_match=request.headers.get("If-Match"),
            expected_revision=revision,
        )
        return _decision_response(item, decision, status.HTTP_201_CREATED)


class StandardOfCareView(APIView):
    """The chair lists an undiscussed case as the pathway's primary recommendation."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN}

    @extend_schema(
        summary="List the case as standard of care, without discussion (the chair)",
        description=(
            "Records version 1 of the decision as the newest recommendation's primary code, "
            "agreed, flagged listed_not_discussed. Refused (409) when a decision exists, the "
            "meeting is signed off, or the recommendation is missing, stale or has work-up "
            "outstanding."
        ),
        parameters=[*ITEM_PARAMETERS, ETAG],
        request=StandardOfCareInputSerializer,
        responses={201: DecisionOutputSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = _item(request, meeting_id, item_id)
        data = validated_input(StandardOfCareInputSerializer, request)
        decision = standard_of_care_list(item=item, actor=request.user, intent=data["intent"])
        return _decision_response(item, decision, status.HTTP_201_CREATED)


class ActionListView(APIView):
    """What the board asked to be done for the case."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN}

    @extend_schema(
        summary="The case's actions, by due date",
        parameters=ITEM_PARAMETERS,
        responses={200: ActionOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request, meeting_id: str, item_id: str) -> Response:
        actions = action_list(item=_item(request, meeting_id, item_id))
        return Response(ActionOutputSerializer(actions, many=True).data)

    @extend_schema(
        summary="Add an action (coordinator, clinician)",
        parameters=ITEM_PARAMETERS,
        request=ActionCreateInputSerializer,
        responses={201: ActionOutputSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = _item(request, meeting_id, item_id)
        data = validated_input(ActionCreateInputSerializer, request)
        action = action_add(item=item, actor=request.user, **data)
        return Response(
            ActionOutputSerializer(action_get(item=item, action_id=action.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ActionDetailView(APIView):
    """One action: track it (owner, due date, done), or remove it before sign-off. A nurse
    specialist may mark it done (the service refuses them anything else)."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN, Role.NURSE_SPECIALIST}

    @extend_schema(
        summary="Change an action or mark it done (coordinator, clinician; nurse: done only)",
        description=(
            "After sign-off only owner, due_on and done may change. A nurse specialist may "
            "change done only (403 for anything else)."
        ),
        parameters=[*ITEM_PARAMETERS, ACTION_ID],
        request=ActionUpdateInputSerializer,
        responses={200: ActionOutputSerializer, **WRITE_ERRORS},
    )
    def patch(self, request: Request, meeting_id: str, item_id: str, action_id: str) -> Response:
        item = _item(request, meeting_id, item_id)
        action = action_get(item=item, action_id=action_id)
        data = validated_input(ActionUpdateInputSerializer, request, partial=True)
        action_update(action=action, actor=request.user, data=data)
        return Response(ActionOutputSerializer(action_get(item=item, action_id=action.pk)).data)

    @extend_schema(
        summary="Remove an action before sign-off (coordinator, clinician)",
        parameters=[*ITEM_PARAMETERS, ACTION_ID],
        responses={204: None, **WRITE_ERRORS},
    )
    def delete(self, request: Request, meeting_id: str, item_id: str, action_id: str) -> Response:
        item = _item(request, meeting_id, item_id)
        action_remove(action=action_get(item=item, action_id=action_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowUpView(APIView):
    """Telling the patient and the referring clinician the decision. A nurse specialist may
    record when they were told (the service refuses them anything else)."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN, Role.NURSE_SPECIALIST}

    @extend_schema(
        summary="Who tells the patient, by when, and when patient and referrer were told",
        parameters=ITEM_PARAMETERS,
        responses={200: FollowUpOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = _item(request, meeting_id, item_id)
        return Response(FollowUpOutputSerializer(follow_up_get(item=item)._asdict()).data)

    @extend_schema(
        summary="Record the follow-up (coordinator, clinician; also after sign-off)",
        description=(
            "A nurse specialist may record patient_informed_at and referrer_informed_at only "
            "(403 for anything else)."
        ),
        parameters=ITEM_PARAMETERS,
        request=FollowUpInputSerializer,
        responses={200: FollowUpOutputSerializer, **WRITE_ERRORS},
    )
    def patch(self, request: Request, meeting_id: str, item_id: str) -> Response:
        item = _item(request, meeting_id, item_id)
        data = validated_input(FollowUpInputSerializer, request, partial=True)
        item = follow_up_update(item=item, actor=request.user, data=data)
        return Response(FollowUpOutputSerializer(follow_up_get(item=item)._asdict()).data)


class SignOffView(APIView):
    """The chair closes the meeting: its decisions become the record."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN}

    @extend_schema(
        summary="Sign the meeting off (the chair)",
        description=(
            "Needs the meeting in progress. Closes the meeting, signs its draft decisions and "
            "marks the decided cases discussed. Every undiscussed case (no decision, not moved) "
            "is carried to `carry_to`, or else to the hospital's next meeting after this one, "
            "with its postponement reason (out of time when none was given). With no later "
            "meeting the sign-off still succeeds and `carry_over` lists the case as waiting for "
            "a meeting. 409 names an undecided case with actions (they would be stranded)."
        ),
        parameters=[MEETING_ID],
        request=SignOffInputSerializer,
        responses={200: SignOffOutputSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, meeting_id: str) -> Response:
        meeting = meeting_get(user=request.user, meeting_id=meeting_id)
        data = validated_input(SignOffInputSerializer, request)
        meeting_sign_off(meeting=meeting, actor=request.user, carry_to=data.get("carry_to"))
        signed = meeting_get(user=request.user, meeting_id=meeting.pk)
        signed.carry_over = list(meeting_carry_over(meeting=signed))
        for item in signed.carry_over:
            item.meeting = signed
        return Response(SignOffOutputSerializer(signed).data)
