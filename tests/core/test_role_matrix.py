"""Roles are enforced on the server: every endpoint, method and role, and the hospital scope."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.imaging.models import ImagingStudy, LiverLesion
from apps.meetings.models import AgendaItem, Meeting
from apps.patients.models import MdtCase, Patient
from config.api_router import urlpatterns as api_urlpatterns
from tests.analytics.test_roles import ROUTES as ANALYTICS_ROUTES
from tests.bulkimport.test_roles import ROUTES as BULK_IMPORT_ROUTES
from tests.conftest import example, obtain_token
from tests.factories import (
    PASSWORD,
    CaseFactory,
    ImagingStudyFactory,
    MeetingFactory,
    PatientFactory,
    UserFactory,
)
from tests.fhirexchange.test_roles import ROUTES as FHIR_ROUTES
from tests.liverpanel.test_roles import ROUTES as PANEL_ROUTES
from tests.meetings.test_roles import ROUTES as MEETING_WORKFLOW_ROUTES
from tests.recommendations.test_roles import ROUTES as RECOMMENDATION_ROUTES

pytestmark = pytest.mark.django_db

FACTS_NAME = "bilobar-two-stage-primary-in-situ"


@pytest.fixture
def world(hospital):
    """Fresh records of `hospital` for each test, so that a delete never meets another's."""
    case = CaseFactory(patient__hospital=hospital, facts=FACTS_NAME)
    bare_case = CaseFactory(patient__hospital=hospital)
    lonely = PatientFactory(hospital=hospital)
    study = ImagingStudyFactory(case=case, modality="mri")
    meeting = MeetingFactory(hospital=hospital)
    item = AgendaItem.objects.create(meeting=meeting, case=case, position=1)
    return {
        "case": case,
        "bare_case": bare_case,
        "patient": case.patient,
        "lonely": lonely,
        "study": study,
        "lesion": case.liver_lesions.order_by("position").last(),
        "meeting": meeting,
        "item": item,
    }


def _patient_body(w):
    return {
        "mrn": "NEW-1",
        "given_name": "N",
        "family_name": "New",
        "birth_date": "1970-01-01",
        "sex": "male",
    }


# (url name, method, url args(world), body(world), status for a coordinator)
ENDPOINTS = [
    ("api:patient-list", "get", None, None, 200),
    ("api:patient-list", "post", None, _patient_body, 201),
    ("api:patient-detail", "get", lambda w: [w["patient"].id], None, 200),
    (
        "api:patient-detail",
        "patch",
        lambda w: [w["patient"].id],
        lambda w: {"given_name": "Renamed"},
        200,
    ),
    ("api:patient-detail", "delete", lambda w: [w["lonely"].id], None, 204),
    ("api:case-list", "get", None, None, 200),
    (
        "api:case-list",
        "post",
        None,
        lambda w: {"patient_id": str(w["lonely"].id), "question": "Q?"},
        201,
    ),
    ("api:case-detail", "get", lambda w: [w["case"].id], None, 200),
    (
        "api:case-detail",
        "patch",
        lambda w: [w["case"].id],
        lambda w: {"question": "New question?"},
        200,
    ),
    ("api:case-detail", "delete", lambda w: [w["bare_case"].id], None, 204),
    ("api:case-facts", "get", lambda w: [w["case"].id], None, 200),
    ("api:case-facts", "put", lambda w: [w["case"].id], lambda w: example(FACTS_NAME), 200),
    ("api:case-history", "get", lambda w: [w["case"].id], None, 200),
    ("api:case-readiness", "get", lambda w: [w["case"].id], None, 200),
    ("api:imaging-study-list", "get", None, None, 200),
    (
        "api:imaging-study-list",
        "post",
        None,
        lambda w: {"case": str(w["case"].id), "modality": "ct", "performed_on": "2026-09-01"},
        201,
    ),
    ("api:imaging-study-detail", "get", lambda w: [w["study"].id], None, 200),
    (
        "api:imaging-study-detail",
        "patch",
        lambda w: [w["study"].id],
        lambda w: {"diffusion_weighted": True},
        200,
    ),
    ("api:imaging-study-detail", "delete", lambda w: [w["study"].id], None, 204),
    ("api:lesion-list", "get", None, None, 200),
    (
        "api:lesion-list",
        "post",
        None,
        lambda w: {"case": str(w["case"].id), "segment": 2, "size_mm": 9},
        201,
    ),
    ("api:lesion-detail", "get", lambda w: [w["lesion"].id], None, 200),
    ("api:lesion-detail", "patch", lambda w: [w["lesion"].id], lambda w: {"size_mm": 26}, 200),
    ("api:lesion-detail", "delete", lambda w: [w["lesion"].id], None, 204),
    ("api:meeting-list", "get", None, None, 200),
    (
        "api:meeting-list",
        "post",
        None,
        lambda w: {"scheduled_for": "2031-01-07T08:00:00Z"},
        201,
    ),
    ("api:meeting-detail", "get", lambda w: [w["meeting"].id], None, 200),
    (
        "api:meeting-detail",
        "patch",
        lambda w: [w["meeting"].id],
        lambda w: {"location": "Room 4"},
        200,
    ),
    ("api:meeting-detail", "delete", lambda w: [w["meeting"].id], None, 204),
    ("api:meeting-agenda", "get", lambda w: [w["meeting"].id], None, 200),
    (
        "api:meeting-agenda",
        "post",
        lambda w: [w["meeting"].id],
        lambda w: {"case": str(w["bare_case"].id)},
        201,
    ),
    (
        "api:meeting-agenda-reorder",
        "post",
        lambda w: [w["meeting"].id],
        lambda w: {"items": [str(w["item"].id)]},
        200,
    ),
    (
        "api:meeting-agenda-item",
        "patch",
        lambda w: [w["meeting"].id, w["item"].id],
        lambda w: {"question": "Resectable after conversion?"},
        200,
    ),
    (
        "api:meeting-agenda-item",
        "delete",
        lambda w: [w["meeting"].id, w["item"].id],
        None,
        204,
    ),
    ("api:me", "get", None, None, 200),
    ("api:tasks", "get", None, None, 200),
    ("api-schema", "get", None, None, 200),
]
IDS = [f"{method.upper()} {name.removeprefix('api:')}" for name, method, *_ in ENDPOINTS]
# Reads are open to every role; these are the writes, which only coordinators may make.
WRITES = [entry for entry in ENDPOINTS if entry[1] != "get"]


def _call(client, world, url_name, method, args, body):
    url = reverse(url_name, args=args(world) if args else None)
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body(world), format="json")


def test_role_matrix_covers_every_api_route():
    # A new endpoint must join the matrix (the token endpoints, every user's own, are tested
    # on their own: below and in tests/core/test_tokens.py).
    token_routes = {"api:auth-token", "api:auth-tokens", "api:auth-token-detail"}
    routes = {f"api:{pattern.name}" for pattern in api_urlpatterns} - token_routes
    # The pathway, recommendation and meeting-workflow routes open some writes beyond
    # coordinators: their own matrices are tests/recommendations/test_roles.py and
    # tests/meetings/test_roles.py; the read-only analytics and worklist routes have
    # tests/analytics/test_roles.py; the liver panel's, the bulk import's and the FHIR
    # exchange's, their own
    # tests/<app>/test_roles.py.
    matrices = (
        {name for name, *_ in ENDPOINTS}
        | {name for name, *_ in RECOMMENDATION_ROUTES}
        | {name for name, *_ in MEETING_WORKFLOW_ROUTES}
        | {name for name, *_ in ANALYTICS_ROUTES}
        | {name for name, *_ in PANEL_ROUTES}
        | {name for name, *_ in BULK_IMPORT_ROUTES}
        | {name for name, *_ in FHIR_ROUTES}
    )
    assert routes == matrices - {"api-schema"}


@pytest.mark.parametrize(("url_name", "method", "args", "body", "expected"), ENDPOINTS, ids=IDS)
def test_role_matrix_anonymous_gets_401(api_client, world, url_name, method, args, body, expected):
    response = _call(api_client, world, url_name, method, args, body)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    if url_name != "api-schema":  # the schema view answers in OpenAPI's own media types
        assert response.json()["message"]


@pytest.mark.parametrize(
    ("role", "token"), [("viewer", True), ("clinician", False), ("nurse_specialist", True)]
)
@pytest.mark.parametrize(("url_name", "method", "args", "body", "expected"), ENDPOINTS, ids=IDS)
def test_role_matrix_readers_read_but_never_write(
    make_user, client_for, world, role, token, url_name, method, args, body, expected
):
    client = client_for(make_user(role), token=token)
    response = _call(client, world, url_name, method, args, body)
    if method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 403, response.content
        assert response.json()["message"]


@pytest.mark.parametrize(("url_name", "method", "args", "body", "expected"), ENDPOINTS, ids=IDS)
def test_role_matrix_coordinator_may_do_everything(
    coordinator, client_for, world, url_name, method, args, body, expected
):
    response = _call(client_for(coordinator, token=True), world, url_name, method, args, body)
    assert response.status_code == expected, response.content


def test_role_matrix_writes_by_readers_change_nothing(make_user, client_for, world):
    counts = [
        model.objects.count()
        for model in (Patient, MdtCase, ImagingStudy, LiverLesion, Meeting, AgendaItem)
    ]
    client = client_for(make_user("clinician"))
    for url_name, method, args, body, _ in WRITES:
        _call(client, world, url_name, method, args, body)

    assert Patient.objects.get(pk=world["patient"].id).given_name != "Renamed"
    assert MdtCase.objects.get(pk=world["case"].id).question != "New question?"
    assert counts == [
        model.objects.count()
        for model in (Patient, MdtCase, ImagingStudy, LiverLesion, Meeting, AgendaItem)
    ]


def test_user_in_a_group_without_staff_profile_is_refused(client_for, world):
    user = UserFactory(role="coordinator", hospital=False)
    response = client_for(user).get(reverse("api:case-list"))
    assert response.status_code == 403
    assert "hospital" in response.json()["message"]
    me = client_for(user).get(reverse("api:me"))  # they may see why
    assert me.status_code == 200
    assert me.json()["hospital"] is None
    response = client_for(user).post(
        reverse("api:patient-list"), _patient_body(world), format="json"
    )
    assert response.status_code == 403


def test_user_without_role_is_refused(make_user, client_for, world):
    client = client_for(make_user(None))
    assert client.get(reverse("api:case-list")).status_code == 403
    assert client.get(reverse("api:case-detail", args=[world["case"].id])).status_code == 403


def test_user_with_an_unknown_group_only_is_refused(make_user, client_for, world):
    assert client_for(make_user("admins")).get(reverse("api:case-list")).status_code == 403


# Routes of records of `hospital` (url name, args(world)).
DETAIL_ROUTES = [
    ("api:patient-detail", lambda w: [w["patient"].id]),
    ("api:case-detail", lambda w: [w["case"].id]),
    ("api:case-facts", lambda w: [w["case"].id]),
    ("api:case-history", lambda w: [w["case"].id]),
    ("api:case-readiness", lambda w: [w["case"].id]),
    ("api:imaging-study-detail", lambda w: [w["study"].id]),
    ("api:lesion-detail", lambda w: [w["lesion"].id]),
    ("api:meeting-detail", lambda w: [w["meeting"].id]),
    ("api:meeting-agenda", lambda w: [w["meeting"].id]),
]


@pytest.fixture
def outsider(make_user, client_for, other_hospital):
    """A coordinator (who may write anything) of another hospital."""
    return client_for(make_user("coordinator", hospital=other_hospital))


@pytest.mark.parametrize(("url_name", "args"), DETAIL_ROUTES, ids=[n for n, _ in DETAIL_ROUTES])
def test_other_hospital_gets_404_on_our_records(outsider, world, url_name, args):
    response = outsider.get(reverse(url_name, args=args(world)))
    assert response.status_code == 404
    assert response.json()["message"]


@pytest.mark.parametrize(
    ("url_name", "method", "args", "body", "expected"),
    [entry for entry in WRITES if entry[2] is not None],
    ids=[f"{m.upper()} {n.removeprefix('api:')}" for n, m, a, *_ in WRITES if a is not None],
)
def test_other_hospital_cannot_write_our_records(
    outsider, world, url_name, method, args, body, expected
):
    response = _call(outsider, world, url_name, method, args, body)
    assert response.status_code == 404
    assert Patient.objects.filter(pk=world["lonely"].id).exists()
    assert Meeting.objects.filter(pk=world["meeting"].id).exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "api:patient-list",
        "api:case-list",
        "api:lesion-list",
        "api:imaging-study-list",
        "api:meeting-list",
    ],
)
def test_other_hospital_lists_are_empty(outsider, world, url_name):
    response = outsider.get(reverse(url_name))
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    ("url_name", "body", "field"),
    [
        (
            "api:lesion-list",
            lambda w: {"case": str(w["case"].id), "segment": 2, "size_mm": 9},
            "case",
        ),
        (
            "api:imaging-study-list",
            lambda w: {"case": str(w["case"].id), "modality": "ct", "performed_on": "2026-01-01"},
            "case",
        ),
        (
            "api:case-list",
            lambda w: {"patient_id": str(w["lonely"].id), "question": "Q"},
            "patient_id",
        ),
    ],
)
def test_other_hospital_cannot_attach_records_to_ours(outsider, world, url_name, body, field):
    response = outsider.post(reverse(url_name), body(world), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_other_hospital_cannot_put_our_case_on_their_agenda(outsider, world, other_hospital):
    theirs = MeetingFactory(hospital=other_hospital)
    response = outsider.post(
        reverse("api:meeting-agenda", args=[theirs.id]),
        {"case": str(world["bare_case"].id)},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["case"]


@pytest.mark.parametrize("url_name", ["home", "api-docs"])
def test_browser_pages_redirect_anonymous_to_login(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("url_name", ["home", "api-docs", "login"])
def test_browser_pages_open_for_a_logged_in_user(client, viewer, url_name):
    client.force_login(viewer)
    assert client.get(reverse(url_name)).status_code == 200


def test_home_page_shows_only_our_hospitals_cases(client, viewer, hospital, other_hospital):
    CaseFactory(patient__hospital=hospital, patient__family_name="Ours")
    CaseFactory(patient__hospital=other_hospital, patient__family_name="Theirs")
    client.force_login(viewer)
    page = client.get(reverse("home")).content.decode()
    assert "OURS" in page
    assert "THEIRS" not in page


def test_token_login_then_token_requests(api_client, coordinator):
    token = api_client.post(
        reverse("api:auth-token"),
        {"username": coordinator.username, "password": PASSWORD},
        format="json",
    )
    assert token.status_code == 200
    assert set(token.json()) == {"token", "expiry"}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    me = api_client.get(reverse("api:me")).json()
    assert me["username"] == coordinator.username
    assert me["roles"] == ["coordinator"]
    assert me["specialty"] == "coordinator"
    assert me["hospital"] == coordinator.staff_profile.hospital.name

    assert api_client.delete(reverse("api:auth-token")).status_code == 204
    assert api_client.get(reverse("api:me")).status_code == 401


def test_token_login_twice_gives_one_token_per_client(coordinator):
    assert obtain_token(coordinator) != obtain_token(coordinator)


@pytest.mark.parametrize(
    "body",
    [
        {"username": "nobody", "password": PASSWORD},
        {"username": "", "password": ""},
        {},
    ],
)
def test_token_login_with_wrong_credentials_is_400(api_client, coordinator, body):
    response = api_client.post(reverse("api:auth-token"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_token_login_with_wrong_password_is_400(api_client, coordinator):
    response = api_client.post(
        reverse("api:auth-token"),
        {"username": coordinator.username, "password": "wrong"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]


def test_token_of_a_deactivated_user_is_refused(coordinator):
    token = obtain_token(coordinator)
    coordinator.is_active = False
    coordinator.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(reverse("api:me")).status_code == 401


def test_unknown_token_is_401(api_client, world):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get(reverse("api:case-list"))
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


def test_revoking_a_token_needs_the_token(api_client):
    assert api_client.delete(reverse("api:auth-token")).status_code == 401


def test_browser_session_reads_the_api_but_writes_need_csrf(viewer, coordinator):
    session = Client(enforce_csrf_checks=True)
    session.force_login(viewer)
    assert session.get(reverse("api:case-list")).status_code == 200

    session.force_login(coordinator)
    response = session.post(
        reverse("api:patient-list"), _patient_body(None), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert not Patient.objects.filter(mrn="NEW-1").exists()
