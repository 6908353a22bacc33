"""The role matrix of the meeting workflow: every route, method and role. Coordinators run the
meeting (attendance, moves); clinicians vote and record decisions; both track actions and
follow-up (a nurse specialist marks actions done and records that the patient was told, and
nothing else); only the meeting's chair (here a clinician) reveals votes, lists standard of care
and signs off, so a coordinator who is not the chair is refused there too; viewers read."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionAction,
    ResectabilityVote,
    TreatmentGiven,
)
from apps.recommendations.services import recommendation_create
from apps.summaries.generation import summary_generate
from apps.summaries.services import summary_request
from tests.factories import CaseFactory, MeetingFactory, make_ready

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "clinician", "viewer", "nurse_specialist"]
ALL_READ = {"coordinator": 200, "clinician": 200, "viewer": 200, "nurse_specialist": 200}
COORDINATOR_ONLY = {"coordinator": None, "clinician": 403, "viewer": 403, "nurse_specialist": 403}
CLINICIAN_ONLY = {"coordinator": 403, "clinician": None, "viewer": 403, "nurse_specialist": 403}
# The chair is the clinician.
CHAIR_ONLY = {"coordinator": 403, "clinician": None, "viewer": 403, "nurse_specialist": 403}
BOTH = {"coordinator": None, "clinician": None, "viewer": 403, "nurse_specialist": 403}
# What a nurse specialist may do too: mark an action done, record that the patient was told.
NURSE_TOO = {"coordinator": None, "clinician": None, "viewer": 403, "nurse_specialist": None}


def _with(expected, success):
    return {role: success if status is None else status for role, status in expected.items()}


def _item(key, name):
    return lambda w: reverse(f"api:{name}", args=[w[key].meeting_id, w[key].id])


# (url name, method, url(world), body(world), status by role)
ROUTES = [
    (
        "api:meeting-attendance",
        "get",
        lambda w: reverse("api:meeting-attendance", args=[w["meeting"].id]),
        None,
        ALL_READ,
    ),
    (
        "api:meeting-attendance",
        "post",
        lambda w: reverse("api:meeting-attendance", args=[w["meeting"].id]),
        lambda w: {"user": w["radiologist"].username},
        _with(COORDINATOR_ONLY, 201),
    ),
    (
        "api:meeting-attendance-detail",
        "delete",
        lambda w: reverse("api:meeting-attendance-detail", args=[w["meeting"].id, w["guest"].id]),
        None,
        _with(COORDINATOR_ONLY, 204),
    ),
    (
        "api:agenda-item-move",
        "post",
        _item("to_move", "agenda-item-move"),
        lambda w: {"meeting": str(w["later"].id)},
        _with(COORDINATOR_ONLY, 201),
    ),
    (
        "api:agenda-item-postpone",
        "post",
        _item("to_postpone", "agenda-item-postpone"),
        lambda w: {"reason": "imaging_not_ready"},
        _with(BOTH, 200),
    ),
    (
        "api:agenda-item-postpone",
        "delete",
        _item("postponed", "agenda-item-postpone"),
        None,
        _with(BOTH, 200),
    ),
    ("api:agenda-item-votes", "get", _item("to_vote", "agenda-item-votes"), None, ALL_READ),
    (
        "api:agenda-item-votes",
        "post",
        _item("to_vote", "agenda-item-votes"),
        lambda w: {"call": "resectable"},
        _with(CLINICIAN_ONLY, 201),
    ),
    (
        "api:agenda-item-votes-reveal",
        "post",
        _item("to_reveal", "agenda-item-votes-reveal"),
        None,
        _with(CHAIR_ONLY, 200),
    ),
    (
        "api:agenda-item-standard-of-care",
        "post",
        _item("to_list", "agenda-item-standard-of-care"),
        lambda w: {"intent": "curative"},
        _with(CHAIR_ONLY, 201),
    ),
    (
        "api:agenda-item-decision",
        "get",
        _item("decided", "agenda-item-decision"),
        None,
        ALL_READ,
    ),
    (
        "api:agenda-item-decision",
        "put",
        _item("decided", "agenda-item-decision"),
        lambda w: {
            "plan_codes": ["TWO_STAGE_HEPATECTOMY"],
            "intent": "curative",
            "agreement": "agree",
            "revision": 1,
        },
        _with(CLINICIAN_ONLY, 200),
    ),
    (
        "api:agenda-item-decision-amend",
        "post",
        _item("signed", "agenda-item-decision-amend"),
        lambda w: {
            "plan_text": "Systemic therapy first.",
            "intent": "palliative",
            "agreement": "disagree",
            "departure_reason": "new_information",
            "departure_detail": "New lung nodules on the staging CT.",
            "amendment_reason": "Staging CT reported after the meeting.",
        },
        _with(CLINICIAN_ONLY, 201),
    ),
    (
        "api:agenda-item-actions",
        "get",
        _item("decided", "agenda-item-actions"),
        None,
        ALL_READ,
    ),
    (
        "api:agenda-item-actions",
        "post",
        _item("decided", "agenda-item-actions"),
        lambda w: {
            "description": "Refer for PET-CT",
            "owner": w["chair"].username,
            "due_on": "2030-01-20",
        },
        _with(BOTH, 201),
    ),
    (
        "api:agenda-item-action",
        "patch",
        lambda w: reverse(
            "api:agenda-item-action",
            args=[w["decided"].meeting_id, w["decided"].id, w["action"].id],
        ),
        lambda w: {"done": True},
        _with(NURSE_TOO, 200),
    ),
    (
        "api:agenda-item-action",
        "patch",
        lambda w: reverse(
            "api:agenda-item-action",
            args=[w["decided"].meeting_id, w["decided"].id, w["action"].id],
        ),
        lambda w: {"due_on": "2030-02-01"},
        _with(BOTH, 200),
    ),
    (
        "api:agenda-item-action",
        "delete",
        lambda w: reverse(
            "api:agenda-item-action",
            args=[w["decided"].meeting_id, w["decided"].id, w["action"].id],
        ),
        None,
        _with(BOTH, 204),
    ),
    (
        "api:agenda-item-follow-up",
        "get",
        _item("decided", "agenda-item-follow-up"),
        None,
        ALL_READ,
    ),
    (
        "api:agenda-item-follow-up",
        "patch",
        _item("decided", "agenda-item-follow-up"),
        lambda w: {"inform_patient_by": "2030-01-20"},
        _with(BOTH, 200),
    ),
    (
        "api:agenda-item-follow-up",
        "patch",
        _item("decided", "agenda-item-follow-up"),
        lambda w: {"patient_informed_at": timezone.now().isoformat()},
        _with(NURSE_TOO, 200),
    ),
    (
        "api:agenda-item-treatment",
        "get",
        _item("treated", "agenda-item-treatment"),
        None,
        ALL_READ,
    ),
    (
        "api:agenda-item-treatment",
        "put",
        _item("signed_past", "agenda-item-treatment"),
        lambda w: {"started": False, "reason": "died"},
        _with(BOTH, 201),
    ),
    (
        "api:meeting-sign-off",
        "post",
        lambda w: reverse("api:meeting-sign-off", args=[w["ready"].id]),
        None,
        _with(CHAIR_ONLY, 200),
    ),
    (
        # The chair (here the clinician) or a coordinator brings a case up on the screen.
        "api:meeting-present",
        "post",
        lambda w: reverse("api:meeting-present", args=[w["meeting"].id]),
        lambda w: {"item": str(w["decided"].id)},
        _with(BOTH, 200),
    ),
    (
        "api:meeting-concordance",
        "get",
        lambda w: reverse("api:meeting-concordance"),
        None,
        ALL_READ,
    ),
    (
        "api:meeting-summary",
        "get",
        lambda w: reverse("api:meeting-summary", args=[w["summarised"].meeting_id]),
        None,
        ALL_READ,
    ),
    (
        "api:meeting-summary",
        "post",
        lambda w: reverse("api:meeting-summary", args=[w["meeting"].id]),
        None,
        _with(BOTH, 202),
    ),
    (
        "api:meeting-summary-pdf",
        "get",
        lambda w: reverse(
            "api:meeting-summary-pdf", args=[w["summarised"].meeting_id, w["summarised"].version]
        ),
        None,
        ALL_READ,
    ),
    (
        "api:meeting-summary-letter-pdf",
        "get",
        lambda w: reverse(
            "api:meeting-summary-letter-pdf",
            args=[
                w["summarised"].meeting_id,
                w["summarised"].version,
                w["summarised"].letters.get().agenda_item_id,
            ],
        ),
        None,
        ALL_READ,
    ),
    (
        "api:case-meetings",
        "get",
        lambda w: reverse("api:case-meetings", args=[w["decided"].case_id]),
        None,
        ALL_READ,
    ),
]
IDS = [f"{method.upper()} {name.removeprefix('api:')}" for name, method, *_ in ROUTES]


def _agenda_case(meeting, position, chair, facts="bilobar-two-stage-primary-in-situ"):
    case = CaseFactory(patient__hospital=meeting.hospital, facts=facts)
    snapshot = recommendation_create(case=case, actor=chair)
    item = AgendaItem.objects.create(meeting=meeting, case=case, position=position)
    return item, snapshot


def _decide(item, snapshot, chair, **extra):
    return Decision.objects.create(
        agenda_item=item,
        recommendation=snapshot,
        plan_codes=[snapshot.primary_code],
        intent="curative",
        agreement="agree",
        quorate=True,
        recorded_by=chair,
        **extra,
    )


class World(dict):
    """A meeting in progress chaired by a liver surgeon, a later one, a meeting ready to sign
    off and a signed one: each route finds what it needs for a coordinator's or the chair's
    write to succeed. The agenda cases (with their facts and recommendation, the costly part)
    are made when a route first asks for them, so each test builds only what its route uses."""

    STARTS = datetime.datetime(2030, 1, 8, 8, 0, tzinfo=datetime.UTC)

    def __init__(self, hospital, make_user):
        chair = make_user("clinician", specialty="liver_surgeon")
        surgeon = make_user("clinician", specialty="liver_surgeon")
        meeting = MeetingFactory(hospital=hospital, chair=chair, status="in_progress")
        Attendance.objects.create(meeting=meeting, user=chair, specialty="liver_surgeon")
        Attendance.objects.create(meeting=meeting, user=surgeon, specialty="liver_surgeon")
        super().__init__(
            coordinator=make_user("coordinator", specialty="coordinator"),
            clinician=chair,
            chair=chair,
            viewer=make_user("viewer"),
            nurse_specialist=make_user("nurse_specialist", specialty="nurse_specialist"),
            surgeon=surgeon,
            radiologist=make_user("clinician", specialty="radiologist"),
            meeting=meeting,
        )
        self.hospital = hospital
        self.positions = iter(range(1, 100))

    def __missing__(self, key):
        self[key] = value = getattr(self, f"_make_{key}")()
        return value

    def _agenda_item(self, facts="bilobar-two-stage-primary-in-situ"):
        return _agenda_case(self["meeting"], next(self.positions), self["chair"], facts)[0]

    def _make_later(self):
        starts = self.STARTS + datetime.timedelta(days=7)
        return MeetingFactory(hospital=self.hospital, scheduled_for=starts)

    def _make_guest(self):
        return Attendance.objects.create(
            meeting=self["meeting"], name="Dr Visiting", specialty="pathologist"
        )

    def _make_to_vote(self):
        return self._agenda_item()

    def _make_to_reveal(self):
        item = self._agenda_item()
        ResectabilityVote.objects.create(
            agenda_item=item, surgeon=self["surgeon"], call="resectable"
        )
        return item

    def _make_to_list(self):
        item = self._agenda_item(facts="solitary-metachronous-low-risk")
        make_ready(item.case, on=timezone.localdate(item.meeting.scheduled_for))
        return item

    def _make_to_move(self):
        return self._agenda_item()

    def _make_to_postpone(self):
        return self._agenda_item()

    def _make_postponed(self):
        item = self._agenda_item()
        AgendaItem.objects.filter(pk=item.pk).update(
            postponement_reason="out_of_time", postponed_at=self.STARTS
        )
        return item

    def _make_decided(self):
        item = self._agenda_item()
        _decide(item, item.case.recommendations.get(), self["chair"])
        return item

    def _make_action(self):
        return DecisionAction.objects.create(
            agenda_item=self["decided"],
            description="Book CT volumetry",
            owner=self["chair"],
            due_on=datetime.date(2030, 1, 15),
            created_by=self["chair"],
        )

    def _make_ready(self):
        ready = MeetingFactory(hospital=self.hospital, chair=self["chair"], status="in_progress")
        _decide(*_agenda_case(ready, 1, self["chair"]), self["chair"])
        return ready

    def _make_summarised(self):
        """A signed meeting's summary, rendered (as the task would, in-process)."""
        summary = summary_request(meeting=self["signed"].meeting, actor=self["coordinator"])
        summary_generate(summary_id=str(summary.pk))
        summary.refresh_from_db()
        return summary

    def _make_signed_past(self):
        """A decision signed at a meeting held ten days ago: its treatment may have started."""
        held = timezone.now() - datetime.timedelta(days=10)
        closed = MeetingFactory(
            hospital=self.hospital, chair=self["chair"], status="closed", scheduled_for=held
        )
        signed, snapshot = _agenda_case(closed, 1, self["chair"])
        _decide(signed, snapshot, self["chair"], signed_off_at=closed.signed_off_at)
        return signed

    def _make_treated(self):
        item = self["signed_past"]
        TreatmentGiven.objects.create(
            agenda_item=item,
            decision=item.decisions.get(),
            treatment_code=item.decisions.get().plan_codes[0],
            started_on=timezone.localdate(),
            matches="yes",
            recorded_by=self["chair"],
        )
        return item

    def _make_signed(self):
        closed = MeetingFactory(hospital=self.hospital, chair=self["chair"], status="closed")
        signed, snapshot = _agenda_case(closed, 1, self["chair"])
        _decide(signed, snapshot, self["chair"], signed_off_at=closed.signed_off_at)
        return signed


@pytest.fixture
def world(hospital, make_user):
    return World(hospital, make_user)


def _call(client, world, method, url, body):
    # The URL and body are built before the request, so the records they name exist first.
    address = url(world)
    if body is None:
        return getattr(client, method)(address)
    return getattr(client, method)(address, body(world), format="json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_roles_each_role_gets_its_answer(
    client_for, world, role, url_name, method, url, body, expected
):
    response = _call(client_for(world[role]), world, method, url, body)

    assert response.status_code == expected[role], response.content
    if response.status_code == 403:
        assert response.json()["message"]


@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_roles_anonymous_gets_401(api_client, world, url_name, method, url, body, expected):
    response = _call(api_client, world, method, url, body)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_roles_a_user_without_role_is_refused(
    make_user, client_for, world, url_name, method, url, body, expected
):
    response = _call(client_for(make_user(None)), world, method, url, body)

    assert response.status_code == 403


@pytest.mark.parametrize(("url_name", "method", "url", "body", "expected"), ROUTES, ids=IDS)
def test_roles_another_hospitals_staff_find_nothing(
    make_user, client_for, other_hospital, world, url_name, method, url, body, expected
):
    if url_name == "api:meeting-concordance":
        pytest.skip("concordance is a summary of the caller's own hospital (tested there)")
    # Both roles, so that no write is refused for its role before the lookup.
    stranger = make_user("coordinator", hospital=other_hospital)
    stranger.groups.add(Group.objects.get_or_create(name="clinician")[0])

    response = _call(client_for(stranger), world, method, url, body)

    assert response.status_code == 404, response.content
