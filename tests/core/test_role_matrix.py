"""Roles are enforced on the server: every endpoint, method and role, and the hospital scope."""

from datetime import date

import pytest
from django.urls import reverse

from apps.imaging.models import ImagingStudy
from apps.meetings.models import AgendaItem
from apps.patients.models import Patient
from tests.conftest import example
from tests.factories import CaseFactory, MeetingFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

FACTS = example("bilobar-two-stage-primary-in-situ")


@pytest.fixture
def world(hospital):
    case = CaseFactory(patient__hospital=hospital, facts=FACTS)
    bare_case = CaseFactory(patient__hospital=hospital)
    lonely = PatientFactory(hospital=hospital)
    study = ImagingStudy.objects.create(case=case, modality="mri", performed_on=date(2026, 10, 1))
    meeting = MeetingFactory(hospital=hospital)
    item = AgendaItem.objects.create(meeting=meeting, case=case, position=1)
    return {
        "case": case,
        "bare_case": bare_case,
        "patient": case.patient,
        "lonely": lonely,
        "study": study,
        "lesion": case.liver_lesions.first(),
        "meeting": meeting,
        "item": item,
    }


# (name, method, url(world), body(world), status for a coordinator)
ENDPOINTS = [
    ("patients", "get", lambda w: reverse("api:patient-list"), None, 200),
    (
        "patients",
        "post",
        lambda w: reverse("api:patient-list"),
        lambda w: {
            "mrn": "NEW-1",
            "given_name": "N",
            "family_name": "New",
            "birth_date": "1970-01-01",
            "sex": "male",
        },
        201,
    ),
    ("patient", "get", lambda w: reverse("api:patient-detail", args=[w["patient"].id]), None, 200),
    (
        "patient",
        "patch",
        lambda w: reverse("api:patient-detail", args=[w["patient"].id]),
        lambda w: {"given_name": "Renamed"},
        200,
    ),
    (
        "patient",
        "delete",
        lambda w: reverse("api:patient-detail", args=[w["lonely"].id]),
        None,
        204,
    ),
    ("cases", "get", lambda w: reverse("api:case-list"), None, 200),
    (
        "cases",
        "post",
        lambda w: reverse("api:case-list"),
        lambda w: {"patient_id": str(w["lonely"].id), "question": "Q?"},
        201,
    ),
    ("case", "get", lambda w: reverse("api:case-detail", args=[w["case"].id]), None, 200),
    (
        "case",
        "patch",
        lambda w: reverse("api:case-detail", args=[w["case"].id]),
        lambda w: {"question": "New question?"},
        200,
    ),
    ("case", "delete", lambda w: reverse("api:case-detail", args=[w["bare_case"].id]), None, 204),
    ("facts", "get", lambda w: reverse("api:case-facts", args=[w["case"].id]), None, 200),
    (
        "facts",
        "put",
        lambda w: reverse("api:case-facts", args=[w["case"].id]),
        lambda w: FACTS,
        200,
    ),
    ("history", "get", lambda w: reverse("api:case-history", args=[w["case"].id]), None, 200),
    ("studies", "get", lambda w: reverse("api:imaging-study-list"), None, 200),
    (
        "studies",
        "post",
        lambda w: reverse("api:imaging-study-list"),
        lambda w: {"case": str(w["case"].id), "modality": "ct", "performed_on": "2026-09-01"},
        201,
    ),
    (
        "study",
        "get",
        lambda w: reverse("api:imaging-study-detail", args=[w["study"].id]),
        None,
        200,
    ),
    (
        "study",
        "patch",
        lambda w: reverse("api:imaging-study-detail", args=[w["study"].id]),
        lambda w: {"diffusion_weighted": True},
        200,
    ),
    (
        "study",
        "delete",
        lambda w: reverse("api:imaging-study-detail", args=[w["study"].id]),
        None,
        204,
    ),
    ("lesions", "get", lambda w: reverse("api:lesion-list"), None, 200),
    (
        "lesions",
        "post",
        lambda w: reverse("api:lesion-list"),
        lambda w: {"case": str(w["case"].id), "segment": 2, "size_mm": 9},
        201,
    ),
    ("lesion", "get", lambda w: reverse("api:lesion-detail", args=[w["lesion"].id]), None, 200),
    (
        "lesion",
        "patch",
        lambda w: reverse("api:lesion-detail", args=[w["lesion"].id]),
        lambda w: {"size_mm": 26},
        200,
    ),
    ("lesion", "delete", lambda w: reverse("api:lesion-detail", args=[w["lesion"].id]), None, 204),
    ("meetings", "get", lambda w: reverse("api:meeting-list"), None, 200),
    (
        "meetings",
        "post",
        lambda w: reverse("api:meeting-list"),
        lambda w: {"scheduled_for": "2031-01-07T08:00:00Z"},
        201,
    ),
    ("meeting", "get", lambda w: reverse("api:meeting-detail", args=[w["meeting"].id]), None, 200),
    (
        "meeting",
        "patch",
        lambda w: reverse("api:meeting-detail", args=[w["meeting"].id]),
        lambda w: {"location": "Room 4"},
        200,
    ),
    (
        "meeting",
        "delete",
        lambda w: reverse("api:meeting-detail", args=[w["meeting"].id]),
        None,
        204,
    ),
    ("agenda", "get", lambda w: reverse("api:meeting-agenda", args=[w["meeting"].id]), None, 200),
    (
        "agenda",
        "post",
        lambda w: reverse("api:meeting-agenda", args=[w["meeting"].id]),
        lambda w: {"case": str(w["bare_case"].id)},
        201,
    ),
    (
        "agenda item",
        "delete",
        lambda w: reverse("api:meeting-agenda-item", args=[w["meeting"].id, w["item"].id]),
        None,
        204,
    ),
    ("me", "get", lambda w: reverse("api:me"), None, 200),
    ("schema", "get", lambda w: reverse("api-schema"), None, 200),
]
IDS = [f"{method.upper()} {name}" for name, method, *_ in ENDPOINTS]


def _call(client, method, url, body):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize(("name", "method", "url", "body", "expected"), ENDPOINTS, ids=IDS)
def test_role_matrix_anonymous_gets_401(client_for, world, name, method, url, body, expected):
    response = _call(client_for(None), method, url(world), body and body(world))
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


@pytest.mark.parametrize("role", ["viewer", "clinician"])
@pytest.mark.parametrize(("name", "method", "url", "body", "expected"), ENDPOINTS, ids=IDS)
def test_role_matrix_readers_read_but_never_write(
    make_user, client_for, world, role, name, method, url, body, expected
):
    response = _call(client_for(make_user(role)), method, url(world), body and body(world))
    if method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 403, response.content
        assert response.json()["message"]


@pytest.mark.parametrize(("name", "method", "url", "body", "expected"), ENDPOINTS, ids=IDS)
def test_role_matrix_coordinator_may_do_everything(
    coordinator, client_for, world, name, method, url, body, expected
):
    response = _call(client_for(coordinator), method, url(world), body and body(world))
    assert response.status_code == expected, response.content


def test_role_matrix_writes_by_readers_change_nothing(make_user, client_for, world):
    client = client_for(make_user("viewer"))
    client.patch(
        reverse("api:patient-detail", args=[world["patient"].id]),
        {"given_name": "Hacked"},
        format="json",
    )
    client.delete(reverse("api:patient-detail", args=[world["lonely"].id]))
    assert Patient.objects.get(pk=world["patient"].id).given_name != "Hacked"
    assert Patient.objects.filter(pk=world["lonely"].id).exists()


def test_user_without_hospital_is_refused(client_for, world):
    user = UserFactory(role="coordinator", hospital=False)
    response = client_for(user).get(reverse("api:case-list"))
    assert response.status_code == 403
    assert "hospital" in response.json()["message"]


def test_user_without_role_is_refused(make_user, client_for, world):
    response = client_for(make_user(None)).get(reverse("api:case-list"))
    assert response.status_code == 403


DETAIL_ROUTES = [
    lambda w: reverse("api:patient-detail", args=[w["patient"].id]),
    lambda w: reverse("api:case-detail", args=[w["case"].id]),
    lambda w: reverse("api:case-facts", args=[w["case"].id]),
    lambda w: reverse("api:case-history", args=[w["case"].id]),
    lambda w: reverse("api:imaging-study-detail", args=[w["study"].id]),
    lambda w: reverse("api:lesion-detail", args=[w["lesion"].id]),
    lambda w: reverse("api:meeting-detail", args=[w["meeting"].id]),
    lambda w: reverse("api:meeting-agenda", args=[w["meeting"].id]),
]


@pytest.mark.parametrize("route", DETAIL_ROUTES)
def test_other_hospital_sees_nothing_of_ours(make_user, client_for, other_hospital, world, route):
    outsider = client_for(make_user("coordinator", hospital_=other_hospital))
    assert outsider.get(route(world)).status_code == 404
    assert outsider.patch(route(world), {"question": "x"}, format="json").status_code in (404, 405)


@pytest.mark.parametrize(
    "name", ["patient-list", "case-list", "lesion-list", "imaging-study-list", "meeting-list"]
)
def test_other_hospital_lists_are_empty(make_user, client_for, other_hospital, world, name):
    outsider = client_for(make_user("coordinator", hospital_=other_hospital))
    assert outsider.get(reverse(f"api:{name}")).json()["count"] == 0


def test_other_hospital_cannot_attach_lesions_to_our_case(
    make_user, client_for, other_hospital, world
):
    outsider = client_for(make_user("coordinator", hospital_=other_hospital))
    response = outsider.post(
        reverse("api:lesion-list"),
        {"case": str(world["case"].id), "segment": 2, "size_mm": 9},
        format="json",
    )
    assert response.status_code == 400
    assert "case" in response.json()["errors"]


@pytest.mark.parametrize("url_name", ["home", "api-docs"])
def test_browser_pages_redirect_anonymous_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_token_login_then_token_requests(client_for, coordinator):
    anonymous = client_for(None)
    token = anonymous.post(
        reverse("api:auth-token"),
        {"username": coordinator.username, "password": "test-Password-123"},
        format="json",
    )
    assert token.status_code == 200
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert anonymous.get(reverse("api:me")).json()["roles"] == ["coordinator"]
    assert anonymous.delete(reverse("api:auth-token")).status_code == 204
    assert anonymous.get(reverse("api:me")).status_code == 401


def test_token_login_with_wrong_password_is_400(client_for, coordinator):
    response = client_for(None).post(
        reverse("api:auth-token"),
        {"username": coordinator.username, "password": "wrong"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]
