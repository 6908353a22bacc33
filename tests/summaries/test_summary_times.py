"""The printed record gives the meeting's actual times and the time the board spent on each case
(from the presentation mode), in local time to the minute."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from apps.meetings.models import AgendaItem, Meeting
from apps.summaries.data import summary_data
from apps.summaries.pdf import summary_html
from tests.integration.summary_meeting import build_summary_meeting

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_record_prints_the_actual_start_and_each_cases_discussion_time(hospital, make_user):
    board = build_summary_meeting(hospital, make_user, cases=2)
    local = ZoneInfo(settings.TIME_ZONE)
    started = datetime.datetime(2026, 3, 4, 17, 2, tzinfo=local)
    Meeting.objects.filter(pk=board["meeting"].pk).update(started_at=started)
    first = board["items"][0]
    AgendaItem.objects.filter(pk=first.pk).update(
        discussion_started_at=started + datetime.timedelta(minutes=3),
        discussion_ended_at=started + datetime.timedelta(minutes=15),
        discussion_seconds=12 * 60 + 20,
    )
    board["meeting"].refresh_from_db()

    data = summary_data(meeting=board["meeting"])
    text = _text(summary_html(data, generated_at=timezone.now(), version=1))

    assert "Started 2026-03-04 17:02" in text
    assert "Discussed from 17:05 to 17:17, 12 minutes in all." in text
    # A case never brought up on the screen claims no time.
    assert data["cases"][1]["discussion"]["minutes"] == 0
    assert text.count("Discussed from") == 1
