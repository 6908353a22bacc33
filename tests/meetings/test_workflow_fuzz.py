"""Whatever a client sends to the meeting workflow, the API answers with a 2xx or a 4xx in the
one error shape: never a 500. Hypothesis sends arbitrary bodies, valid bodies with one value
replaced, arbitrary If-Match headers and arbitrary query strings to every workflow write and to
concordance, on a meeting in progress whose chair is the caller."""

import json
from copy import deepcopy

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.meetings.models import AgendaItem, Attendance, DecisionAction
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory
from tests.fuzzing import (
    FUZZ,
    assert_not_server_error,
    json_strategies,
    replace_value,
    value_paths,
)

FIELD_NAMES = [
    "user",
    "name",
    "specialty",
    "call",
    "note",
    "recommendation",
    "plan_codes",
    "plan_text",
    "intent",
    "agreement",
    "departure_reason",
    "departure_detail",
    "revision",
    "amendment_reason",
    "description",
    "owner",
    "due_on",
    "done",
    "patient_informer",
    "inform_patient_by",
    "patient_informed_at",
    "referrer_informed_at",
    "meeting",
    "question",
    "presenter",
    "items",
]
json_values, bodies = json_strategies(
    FIELD_NAMES,
    [
        "2026-01-01",
        "2031-02-30",
        "2026-11-01T08:00:00Z",
        "00000000-0000-0000-0000-000000000000",
        "\x00",
        "curative",
        "agree",
        "modified",
        "liver_surgeon",
        "resectable",
        "TWO_STAGE_HEPATECTOMY",
        "fuzzer",
    ],
)
if_match_values = st.none() | st.text(max_size=60) | st.sampled_from(['"x.1"', "*", 'W/"a.b"'])

DECISION = {
    "plan_codes": ["TWO_STAGE_HEPATECTOMY"],
    "plan_text": "Two stages.",
    "intent": "curative",
    "agreement": "modified",
    "departure_reason": "clinical_judgement",
    "departure_detail": "As discussed.",
    "revision": 1,
}


@pytest.fixture
def world(hospital, make_user, client_for):
    user = make_user("clinician", specialty="liver_surgeon", username="fuzzer")
    user.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    make_user("clinician", specialty="radiologist", username="colleague")
    meeting = MeetingFactory(hospital=hospital, chair=user, status="in_progress")
    later = MeetingFactory(
        hospital=hospital, scheduled_for=meeting.scheduled_for.replace(year=2031)
    )
    Attendance.objects.create(meeting=meeting, user=user, specialty="liver_surgeon")
    items = []
    for position in (1, 2):
        case = CaseFactory(patient__hospital=hospital, facts="bilobar-two-stage-primary-in-situ")
        recommendation_create(case=case, actor=user)
        items.append(AgendaItem.objects.create(meeting=meeting, case=case, position=position))
    action = DecisionAction.objects.create(
        agenda_item=items[0],
        description="Book CT volumetry",
        owner=user,
        due_on="2030-01-15",
        created_by=user,
    )
    return {
        "client": client_for(user),
        "meeting": meeting,
        "later": later,
        "items": items,
        "action": action,
    }


def _targets(world):
    meeting, (item, other), action = world["meeting"].id, world["items"], world["action"]

    def at(name, agenda_item, *extra):
        return reverse(f"api:{name}", args=[meeting, agenda_item.id, *extra])

    return [
        ("post", reverse("api:meeting-attendance", args=[meeting])),
        ("post", reverse("api:meeting-agenda-reorder", args=[meeting])),
        ("patch", reverse("api:meeting-agenda-item", args=[meeting, other.id])),
        ("post", at("agenda-item-votes", item)),
        ("post", at("agenda-item-standard-of-care", other)),
        ("put", at("agenda-item-decision", item)),
        ("post", at("agenda-item-decision-amend", item)),
        ("post", at("agenda-item-actions", item)),
        ("patch", at("agenda-item-action", item, action.id)),
        ("patch", at("agenda-item-follow-up", item)),
        ("post", at("agenda-item-move", other)),
    ]


def _send(client, method, url, body, if_match=None):
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    return getattr(client, method)(
        url, json.dumps(body, allow_nan=True), content_type="application/json", **headers
    )


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_workflow_arbitrary_bodies_never_answer_500(world, data):
    for method, url in _targets(world):
        body = data.draw(bodies)
        response = _send(world["client"], method, url, body, data.draw(if_match_values))
        assert_not_server_error(response)


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_workflow_decision_with_one_value_replaced_never_answers_500(world, data):
    url = reverse("api:agenda-item-decision", args=[world["meeting"].id, world["items"][0].id])
    path = data.draw(st.sampled_from(list(value_paths(DECISION))))
    body = replace_value(deepcopy(DECISION), path, data.draw(json_values))
    assert_not_server_error(_send(world["client"], "put", url, body, data.draw(if_match_values)))


@pytest.mark.django_db
@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["meeting", "from", "to", "signed_only", "page", "x"]),
        st.text(max_size=20) | st.sampled_from(["2026-01-01", "true", "\x00"]),
        max_size=4,
    )
)
def test_workflow_concordance_query_strings_never_answer_500(world, params):
    response = world["client"].get(reverse("api:meeting-concordance"), params)
    assert_not_server_error(response)
