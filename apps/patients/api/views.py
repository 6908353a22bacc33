"""Patient endpoints. Views parse input, call one service or selector, render. The case
resource, which gathers the facts and the audit trail of several apps, is
`apps.workspace.api.views.CaseViewSet`."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view

from apps.core.api.schema import ERROR_RESPONSES
from apps.core.api.viewsets import ServiceModelViewSet
from apps.core.roles import user_hospital

from .. import selectors, services
from ..filters import PatientFilter
from ..models import Patient
from .serializers import (
    PatientIdentityInputSerializer,
    PatientOutputSerializer,
    PatientUpdateInputSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="List patients of your hospital",
        responses={200: PatientOutputSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="A patient", responses={200: PatientOutputSerializer, **ERROR_RESPONSES}
    ),
    create=extend_schema(
        summary="Register a patient (coordinator)",
        request=PatientIdentityInputSerializer,
        responses={201: PatientOutputSerializer, **ERROR_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Correct a patient's identity (coordinator)",
        request=PatientUpdateInputSerializer,
        responses={200: PatientOutputSerializer, **ERROR_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Delete a patient without cases (coordinator)",
        responses={204: None, **ERROR_RESPONSES},
    ),
)
class PatientViewSet(ServiceModelViewSet):
    serializer_class = PatientOutputSerializer
    create_serializer_class = PatientIdentityInputSerializer
    update_serializer_class = PatientUpdateInputSerializer
    filterset_class = PatientFilter
    ordering_fields = ["family_name", "given_name", "birth_date", "created_at", "mrn"]
    ordering = ["family_name", "given_name"]

    def get_queryset(self) -> Any:
        return selectors.patient_list(user=self.request.user)

    def perform_service_create(self, data: dict[str, Any]) -> Patient:
        return services.patient_create(
            hospital=user_hospital(self.request.user), actor=self.request.user, **data
        )

    def perform_service_update(self, instance: Patient, data: dict[str, Any]) -> Patient:
        return services.patient_update(patient=instance, data=data, actor=self.request.user)

    def perform_service_delete(self, instance: Patient) -> None:
        services.patient_delete(patient=instance, actor=self.request.user)
