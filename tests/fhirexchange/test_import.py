"""The FHIR import: a Bundle refers a case (the patient created or updated by MRN), and a
Bundle that is wrong anywhere is refused whole, naming the element at fault."""

import copy

import pytest
from django.urls import reverse

from apps.patients.models import MdtCase, Patient
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(hospital, coordinator, export_case):
    """The Bundle of a recorded example case (solitary-metachronous-low-risk)."""
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    return export_case(case, coordinator)


def _entry(bundle, predicate):
    """(index, resource) of the first entry whose resource matches."""
    for number, entry in enumerate(bundle["entry"]):
        if predicate(entry["resource"]):
            return number, entry["resource"]
    raise AssertionError("no such entry")


def _is(resource_type, code=None):
    def match(resource):
        if resource["resourceType"] != resource_type:
            return False
        codes = {coding["code"] for coding in resource.get("code", {}).get("coding", [])}
        return code is None or code in codes

    return match


def _refused(response, path):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["message"]
    assert path in body["errors"], body["errors"]
    return body


def _counts():
    return MdtCase.objects.count(), Patient.objects.count()


def test_import_primary_without_body_site_is_refused_naming_it(
    exported, coordinator, import_bundle
):
    number, primary = _entry(exported, _is("Condition", "363406005"))
    del primary["bodySite"]
    before = _counts()

    response = import_bundle(exported, coordinator)

    _refused(response, f"Bundle.entry[{number}].resource.bodySite")
    assert _counts() == before


def test_import_invalid_fhir_is_refused_at_the_pydantic_location(
    exported, coordinator, import_bundle
):
    number, ecog = _entry(exported, _is("Observation", "89247-1"))
    ecog["valueInteger"] = "two"
    before = _counts()

    response = import_bundle(exported, coordinator)

    _refused(response, f"Bundle.entry[{number}].resource.valueInteger")
    assert _counts() == before


def test_import_contradictory_facts_are_refused(exported, coordinator, import_bundle):
    number, _ = _entry(exported, _is("Observation", "89247-1"))
    second = copy.deepcopy(exported["entry"][number])
    second["fullUrl"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    second["resource"]["id"] = "second-ecog"
    second["resource"]["valueInteger"] = 3
    exported["entry"].append(second)

    response = import_bundle(exported, coordinator)

    body = _refused(response, f"Bundle.entry[{len(exported['entry']) - 1}].resource.valueInteger")
    assert "Contradicts" in body["errors"][next(iter(body["errors"]))][0]


def test_import_missing_ecog_is_refused(exported, coordinator, import_bundle):
    number, _ = _entry(exported, _is("Observation", "89247-1"))
    del exported["entry"][number]

    body = _refused(import_bundle(exported, coordinator), "Bundle.entry")
    assert "ECOG" in " ".join(body["errors"]["Bundle.entry"])


def test_import_lesion_without_segment_is_refused(exported, coordinator, import_bundle):
    number, tumor = _entry(exported, _is("BodyStructure"))
    del tumor["locationQualifier"]

    _refused(
        import_bundle(exported, coordinator), f"Bundle.entry[{number}].resource.locationQualifier"
    )


def test_import_facts_error_is_named_at_its_element(exported, coordinator, import_bundle):
    """A pathway rule broken (a disease-free interval for synchronous metastases) is reported
    at the element the fact was read from."""
    _, timing = _entry(exported, _is("Observation", "presentation.timing"))
    timing["valueCodeableConcept"]["coding"][0]["code"] = "synchronous"
    interval, _ = _entry(exported, _is("Observation", "presentation.disease_free_interval_months"))

    body = _refused(
        import_bundle(exported, coordinator),
        f"Bundle.entry[{interval}].resource.valueQuantity",
    )
    assert len(body["errors"]) == 1


def test_import_age_outside_the_pathway_is_named_at_the_birth_date(
    exported, coordinator, import_bundle
):
    number, patient = _entry(exported, _is("Patient"))
    patient["identifier"][0]["value"] = "NEW-CHILD"
    patient["birthDate"] = "2020-01-01"
    before = _counts()

    _refused(import_bundle(exported, coordinator), f"Bundle.entry[{number}].resource.birthDate")
    assert _counts() == before


def test_import_not_a_bundle_is_refused(coordinator, import_bundle):
    _refused(import_bundle({"resourceType": "Patient"}, coordinator), "Bundle.resourceType")


def test_import_updates_the_patient_matched_by_mrn(exported, coordinator, import_bundle):
    _, patient = _entry(exported, _is("Patient"))
    patient["name"][0]["family"] = "Renamed"

    response = import_bundle(exported, coordinator)

    assert response.status_code == 201, response.content
    assert Patient.objects.get(pk=response.json()["patient"]).family_name == "Renamed"


def test_import_in_another_hospital_registers_its_own_patient(
    exported, make_user, other_hospital, import_bundle
):
    stranger = make_user("coordinator", hospital=other_hospital)

    response = import_bundle(exported, stranger)

    assert response.status_code == 201, response.content
    patient = Patient.objects.get(pk=response.json()["patient"])
    assert patient.hospital == other_hospital


def test_import_takes_plain_json_too(exported, coordinator, client_for):
    response = client_for(coordinator).post(reverse("api:fhir-import"), exported, format="json")

    assert response.status_code == 201, response.content


@pytest.mark.parametrize("role", ["viewer", "clinician"])
def test_import_refused_to_other_roles(exported, make_user, import_bundle, role):
    before = _counts()

    response = import_bundle(exported, make_user(role))

    assert response.status_code == 403
    assert _counts() == before
