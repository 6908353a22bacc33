"""The printable meeting summary: request it (a Celery job), poll its status, download the PDF
and the outcome letters. Every role of the hospital reads and downloads (as they read the
agenda); coordinators and clinicians request."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.schema import ERROR_RESPONSES, ErrorSerializer
from apps.core.choices import Role
from apps.meetings.api.parameters import ITEM_ID, MEETING_ID
from apps.meetings.selectors import meeting_get

from ..choices import SummaryStatus
from ..selectors import summary_latest_get, summary_letter_get, summary_pdf_get, summary_status
from ..services import summary_request
from .serializers import SummaryStatusOutputSerializer

VERSION = OpenApiParameter(
    "version", OpenApiTypes.INT, OpenApiParameter.PATH, description="The summary's version."
)
PDF_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description=(
        "The PDF, as an attachment. ETag: its SHA-256 checksum. Not cached (private, no-store): "
        "it holds patient data."
    ),
)
NOT_READY = OpenApiResponse(
    ErrorSerializer,
    description="No such meeting or version in your hospital, or the summary is not ready.",
)


def _pdf_response(content: bytes, checksum: str, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = f'"{checksum}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _PdfView(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The PDF is sent as it is stored; what goes through a renderer is an error, and that
        # answers in the API's JSON shape whatever the client accepts (no 406 for a client
        # that asks for application/pdf only).
        return (renderers.JSONRenderer(), renderers.JSONRenderer.media_type)


class SummaryView(APIView):
    """The meeting's summary job: request it, or read the current one's status."""

    write_roles = {Role.COORDINATOR, Role.CLINICIAN}

    @extend_schema(
        summary="The status of the meeting's current summary",
        description=(
            "The summary asked for last: pending, running, ready (with the download URLs of the "
            "PDF and of each case's outcome letter) or failed (with the error); `stuck` when it "
            "is pending or running but nothing will finish it (POST again). 404 when none was "
            "requested yet."
        ),
        parameters=[MEETING_ID],
        responses={200: SummaryStatusOutputSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request, meeting_id: str) -> Response:
        meeting = meeting_get(user=request.user, meeting_id=meeting_id)
        summary = summary_latest_get(meeting=meeting)
        return Response(SummaryStatusOutputSerializer(summary_status(summary)).data)

    @extend_schema(
        summary="Request the printable summary (coordinator, clinician)",
        description=(
            "Renders the summary PDF and an outcome letter per case in the background. An "
            "unchanged meeting gets its existing summary back: 200 when it is ready, 202 while "
            "it renders. A change to the meeting (a decision, an action, the attendance, the "
            "sign-off) makes a new version (202); changing it back returns the earlier version. "
            "A failed or stuck one is rendered again (202). The summary is marked DRAFT until "
            "the meeting is signed off. Poll GET for the status."
        ),
        parameters=[MEETING_ID],
        request=None,
        responses={
            200: OpenApiResponse(
                SummaryStatusOutputSerializer, description="The meeting is unchanged: its summary."
            ),
            202: OpenApiResponse(
                SummaryStatusOutputSerializer, description="Queued (or still rendering)."
            ),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request: Request, meeting_id: str) -> Response:
        meeting = meeting_get(user=request.user, meeting_id=meeting_id)
        summary = summary_request(meeting=meeting, actor=request.user)
        # The status as of the request decides the code; the body is re-read, since without a
        # broker the render has already run in-process once the request committed.
        queued = summary.status != SummaryStatus.READY
        summary.refresh_from_db(
            fields=[
                "status",
                "error",
                "checksum",
                "size",
                "attempts",
                "requested_at",
                "started_at",
                "finished_at",
                "updated_at",
            ]
        )
        return Response(
            SummaryStatusOutputSerializer(summary_status(summary)).data,
            status=status.HTTP_202_ACCEPTED if queued else status.HTTP_200_OK,
        )


class SummaryPdfView(_PdfView):
    """Download one version of the summary."""

    @extend_schema(
        summary="Download a summary version's PDF",
        parameters=[MEETING_ID, VERSION],
        responses={(200, "application/pdf"): PDF_RESPONSE, **ERROR_RESPONSES, 404: NOT_READY},
    )
    def get(self, request: Request, meeting_id: str, version: str) -> HttpResponse:
        meeting = meeting_get(user=request.user, meeting_id=meeting_id)
        summary = summary_pdf_get(meeting=meeting, version=version)
        filename = f"mdt-summary-{meeting.scheduled_for:%Y-%m-%d}-v{summary.version}.pdf"
        return _pdf_response(summary.pdf, summary.checksum, filename)


class SummaryLetterPdfView(_PdfView):
    """Download one case's outcome letter of a summary version."""

    @extend_schema(
        summary="Download a case's outcome letter (PDF) of a summary version",
        parameters=[MEETING_ID, VERSION, ITEM_ID],
        responses={(200, "application/pdf"): PDF_RESPONSE, **ERROR_RESPONSES, 404: NOT_READY},
    )
    def get(self, request: Request, meeting_id: str, version: str, item_id: str) -> HttpResponse:
        meeting = meeting_get(user=request.user, meeting_id=meeting_id)
        letter = summary_letter_get(meeting=meeting, version=version, item_id=item_id)
        # No names in the file name: it ends up in download folders and proxy logs.
        filename = (
            f"mdt-outcome-{meeting.scheduled_for:%Y-%m-%d}-v{letter.summary.version}-"
            f"{str(letter.item_ref)[:8]}.pdf"
        )
        return _pdf_response(letter.pdf, letter.checksum, filename)
