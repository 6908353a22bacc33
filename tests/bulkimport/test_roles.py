"""The role matrix of the referral import API: every route, method and role.

Coordinators only, reads included (a preview lists the file's patients); every other role gets
403, an anonymous client 401, and another hospital's coordinator 404 on a named import.

`ROUTES` has the shape of the other apps' role matrices (url name, method, url(world),
body(world), status by role). The upload's body is a multipart form (a CSV file): a caller
sends it with `format="multipart"` (`_call` below), not JSON."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.bulkimport.services import referral_import_create
from tests.conftest import example
from tests.role_routes import call_route, route_ids, stranger

from .conftest import csv_bytes, example_row

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "clinician", "viewer", "nurse_specialist"]
NAME = "bilobar-short-remnant-one-side-ablatable"


def _only_coordinator(code):
    return {**dict.fromkeys(ROLES, 403), "coordinator": code}


class World(dict):
    """A user of each role, and a checked import with no errors, ready to save."""

    def __init__(self, hospital, make_user):
        super().__init__()
        for role in ROLES:
            self[role] = make_user(role)
        self["import"] = referral_import_create(
            hospital=hospital,
            data=csv_bytes([example_row(example(NAME), mrn="ROLE-1")]),
            filename="roles.csv",
            actor=self["coordinator"],
        )


def _upload_body(world):
    data = csv_bytes([example_row(example(NAME), mrn="ROLE-2")])
    return {"file": SimpleUploadedFile("r.csv", data, content_type="text/csv")}


ROUTES = [
    (
        "api:referral-imports",
        "post",
        lambda w: reverse("api:referral-imports"),
        _upload_body,
        _only_coordinator(201),
    ),
    (
        "api:referral-import-detail",
        "get",
        lambda w: reverse("api:referral-import-detail", args=[w["import"].id]),
        None,
        _only_coordinator(200),
    ),
    (
        "api:referral-import-confirm",
        "post",
        lambda w: reverse("api:referral-import-confirm", args=[w["import"].id]),
        lambda w: {},
        _only_coordinator(200),
    ),
]
IDS = route_ids(ROUTES)


@pytest.fixture
def world(hospital, make_user):
    return World(hospital, make_user)


def _call(client, world, method, url, body):
    # The upload takes a multipart file, not JSON.
    return call_route(client, world, method, url, body, body_format="multipart")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_import_roles_each_role_gets_its_answer(
    client_for, world, role, url_name, method, url, body, expected
):
    response = _call(client_for(world[role]), world, method, url, body)
    assert response.status_code == expected[role], response.content
    if response.status_code == 403:
        assert response.json()["message"]


@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_import_roles_anonymous_gets_401(api_client, world, url_name, method, url, body, expected):
    assert _call(api_client, world, method, url, body).status_code == 401


NAMED = [entry for entry in ROUTES if entry[0] != "api:referral-imports"]


@pytest.mark.parametrize(
    ("url_name", "method", "url", "body", "expected"),
    NAMED,
    ids=route_ids(NAMED),
)
def test_import_roles_another_hospitals_staff_find_nothing(
    make_user, client_for, other_hospital, world, url_name, method, url, body, expected
):
    response = _call(client_for(stranger(make_user, other_hospital)), world, method, url, body)
    assert response.status_code == 404, response.content
