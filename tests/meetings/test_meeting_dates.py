"""A meeting's date is within ten years of today, whatever the time zone: the ends of the calendar
would otherwise be stored and then break every page that reads the meeting."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("time_zone", "value"),
    [
        ("America/New_York", "9999-12-31T23:59"),
        ("Asia/Tokyo", "0001-01-01T00:00"),
        ("Europe/London", "2999-01-01T10:00"),
    ],
)
def test_meeting_page_refuses_a_date_beyond_the_window(
    client, coordinator, settings, time_zone, value
):
    settings.TIME_ZONE = time_zone
    client.force_login(coordinator)
    response = client.post(reverse("meetings:meeting-new"), {"scheduled_for": value, "title": "T"})
    assert response.status_code == 400
    assert b"within 10 years of today" in response.content
    assert client.get(reverse("meetings:meeting-list")).status_code == 200


def test_meeting_api_refuses_a_date_beyond_the_window(coordinator_client):
    response = coordinator_client.post(
        reverse("api:meeting-list"), {"scheduled_for": "2999-01-01T10:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["scheduled_for"]
