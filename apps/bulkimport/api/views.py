"""The referral import API: upload a CSV (multipart or a text/csv body), read the import's
status, progress and preview, and confirm its save. Coordinators only, reads included (the
preview holds the file's patients); another hospital's import is a 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_RESPONSES, ErrorSerializer
from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.roles import user_hospital

from ..choices import IN_FLIGHT
from ..selectors import referral_import_get, referral_import_status
from ..services import referral_import_confirm, referral_import_create
from .serializers import ReferralImportOutputSerializer, ReferralImportUploadSerializer

IMPORT_ID = OpenApiParameter(
    "import_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The import's id."
)


class CsvParser(BaseParser):
    """A text/csv body, handed over as bytes: decoding is the import's (it names the bad byte)."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        return stream.read() if stream is not None else b""


def _answer(referral_import: Any, code: int = status.HTTP_200_OK) -> Response:
    data = ReferralImportOutputSerializer(referral_import_status(referral_import)).data
    return Response(data, status=code)


class _CoordinatorOnly(APIView):
    read_roles = {Role.COORDINATOR}
    write_roles = {Role.COORDINATOR}


class ReferralImportListView(_CoordinatorOnly):
    parser_classes = [MultiPartParser, CsvParser]

    @extend_schema(
        summary="Upload a CSV of referrals (coordinator)",
        description=(
            "One row per referral, in the columns of the template (/cases/import/template.csv; "
            "the README describes them). Send it as a multipart `file` or as a `text/csv` body. "
            "A small file is checked at once (201, status `ready` or `invalid` with every row's "
            "errors by column); a large one is checked by the task queue (202, status "
            "`validating`: poll GET). Nothing is saved until it is confirmed. 400 when the file "
            "cannot be read as a whole (size, encoding, header, too many rows)."
        ),
        request={
            "multipart/form-data": ReferralImportUploadSerializer,
            "text/csv": OpenApiTypes.BINARY,
        },
        responses={
            201: OpenApiResponse(ReferralImportOutputSerializer, description="Checked."),
            202: OpenApiResponse(ReferralImportOutputSerializer, description="Being checked."),
            **ERROR_RESPONSES,
            413: OpenApiResponse(ErrorSerializer, description="The body is over the API's limit."),
        },
    )
    def post(self, request: Request) -> Response:
        if request.content_type.startswith("text/csv"):
            # CsvParser gives bytes; an empty body reaches here as DRF's empty dict.
            body = request.data
            data, filename = (body if isinstance(body, bytes) else b""), "upload.csv"
        else:
            serializer = ReferralImportUploadSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            upload = serializer.validated_data["file"]
            data, filename = upload.read(), upload.name or "upload.csv"
        hospital = user_hospital(request.user)
        if hospital is None:  # the permission refuses this first; kept for the type checker
            raise ApplicationError("No hospital.", status=403)
        referral_import = referral_import_create(
            hospital=hospital, data=data, filename=filename, actor=request.user
        )
        referral_import.refresh_from_db()
        queued = referral_import.status in IN_FLIGHT
        return _answer(referral_import, status.HTTP_202_ACCEPTED if queued else 201)


class ReferralImportDetailView(_CoordinatorOnly):
    @extend_schema(
        summary="An import's status, progress and preview (coordinator)",
        description=(
            "`processed` of `total` rows while `in_flight`; then every row with its errors by "
            "CSV column, and once saved the cases created."
        ),
        parameters=[IMPORT_ID],
        responses={200: ReferralImportOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, import_id: str) -> Response:
        return _answer(referral_import_get(user=request.user, import_id=import_id))


class ReferralImportConfirmView(_CoordinatorOnly):
    @extend_schema(
        summary="Save every referral of a checked import (coordinator)",
        description=(
            "All rows or none, in one transaction. 409 while any row has an error (the errors "
            "are listed as `rows[<row>].<column>`), while it is being checked or saved, or once "
            "saved. A small import is saved at once (200, status `saved`); a large one by the "
            "task queue (202, status `saving`: poll GET)."
        ),
        parameters=[IMPORT_ID],
        request=None,
        responses={
            200: OpenApiResponse(ReferralImportOutputSerializer, description="Saved."),
            202: OpenApiResponse(ReferralImportOutputSerializer, description="Being saved."),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request: Request, import_id: str) -> Response:
        referral_import = referral_import_get(user=request.user, import_id=import_id)
        referral_import = referral_import_confirm(
            referral_import=referral_import, actor=request.user
        )
        referral_import.refresh_from_db()
        queued = referral_import.status in IN_FLIGHT
        return _answer(referral_import, status.HTTP_202_ACCEPTED if queued else 200)
