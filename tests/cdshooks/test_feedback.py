"""The feedback endpoint: accepted and overridden outcomes recorded against the card issued
(its primary code, version and case), audited, refused for unknown cards, and counted in the
concordance answer beside the board's decisions."""

from __future__ import annotations

import jsonschema
import pytest
from django.urls import reverse

from apps.cdshooks.models import CdsFeedback
from tests.factories import CaseFactory

from .conftest import SOLITARY, feedback_entry, feedback_url, hook_body, new_uuid, post
from .schemas import FEEDBACK_REQUEST

pytestmark = pytest.mark.django_db

REASON = {
    "system": "urn:x-tumorboard:cds-override-reason",
    "code": "patient-preference",
    "display": "The patient's preference",
}


def _issue(call_hook, body=None) -> str:
    return call_hook(body).json()["cards"][0]["uuid"]


def test_accepted_and_overridden_feedback_is_recorded(call_hook, send_feedback, hospital):
    case = CaseFactory(patient__hospital=hospital, facts=SOLITARY)
    accepted, overridden = _issue(call_hook, hook_body(mrn=case.patient.mrn)), _issue(call_hook)
    entries = [
        feedback_entry(accepted, acceptedSuggestions=[]),
        feedback_entry(
            overridden,
            "overridden",
            overrideReason={"reason": REASON, "userComment": "Wants to wait."},
        ),
    ]
    jsonschema.validate({"feedback": entries}, FEEDBACK_REQUEST)

    response = send_feedback(entries)

    assert response.status_code == 200, response.content
    recorded = {str(item.card_id): item for item in CdsFeedback.objects.all()}
    assert recorded[accepted].outcome == "accepted"
    assert recorded[accepted].card.case == case
    assert recorded[accepted].card.primary_code == "HEPATECTOMY"
    assert recorded[overridden].override_reason_code == "patient-preference"
    assert recorded[overridden].user_comment == "Wants to wait."
    assert recorded[overridden].history.count() == 1


def test_the_same_feedback_sent_twice_is_recorded_once(call_hook, send_feedback):
    card = _issue(call_hook)
    for _ in range(2):
        assert send_feedback([feedback_entry(card)]).status_code == 200
    assert CdsFeedback.objects.count() == 1


def test_an_unknown_card_is_400_naming_it(call_hook, send_feedback):
    card, unknown = _issue(call_hook), new_uuid()

    response = send_feedback([feedback_entry(card), feedback_entry(unknown)])

    assert response.status_code == 400
    assert unknown in response.json()["errors"]["feedback[1].card"][0]
    assert not CdsFeedback.objects.exists()


def test_another_clients_card_is_unknown(call_hook, key_pair, other_hospital, sign):
    from apps.cdshooks.models import CdsClient

    card = _issue(call_hook)
    other = CdsClient.objects.create(
        name="Other",
        issuer="https://other.example.org",
        public_key=key_pair[1],
        hospital=other_hospital,
    )
    body = {"feedback": [feedback_entry(card)]}
    response = post(feedback_url(), body, sign(issuer=other.issuer))
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"outcome": "ignored"}, "feedback[0].outcome"),
        ({"card": 3}, "feedback[0].card"),
        ({"outcomeTimestamp": "yesterday"}, "feedback[0].outcomeTimestamp"),
        ({"overrideReason": {"reason": REASON}}, "feedback[0].overrideReason"),
        ({"overrideReason": {"reason": "x"}}, "feedback[0].overrideReason.reason"),
        ({"acceptedSuggestions": "all"}, "feedback[0].acceptedSuggestions"),
    ],
)
def test_bad_feedback_is_400_naming_the_field(call_hook, send_feedback, entry, field):
    response = send_feedback([{**feedback_entry(_issue(call_hook)), **entry}])
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize("body", [{}, {"feedback": []}, {"feedback": "x"}, []])
def test_a_bad_feedback_body_is_400(sign, body):
    assert post(feedback_url(), body, sign()).status_code == 400


def test_feedback_needs_the_clients_token(call_hook):
    assert post(feedback_url(), {"feedback": []}, None).status_code == 401


def test_concordance_reports_the_ehr_feedback(
    call_hook, send_feedback, client_for, viewer, other_hospital
):
    cards = [_issue(call_hook) for _ in range(3)]
    send_feedback(
        [
            feedback_entry(cards[0]),
            feedback_entry(cards[1], "overridden", overrideReason={"reason": REASON}),
            feedback_entry(cards[2], "overridden", overrideReason={"reason": REASON}),
        ]
    )

    body = client_for(viewer).get(reverse("api:meeting-concordance")).json()

    assert body["sources"]["ehr_feedback"] == {
        "cards_issued": 3,
        "accepted": 1,
        "overridden": 2,
        "override_reasons": [
            {"code": "patient-preference", "display": "The patient's preference", "count": 2}
        ],
    }
    # Another hospital's staff see none of it; a period before the cards, none either.
    from tests.factories import UserFactory

    stranger = UserFactory(role="viewer", hospital=other_hospital)
    other = client_for(stranger).get(reverse("api:meeting-concordance")).json()
    assert other["sources"]["ehr_feedback"]["cards_issued"] == 0
    earlier = (
        client_for(viewer)
        .get(reverse("api:meeting-concordance"), {"from": "2020-01-01", "to": "2020-12-31"})
        .json()
    )
    assert earlier["sources"]["ehr_feedback"]["cards_issued"] == 0
