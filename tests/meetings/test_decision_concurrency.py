"""Nobody silently overwrites another's edit of a draft decision: an edit names the revision it
was made on (If-Match or a body revision), a stale one is refused with what changed since, by
whom and when, and two edits at the same moment are serialised on the agenda item's row."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.meetings.models import Decision
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

AGREE = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}


@pytest.fixture
def meeting(hospital):
    """A meeting in progress without a chair (the shared `item` sits on it): editing a draft
    decision needs none."""
    return MeetingFactory(hospital=hospital, status="in_progress")


@pytest.fixture
def alice(make_user):
    return make_user(
        "clinician",
        specialty="liver_surgeon",
        username="alice",
        first_name="Alice",
        last_name="Ash",
    )


@pytest.fixture
def bob(make_user):
    return make_user(
        "clinician",
        specialty="medical_oncologist",
        username="bob",
        first_name="Bob",
        last_name="Birch",
    )


def _url(item):
    return reverse("api:agenda-item-decision", args=[item.meeting_id, item.id])


def _put(client, item, body, if_match=None):
    headers = {"If-Match": if_match} if if_match else {}
    return client.put(_url(item), body, format="json", headers=headers)


@pytest.fixture
def recorded(client_for, alice, item):
    """Version 1 at revision 1, recorded by alice."""
    response = _put(client_for(alice), item, {**AGREE, "plan_text": "Open."})
    assert response.status_code == 201
    return response


def test_decision_edit_without_a_precondition_is_428(client_for, bob, item, recorded):
    response = _put(client_for(bob), item, {**AGREE, "plan_text": "Mine."})

    assert response.status_code == 428
    body = response.json()
    assert "revision" in body["message"]
    assert "If-Match" in body["errors"][""][0] and "revision" in body["errors"][""][0]
    assert Decision.objects.get().plan_text == "Open."


def test_decision_edit_with_if_match_replaces_the_draft_and_counts_a_revision(
    client_for, bob, item, recorded
):
    response = _put(client_for(bob), item, {**AGREE, "plan_text": "Mine."}, recorded["ETag"])

    assert response.status_code == 200, response.json()
    stored = Decision.objects.get()
    assert (stored.revision, stored.plan_text, stored.recorded_by) == (2, "Mine.", bob)
    assert response["ETag"] == f'"{stored.id}.2"' != recorded["ETag"]
    assert response.json()["revision"] == 2
    assert stored.history.latest().history_user == bob
    assert [row.revision for row in stored.history.order_by("history_date")] == [1, 2]


def test_decision_edit_with_the_body_revision(client_for, bob, item, recorded):
    response = _put(client_for(bob), item, {**AGREE, "plan_text": "Mine.", "revision": 1})

    assert response.status_code == 200
    assert Decision.objects.get().revision == 2


@pytest.mark.parametrize("tag", ["*", "W/{etag}", '"other", {etag}'])
def test_decision_if_match_forms(client_for, bob, item, recorded, tag):
    if_match = tag.format(etag=recorded["ETag"])

    response = _put(client_for(bob), item, {**AGREE, "plan_text": "Mine."}, if_match)

    assert response.status_code == 200


def test_decision_edit_that_changes_nothing_keeps_the_revision(client_for, bob, item, recorded):
    response = _put(client_for(bob), item, {**AGREE, "plan_text": "Open."}, recorded["ETag"])

    assert response.status_code == 200
    assert response["ETag"] == recorded["ETag"]
    stored = Decision.objects.get()
    assert (stored.revision, stored.recorded_by.username) == (1, "alice")
    assert stored.history.count() == 1


def test_two_clients_racing_the_second_is_refused_with_what_changed(
    client_for, alice, bob, item, recorded
):
    client_a, client_b = client_for(alice), client_for(bob)
    read_a = client_a.get(_url(item))
    read_b = client_b.get(_url(item))
    assert read_a["ETag"] == read_b["ETag"] == recorded["ETag"]
    assert read_a.json()["current"]["revision"] == read_b.json()["current"]["revision"] == 1

    saved_a = _put(
        client_a,
        item,
        {**AGREE, "plan_text": "Alice's plan.", "intent": "palliative"},
        read_a["ETag"],
    )
    refused_b = _put(client_b, item, {**AGREE, "plan_text": "Bob's plan."}, read_b["ETag"])

    assert saved_a.status_code == 200
    assert refused_b.status_code == 412
    errors = refused_b.json()["errors"]
    stored = Decision.objects.get()
    at = stored.history.latest().history_date
    # People by name, the time as people say it, values in words; no ETag in the words.
    assert errors["plan_text"][0].startswith("Changed by Alice Ash at ")
    assert errors["plan_text"][0].endswith(": was Open., now Alice's plan..")
    assert errors["intent"] == [
        f"Changed by Alice Ash at {timezone.localtime(at):%H:%M} today: "
        "was Curative, now Palliative."
    ]
    assert "revision 2" in errors["revision"][0]
    assert "ETag" not in errors["revision"][0] and '"' not in errors["revision"][0]
    assert set(errors) == {"plan_text", "intent", "revision"}
    # The stored decision is alice's; bob's edit left no trace.
    assert (stored.plan_text, stored.intent, stored.revision) == ("Alice's plan.", "palliative", 2)
    assert stored.history.count() == 2


def test_decision_stale_body_revision_is_409_naming_each_author(
    client_for, alice, bob, item, recorded
):
    second = _put(client_for(bob), item, {**AGREE, "plan_text": "Bob's."}, recorded["ETag"])
    third = _put(
        client_for(alice),
        item,
        {**AGREE, "plan_text": "Bob's.", "intent": "palliative"},
        second["ETag"],
    )
    assert (second.status_code, third.status_code) == (200, 200)

    response = _put(client_for(bob), item, {**AGREE, "plan_text": "Late.", "revision": 1})

    assert response.status_code == 409
    errors = response.json()["errors"]
    assert errors["plan_text"][0].startswith("Changed by Bob Birch at ")
    assert "was Open., now Bob's." in errors["plan_text"][0]
    assert errors["intent"][0].startswith("Changed by Alice Ash at ")
    assert Decision.objects.get().plan_text == "Bob's."


@pytest.mark.parametrize(
    "tag", ['"garbage"', "{id}.7", '"{id}.99999999999999999999999"', '"{id}.' + "9" * 5000 + '"']
)
def test_decision_if_match_of_an_unknown_revision_is_412(client_for, bob, item, recorded, tag):
    if_match = tag.format(id=Decision.objects.get().id)

    response = _put(client_for(bob), item, {**AGREE, "plan_text": "Mine."}, if_match)

    assert response.status_code == 412
    assert list(response.json()["errors"]) == ["revision"]
    assert Decision.objects.get().revision == 1


def test_decision_if_match_on_a_first_recording_is_412(client_for, bob, item):
    response = _put(client_for(bob), item, AGREE, '"00000000-0000-0000-0000-000000000000.1"')

    assert response.status_code == 412
    assert not Decision.objects.exists()


def test_decision_body_revision_on_a_first_recording_is_409(client_for, bob, item):
    response = _put(client_for(bob), item, {**AGREE, "revision": 1})

    assert response.status_code == 409
    assert "revision" in response.json()["errors"]
    assert not Decision.objects.exists()


def test_decision_second_first_recording_needs_a_precondition(client_for, alice, bob, item):
    """Both saw no decision; the second PUT would overwrite the first without seeing it."""
    first = _put(client_for(alice), item, {**AGREE, "plan_text": "Alice's."})
    second = _put(client_for(bob), item, {**AGREE, "plan_text": "Bob's."})

    assert (first.status_code, second.status_code) == (201, 428)
    assert Decision.objects.get().plan_text == "Alice's."


@pytest.mark.django_db(transaction=True)
def test_decision_concurrent_edits_are_serialised(client_for, alice, bob, item, recorded):
    """Two edits of revision 1 sent at the same moment: the item's row lock makes the second
    wait for the first and then see revision 2, so exactly one is saved."""
    barrier = threading.Barrier(2)
    answers: dict[str, int] = {}

    def edit(user, text):
        client = client_for(user)
        try:
            barrier.wait(timeout=10)
            answers[user.username] = _put(
                client, item, {**AGREE, "plan_text": text, "revision": 1}
            ).status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(alice, "Alice's.")),
        threading.Thread(target=edit, args=(bob, "Bob's.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers.values()) == [200, 409]
    winner = next(name for name, code in answers.items() if code == 200)
    stored = Decision.objects.get()
    assert stored.revision == 2
    assert stored.plan_text == {"alice": "Alice's.", "bob": "Bob's."}[winner]
    assert stored.history.count() == 2
