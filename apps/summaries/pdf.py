"""Rendering of the printable meeting summary and the outcome letters: Django templates
(templates/summaries/pdf/) turned into PDF by WeasyPrint.

Input is `summary_data`'s plain data; the generation time and version are added here, so they
never change a summary's content key. Nothing is fetched over the network: the only resources
are the print stylesheet (static/css/print.css, parsed once per process) and the fonts installed
on the machine (DejaVu Sans, fonts-dejavu-core); any other URL is refused. The liver map is
inline SVG (apps.imaging.liver_map).
"""

from __future__ import annotations

import datetime
import functools
import mimetypes
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from apps.imaging.liver_map import liver_map_svg

STATIC_DIR = (Path(settings.BASE_DIR) / "static").resolve()
PRINT_CSS = STATIC_DIR / "css" / "print.css"


@functools.cache
def _weasy() -> Any:
    """WeasyPrint and the parsed stylesheet, loaded once per process (the import and the CSS
    parse cost more than a page)."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalOnlyFetcher(URLFetcher):
        """Serves files under static/ and data: URLs; refuses everything else, so a summary
        never reaches outside the machine whatever a template or the data holds.

        A file URL is decoded to the path it names (static_file) and that very path is read
        here: were the URL handed on to urllib, it would decode escapes (%2e%2e, %2f) after the
        check and could open a file outside static/."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            self._request = None  # what `open(Request)` leaves for the parent's fetch
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise ValueError("Only local files under static/ may be fetched.")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
            )

    fetcher = LocalOnlyFetcher(allowed_protocols=("file", "data"))
    fonts = FontConfiguration()
    stylesheet = weasyprint.CSS(filename=str(PRINT_CSS), url_fetcher=fetcher, font_config=fonts)
    return weasyprint, fetcher, fonts, stylesheet


def static_file(url: str) -> Path | None:
    """The file under static/ that a file: URL names, or None for any other URL: another
    scheme, a remote host, a path that leaves static/ once decoded and resolved (%2e%2e, %2f,
    symbolic links), or no such file."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(urllib.request.url2pathname(parts.path)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, a NUL byte
        return None
    if not path.is_relative_to(STATIC_DIR) or not path.is_file():
        return None
    return path


def _write(html: str) -> bytes:
    weasyprint, fetcher, fonts, stylesheet = _weasy()
    document = weasyprint.HTML(string=html, base_url=str(STATIC_DIR) + "/", url_fetcher=fetcher)
    return bytes(document.write_pdf(stylesheets=[stylesheet], font_config=fonts))


def _common(data: dict[str, Any], generated_at: datetime.datetime, version: int) -> dict[str, Any]:
    return {
        "meeting": data["meeting"],
        "draft": data["draft"],
        "pathway_versions": ", ".join(data["pathway_versions"]),
        "generated_at": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
        "version": version,
    }


def _with_map(case: dict[str, Any]) -> dict[str, Any]:
    # The lesions and the plan colouring them come from one snapshot (summary_data): the
    # recommendation printed beside the map.
    clinical = case["clinical"]
    if not clinical:
        return case
    plan = (case["recommendation"] or {}).get("lesion_plan", [])
    return {
        **case,
        "liver_map": liver_map_svg(
            clinical["liver"]["lesions"], plan, label=f"Liver map, case {case['position']}"
        ),
    }


def summary_html(data: dict[str, Any], *, generated_at: datetime.datetime, version: int) -> str:
    context = _common(data, generated_at, version)
    context.update(
        attendance=data["attendance"],
        quorum=data["quorum"],
        cases=[_with_map(case) for case in data["cases"]],
    )
    return render_to_string("summaries/pdf/summary.html", context)


def letter_html(
    data: dict[str, Any], case: dict[str, Any], *, generated_at: datetime.datetime, version: int
) -> str:
    context = _common(data, generated_at, version)
    context["case"] = case
    local = timezone.localtime(generated_at)
    context["letter_date"] = f"{local.day} {local:%B %Y}"
    return render_to_string("summaries/pdf/outcome_letter.html", context)


def render_summary_pdf(
    data: dict[str, Any], *, generated_at: datetime.datetime, version: int
) -> bytes:
    """The meeting summary as PDF bytes."""
    return _write(summary_html(data, generated_at=generated_at, version=version))


def render_letter_pdf(
    data: dict[str, Any], case: dict[str, Any], *, generated_at: datetime.datetime, version: int
) -> bytes:
    """One case's outcome letter to its referring clinician as PDF bytes."""
    return _write(letter_html(data, case, generated_at=generated_at, version=version))
