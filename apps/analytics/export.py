"""A metric's table as a CSV download: the same columns and rows the page shows.

Cells a spreadsheet would run as a formula (text starting with =, +, -, @, a tab or a carriage
return) are written with a leading apostrophe, so a label can never become a formula; numbers
are written as numbers."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse

from .metrics import Metric, Table
from .periods import Period

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        return f"'{text}" if text.startswith(FORMULA_STARTS) else text
    return value


def csv_filename(metric: Metric, period: Period) -> str:
    """Only the registry's slug (letters, digits, hyphens) and two dates: nothing a header or
    a file system could misread."""
    return f"{metric.slug}_{period.start:%Y-%m-%d}_{period.end:%Y-%m-%d}.csv"


def csv_response(metric: Metric, table: Table, period: Period) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(metric, period)}"'
    writer = csv.writer(response)
    writer.writerow([safe_cell(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([safe_cell(row[column.key]) for column in table.columns])
    return response
