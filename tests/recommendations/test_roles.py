"""The role matrix of the pathway and recommendation routes. Unlike the routes of
tests/core/test_role_matrix.py, some writes here are open beyond coordinators: evaluating facts
stores nothing (every role), and making a recommendation snapshot is clinical work
(coordinators and clinicians)."""

import pytest
from django.urls import reverse

from apps.recommendations.models import RecommendationSnapshot, Reevaluation
from tests.conftest import example
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

FACTS = "bilobar-two-stage-primary-in-situ"
ROLES = ["coordinator", "clinician", "viewer", "nurse_specialist"]
ALL_READ = {role: 200 for role in ROLES}

# (url name, method, url args(case), body, status by role)
ROUTES = [
    ("api:pathway-describe", "get", None, None, ALL_READ),
    ("api:pathway-evaluate", "post", None, lambda: example(FACTS), ALL_READ),
    ("api:case-recommendation", "get", lambda c: [c.id], None, ALL_READ),
    (
        "api:case-recommendation",
        "post",
        lambda c: [c.id],
        None,
        {"coordinator": 201, "clinician": 201, "viewer": 403, "nurse_specialist": 403},
    ),
    ("api:case-recommendations", "get", lambda c: [c.id], None, ALL_READ),
    # Re-evaluating every open case after a pathway upgrade: the coordinator's (queued: 202).
    (
        "api:pathway-reevaluate",
        "post",
        None,
        None,
        {"coordinator": 202, "clinician": 403, "viewer": 403, "nurse_specialist": 403},
    ),
    (
        "api:pathway-reevaluate",
        "get",
        None,
        None,
        {role: 404 for role in ROLES},
    ),
    ("api:pathway-reevaluate-cases", "get", lambda c: [_run(c).pk], None, ALL_READ),
]


def _run(case):
    """A finished re-evaluation of the case's hospital."""
    return Reevaluation.objects.create(
        hospital=case.patient.hospital,
        pathway_version="crlm-2027.1",
        status="done",
        requested_by=UserFactory(role="coordinator", hospital=case.patient.hospital),
    )


IDS = [f"{method.upper()} {name.removeprefix('api:')}" for name, method, *_ in ROUTES]


@pytest.fixture
def case(hospital, coordinator):
    case = CaseFactory(patient__hospital=hospital, facts=FACTS)
    from apps.recommendations.services import recommendation_create

    recommendation_create(case=case, actor=coordinator)
    return case


def _call(client, case, url_name, method, args, body):
    url = reverse(url_name, args=args(case) if args else None)
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body(), format="json")


@pytest.mark.parametrize("token", [True, False])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method", "args", "body", "expected"), ROUTES, ids=IDS)
def test_roles_each_role_gets_its_answer(
    make_user, client_for, case, role, token, url_name, method, args, body, expected
):
    before = RecommendationSnapshot.objects.count()

    response = _call(client_for(make_user(role), token=token), case, url_name, method, args, body)

    assert response.status_code == expected[role], response.content
    created = RecommendationSnapshot.objects.count() - before
    assert created == (1 if expected[role] == 201 else 0)


@pytest.mark.parametrize(("url_name", "method", "args", "body", "expected"), ROUTES, ids=IDS)
def test_roles_anonymous_gets_401(api_client, case, url_name, method, args, body, expected):
    response = _call(api_client, case, url_name, method, args, body)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["message"]


@pytest.mark.parametrize(("url_name", "method", "args", "body", "expected"), ROUTES, ids=IDS)
def test_roles_a_user_without_role_is_refused(
    make_user, client_for, case, url_name, method, args, body, expected
):
    response = _call(client_for(make_user(None)), case, url_name, method, args, body)

    assert response.status_code == 403
