"""The role matrix of the FHIR exchange API: every role of the hospital reads a case's or a
meeting's Bundle; only coordinators import one. Another hospital's staff find nothing.

`ROUTES` has the shape of the other apps' role matrices, for the project-wide route coverage:
(url name, method, url of the world, body of the world or None, expected status by role)."""

import json

import pytest
from django.urls import reverse

from apps.fhirexchange.resources import bundle_json
from apps.fhirexchange.selectors import case_bundle
from apps.meetings.services import agenda_item_add
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory
from tests.role_routes import call_route, route_ids, stranger

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "clinician", "viewer", "nurse_specialist"]
ALL_READ = dict.fromkeys(ROLES, 200)
COORDINATOR_CREATES = {"coordinator": 201, "clinician": 403, "viewer": 403, "nurse_specialist": 403}
FACTS = "solitary-metachronous-low-risk"


class World(dict):
    """A case of the hospital on a meeting's agenda, and a Bundle exported from it (importing
    it refers the same patient again)."""

    def __init__(self, hospital, make_user):
        super().__init__()
        for role in ROLES:
            self[role] = make_user(role)
        case = CaseFactory(patient__hospital=hospital, facts=FACTS)
        recommendation_create(case=case, actor=self["coordinator"])
        meeting = MeetingFactory(hospital=hospital, status="in_progress", chair=self["clinician"])
        agenda_item_add(meeting=meeting, case=case, actor=self["coordinator"])
        self["case"] = case
        self["meeting"] = meeting
        self["bundle"] = json.loads(bundle_json(case_bundle(case=case)))


ROUTES = [
    (
        "api:case-fhir",
        "get",
        lambda w: reverse("api:case-fhir", args=[w["case"].id]),
        None,
        ALL_READ,
    ),
    (
        "api:meeting-fhir",
        "get",
        lambda w: reverse("api:meeting-fhir", args=[w["meeting"].id]),
        None,
        ALL_READ,
    ),
    (
        "api:fhir-import",
        "post",
        lambda w: reverse("api:fhir-import"),
        lambda w: w["bundle"],
        COORDINATOR_CREATES,
    ),
]
IDS = route_ids(ROUTES)


@pytest.fixture
def world(hospital, make_user):
    return World(hospital, make_user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_fhir_roles_each_role_gets_its_answer(
    client_for, world, role, url_name, method, url, body, expected
):
    response = call_route(client_for(world[role]), world, method, url, body)
    assert response.status_code == expected[role], response.content
    if response.status_code == 403:
        assert response.json()["message"]


@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_fhir_roles_anonymous_gets_401(api_client, world, url_name, method, url, body, expected):
    assert call_route(api_client, world, method, url, body).status_code == 401


# The routes that name a record of the hospital.
NAMED = [entry for entry in ROUTES if entry[0] != "api:fhir-import"]


@pytest.mark.parametrize(
    ("url_name", "method", "url", "body", "expected"),
    NAMED,
    ids=route_ids(NAMED),
)
def test_fhir_roles_another_hospitals_staff_find_nothing(
    make_user, client_for, other_hospital, world, url_name, method, url, body, expected
):
    response = call_route(client_for(stranger(make_user, other_hospital)), world, method, url, body)
    assert response.status_code == 404, response.content
