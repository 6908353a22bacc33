"""The FHIR-to-pathway mapping (apps/cdshooks/prefetch.py): the facts read back from the
resources the test client writes, and the codes read one by one."""

from __future__ import annotations

import datetime

import pytest

from apps.cdshooks.client import prefetch_for_case
from apps.cdshooks.prefetch import read_prefetch
from apps.pathways.facts import parse_facts
from tests.conftest import EXAMPLES, example


def _read(case: dict) -> dict:
    return read_prefetch(prefetch_for_case(case, patient_id="p", mrn="M-1")).case


# Whether a site of extrahepatic disease is resectable is not in standard FHIR: for those
# examples the card asks for it (test_service.py), so the facts cannot be read whole.
WITHOUT_EXTRAHEPATIC = [
    (name, document)
    for name, document in EXAMPLES
    if not document["case"].get("extrahepatic", {}).get("sites")
]


@pytest.mark.parametrize(
    ("name", "document"), WITHOUT_EXTRAHEPATIC, ids=[name for name, _ in WITHOUT_EXTRAHEPATIC]
)
def test_the_standard_facts_survive_the_trip_through_fhir(name, document):
    case = document["case"]
    read = _read(case)
    assert read["patient"] == {key: case["patient"][key] for key in ("age", "ecog")}
    assert read["primary"]["site"] == case["primary"]["site"]
    assert read["primary"]["in_situ"] == case["primary"]["in_situ"]
    assert read["presentation"]["timing"] == case["presentation"]["timing"]
    for key in ("ras", "braf_v600e", "msi"):
        assert read["biomarkers"].get(key, "unknown") == case["biomarkers"].get(key, "unknown")
    assert read["liver"]["lesions"] == [
        {"segment": lesion["segment"], "size_mm": lesion["size_mm"]}
        for lesion in case["liver"]["lesions"]
    ]
    parse_facts(read)  # a complete, valid input


def test_mrn_is_the_identifier_typed_mr_or_of_the_clients_system():
    patient = {
        "resourceType": "Patient",
        "identifier": [
            {"system": "urn:other", "value": "X-1"},
            {"system": "urn:hospital:mrn", "value": "H-7"},
            {"type": {"coding": [{"code": "MR"}]}, "value": "MR-3"},
        ],
    }
    assert read_prefetch({"patient": patient}).mrns == ["MR-3"]
    assert read_prefetch({"patient": patient}, mrn_system="urn:hospital:mrn").mrns == ["H-7"]


def _observation(code: str, **value) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        **value,
    }


def _bundle(*resources) -> dict:
    return {"resourceType": "Bundle", "entry": [{"resource": item} for item in resources]}


def test_ecog_from_a_loinc_answer_and_the_latest_wins():
    observations = _bundle(
        _observation("89247-1", valueInteger=3, effectiveDateTime="2020-01-01"),
        _observation(
            "89247-1",
            valueCodeableConcept={"coding": [{"code": "LA9623-5"}]},
            effectiveDateTime="2026-01-01",
        ),
        {**_observation("89247-1", valueInteger=4), "status": "entered-in-error"},
    )
    assert read_prefetch({"observations": observations}).case["patient"]["ecog"] == 1


def test_cea_in_micrograms_per_litre_and_size_in_cm():
    structure = {
        "resourceType": "BodyStructure",
        "id": "b1",
        "location": {"text": "Liver S7"},
    }
    size = _observation(
        "21889-1",
        focus=[{"reference": "BodyStructure/b1"}],
        valueQuantity={"value": 2.5, "unit": "cm"},
    )
    cea = _observation("2039-6", valueQuantity={"value": 12, "unit": "ug/L"})
    read = read_prefetch(
        {"observations": _bundle(size, cea), "bodyStructures": _bundle(structure)}
    ).case
    assert read["liver"]["lesions"] == [{"segment": 7, "size_mm": 25.0}]
    assert read["biomarkers"]["cea_ng_ml"] == 12


def test_icd10_primary_and_extrahepatic_sites():
    conditions = _bundle(
        {"resourceType": "Condition", "code": {"coding": [{"code": "C18.2"}]}},
        {"resourceType": "Condition", "code": {"coding": [{"code": "C78.7"}]}},
        {"resourceType": "Condition", "code": {"coding": [{"code": "C78.0"}]}},
        {
            "resourceType": "Condition",
            "code": {"coding": [{"code": "C78.6"}]},
            "clinicalStatus": {"coding": [{"code": "resolved"}]},
        },
    )
    read = read_prefetch({"conditions": conditions}).case
    assert read["primary"]["site"] == "right_colon"
    assert read["extrahepatic"] == {"sites": [{"site": "lung"}]}


def test_synchronous_when_the_liver_disease_is_found_with_the_primary():
    case = example("solitary-metachronous-low-risk")
    case["presentation"] = {"timing": "synchronous"}
    assert _read(case)["presentation"] == {"timing": "synchronous"}


def test_ras_wild_type_needs_both_genes_tested():
    def variant(hgnc: str, answer: str) -> dict:
        return _observation(
            "69548-6",
            valueCodeableConcept={"coding": [{"code": answer}]},
            component=[
                {
                    "code": {"coding": [{"code": "48018-6"}]},
                    "valueCodeableConcept": {"coding": [{"code": hgnc}]},
                }
            ],
        )

    only_kras = read_prefetch({"observations": _bundle(variant("HGNC:6407", "LA9634-2"))})
    assert "ras" not in only_kras.case["biomarkers"]
    nras_mutant = _bundle(variant("HGNC:6407", "LA9634-2"), variant("HGNC:7989", "LA9633-4"))
    assert read_prefetch({"observations": nras_mutant}).case["biomarkers"]["ras"] == "mutant"


def test_age_from_a_partial_birth_date():
    born = datetime.date.today().year - 70
    read = read_prefetch({"patient": {"resourceType": "Patient", "birthDate": f"{born}"}})
    assert read.case["patient"]["age"] in (69, 70)
