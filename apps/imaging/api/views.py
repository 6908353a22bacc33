"""Imaging study and liver lesion endpoints."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view

from apps.core.api.schema import ERROR_RESPONSES
from apps.core.api.viewsets import ServiceModelViewSet

from .. import selectors, services
from ..filters import ImagingStudyFilter, LiverLesionFilter
from ..models import ImagingStudy, LiverLesion
from .serializers import (
    ImagingStudyCreateInputSerializer,
    ImagingStudyOutputSerializer,
    ImagingStudyUpdateInputSerializer,
    LiverLesionCreateInputSerializer,
    LiverLesionOutputSerializer,
    LiverLesionUpdateInputSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="List imaging studies",
        responses={200: ImagingStudyOutputSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="An imaging study", responses={200: ImagingStudyOutputSerializer, **ERROR_RESPONSES}
    ),
    create=extend_schema(
        summary="Record an imaging study of a case (coordinator)",
        request=ImagingStudyCreateInputSerializer,
        responses={201: ImagingStudyOutputSerializer, **ERROR_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Correct an imaging study (coordinator)",
        request=ImagingStudyUpdateInputSerializer,
        responses={200: ImagingStudyOutputSerializer, **ERROR_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Delete an imaging study; its lesions stay (coordinator)",
        responses={204: None, **ERROR_RESPONSES},
    ),
)
class ImagingStudyViewSet(ServiceModelViewSet):
    serializer_class = ImagingStudyOutputSerializer
    create_serializer_class = ImagingStudyCreateInputSerializer
    update_serializer_class = ImagingStudyUpdateInputSerializer
    filterset_class = ImagingStudyFilter
    ordering_fields = ["performed_on", "created_at", "modality"]
    ordering = ["-performed_on", "-created_at"]

    def get_queryset(self) -> Any:
        return selectors.study_list(user=self.request.user)

    def perform_service_create(self, data: dict[str, Any]) -> ImagingStudy:
        case = data.pop("case")
        return services.study_create(case=case, data=data, actor=self.request.user)

    def perform_service_update(self, instance: ImagingStudy, data: dict[str, Any]) -> ImagingStudy:
        return services.study_update(study=instance, data=data, actor=self.request.user)

    def perform_service_delete(self, instance: ImagingStudy) -> None:
        services.study_delete(study=instance, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List liver lesions",
        responses={200: LiverLesionOutputSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="A liver lesion", responses={200: LiverLesionOutputSerializer, **ERROR_RESPONSES}
    ),
    create=extend_schema(
        summary="Add a liver lesion to a case (coordinator)",
        request=LiverLesionCreateInputSerializer,
        responses={201: LiverLesionOutputSerializer, **ERROR_RESPONSES},
    ),
    partial_update=extend_schema(
        summary="Correct a liver lesion (coordinator)",
        request=LiverLesionUpdateInputSerializer,
        responses={200: LiverLesionOutputSerializer, **ERROR_RESPONSES},
    ),
    destroy=extend_schema(
        summary="Remove a liver lesion; a case keeps at least one (coordinator)",
        responses={204: None, **ERROR_RESPONSES},
    ),
)
class LiverLesionViewSet(ServiceModelViewSet):
    serializer_class = LiverLesionOutputSerializer
    create_serializer_class = LiverLesionCreateInputSerializer
    update_serializer_class = LiverLesionUpdateInputSerializer
    filterset_class = LiverLesionFilter
    ordering_fields = ["position", "segment", "size_mm", "created_at"]
    ordering = ["case", "position"]

    def get_queryset(self) -> Any:
        return selectors.lesion_list(user=self.request.user)

    def perform_service_create(self, data: dict[str, Any]) -> LiverLesion:
        case = data.pop("case")
        return services.lesion_create(case=case, data=data, actor=self.request.user)

    def perform_service_update(self, instance: LiverLesion, data: dict[str, Any]) -> LiverLesion:
        return services.lesion_update(lesion=instance, data=data, actor=self.request.user)

    def perform_service_delete(self, instance: LiverLesion) -> None:
        services.lesion_delete(lesion=instance, actor=self.request.user)
