"""The API resources that gather several apps, so live at the top: the case with its referral,
its facts (`apps.casefacts`) and its combined audit trail (every app's records of the case), and
the re-evaluation of the open cases after a pathway upgrade (its changes listed in the order of
the next agenda). Views parse input, call one service or selector, and render."""

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.casefacts.selectors import case_facts
from apps.casefacts.services import case_facts_record, case_refer
from apps.core.api.errors import flatten_errors
from apps.core.api.schema import ERROR_RESPONSES, FACTS_SCHEMA
from apps.core.api.viewsets import ServiceModelViewSet
from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import user_hospital
from apps.meetings.selectors.readiness import case_readiness_now
from apps.pathways.facts import FactsValidationError, parse_facts
from apps.patients import selectors, services
from apps.patients.api.serializers import (
    AuditEntrySerializer,
    CaseCreateInputSerializer,
    CaseOutputSerializer,
    CaseUpdateInputSerializer,
)
from apps.patients.filters import CaseFilter
from apps.patients.models import MdtCase, Patient, age_on
from apps.readiness.selectors import case_readiness
from apps.recommendations.selectors import reevaluation_get, reevaluation_latest
from apps.recommendations.services import reevaluation_request

from ..inbox import my_tasks
from ..selectors import case_audit_trail, reevaluation_changes
from .serializers import (
    CaseReadinessOutputSerializer,
    CaseReadinessQuerySerializer,
    ReevaluationCaseOutputSerializer,
    ReevaluationOutputSerializer,
    TaskOutputSerializer,
)


def _with_age_from_birth_date(raw_facts: Any, age: int) -> Any:
    """A referral may leave `patient.age` out: it is the age on the referral date."""
    if not isinstance(raw_facts, dict):
        return raw_facts
    patient = raw_facts.get("patient")
    if patient is None:
        patient = {}
    if not isinstance(patient, dict) or "age" in patient:
        return raw_facts
    return {**raw_facts, "patient": {**patient, "age": age}}


def _field_value(serializer: Any, name: str, body: Any) -> Any:
    """One envelope field's value when it is valid on its own, else None."""
    if not isinstance(body, dict) or body.get(name) is None:
        return None
    try:
        return serializer.fields[name].run_validation(body[name])
    except ValidationError:
        return None


def _parse_facts(data: Any, prefix: str) -> tuple[Any, dict[str, list[str]]]:
    try:
        return parse_facts(data), {}
    except FactsValidationError as error:
        return None, {
            f"{prefix}{path}" if path else prefix.rstrip("."): msgs
            for path, msgs in error.errors.items()
        }


@extend_schema_view(
    list=extend_schema(
        summary="List cases of your hospital",
        responses={200: CaseOutputSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="A case", responses={200: CaseOutputSerializer, **ERROR_RESPONSES}
    ),
    create=extend_schema(
        summary="Create a case, or a whole referral in one call (coordinator)",
        description=(
            "Either `patient_id` (an existing patient) or `patient` (identity; an existing patient "
            "is matched by MRN and must agree with it). `facts`, when given, is the pathway input "
            "and is stored in the case's records; `facts.patient.age` may be left out (it is taken "
            "from the birth date on the referral date) and must match it when given."
        ),
        request=CaseCreateInputSerializer,
        responses={201: CaseOutputSerializer, **ERROR_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Change a case's question, referrer, date or status (coordinator)",
        request=CaseUpdateInputSerializer,
        responses={200: CaseOutputSerializer, **ERROR_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Delete a case never put on an agenda (coordinator)",
        responses={204: None, **ERROR_RESPONSES},
    ),
)
class CaseViewSet(ServiceModelViewSet):
    serializer_class = CaseOutputSerializer
    create_serializer_class = CaseCreateInputSerializer
    update_serializer_class = CaseUpdateInputSerializer
    filterset_class = CaseFilter
    ordering_fields = ["referred_on", "created_at", "updated_at", "status", "patient__family_name"]
    ordering = ["-referred_on", "-created_at"]

    def get_queryset(self) -> Any:
        return selectors.case_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The envelope and the facts are checked together so that every error is reported at once.
        body = request.data
        serializer = CaseCreateInputSerializer(data=body, context=self.get_serializer_context())
        errors = {} if serializer.is_valid() else flatten_errors(serializer.errors)
        patient_id = _field_value(serializer, "patient_id", body)
        patient = self._patient(patient_id) if patient_id is not None else None
        if patient_id is not None and patient is None:
            errors["patient_id"] = ["No such patient."]
        facts = None
        raw_facts = body.get("facts") if isinstance(body, dict) else None
        if raw_facts is not None:
            # The age is filled in from whatever birth date is usable, even when another part of
            # the envelope is wrong, so that a left-out age is not reported as missing.
            identity = _field_value(serializer, "patient", body) or {}
            birth_date = patient.birth_date if patient else identity.get("birth_date")
            if birth_date is not None:
                on = _field_value(serializer, "referred_on", body) or timezone.localdate()
                raw_facts = _with_age_from_birth_date(raw_facts, age_on(birth_date, on))
            facts, fact_errors = _parse_facts(raw_facts, "facts.")
            errors.update(fact_errors)
        if errors:
            raise ValidationError(errors)
        data = serializer.validated_data
        case = case_refer(
            hospital=user_hospital(request.user),
            identity=dict(data["patient"]) if "patient" in data else None,
            patient=patient,
            question=data["question"],
            referring_clinician=data.get("referring_clinician", ""),
            general_practitioner=data.get("general_practitioner", ""),
            referred_on=data.get("referred_on"),
            facts=facts,
            cea_measured_on=data.get("cea_measured_on"),
            created_by=request.user,
        )
        return Response(self.get_serializer(case).data, status=status.HTTP_201_CREATED)

    def _patient(self, patient_id: Any) -> Patient | None:
        return selectors.patient_list(user=self.request.user).filter(pk=patient_id).first()

    def perform_service_update(self, instance: MdtCase, data: dict[str, Any]) -> MdtCase:
        return services.case_update(case=instance, data=data, actor=self.request.user)

    def perform_service_delete(self, instance: MdtCase) -> None:
        services.case_delete(case=instance, actor=self.request.user)

    @extend_schema(
        methods=["GET"],
        summary="The case's clinical facts as the pathway input",
        responses={200: FACTS_SCHEMA, **ERROR_RESPONSES},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Record the case's clinical facts (coordinator)",
        description="The whole pathway input; only what changed is written (and audited).",
        request=FACTS_SCHEMA,
        responses={200: FACTS_SCHEMA, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["get", "put"], url_path="facts", filter_backends=[])
    def facts(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        if request.method == "PUT":
            facts, errors = _parse_facts(request.data, "")
            if errors:
                raise ValidationError(errors)
            case_facts_record(case=case, facts=facts, actor=request.user)
        try:
            document = case_facts(case=case)
        except FactsValidationError as error:
            raise ApplicationError(
                "The case's records no longer make a complete set of facts.",
                errors=error.errors,
                status=409,
            ) from error
        if document is None:
            raise ApplicationError(
                "No clinical facts recorded for this case yet.",
                errors={"": ["PUT the case's facts first."]},
                status=404,
            )
        return Response(document)

    @extend_schema(
        summary="The case's readiness checklist",
        description=(
            "Each item current, stale (with its age) or missing, against `on` when given, else "
            "the date of the open meeting the case is on the agenda of, else today. The limits "
            "are the hospital's readiness policy (admin)."
        ),
        parameters=[
            OpenApiParameter(
                "on",
                OpenApiTypes.DATE,
                description="The reference date (YYYY-MM-DD), e.g. a meeting's date.",
            )
        ],
        responses={200: CaseReadinessOutputSerializer, **ERROR_RESPONSES},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="readiness", filter_backends=[])
    def readiness(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        query = CaseReadinessQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        on = query.validated_data.get("on")
        if on is None:
            readiness, meeting = case_readiness_now(case=case)
        else:
            readiness, meeting = case_readiness(case=case, on=on), None
        return Response(
            CaseReadinessOutputSerializer(
                {"readiness": readiness, "meeting": meeting.pk if meeting else None}
            ).data
        )

    @extend_schema(
        summary="The case's audit trail: every change, who and when, before and after",
        responses={200: AuditEntrySerializer(many=True), **ERROR_RESPONSES},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="history", filter_backends=[])
    def history(self, request: Request, pk: Any = None) -> Response:
        entries = case_audit_trail(case=self.get_object())
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)


# --- re-evaluating the open cases after a pathway upgrade ---------------------------------------


class ReevaluationView(APIView):
    """The hospital's re-evaluation of every open case with the current pathway version."""

    write_roles = {Role.COORDINATOR}

    @extend_schema(
        summary="The latest re-evaluation of the open cases, with its progress",
        responses={200: ReevaluationOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        run = reevaluation_latest(hospital=user_hospital(request.user))
        if run is None:
            raise ApplicationError(
                "No re-evaluation has been run yet.",
                errors={"": ["POST to this address to re-evaluate the open cases."]},
                status=404,
            )
        return Response(ReevaluationOutputSerializer(run).data)

    @extend_schema(
        summary="Re-evaluate every open case with the current pathway version (coordinator)",
        description=(
            "Each open case with facts gets a new recommendation snapshot of the current "
            "version, audited with the coordinator as its author, in a background task; poll "
            "GET for the progress, then read what changed per case at cases/. A request while "
            "one is waiting or under way returns that one."
        ),
        request=None,
        responses={202: ReevaluationOutputSerializer, **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        run = reevaluation_request(hospital=user_hospital(request.user), actor=request.user)
        run.refresh_from_db()
        return Response(ReevaluationOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ReevaluationCasesView(GenericAPIView):
    """What a re-evaluation changed, case by case, the cases on the next agenda first."""

    serializer_class = ReevaluationCaseOutputSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="What a re-evaluation changed per case (cases on the next agenda first)",
        parameters=[
            OpenApiParameter(
                "reevaluation_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The run."
            )
        ],
        responses={200: ReevaluationCaseOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request, reevaluation_id: str) -> Response:
        run = reevaluation_get(
            hospital=user_hospital(request.user), reevaluation_id=reevaluation_id
        )
        if run is None:
            raise ApplicationError("Not found.", status=404)
        page = self.paginate_queryset(reevaluation_changes(reevaluation=run))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TaskListView(GenericAPIView):
    """My tasks: what is waiting on the caller, as on the /tasks/ page."""

    serializer_class = TaskOutputSerializer
    filter_backends: list[Any] = []

    @extend_schema(
        summary="My tasks, overdue first, then by due date",
        description=(
            "The actions you own not done, the patients you are to tell the decision, and "
            "(coordinators, clinicians) the signed decisions of the last year without a record "
            "of the treatment given."
        ),
        responses={200: TaskOutputSerializer(many=True), **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(my_tasks(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
