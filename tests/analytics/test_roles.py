"""The role matrix of the analytics and worklist routes (joined to tests/core/test_role_matrix.py
through ROUTES): every role of the hospital reads both, writes are refused (the routes only
read), an account without a role is refused, and anonymous requests get 401."""

import pytest
from django.urls import reverse

from apps.analytics.metrics import REGISTRY

pytestmark = pytest.mark.django_db

ALL_READ = {"coordinator": 200, "clinician": 200, "viewer": 200}
# Writes: refused by role before the method is (a coordinator learns the route only reads).
NO_WRITE = {"coordinator": 405, "clinician": 403, "viewer": 403}

# (url name, method, url args, status by role)
ROUTES = [
    *(("api:analytics-metric", "get", [slug], ALL_READ) for slug in sorted(REGISTRY)),
    ("api:analytics-metric", "post", ["quorum"], NO_WRITE),
    ("api:worklist", "get", None, ALL_READ),
    ("api:worklist", "post", None, NO_WRITE),
]
IDS = [
    f"{method.upper()} {name.removeprefix('api:')}{' ' + args[0] if args else ''}"
    for name, method, args, _ in ROUTES
]


@pytest.mark.parametrize("token", [True, False])
@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
@pytest.mark.parametrize(("url_name", "method", "args", "expected"), ROUTES, ids=IDS)
def test_roles_each_role_gets_its_answer(
    make_user, client_for, role, token, url_name, method, args, expected
):
    client = client_for(make_user(role), token=token)
    response = getattr(client, method)(reverse(url_name, args=args))
    assert response.status_code == expected[role], response.content


@pytest.mark.parametrize(("url_name", "method", "args", "expected"), ROUTES, ids=IDS)
def test_roles_anonymous_gets_401(api_client, url_name, method, args, expected):
    response = getattr(api_client, method)(reverse(url_name, args=args))
    assert response.status_code == 401
    assert response.json()["message"]


@pytest.mark.parametrize(("url_name", "method", "args", "expected"), ROUTES, ids=IDS)
def test_roles_a_user_without_role_or_hospital_is_refused(
    make_user, client_for, url_name, method, args, expected
):
    from tests.factories import UserFactory

    for user in (make_user(None), UserFactory(role="viewer", hospital=False)):
        response = getattr(client_for(user), method)(reverse(url_name, args=args))
        assert response.status_code == 403
        assert response.json()["message"]
