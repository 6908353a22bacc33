"""Form widgets every app's forms share.

A date or datetime input must carry an ISO value (`2026-12-10`, `2026-12-10T14:30`): that is the
only form the browser's date pickers accept, whatever the site's locale, and an input whose
value the browser rejects shows blank and is submitted blank, clearing what was stored."""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class IsoDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)
