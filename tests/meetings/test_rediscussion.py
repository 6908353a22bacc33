"""Re-discussion: a decision asks for the case back on a date or in a number of weeks, with a
short reason; the case is then due, listed by the selectors the worklist and the tasks inbox
call, and proposed on the agenda of a meeting on or after that date."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.meetings.models import AgendaItem, Decision
from apps.meetings.selectors.rediscussion import case_rediscussion, cases_due_for_rediscussion
from apps.meetings.services import agenda_item_add
from apps.meetings.services.decisions import decision_amend, decision_record
from apps.meetings.services.sign_off import meeting_sign_off
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

AGREE = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}
MEETING_DAY = datetime.date(2030, 1, 8)
WEEK = datetime.timedelta(days=7)


def _decision_url(item):
    return reverse("api:agenda-item-decision", args=[item.meeting_id, item.id])


def _decide_and_sign(item, chair, clinician, **rediscussion):
    decision_record(item=item, actor=clinician, data={**AGREE, **rediscussion})
    meeting_sign_off(meeting=item.meeting, actor=chair)
    return Decision.objects.get(agenda_item=item)


# --- recording ----------------------------------------------------------------------------------


def test_weeks_become_a_date_from_the_meeting_day(clinician_client, item):
    response = clinician_client.put(
        _decision_url(item),
        {**AGREE, "rediscuss_in_weeks": 12, "rediscuss_reason": "Restage after 4 cycles"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["rediscuss_on"] == str(MEETING_DAY + 12 * WEEK)
    assert body["rediscuss_reason"] == "Restage after 4 cycles"
    decision = Decision.objects.get(agenda_item=item)
    assert decision.rediscuss_on == MEETING_DAY + 12 * WEEK
    assert decision.history.latest().rediscuss_reason == "Restage after 4 cycles"


@pytest.mark.parametrize(
    ("extra", "fields"),
    [
        (
            {"rediscuss_on": "2030-03-01", "rediscuss_in_weeks": 4, "rediscuss_reason": "x"},
            {"rediscuss_on", "rediscuss_in_weeks"},
        ),
        ({"rediscuss_on": "2030-03-01"}, {"rediscuss_reason"}),
        ({"rediscuss_in_weeks": 6, "rediscuss_reason": "  "}, {"rediscuss_reason"}),
        ({"rediscuss_on": "2030-01-08", "rediscuss_reason": "Restage"}, {"rediscuss_on"}),
        ({"rediscuss_on": "2035-01-08", "rediscuss_reason": "Restage"}, {"rediscuss_on"}),
        ({"rediscuss_reason": "Restage"}, {"rediscuss_on"}),
        ({"rediscuss_in_weeks": 0, "rediscuss_reason": "Restage"}, {"rediscuss_in_weeks"}),
        ({"rediscuss_in_weeks": "six", "rediscuss_reason": "Restage"}, {"rediscuss_in_weeks"}),
        ({"rediscuss_on": "next week", "rediscuss_reason": "Restage"}, {"rediscuss_on"}),
    ],
)
def test_bad_rediscussion_input_is_400_naming_the_field(clinician_client, item, extra, fields):
    response = clinician_client.put(_decision_url(item), {**AGREE, **extra}, format="json")

    assert response.status_code == 400, response.json()
    assert set(response.json()["errors"]) == fields
    assert not Decision.objects.filter(agenda_item=item).exists()


def test_the_review_page_form_records_the_rediscussion(client, clinician, item):
    client.force_login(clinician)
    response = client.post(
        reverse("meetings:item-decision", args=[item.meeting_id, item.pk]),
        {
            "plan_codes": ["HEPATECTOMY"],
            "intent": "curative",
            "agreement": "agree",
            "rediscuss_on": "2030-03-05",
            "rediscuss_reason": "After two cycles",
        },
    )

    assert response.status_code == 302
    decision = Decision.objects.get(agenda_item=item)
    assert (decision.rediscuss_on, decision.rediscuss_reason) == (
        datetime.date(2030, 3, 5),
        "After two cycles",
    )
    page = client.get(reverse("meetings:item-review", args=[item.meeting_id, item.pk]))
    assert "Back for re-discussion on 5 Mar 2030" in page.content.decode()


# --- the selectors ------------------------------------------------------------------------------


def test_a_signed_request_is_due_from_its_date(item, chair, clinician, hospital):
    decision = _decide_and_sign(
        item, chair, clinician, rediscuss_in_weeks=8, rediscuss_reason="Restage"
    )
    due_on = MEETING_DAY + 8 * WEEK

    assert not cases_due_for_rediscussion(hospital=hospital, on_or_before=due_on - WEEK).exists()
    (due,) = cases_due_for_rediscussion(hospital=hospital, on_or_before=due_on)
    assert (due, due.agenda_item.case, due.rediscuss_reason) == (decision, item.case, "Restage")
    assert case_rediscussion(case=item.case) == decision


def test_a_draft_request_is_not_due_until_signed(item, clinician, hospital):
    decision_record(
        item=item,
        actor=clinician,
        data={**AGREE, "rediscuss_in_weeks": 1, "rediscuss_reason": "Restage"},
    )
    assert not cases_due_for_rediscussion(
        hospital=hospital, on_or_before=MEETING_DAY + 10 * WEEK
    ).exists()


def test_a_case_on_a_later_agenda_is_no_longer_due(item, chair, clinician, coordinator, hospital):
    _decide_and_sign(item, chair, clinician, rediscuss_in_weeks=4, rediscuss_reason="Restage")
    later = MeetingFactory(hospital=hospital, scheduled_for=item.meeting.scheduled_for + 5 * WEEK)

    agenda_item_add(meeting=later, case=item.case, actor=coordinator)

    assert not cases_due_for_rediscussion(
        hospital=hospital, on_or_before=MEETING_DAY + 10 * WEEK
    ).exists()
    assert case_rediscussion(case=item.case) is None


def test_an_amendment_without_rediscussion_withdraws_the_request(item, chair, clinician, hospital):
    _decide_and_sign(item, chair, clinician, rediscuss_in_weeks=4, rediscuss_reason="Restage")

    decision_amend(item=item, actor=clinician, data=AGREE, amendment_reason="Surgery instead")

    assert case_rediscussion(case=item.case) is None


def test_another_hospitals_due_cases_are_not_listed(
    item, chair, clinician, hospital, other_hospital
):
    _decide_and_sign(item, chair, clinician, rediscuss_in_weeks=4, rediscuss_reason="Restage")
    far = MEETING_DAY + 10 * WEEK
    assert not cases_due_for_rediscussion(hospital=other_hospital, on_or_before=far).exists()
    assert cases_due_for_rediscussion(hospital=hospital, on_or_before=far).count() == 1


def test_the_due_list_takes_one_query_however_many_cases(
    meeting, add_case, chair, clinician, hospital, django_assert_num_queries
):
    items = [add_case() for _ in range(3)]
    for index, item in enumerate(items, start=1):
        decision_record(
            item=item,
            actor=clinician,
            data={**AGREE, "rediscuss_in_weeks": index, "rediscuss_reason": f"Restage {index}"},
        )
    meeting_sign_off(meeting=meeting, actor=chair)

    with django_assert_num_queries(1):
        due = list(
            cases_due_for_rediscussion(hospital=hospital, on_or_before=MEETING_DAY + 10 * WEEK)
        )
        names = [request.agenda_item.case.patient.family_name for request in due]
        meetings = {request.agenda_item.meeting_id for request in due}

    assert [request.rediscuss_reason for request in due] == ["Restage 1", "Restage 2", "Restage 3"]
    assert len(names) == 3 and meetings == {meeting.id}


# --- the meeting page proposes, the case page shows ---------------------------------------------


@pytest.fixture
def due_case(item, chair, clinician, hospital):
    """`item`'s case, asked back in 6 weeks to restage, its meeting signed off."""
    _decide_and_sign(
        item, chair, clinician, rediscuss_in_weeks=6, rediscuss_reason="Restage after 4 cycles"
    )
    return item.case


def test_the_meeting_page_proposes_due_cases_and_adds_one_in_a_click(
    client, coordinator, due_case, hospital, item
):
    too_early = MeetingFactory(hospital=hospital, scheduled_for=item.meeting.scheduled_for + WEEK)
    on_time = MeetingFactory(hospital=hospital, scheduled_for=item.meeting.scheduled_for + 6 * WEEK)
    client.force_login(coordinator)
    early_page = client.get(reverse("meetings:meeting-detail", args=[too_early.pk]))
    assert "No case is due for re-discussion" in early_page.content.decode()
    page = client.get(reverse("meetings:meeting-detail", args=[on_time.pk])).content.decode()
    assert "Proposed: due for re-discussion" in page
    assert "Restage after 4 cycles" in page and due_case.patient.mrn in page

    response = client.post(
        reverse("meetings:agenda-add-proposed", args=[on_time.pk]), {"case": str(due_case.pk)}
    )

    assert response.status_code == 302
    added = AgendaItem.objects.get(meeting=on_time, case=due_case)
    assert added.question == "Re-discussion: Restage after 4 cycles"
    assert added.history.latest().history_user == coordinator
    page = client.get(reverse("meetings:meeting-detail", args=[on_time.pk])).content.decode()
    assert "No case is due for re-discussion" in page


def test_one_click_add_refuses_a_case_not_due(client, coordinator, hospital, other_hospital, item):
    later = MeetingFactory(hospital=hospital, scheduled_for=item.meeting.scheduled_for + WEEK)
    theirs = CaseFactory(patient__hospital=other_hospital)
    client.force_login(coordinator)
    url = reverse("meetings:agenda-add-proposed", args=[later.pk])

    for case_id in (str(item.case_id), str(theirs.pk), "not-a-uuid"):
        assert client.post(url, {"case": case_id}).status_code == 400
    assert not later.agenda_items.exists()


def test_one_click_add_is_for_coordinators(client, clinician, due_case, hospital, item):
    later = MeetingFactory(hospital=hospital, scheduled_for=item.meeting.scheduled_for + 6 * WEEK)
    client.force_login(clinician)
    url = reverse("meetings:agenda-add-proposed", args=[later.pk])
    assert client.post(url, {"case": str(due_case.pk)}).status_code == 403


def test_the_case_pages_show_a_due_rediscussion(client, viewer, chair, clinician, hospital):
    past = MeetingFactory(
        hospital=hospital,
        chair=chair,
        status="in_progress",
        scheduled_for=datetime.datetime(2026, 1, 6, 9, tzinfo=datetime.UTC),
    )
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    recommendation_create(case=case, actor=clinician)
    item = agenda_item_add(meeting=past, case=case, actor=clinician)
    _decide_and_sign(item, chair, clinician, rediscuss_in_weeks=4, rediscuss_reason="Restage")
    client.force_login(viewer)

    case_page = client.get(reverse("workspace:case-detail", args=[case.pk])).content.decode()
    history = client.get(reverse("meetings:case-history", args=[case.pk])).content.decode()

    assert "Due for re-discussion" in case_page and "3 Feb 2026: Restage" in case_page
    assert "Due for re-discussion" in history


def test_the_proposed_list_does_not_add_queries_per_case(
    client, coordinator, meeting, add_case, chair, clinician, hospital
):
    items = [add_case() for _ in range(3)]
    for item in items:
        decision_record(
            item=item,
            actor=clinician,
            data={**AGREE, "rediscuss_in_weeks": 2, "rediscuss_reason": "Restage"},
        )
    meeting_sign_off(meeting=meeting, actor=chair)
    later = MeetingFactory(hospital=hospital, scheduled_for=meeting.scheduled_for + 3 * WEEK)
    client.force_login(coordinator)
    url = reverse("meetings:meeting-detail", args=[later.pk])
    client.get(url)  # the session and the user's groups are cached by the first request

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        return len(captured), page.count('name="case" value=')

    three = count_queries()
    Decision.objects.filter(agenda_item=items[0]).update(rediscuss_on=MEETING_DAY + 30 * WEEK)
    two = count_queries()

    assert (three[1], two[1]) == (3, 2)
    assert three[0] == two[0]
