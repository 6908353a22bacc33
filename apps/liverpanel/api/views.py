"""The panel's API: panels and rosters (administrators), sending a case (coordinators of its
hospital), the member's referrals, reviews and the chair's conclusion (panel members), and
withdrawal and re-review (coordinators). Each view parses its input, calls one selector or
service, and renders; who may read what is the selectors' decision."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_RESPONSES
from apps.core.api.serializers import validated_input
from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.ids import uuid_or_none
from apps.core.models import Hospital
from apps.core.roles import user_hospital
from apps.patients.models import MdtCase
from apps.patients.selectors import case_list

from .. import selectors, services
from ..choices import ReferralStatus
from ..models import ExpertPanel, PanelMember, PanelReferral
from .serializers import (
    ConclusionInputSerializer,
    MemberInputSerializer,
    MemberOutputSerializer,
    MemberUpdateSerializer,
    PanelInputSerializer,
    PanelOutputSerializer,
    ReferralInputSerializer,
    ReferralOutputSerializer,
    RereviewInputSerializer,
    ReviewInputSerializer,
    WithdrawInputSerializer,
    referral_data,
)


def _path(name: str, text: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=text)


PANEL_ID = _path("panel_id", "The panel's id.")
MEMBER_ID = _path("member_id", "The roster entry's id.")
REFERRAL_ID = _path("referral_id", "The referral's id (its round with the panel).")
CASE_ID = _path("case_id", "The case's id.")
ALL_ROLES = {Role.COORDINATOR, Role.CLINICIAN, Role.VIEWER, Role.NURSE_SPECIALIST}


def _require_administrator(request: Request) -> None:
    if not request.user.is_staff:
        raise ApplicationError(
            "Only an administrator manages panels.",
            errors={"": ["Ask an administrator."]},
            status=403,
        )


def _panel(request: Request, panel_id: str) -> ExpertPanel:
    found = selectors.panels_visible(user=request.user).filter(pk=uuid_or_none(panel_id)).first()
    if found is None:
        raise Http404
    return found


def _referral_response(referral: PanelReferral, request: Request, code: int = 200) -> Response:
    view = selectors.referral_view(referral=referral, user=request.user)
    return Response(referral_data(view), status=code)


def _member_referral(request: Request, referral_id: str) -> PanelReferral:
    try:
        return selectors.referral_readable_get(
            user=request.user, referral_id=uuid_or_none(referral_id)
        )
    except PanelReferral.DoesNotExist:
        raise Http404 from None


def _hospital_referral(request: Request, referral_id: str) -> PanelReferral:
    found = (
        selectors.hospital_referrals(user=request.user).filter(pk=uuid_or_none(referral_id)).first()
    )
    if found is None:
        raise Http404
    return found


# --- Panels and rosters ---------------------------------------------------------------------


def _hospitals(codes: list[str] | None) -> list[Hospital] | None:
    if codes is None:
        return None
    found = {hospital.code: hospital for hospital in Hospital.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ApplicationError(
            "Unknown hospital.",
            errors={"hospitals": [f"No hospital {code!r}." for code in unknown]},
        )
    return [found[code] for code in codes]


def _panels_prefetched(queryset: Any) -> Any:
    return queryset.prefetch_related(
        "hospitals", "members__user__staff_profile__hospital"
    ).order_by("name")


class PanelListView(GenericAPIView):
    """Panels: those you sit on or your hospital sends cases to (every panel, for an
    administrator); an administrator creates them."""

    write_roles = ALL_ROLES  # the view checks for an administrator
    serializer_class = PanelOutputSerializer
    queryset = ExpertPanel.objects.none()  # for the schema; the selector decides what is read

    @extend_schema(
        summary="Panels you sit on or send cases to",
        responses={200: PanelOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        panels = _panels_prefetched(selectors.panels_visible(user=request.user))
        page = self.paginate_queryset(panels)
        return self.get_paginated_response(PanelOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a panel (administrator)",
        request=PanelInputSerializer,
        responses={201: PanelOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        _require_administrator(request)
        data = validated_input(PanelInputSerializer, request)
        hospitals = _hospitals(data.pop("hospitals", None))
        panel = services.panel_save(actor=request.user, hospitals=hospitals, **data)
        return Response(PanelOutputSerializer(panel).data, status=status.HTTP_201_CREATED)


class PanelDetailView(APIView):
    write_roles = ALL_ROLES

    @extend_schema(
        summary="A panel and its roster",
        parameters=[PANEL_ID],
        responses={200: PanelOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, panel_id: str) -> Response:
        return Response(PanelOutputSerializer(_panel(request, panel_id)).data)

    @extend_schema(
        summary="Change a panel's settings (administrator)",
        parameters=[PANEL_ID],
        request=PanelInputSerializer,
        responses={200: PanelOutputSerializer, **ERROR_RESPONSES},
    )
    def patch(self, request: Request, panel_id: str) -> Response:
        panel = _panel(request, panel_id)
        _require_administrator(request)
        data = validated_input(PanelInputSerializer, request, partial=True)
        hospitals = _hospitals(data.pop("hospitals", None))
        panel = services.panel_save(actor=request.user, panel=panel, hospitals=hospitals, **data)
        return Response(PanelOutputSerializer(panel).data)


class PanelMemberListView(APIView):
    write_roles = ALL_ROLES

    @extend_schema(
        summary="Put a surgeon on the panel's roster (administrator)",
        parameters=[PANEL_ID],
        request=MemberInputSerializer,
        responses={201: MemberOutputSerializer, 200: MemberOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request, panel_id: str) -> Response:
        panel = _panel(request, panel_id)
        _require_administrator(request)
        data = validated_input(MemberInputSerializer, request)
        user = (
            get_user_model().objects.filter(username=data.pop("username"), is_active=True).first()
        )
        if user is None:
            raise ApplicationError(
                "Unknown user.", errors={"username": ["No such active account."]}
            )
        member, created = services.panel_member_save(
            panel=panel, user=user, actor=request.user, **data
        )
        return Response(
            MemberOutputSerializer(member).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PanelMemberDetailView(APIView):
    write_roles = ALL_ROLES

    @extend_schema(
        summary="Make a member chair, or (in)active (administrator)",
        parameters=[PANEL_ID, MEMBER_ID],
        request=MemberUpdateSerializer,
        responses={200: MemberOutputSerializer, **ERROR_RESPONSES},
    )
    def patch(self, request: Request, panel_id: str, member_id: str) -> Response:
        panel = _panel(request, panel_id)
        _require_administrator(request)
        member = PanelMember.objects.filter(panel=panel, pk=uuid_or_none(member_id)).first()
        if member is None:
            raise Http404
        data = validated_input(MemberUpdateSerializer, request)
        member, _ = services.panel_member_save(
            panel=panel, user=member.user, actor=request.user, **data
        )
        return Response(MemberOutputSerializer(member).data)


# --- Sending a case -------------------------------------------------------------------------


class CaseReferralListView(GenericAPIView):
    """A case's rounds with the panels (its hospital's staff), and sending it (coordinators)."""

    serializer_class = ReferralOutputSerializer
    queryset = PanelReferral.objects.none()  # for the schema; the selector decides what is read

    def _case(self, request: Request, case_id: str) -> MdtCase:
        found = case_list(user=request.user).filter(pk=uuid_or_none(case_id)).first()
        if found is None:
            raise Http404
        return found

    @extend_schema(
        summary="The case's rounds with the liver expert panel",
        parameters=[CASE_ID],
        responses={200: ReferralOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request, case_id: str) -> Response:
        case = self._case(request, case_id)
        referrals = selectors.case_referrals(case=case)
        page = self.paginate_queryset(referrals)
        return self.get_paginated_response(
            [referral_data(selectors.referral_view(referral=r, user=request.user)) for r in page]
        )

    @extend_schema(
        summary="Send the case to a liver expert panel (coordinator)",
        description=(
            "Three members are drawn at random (fewest open reviews first; never the referring "
            "surgeon or the sender) and each gets a review task, due in the panel's review days "
            "unless `due_on` says otherwise. The reviewers read the case's current "
            "recommendation snapshot, pseudonymised."
        ),
        parameters=[CASE_ID],
        request=ReferralInputSerializer,
        responses={201: ReferralOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request, case_id: str) -> Response:
        case = self._case(request, case_id)
        data = validated_input(ReferralInputSerializer, request)
        panel = (
            selectors.panels_taking_cases(hospital=user_hospital(request.user))
            .filter(pk=data["panel"])
            .first()
        )
        if panel is None:
            raise ApplicationError(
                "No such panel takes your hospital's cases.", errors={"panel": ["Unknown panel."]}
            )
        surgeon = None
        if data.get("referring_surgeon"):
            surgeon = get_user_model().objects.filter(username=data["referring_surgeon"]).first()
            if surgeon is None:
                raise ApplicationError(
                    "Unknown surgeon.", errors={"referring_surgeon": ["No such account."]}
                )
        previous = None
        if data.get("previous"):
            previous = selectors.case_referrals(case=case).filter(pk=data["previous"]).first()
            if previous is None:
                raise ApplicationError(
                    "Unknown earlier round.",
                    errors={"previous": ["Not a panel round of this case."]},
                )
        referral = services.panel_referral_create(
            case=case,
            panel=panel,
            question=data["question"],
            actor=request.user,
            referring_surgeon=surgeon,
            due_on=data.get("due_on"),
            previous=previous,
        )
        return _referral_response(referral, request, status.HTTP_201_CREATED)


# --- The member's referrals -----------------------------------------------------------------


class MemberReferralListView(GenericAPIView):
    """The cases you were drawn to review, and those of the panels you chair."""

    serializer_class = ReferralOutputSerializer
    queryset = PanelReferral.objects.none()  # for the schema; the selector decides what is read

    @extend_schema(
        summary="Your panel cases (pseudonymised)",
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=list(ReferralStatus.values),
            )
        ],
        responses={200: ReferralOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        referrals = selectors.member_referrals(user=request.user)
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in ReferralStatus.values:
                raise ApplicationError(
                    "Unknown status.",
                    errors={"status": [f"One of: {', '.join(ReferralStatus.values)}."]},
                )
            referrals = referrals.filter(status=wanted)
        page = self.paginate_queryset(referrals)
        return self.get_paginated_response(
            [referral_data(selectors.referral_view(referral=r, user=request.user)) for r in page]
        )


class ReferralDetailView(APIView):
    @extend_schema(
        summary="A panel case (pseudonymised)",
        description="Your own review until every review is in; then every review, named.",
        parameters=[REFERRAL_ID],
        responses={200: ReferralOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, referral_id: str) -> Response:
        return _referral_response(_member_referral(request, referral_id), request)


class ReviewView(APIView):
    write_roles = {Role.CLINICIAN}

    @extend_schema(
        summary="Submit your review (a drawn reviewer; final once submitted)",
        parameters=[REFERRAL_ID],
        request=ReviewInputSerializer,
        responses={201: ReferralOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        referral = _member_referral(request, referral_id)
        data = validated_input(ReviewInputSerializer, request)
        services.panel_review_submit(referral=referral, reviewer=request.user, **data)
        referral.refresh_from_db()
        return _referral_response(referral, request, status.HTTP_201_CREATED)


class ConclusionView(APIView):
    write_roles = {Role.CLINICIAN}

    @extend_schema(
        summary="Write the panel's conclusion (the chair, once every review is in)",
        parameters=[REFERRAL_ID],
        request=ConclusionInputSerializer,
        responses={201: ReferralOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        referral = _member_referral(request, referral_id)
        data = validated_input(ConclusionInputSerializer, request)
        referral = services.panel_conclusion_record(referral=referral, chair=request.user, **data)
        return _referral_response(referral, request, status.HTTP_201_CREATED)


class WithdrawView(APIView):
    @extend_schema(
        summary="Withdraw the case from the panel (coordinator of its hospital)",
        parameters=[REFERRAL_ID],
        request=WithdrawInputSerializer,
        responses={200: ReferralOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        referral = _hospital_referral(request, referral_id)
        data = validated_input(WithdrawInputSerializer, request)
        referral = services.panel_referral_withdraw(
            referral=referral, actor=request.user, reason=data["reason"]
        )
        return _referral_response(referral, request)


class RereviewView(APIView):
    @extend_schema(
        summary="Schedule (or cancel, with null) the panel's re-review (coordinator)",
        parameters=[REFERRAL_ID],
        request=RereviewInputSerializer,
        responses={200: ReferralOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        referral = _hospital_referral(request, referral_id)
        data = validated_input(RereviewInputSerializer, request)
        referral = services.panel_rereview_schedule(
            referral=referral, actor=request.user, on=data["rereview_on"]
        )
        return _referral_response(referral, request)
