"""The cell readers, the lesion and extrahepatic formats, and the template (no database)."""

import csv
import io

import pytest

from apps.bulkimport.columns import (
    COLUMNS,
    CellError,
    csv_safe,
    read_bool,
    read_date,
    read_extrahepatic,
    read_lesions,
    read_number,
    template_csv,
)
from apps.bulkimport.rows import read_row


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("S5:42", [{"segment": 5, "size_mm": 42}]),
        ("s1:7.5", [{"segment": 1, "size_mm": 7.5}]),
        (
            "S5:42; S7:18d",
            [{"segment": 5, "size_mm": 42}, {"segment": 7, "size_mm": 18, "disappeared": True}],
        ),
        (
            "S8:300vbs",
            [
                {
                    "segment": 8,
                    "size_mm": 300,
                    "near_major_vessel": True,
                    "peribiliary": True,
                    "subcapsular_or_dome": True,
                }
            ],
        ),
    ],
)
def test_read_lesions_reads_good_values(raw, expected):
    assert read_lesions(raw) == expected


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("S9:40", "Lesion 1 ('S9:40'): segment 9 is not 1 to 8."),
        ("S0:40", "segment 0 is not 1 to 8"),
        ("S5:0", "size must be more than 0"),
        ("S5:301", "at most 300 mm"),
        ("S5:42;S7:18x", "Lesion 2 ('S7:18x'): unknown flag 'x'"),
        ("S5:42dd", "flag 'd' given twice"),
        ("5:42", "is not S<segment>:<size in mm><flags>"),
        ("S5-42", "is not S<segment>:<size in mm><flags>"),
        ("S5:4,2", "is not S<segment>:<size in mm><flags>"),
        ("S5:42;", "Lesion 2 is empty"),
        ("S5:42D", "is not S<segment>"),
        (";".join(["S5:10"] * 51), "51 lesions; at most 50."),
    ],
)
def test_read_lesions_names_the_problem(raw, words):
    with pytest.raises(CellError) as caught:
        read_lesions(raw)
    assert words in str(caught.value)


def test_read_lesions_reports_every_bad_lesion_at_once():
    with pytest.raises(CellError) as caught:
        read_lesions("S9:40;S5:42;S2:0")
    assert "Lesion 1" in str(caught.value) and "Lesion 3" in str(caught.value)
    assert "Lesion 2" not in str(caught.value)


def test_read_extrahepatic_good_and_bad():
    assert read_extrahepatic("lung:resectable;peritoneum:unresectable") == [
        {"site": "lung", "resectable": True},
        {"site": "peritoneum", "resectable": False},
    ]
    for bad in ("lung", "liver:resectable", "lung:maybe"):
        with pytest.raises(CellError, match="Site 1"):
            read_extrahepatic(bad)


def test_readers_are_strict():
    assert read_bool("Yes") is True and read_bool("0") is False
    assert read_number("12.5") == 12.5 and read_number("3") == 3
    for reader, raw in [(read_bool, "maybe"), (read_number, "1,5"), (read_date, "02/11/2026")]:
        with pytest.raises(CellError):
            reader(raw)
    with pytest.raises(CellError):
        read_date("2026-02-30")


def test_csv_safe_neutralises_formulas_not_numbers():
    assert csv_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("-3") == "-3"
    assert csv_safe("Resectable?") == "Resectable?"


def test_template_csv_has_every_column_and_a_valid_example():
    header, example = list(csv.reader(io.StringIO(template_csv())))
    assert header == [column.name for column in COLUMNS]
    reading = read_row(dict(zip(header, example, strict=True)))
    assert reading.errors == {}
    assert reading.facts is not None


def test_read_row_maps_pathway_errors_to_columns():
    header, example = list(csv.reader(io.StringIO(template_csv())))
    cells = dict(zip(header, example, strict=True))
    cells.update(ecog="7", primary_site="colon", lesions="S5:42;S5:20d", ras="")
    reading = read_row(cells)
    assert set(reading.errors) == {"ecog", "primary_site", "lesions"}
    # A disappeared lesion without chemotherapy: the pathway's rule, on the lesions column.
    assert reading.errors["lesions"][0].startswith("Lesion 2, disappeared:")
