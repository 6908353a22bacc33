"""The coordinator's bulk import pages: upload a CSV, see every row with its errors by column,
confirm the save; and the template CSV to start from. A large file's status panel polls itself
(a named partial) while the task queue checks or saves it.

Coordinators only (403 for any other role); another hospital's import is a 404. The upload is a
plain multipart form (no htmx needed), so the page works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.choices import Role
from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.roles import has_role, user_hospital

from .columns import COLUMNS, LESION_FLAGS, template_csv
from .selectors import referral_import_get, referral_import_list, referral_import_status
from .services import (
    async_rows,
    max_bytes,
    max_rows,
    referral_import_confirm,
    referral_import_create,
)

UPLOAD_TEMPLATE = "bulkimport/referralimport_upload.html"
DETAIL_TEMPLATE = "bulkimport/referralimport_detail.html"
# Column titles in words; the file's own column name is shown beside each (it is what to fix).
_TITLES = {
    "mrn": "MRN",
    "ecog": "ECOG performance status",
    "ras": "RAS",
    "braf_v600e": "BRAF V600E",
    "msi": "MSI",
    "cea_ng_ml": "CEA (ng/mL)",
    "flr_percent": "Future liver remnant (%)",
    "r0_feasible": "R0 resection feasible",
    "pet_ct_done": "PET-CT done",
    "mri_hepatospecific_done": "Liver MRI with hepatospecific agent done",
    "": "The whole row",
}


def column_title(name: str) -> str:
    return _TITLES.get(name) or name.replace("_", " ").capitalize()


def _coordinator(request: HttpRequest) -> Hospital:
    """The coordinator's hospital; any other role is refused (403)."""
    hospital = user_hospital(request.user)
    if not has_role(request.user, Role.COORDINATOR) or hospital is None:
        raise PermissionDenied("Only coordinators import referrals.")
    return hospital


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _import_or_404(request: HttpRequest, import_id: Any) -> Any:
    try:
        return referral_import_get(user=request.user, import_id=import_id)
    except ApplicationError as error:
        raise Http404(error.message) from error


def _detail_context(referral_import: Any, error: ApplicationError | None = None) -> dict:
    status = referral_import_status(referral_import)
    rows = [
        {
            **row,
            "problems": [
                {"title": column_title(column), "column": column, "messages": messages}
                for column, messages in row["errors"].items()
            ],
        }
        for row in status["rows"]
    ]
    # A saved import created one case per row, in the file's order.
    if len(status["created_case_ids"]) == len(rows):
        for row, case_id in zip(rows, status["created_case_ids"], strict=True):
            row["case_id"] = case_id
    return {"import": status, "rows": rows, "error": error}


def _upload_context(request: HttpRequest, error: ApplicationError | None = None) -> dict:
    return {
        "error": error,
        "recent": referral_import_list(user=request.user)[:10],
        "columns": [(column, column_title(column.name)) for column in COLUMNS],
        "lesion_flags": [(letter, words) for letter, (_, words) in LESION_FLAGS.items()],
        "max_megabytes": f"{max_bytes() / 1024 / 1024:.0f}",
        "max_rows": max_rows(),
        "async_rows": async_rows(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: store and check the file, then show its preview."""
    hospital = _coordinator(request)
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        try:
            if upload_file is None:
                raise ApplicationError("Choose a CSV file.", errors={"file": ["Required."]})
            if (upload_file.size or 0) > max_bytes():
                raise ApplicationError(
                    "The file is too large.",
                    errors={"file": [f"At most {max_bytes() / 1024 / 1024:.1f} MB."]},
                )
            referral_import = referral_import_create(
                hospital=hospital,
                data=upload_file.read(),
                filename=upload_file.name or "upload.csv",
                actor=request.user,
            )
        except ApplicationError as error:
            return render(request, UPLOAD_TEMPLATE, _upload_context(request, error), status=400)
        return redirect(reverse("bulkimport:detail", kwargs={"import_id": referral_import.pk}))
    return render(request, UPLOAD_TEMPLATE, _upload_context(request))


@login_required
@require_GET
def detail(request: HttpRequest, import_id: Any) -> HttpResponse:
    """The import: its progress while in flight, then every row with its errors."""
    _coordinator(request)
    referral_import = _import_or_404(request, import_id)
    name = f"{DETAIL_TEMPLATE}#status" if _is_htmx(request) else DETAIL_TEMPLATE
    return render(request, name, _detail_context(referral_import))


@login_required
@require_POST
def confirm(request: HttpRequest, import_id: Any) -> HttpResponse:
    """Save every referral (refused while any row has an error)."""
    _coordinator(request)
    referral_import = _import_or_404(request, import_id)
    try:
        referral_import = referral_import_confirm(
            referral_import=referral_import, actor=request.user
        )
    except ApplicationError as error:
        referral_import.refresh_from_db()
        name = f"{DETAIL_TEMPLATE}#status" if _is_htmx(request) else DETAIL_TEMPLATE
        context = _detail_context(referral_import, error)
        return render(request, name, context, status=error.status)
    if _is_htmx(request):
        referral_import.refresh_from_db()
        return render(request, f"{DETAIL_TEMPLATE}#status", _detail_context(referral_import))
    return redirect(reverse("bulkimport:detail", kwargs={"import_id": referral_import.pk}))


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """The CSV to start from: the header row and one fictional example row."""
    _coordinator(request)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="referral-import-template.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
