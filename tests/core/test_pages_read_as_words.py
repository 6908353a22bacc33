"""What a person reads on every main page: no template syntax (a `{# #}` comment cannot span
lines and was shown as text on every meeting page), no pathway code or enum identifier outside an
expandable detail, styled error pages with a way back, and date inputs that carry ISO values."""

import re

import pytest
from django.urls import reverse

from apps.meetings.services import agenda_item_add
from apps.meetings.services.attendance import attendance_add
from apps.meetings.services.decisions import action_add, decision_record
from apps.meetings.services.presenting import meeting_present
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

RAW_CODE = re.compile(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b|\b[a-z]+(?:_[a-z0-9]+)+\b")
TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")


def visible_text(html: str) -> str:
    """The text of the page's body as read: no tags, no scripts, no expandable details (the
    pathway's trace and citations, where codes may stand)."""
    body = html.split("<body", 1)[1]
    body = re.sub(r"<details\b.*?</details>", " ", body, flags=re.S)
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    body = re.sub(r"<svg\b.*?</svg>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body.split(">", 1)[1]).split())


@pytest.fixture
def pages(hospital, coordinator, make_user):
    chair = make_user("clinician", specialty="liver_surgeon", first_name="Ann", last_name="Chair")
    meeting = MeetingFactory(hospital=hospital, chair=chair, status="in_progress")
    attendance_add(meeting=meeting, actor=coordinator, user=chair)
    decided_case = CaseFactory(
        patient__hospital=hospital, facts="bilobar-two-stage-primary-in-situ"
    )
    recommendation_create(case=decided_case, actor=coordinator)
    decided = agenda_item_add(meeting=meeting, case=decided_case, actor=coordinator)
    other_case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    recommendation_create(case=other_case, actor=coordinator)
    agenda_item_add(meeting=meeting, case=other_case, actor=coordinator)
    decision_record(
        item=decided,
        actor=chair,
        data={
            "plan_codes": ["PORTAL_VEIN_EMBOLIZATION"]
            if "PORTAL_VEIN_EMBOLIZATION" in str(decided_case.recommendations.get().result)
            else [decided_case.recommendations.get().primary_code],
            "plan_text": "",
            "intent": "curative",
            "agreement": "agree",
        },
    )
    action_add(
        item=decided,
        actor=coordinator,
        description="Book CT volumetry",
        owner=chair,
        due_on=meeting.scheduled_for.date(),
    )
    meeting_present(meeting=meeting, item=decided, actor=chair)
    return {
        "home": reverse("home"),
        "case list": reverse("workspace:case-list"),
        "new case": reverse("workspace:case-new"),
        "case": reverse("workspace:case-detail", args=[decided_case.pk]),
        "case edit": reverse("workspace:case-edit", args=[decided_case.pk]),
        "audit": reverse("workspace:case-history-audit", args=[decided_case.pk]),
        "meetings": reverse("meetings:meeting-list"),
        "new meeting": reverse("meetings:meeting-new"),
        "meeting": reverse("meetings:meeting-detail", args=[meeting.pk]),
        "review": reverse("meetings:item-review", args=[meeting.pk, decided.pk]),
        "presentation": reverse("meetings:meeting-present", args=[meeting.pk]),
        "case history": reverse("meetings:case-history", args=[decided_case.pk]),
        "add to meeting": reverse("meetings:case-add-to-meeting", args=[other_case.pk]),
    }


def test_no_page_shows_template_syntax_or_a_raw_code(client, coordinator, pages):
    client.force_login(coordinator)
    for name, address in pages.items():
        response = client.get(address)
        assert response.status_code == 200, name
        text = visible_text(response.content.decode())
        assert not TEMPLATE_SYNTAX.search(text), (name, TEMPLATE_SYNTAX.search(text))
        found = RAW_CODE.search(text)
        assert not found, (
            name,
            found.group(0),
            text[max(0, found.start() - 80) : found.end() + 40],
        )


def test_the_meeting_page_shows_no_template_comment(client, coordinator, pages):
    """The multi-line {# #} comment of the meeting page was printed on every load."""
    client.force_login(coordinator)
    html = client.get(pages["meeting"]).content.decode()
    assert "The wrapper stays" not in visible_text(html)


def test_forbidden_page_is_styled_with_navigation_and_a_reason(client, make_user):
    client.force_login(make_user("viewer"))
    response = client.get(reverse("workspace:case-new"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'aria-label="Main"' in html  # the site's navigation
    assert "You are not allowed to do this" in html
    assert "Only a coordinator enters and edits cases." in html


def test_not_found_page_is_styled(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/meetings/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
