"""Fixtures the meeting tests share: a chaired meeting in progress and a case with a
recommendation snapshot on its agenda. A test module that needs a different meeting, case or item
defines its own fixture of the same name, and says why."""

import pytest

from apps.meetings.services import agenda_item_add
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory, MeetingFactory, make_ready


@pytest.fixture
def chair(make_user):
    """The meeting's chair: a medical oncologist, a clinician other than `clinician`."""
    return make_user("clinician", specialty="medical_oncologist")


@pytest.fixture
def meeting(hospital, chair):
    """A meeting of `hospital` in progress, chaired by `chair`."""
    return MeetingFactory(hospital=hospital, status="in_progress", chair=chair)


def _case_with_snapshot(hospital, actor):
    """Ready for discussion (its readiness checklist complete), so that it can be listed as
    standard of care."""
    made = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    recommendation_create(case=made, actor=actor)
    make_ready(made)
    return made


@pytest.fixture
def case(hospital, coordinator):
    """A case of `hospital` whose pathway call is "resectable" (primary code HEPATECTOMY), with
    one recommendation snapshot, evaluated by `coordinator`."""
    return _case_with_snapshot(hospital, coordinator)


@pytest.fixture
def item(meeting, case, coordinator):
    """`case` put on `meeting`'s agenda by `coordinator`, through the agenda service."""
    return agenda_item_add(meeting=meeting, case=case, actor=coordinator)


@pytest.fixture
def add_case(meeting, hospital, coordinator):
    """add_case(): one more case like `case` (its own snapshot), put on `meeting`'s agenda by
    `coordinator`; returns its agenda item."""

    def add():
        made = _case_with_snapshot(hospital, coordinator)
        return agenda_item_add(meeting=meeting, case=made, actor=coordinator)

    return add


@pytest.fixture
def clinician_client(client_for, clinician):
    """An API client logged in as `clinician`."""
    return client_for(clinician)
