"""The role matrix of the liver expert panel's API: every route, method and role.

Administrators (staff accounts) manage panels and rosters, so every other role is refused
there; coordinators send cases, withdraw them and schedule re-reviews; a drawn reviewer (here
the clinician) reviews, and the chair (the clinician too) concludes; every role of the referring
hospital reads its cases' rounds. Another hospital's staff find nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.liverpanel import services
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory
from tests.role_routes import call_route, route_ids, stranger

from .conftest import run_round

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "clinician", "viewer", "nurse_specialist"]
ALL_READ = dict.fromkeys(ROLES, 200)
NOBODY = dict.fromkeys(ROLES, 403)
COORDINATOR = {"coordinator": 200, "clinician": 403, "viewer": 403, "nurse_specialist": 403}
CLINICIAN = {"coordinator": 403, "clinician": 201, "viewer": 403, "nurse_specialist": 403}
FACTS = "solitary-metachronous-low-risk"


class World(dict):
    """The records each route needs, made for each test: a panel of the hospital's clinician
    (its chair) and two surgeons; a round under review (the clinician drawn), a round whose
    reviews are all in, and a concluded round."""

    def __init__(self, hospital, make_user):
        super().__init__()
        for role in ROLES:
            self[role] = make_user(role, specialty="liver_surgeon")
        admin = make_user(None, is_staff=True)
        panel = services.panel_save(
            actor=admin, name="Panel (fictional)", code="pf", hospitals=[hospital]
        )
        others = [make_user("clinician", specialty="liver_surgeon") for _ in range(2)]
        for user in others:
            services.panel_member_save(panel=panel, user=user, actor=admin)
        member, _ = services.panel_member_save(
            panel=panel, user=self["clinician"], actor=admin, is_chair=True
        )
        self["panel"] = panel
        self["member"] = member

        def sent():
            case = CaseFactory(patient__hospital=hospital, facts=FACTS)
            recommendation_create(case=case, actor=self["coordinator"])
            return services.panel_referral_create(
                case=case, panel=panel, question="?", actor=self["coordinator"], seed=1
            )

        self["open"] = sent()
        self["complete"] = run_round(sent(), ["resectable"] * 3)
        self["concluded"] = run_round(sent(), ["resectable"] * 3, chair=self["clinician"])
        fresh = CaseFactory(patient__hospital=hospital, facts=FACTS)
        recommendation_create(case=fresh, actor=self["coordinator"])
        self["fresh_case"] = fresh


PLAN = {"lesions": [{"lesion": 1, "treatment": "anatomical_resection", "segments": [6]}]}
FUTURE = (timezone.localdate() + datetime.timedelta(weeks=8)).isoformat()


def _referral(key, name):
    return lambda w: reverse(f"api:panel-referral-{name}", args=[w[key].id])


ROUTES = [
    ("api:panels", "get", lambda w: reverse("api:panels"), None, ALL_READ),
    (
        "api:panels",
        "post",
        lambda w: reverse("api:panels"),
        lambda w: {"name": "N", "code": "n"},
        NOBODY,
    ),
    (
        "api:panel-detail",
        "get",
        lambda w: reverse("api:panel-detail", args=[w["panel"].id]),
        None,
        ALL_READ,
    ),
    (
        "api:panel-detail",
        "patch",
        lambda w: reverse("api:panel-detail", args=[w["panel"].id]),
        lambda w: {"review_days": 5},
        NOBODY,
    ),
    (
        "api:panel-members",
        "post",
        lambda w: reverse("api:panel-members", args=[w["panel"].id]),
        lambda w: {"username": w["viewer"].username},
        NOBODY,
    ),
    (
        "api:panel-member-detail",
        "patch",
        lambda w: reverse("api:panel-member-detail", args=[w["panel"].id, w["member"].id]),
        lambda w: {"active": False},
        NOBODY,
    ),
    (
        "api:panel-numbers",
        "get",
        lambda w: reverse("api:panel-numbers", args=[w["panel"].id]),
        None,
        ALL_READ,
    ),
    (
        "api:case-panel-referrals",
        "get",
        lambda w: reverse("api:case-panel-referrals", args=[w["open"].case_id]),
        None,
        ALL_READ,
    ),
    (
        "api:case-panel-referrals",
        "post",
        lambda w: reverse("api:case-panel-referrals", args=[w["fresh_case"].id]),
        lambda w: {"panel": str(w["panel"].id), "question": "Resectable?"},
        {**COORDINATOR, "coordinator": 201},
    ),
    ("api:panel-referrals", "get", lambda w: reverse("api:panel-referrals"), None, ALL_READ),
    ("api:panel-referral-detail", "get", _referral("open", "detail"), None, ALL_READ),
    (
        "api:panel-referral-review",
        "post",
        _referral("open", "review"),
        lambda w: {"category": "resectable", "plan": PLAN},
        CLINICIAN,
    ),
    (
        "api:panel-referral-conclusion",
        "post",
        _referral("complete", "conclusion"),
        lambda w: {"category": "resectable", "plan": PLAN},
        CLINICIAN,
    ),
    (
        "api:panel-referral-withdraw",
        "post",
        _referral("open", "withdraw"),
        lambda w: {"reason": "Declined surgery."},
        COORDINATOR,
    ),
    (
        "api:panel-referral-rereview",
        "post",
        _referral("concluded", "rereview"),
        lambda w: {"rereview_on": FUTURE},
        COORDINATOR,
    ),
]
IDS = route_ids(ROUTES)


@pytest.fixture
def world(hospital, make_user):
    return World(hospital, make_user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_panel_roles_each_role_gets_its_answer(
    client_for, world, role, url_name, method, url, body, expected
):
    response = call_route(client_for(world[role]), world, method, url, body)
    assert response.status_code == expected[role], response.content
    if response.status_code == 403:
        assert response.json()["message"]


@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_panel_roles_anonymous_gets_401(api_client, world, url_name, method, url, body, expected):
    assert call_route(api_client, world, method, url, body).status_code == 401


# The routes that name a record of the hospital (a panel it does not send to, a case, a round).
NAMED = [entry for entry in ROUTES if entry[0] not in {"api:panels", "api:panel-referrals"}]


@pytest.mark.parametrize(
    ("url_name", "method", "url", "body", "expected"),
    NAMED,
    ids=route_ids(NAMED),
)
def test_panel_roles_another_hospitals_staff_find_nothing(
    make_user, client_for, other_hospital, world, url_name, method, url, body, expected
):
    response = call_route(client_for(stranger(make_user, other_hospital)), world, method, url, body)
    assert response.status_code == 404, response.content
