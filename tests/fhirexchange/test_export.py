"""The FHIR export: profiles named, the board's decision as CarePlans, the meeting's Bundle,
and who may read what."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from apps.core.words import words
from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import decision_amend, decision_record
from apps.meetings.services.sign_off import meeting_sign_off
from apps.meetings.services.treatment import treatment_record
from apps.recommendations.services import recommendation_create
from tests.conftest import example
from tests.factories import CaseFactory, MeetingFactory, make_ready

pytestmark = pytest.mark.django_db

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-"
PLAN = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}


def _resources(bundle, resource_type=None):
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if resource_type is None or entry["resource"]["resourceType"] == resource_type
    ]


def _profile(resource):
    return resource.get("meta", {}).get("profile", [None])[0]


def _loinc(resource):
    return {coding["code"] for coding in resource["code"].get("coding", [])}


def test_export_names_the_mcode_profile_of_each_profiled_resource(hospital, viewer, export_case):
    facts = example("lung-and-peritoneum-unresectable-ehd")
    facts["biomarkers"].update(ras="mutant", braf_v600e="absent", msi="mss", cea_ng_ml=12)
    case = CaseFactory(patient__hospital=hospital, facts=facts)

    bundle = export_case(case, viewer)

    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    by_code = {"89247-1": "ecog-performance-status", "2039-6": "tumor-marker-test"}
    by_code |= {"81695-9": "tumor-marker-test", "69548-6": "genomic-variant"}
    by_code |= {"21889-1": "tumor-size"}
    for observation in _resources(bundle, "Observation"):
        for code, profile in by_code.items():
            if code in _loinc(observation):
                assert _profile(observation) == MCODE + profile
    assert _profile(_resources(bundle, "Patient")[0]) == MCODE + "cancer-patient"
    conditions = _resources(bundle, "Condition")
    assert [_profile(condition) for condition in conditions] == [
        MCODE + "primary-cancer-condition",
        *[MCODE + "secondary-cancer-condition"] * (1 + len(facts["extrahepatic"]["sites"])),
    ]
    tumors = _resources(bundle, "BodyStructure")
    assert len(tumors) == len(facts["liver"]["lesions"])
    assert all(_profile(tumor) == MCODE + "tumor" for tumor in tumors)
    assert all(t["identifier"][0]["value"].startswith("urn:tumorboard:lesion:") for t in tumors)
    variants = [o for o in _resources(bundle, "Observation") if "69548-6" in _loinc(o)]
    assert len(variants) == 2  # RAS (KRAS and NRAS) and BRAF V600E


def test_export_patient_carries_the_hospitals_mrn_system(hospital, viewer, export_case):
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")

    patient = _resources(export_case(case, viewer), "Patient")[0]

    assert patient["identifier"][0] == {
        "use": "usual",
        "type": patient["identifier"][0]["type"],
        "system": f"urn:tumorboard:hospital:{hospital.code}:mrn",
        "value": case.patient.mrn,
    }
    assert patient["birthDate"] == case.patient.birth_date.isoformat()


@pytest.fixture
def discussed(hospital, coordinator, clinician, make_user):
    """A case discussed at a signed-off meeting: decided, amended, and treated otherwise."""
    chair = make_user("clinician", specialty="medical_oncologist")
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    recommendation_create(case=case, actor=coordinator)
    make_ready(case)
    meeting = MeetingFactory(
        hospital=hospital,
        chair=chair,
        status="in_progress",
        scheduled_for=timezone.now() - datetime.timedelta(days=20),
    )
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
    decision_record(item=item, actor=clinician, data=PLAN)
    meeting_sign_off(meeting=meeting, actor=chair)
    decision_amend(
        item=item,
        actor=clinician,
        data={
            **PLAN,
            "plan_codes": ["HEPATECTOMY", "ADJUVANT_CHEMOTHERAPY"],
            "plan_text": "Then review.",
        },
        amendment_reason="Adjuvant treatment added after the pathology review.",
    )
    treatment_record(
        item=item,
        actor=coordinator,
        data={
            "treatment_code": "ADJUVANT_CHEMOTHERAPY",
            "started_on": timezone.localdate() - datetime.timedelta(days=5),
            "matches": "partly",
            "reason": "patient_choice",
        },
    )
    return item


def test_export_decision_as_careplans_each_amendment_replacing_the_last(
    discussed, viewer, export_case
):
    bundle = export_case(discussed.case, viewer)

    first, amended = _resources(bundle, "CarePlan")
    meeting_day = timezone.localdate(discussed.meeting.scheduled_for).isoformat()
    assert (first["status"], amended["status"]) == ("revoked", "active")
    assert first["intent"] == amended["intent"] == "plan"
    assert amended["created"] == meeting_day
    full_urls = {entry["resource"]["id"]: entry["fullUrl"] for entry in bundle["entry"]}
    assert amended["replaces"] == [{"reference": full_urls[first["id"]]}]
    details = [activity["detail"] for activity in amended["activity"]]
    assert [d["description"] for d in details] == [
        words("HEPATECTOMY"),
        words("ADJUVANT_CHEMOTHERAPY"),
        "Then review.",
    ]
    assert details[1]["status"] == "in-progress"
    notes = " ".join(note["text"] for note in amended["note"])
    assert words("patient_choice") in notes and "Amended" in notes
    procedure = _resources(bundle, "Procedure")[0]
    assert procedure["code"]["coding"][0]["code"] == "C93304"
    assert procedure["status"] == "completed"
    recommendation = _resources(bundle, "RequestGroup")[0]
    assert amended["supportingInfo"] == [{"reference": full_urls[recommendation["id"]]}]
    actions = recommendation["action"]
    assert actions[0]["code"][0]["coding"][0]["code"] == "HEPATECTOMY"
    assert actions[0]["documentation"][0]["type"] == "citation"


def test_export_meeting_bundles_every_agenda_case(hospital, coordinator, clinician, client_for):
    meeting = MeetingFactory(hospital=hospital, status="in_progress", chair=clinician)
    items = []
    for name in ("solitary-metachronous-low-risk", "synchronous-rectal-resectable"):
        case = CaseFactory(patient__hospital=hospital, facts=name)
        recommendation_create(case=case, actor=coordinator)
        items.append(agenda_item_add(meeting=meeting, case=case, actor=coordinator))
    decision_record(item=items[0], actor=clinician, data=PLAN)

    response = client_for(coordinator).get(reverse("api:meeting-fhir", args=[meeting.id]))

    assert response.status_code == 200, response.content
    bundle = response.json()
    Bundle.model_validate(bundle)
    patients = [patient["id"] for patient in _resources(bundle, "Patient")]
    assert patients == [str(item.case.patient_id) for item in items]
    assert [plan["status"] for plan in _resources(bundle, "CarePlan")] == ["draft"]
    procedures = _resources(bundle, "Procedure")
    assert [p["status"] for p in procedures] == ["completed", "preparation"]
    assert len(_resources(bundle, "RequestGroup")) == 2


@pytest.mark.parametrize("route", ["api:case-fhir", "api:meeting-fhir"])
def test_export_another_hospitals_record_is_404(
    discussed, other_hospital, make_user, client_for, route
):
    stranger = make_user("coordinator", hospital=other_hospital)
    stranger.groups.add(Group.objects.get_or_create(name="clinician")[0])
    record = discussed.case_id if route == "api:case-fhir" else discussed.meeting_id

    response = client_for(stranger).get(reverse(route, args=[record]))

    assert response.status_code == 404
    assert response.json()["message"]


def test_export_malformed_id_is_404(coordinator, client_for):
    response = client_for(coordinator).get(reverse("api:case-fhir", args=["not-a-uuid"]))
    assert response.status_code == 404
