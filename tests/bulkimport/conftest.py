"""Helpers of the bulk import tests: a pathway example turned into a CSV row, and a file."""

import csv
import io

import pytest
from django.utils import timezone

from apps.bulkimport.columns import COLUMNS
from tests.factories import birth_date_for_age

_FLAGS = {"disappeared": "d", "near_major_vessel": "v", "peribiliary": "b"}
_FLAGS["subcapsular_or_dome"] = "s"


def _cell(value):
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def lesions_cell(lesions):
    return ";".join(
        f"S{lesion['segment']}:{lesion['size_mm']}"
        + "".join(letter for name, letter in _FLAGS.items() if lesion.get(name))
        for lesion in lesions
    )


def example_row(case, *, mrn, family_name="Importer", referred_on=None):
    """The CSV row of a pathway example (the SPEC input): identity made up, age from the
    birth date on the referral date."""
    referred_on = referred_on or timezone.localdate()
    row = {
        "mrn": mrn,
        "given_name": "Fictional",
        "family_name": family_name,
        "birth_date": birth_date_for_age(case["patient"]["age"], referred_on).isoformat(),
        "sex": "female",
        "question": "Resectable?",
        "referring_clinician": "Dr Fictional",
        "referred_on": referred_on.isoformat(),
    }
    for column in COLUMNS:
        section, _, name = column.path.partition(".")
        if section not in case:
            continue
        value = (case.get(section) or {}).get(name)
        if column.name == "lesions":
            row["lesions"] = lesions_cell(value)
        elif column.name == "extrahepatic_sites":
            row[column.name] = ";".join(
                f"{site['site']}:{'resectable' if site['resectable'] else 'unresectable'}"
                for site in value or []
            )
        elif column.name == "primary_symptoms":
            row[column.name] = ";".join(value or [])
        else:
            row[column.name] = _cell(value)
    return row


def csv_bytes(rows, *, bom=False, header=None):
    header = header or [column.name for column in COLUMNS]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks queued with transaction.on_commit (the Celery task, in process)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
