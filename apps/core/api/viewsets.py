"""A viewset shape for plain resources whose writes go through services: input is validated by
its own serializer, the service does the write, the output serializer renders the result."""

from typing import Any

from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api.serializers import validated_input


class ServiceModelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    create_serializer_class: Any = None
    update_serializer_class: Any = None
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_service_update(self, instance: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_service_delete(self, instance: Any) -> None:
        raise NotImplementedError

    def _input(self, serializer_class: Any, request: Request, **kwargs: Any) -> dict[str, Any]:
        return validated_input(serializer_class, request, **kwargs)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.perform_service_create(self._input(self.create_serializer_class, request))
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        data = self._input(self.update_serializer_class, request, partial=True)
        instance = self.perform_service_update(instance, data)
        return Response(self.get_serializer(instance).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.perform_service_delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
