"""The review page of an agenda case: votes (hidden until revealed), the decision form with its
errors and revision conflicts, standard of care, sign-off and amendment, actions and follow-up."""

import datetime
import re

import pytest
from django.urls import reverse

from apps.meetings.models import Decision, DecisionAction
from apps.meetings.services import agenda_item_add
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import action_add, decision_record
from apps.meetings.services.sign_off import meeting_sign_off
from apps.meetings.services.votes import vote_record
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
AGREE = {"agreement": "agree", "plan_codes": ["HEPATECTOMY"], "plan_text": "", "intent": "curative"}


def url(name, item, *extra):
    return reverse(f"meetings:{name}", args=[item.meeting_id, item.pk, *extra])


def section(page, section_id):
    """The HTML of one panel of the page."""
    start = page.index(f'<section id="{section_id}"')
    return page[start : page.index("</section>", start)]


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
def test_review_page_renders_for_every_role(client, request, item, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url("item-review", item))
    page = response.content.decode()
    assert response.status_code == 200
    assert item.case.patient.mrn in page
    assert 'data-testid="primary-recommendation"' in page  # the snapshot's panel
    # Only clinicians record the decision.
    assert (">Record decision</button>" in page) == (role == "clinician")


def test_review_page_is_404_for_another_hospital_and_login_for_anonymous(
    client, item, make_user, other_hospital
):
    response = client.get(url("item-review", item))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(make_user("clinician", hospital=other_hospital))
    assert client.get(url("item-review", item)).status_code == 404
    assert client.post(url("item-decision", item), AGREE).status_code == 404
    assert not Decision.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_only_clinicians_record_decisions(client, request, item, role):
    client.force_login(request.getfixturevalue(role))
    assert client.post(url("item-decision", item), AGREE, **HTMX).status_code == 403
    assert not Decision.objects.exists()


def test_viewer_cannot_post_anything(client, viewer, item, clinician):
    action = action_add(
        item=item, actor=clinician, description="CT", owner=clinician, due_on=datetime.date.today()
    )
    client.force_login(viewer)
    posts = [
        url("item-vote", item),
        url("item-votes-reveal", item),
        url("item-standard-of-care", item),
        url("item-decision", item),
        url("item-decision-amend", item),
        url("item-action-add", item),
        url("item-action-done", item, action.pk),
        url("item-follow-up", item),
        reverse("summaries:summary", args=[item.meeting_id]),
    ]
    for address in posts:
        assert client.post(address, {"call": "resectable", "intent": "curative"}).status_code == 403
    action.refresh_from_db()
    assert action.done_at is None


def test_review_page_query_count(client, clinician, item, add_case, django_assert_max_num_queries):
    add_case()
    decision_record(item=item, actor=clinician, data=AGREE)
    action_add(
        item=item, actor=clinician, description="CT", owner=clinician, due_on=datetime.date.today()
    )
    client.force_login(clinician)
    with django_assert_max_num_queries(30):
        response = client.get(url("item-review", item))
    assert response.status_code == 200


def test_previous_and_next_case(client, viewer, item, add_case):
    second = add_case()
    client.force_login(viewer)
    first_page = client.get(url("item-review", item)).content.decode()
    assert url("item-review", second) in first_page and 'id="review-previous"' not in first_page
    second_page = client.get(url("item-review", second)).content.decode()
    assert url("item-review", item) in second_page and "Case 2 of 2" in second_page


# --- votes --------------------------------------------------------------------------------------


def test_votes_stay_hidden_until_the_chair_reveals_them(
    client, meeting, item, make_user, coordinator
):
    first = make_user("clinician", specialty="liver_surgeon")
    second = make_user("clinician", specialty="liver_surgeon")
    for surgeon in (first, second):
        attendance_add(meeting=meeting, actor=coordinator, user=surgeon)
    vote_record(item=item, surgeon=first, call="unresectable", note="secret note")

    client.force_login(second)
    votes = section(client.get(url("item-review", item)).content.decode(), "votes")
    # By name, not username.
    assert "1 vote recorded" in votes and first.get_full_name() in votes
    assert first.username not in votes
    # The form offers every call; the other surgeon's is nowhere.
    assert "<strong>Unresectable</strong>" not in votes and "secret note" not in votes
    assert 'id="votes-revealed"' not in votes
    response = client.post(url("item-vote", item), {"call": "resectable"}, **HTMX)
    assert response.status_code == 200
    assert "Your call: <strong>Resectable</strong>" in response.content.decode()
    assert "<strong>Unresectable</strong>" not in response.content.decode()

    # Not the chair: refused.
    assert client.post(url("item-votes-reveal", item), **HTMX).status_code == 403
    client.force_login(meeting.chair)
    chair_view = section(client.get(url("item-review", item)).content.decode(), "votes")
    assert "Unresectable" not in chair_view
    revealed = client.post(url("item-votes-reveal", item), **HTMX).content.decode()
    assert "Unresectable" in revealed and "Resectable" in revealed
    assert "The surgeons disagree" in revealed


def test_a_surgeon_not_present_gets_no_vote_form(client, clinician, item):
    client.force_login(clinician)
    page = client.get(url("item-review", item)).content.decode()
    assert 'id="vote-submit"' not in page
    assert client.post(url("item-vote", item), {"call": "resectable"}, **HTMX).status_code == 403


# --- the decision --------------------------------------------------------------------------------


def test_clinician_records_the_decision(client, clinician, item):
    client.force_login(clinician)
    form = client.get(url("item-review", item)).content.decode()
    assert 'value="HEPATECTOMY"' in form  # the snapshot's codes as checkboxes
    response = client.post(
        url("item-decision", item), {**AGREE, "plan_text": "Right hepatectomy"}, **HTMX
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'data-testid="decision"' in fragment and "Right hepatectomy" in fragment
    decision = Decision.objects.get()
    assert decision.plan_codes == ["HEPATECTOMY"] and decision.recorded_by == clinician
    assert 'name="revision" value="1"' in fragment


def test_decision_without_javascript_redirects_back(client, clinician, item):
    client.force_login(clinician)
    response = client.post(url("item-decision", item), AGREE)
    assert response.status_code == 302
    assert response["Location"] == f"{url('item-review', item)}#decision"


def test_departure_without_reason_is_400_beside_the_field(client, clinician, item):
    client.force_login(clinician)
    response = client.post(
        url("item-decision", item),
        {**AGREE, "agreement": "modified", "plan_text": "Typed plan kept"},
        **HTMX,
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_departure_reason_error"' in page
    assert 'aria-describedby="id_departure_reason_error"' in page
    assert "Required when the decision modifies" in page
    assert "Typed plan kept" in page
    assert re.search(r'<input type="radio" name="agreement" value="modified"[^>]*checked', page)
    assert not Decision.objects.exists()


def test_stale_revision_is_409_with_what_changed(client, clinician, item, meeting):
    decision_record(item=item, actor=clinician, data=AGREE)  # revision 1
    decision_record(
        item=item,
        actor=meeting.chair,
        data={**AGREE, "plan_text": "Chair's wording"},
        expected_revision=1,
    )  # revision 2
    client.force_login(clinician)
    response = client.post(
        url("item-decision", item), {**AGREE, "plan_text": "My wording", "revision": 1}, **HTMX
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="decision-conflict"' in page
    assert f"Changed by {meeting.chair.get_full_name()}" in page  # beside plan_text, by name
    assert 'id="id_plan_text_error"' in page
    assert "My wording" in page  # what the user typed is kept
    assert 'name="revision" value="2"' in page  # saving again applies it on purpose
    assert Decision.objects.get().plan_text == "Chair's wording"
    again = client.post(
        url("item-decision", item), {**AGREE, "plan_text": "My wording", "revision": 2}, **HTMX
    )
    assert again.status_code == 200
    assert Decision.objects.get().plan_text == "My wording"


def test_chair_lists_standard_of_care_others_may_not(client, clinician, item, meeting):
    client.force_login(clinician)
    assert (
        client.post(url("item-standard-of-care", item), {"intent": "curative"}, **HTMX).status_code
        == 403
    )
    client.force_login(meeting.chair)
    page = client.get(url("item-review", item)).content.decode()
    assert 'id="standard-of-care"' in page
    response = client.post(url("item-standard-of-care", item), {"intent": "curative"}, **HTMX)
    assert response.status_code == 200
    assert Decision.objects.get().listed_not_discussed
    assert "Listed as standard of care, not discussed" in response.content.decode()


def test_after_sign_off_the_decision_is_read_only_and_amended(client, clinician, item, meeting):
    decision_record(item=item, actor=clinician, data=AGREE)
    meeting_sign_off(meeting=meeting, actor=meeting.chair)
    client.force_login(clinician)
    page = client.get(url("item-review", item)).content.decode()
    assert ">Record decision</button>" not in page and 'id="amend-form"' in page
    missing = client.post(url("item-decision-amend", item), {**AGREE, "revision": 1}, **HTMX)
    assert missing.status_code == 400
    assert 'id="amend_amendment_reason_error"' in missing.content.decode()
    response = client.post(
        url("item-decision-amend", item),
        {**AGREE, "plan_text": "Amended plan", "amendment_reason": "New MRI", "revision": 1},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Amended because:</strong> New MRI" in response.content.decode()
    assert list(Decision.objects.values_list("version", flat=True).order_by("version")) == [1, 2]
    # Recording the draft is refused now.
    refused = client.post(url("item-decision", item), {**AGREE, "revision": 1}, **HTMX)
    assert refused.status_code == 409


# --- actions and follow-up ------------------------------------------------------------------------


def test_actions_add_and_mark_done(client, coordinator, clinician, item):
    client.force_login(coordinator)
    response = client.post(
        url("item-action-add", item),
        {"description": "Book liver MRI", "owner": clinician.username, "due_on": "2020-01-01"},
        **HTMX,
    )
    # Due years before the meeting: said, and why, before anything is saved.
    assert response.status_code == 400
    page = response.content.decode()
    assert "This is before the meeting&#x27;s day" in page
    assert "an action is due after the board asks for it" in page
    assert 'name="confirm_early"' in page
    assert not DecisionAction.objects.exists()
    response = client.post(
        url("item-action-add", item),
        {
            "description": "Book liver MRI",
            "owner": clinician.username,
            "due_on": "2020-01-01",
            "confirm_early": "on",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert "before the meeting" in response.content.decode()  # still flagged beside it
    assert "Book liver MRI" in response.content.decode() and "Overdue" in response.content.decode()
    action = DecisionAction.objects.get()
    done = client.post(url("item-action-done", item, action.pk), **HTMX)
    assert done.status_code == 200
    action.refresh_from_db()
    assert action.done_at is not None


def test_action_without_owner_is_400_beside_the_field(client, clinician, item):
    client.force_login(clinician)
    response = client.post(url("item-action-add", item), {"description": "X"}, **HTMX)
    assert response.status_code == 400
    assert 'id="id_owner_error"' in response.content.decode()


def test_follow_up_records_who_tells_the_patient(client, clinician, item):
    decision_record(item=item, actor=clinician, data=AGREE)
    client.force_login(clinician)
    response = client.post(
        url("item-follow-up", item),
        {
            "patient_informer": clinician.username,
            "inform_patient_by": "2030-01-10",
            "patient_informed": "on",
        },
        **HTMX,
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.patient_informer == clinician and item.patient_informed_at is not None
    assert item.referrer_informed_at is None


def test_follow_up_saves_only_what_this_page_changed(client, clinician, chair, item):
    """A colleague records that the patient was told after this page was loaded; ticking "the
    referrer was told" here must not erase it with the page's old, unticked box."""
    decision_record(item=item, actor=clinician, data=AGREE)
    client.force_login(clinician)
    page = client.get(url("item-review", item)).content.decode()
    shown = dict(re.findall(r'name="(initial-[a-z_]+)"[^>]*?(?:value="([^"]*)")?', page))
    assert set(shown) >= {"initial-patient_informed", "initial-referrer_informed"}

    client.force_login(chair)
    client.post(url("item-follow-up", item), {"patient_informed": "on"}, **HTMX)
    item.refresh_from_db()
    told_at = item.patient_informed_at
    assert told_at is not None

    client.force_login(clinician)
    response = client.post(
        url("item-follow-up", item), {**shown, "referrer_informed": "on"}, **HTMX
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.referrer_informed_at is not None
    assert item.patient_informed_at == told_at


def _form_values(html: str, form_id_fragment: str) -> dict:
    """The values a browser would submit from the form whose action contains the fragment."""
    form = re.search(rf'<form[^>]*action="[^"]*{form_id_fragment}[^"]*".*?</form>', html, re.S)
    assert form, form_id_fragment
    values = {}
    for tag in re.findall(r"<input[^>]*>", form.group(0)):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) == "checkbox" and "checked" not in tag):
            continue
        values[name.group(1)] = value.group(1) if value else ""
    for select in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form.group(0), re.S
    ):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
        values[select[0]] = chosen.group(1) if chosen else ""
    return values


def test_follow_up_date_is_iso_and_saving_the_form_as_shown_keeps_it(
    client, coordinator, clinician, item
):
    """The date input carried "10/12/2026", which Chromium rejects, and saving the
    form (with or without JavaScript) then cleared "tell the patient by"."""
    decision_record(item=item, actor=clinician, data=AGREE)
    item.refresh_from_db()
    due = item.inform_patient_by
    assert due is not None
    client.force_login(coordinator)
    page = client.get(url("item-review", item)).content.decode()
    assert f'name="inform_patient_by" value="{due.isoformat()}"' in page
    values = _form_values(page, "follow-up")
    assert values["inform_patient_by"] == due.isoformat()
    response = client.post(url("item-follow-up", item), values)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.inform_patient_by == due


def test_standard_of_care_is_offered_only_where_it_can_succeed(
    client, meeting, coordinator, hospital
):
    """The listing was offered for a case with work-up outstanding, and its refusal
    read out raw codes."""
    case = CaseFactory(patient__hospital=hospital, facts="lung-and-peritoneum-unresectable-ehd")
    recommendation_create(case=case, actor=coordinator)
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
    client.force_login(meeting.chair)
    page = client.get(url("item-review", item)).content.decode()
    assert 'id="standard-of-care"' not in page
    unavailable = section(page, "decision")
    assert "Listing as standard of care is not possible here" in page
    assert "RAS, BRAF and MSI testing" in unavailable and "MOLECULAR_TESTING" not in unavailable
    refused = client.post(url("item-standard-of-care", item), {"intent": "palliative"}, **HTMX)
    assert refused.status_code == 409
    assert "MOLECULAR_TESTING" not in refused.content.decode()


def test_case_summary_reads_in_words():
    """No "disease-free interval not recorded months", "mss", "3 lesion(s)"."""
    from apps.meetings.views.case_summary import facts_lines
    from tests.conftest import example

    facts = example("bilobar-two-stage-primary-in-situ")
    facts["presentation"]["timing"] = "metachronous"
    facts["presentation"].pop("disease_free_interval_months", None)
    facts["biomarkers"]["msi"] = "mss"
    lines = dict(facts_lines(facts))
    text = " ".join(lines.values())
    assert "disease-free interval not recorded" in lines["Presentation"]
    assert "not recorded months" not in text
    assert "microsatellite stable" in lines["Biomarkers"] and "mss" not in text
    assert "(s)" not in text and re.search(r"\d+ lesions, largest", lines["Liver"])


def test_the_coordinator_writes_a_personal_paragraph_for_the_letter(
    client, coordinator, clinician, item
):
    client.force_login(clinician)
    assert 'id="letter-save"' not in client.get(url("item-review", item)).content.decode()
    assert client.post(url("item-letter-note", item), {"letter_note": "x"}).status_code == 403
    client.force_login(coordinator)
    response = client.post(
        url("item-letter-note", item), {"letter_note": "Seen in clinic."}, **HTMX
    )
    assert response.status_code == 200
    assert "Saved: the next printable summary carries it." in response.content.decode()
    item.refresh_from_db()
    assert item.letter_note == "Seen in clinic."
