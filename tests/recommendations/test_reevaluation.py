"""Upgrading a hospital to crlm-2027.1: a database holding crlm-2026.1 snapshots shows them stale
("pathway updated"); a coordinator re-evaluates every open case in one action (page button and
POST /api/v1/pathway/reevaluate/), run as a Celery task with its progress; each new snapshot is
audited with the coordinator as author; the page and the API then list per case what changed,
the cases on the next agenda first; facts the new version refuses are listed, not changed."""

import datetime

import pytest
from django.core import checks
from django.urls import reverse
from django.utils import timezone

from apps.imaging.models import LiverLesion
from apps.meetings.services import agenda_item_add
from apps.patients.models import TreatmentHistory
from apps.recommendations.choices import ReevaluationOutcome, ReevaluationStatus
from apps.recommendations.models import RecommendationSnapshot, Reevaluation, ReevaluationCase
from apps.recommendations.reevaluating import reevaluate_case, reevaluation_run
from apps.recommendations.selectors import (
    cases_refused_by_current_pathway,
    recommendation_latest,
    stale_open_case_count,
)
from apps.recommendations.services import recommendation_create, reevaluation_request
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

OLD = "crlm-2026.1"


@pytest.fixture
def upgraded(hospital, coordinator):
    """A hospital whose open cases were evaluated with crlm-2026.1 before the upgrade: one whose
    recommendation changes (an 82-year-old at ECOG 3: ablation then, supportive care now), one
    unchanged, one on the next meeting's agenda, one closed (not re-evaluated), and one whose
    stored facts the new version refuses (a lesion disappeared without chemotherapy, recorded
    when the old version allowed it)."""

    def make(example, mrn, **extra):
        case = CaseFactory(
            patient__hospital=hospital, patient__mrn=mrn, facts=example, created_by=coordinator
        )
        recommendation_create(case=case, actor=coordinator, version=OLD)
        for name, value in extra.items():
            setattr(case, name, value)
        case.save()
        return case

    changed = make("unfit-small-lesions-ablation", "UPG-1")
    unchanged = make("solitary-metachronous-low-risk", "UPG-2")
    on_agenda = make("resectable-after-four-cycles", "UPG-3")
    closed = make("solitary-metachronous-low-risk", "UPG-4", status="closed")
    refused = make("solitary-metachronous-low-risk", "UPG-5")
    # As a database from before the upgrade holds it (the old rules allowed it).
    LiverLesion.objects.filter(case=refused).update(disappeared=True)
    TreatmentHistory.objects.filter(case=refused).update(
        preoperative_cycles=0, prior_systemic_lines=0
    )
    meeting = MeetingFactory(
        hospital=hospital,
        scheduled_for=timezone.now() + datetime.timedelta(days=5),
    )
    agenda_item_add(meeting=meeting, case=on_agenda, actor=coordinator)
    return {
        "changed": changed,
        "unchanged": unchanged,
        "on_agenda": on_agenda,
        "closed": closed,
        "refused": refused,
    }


def _run(hospital, coordinator, django_capture_on_commit_callbacks) -> Reevaluation:
    with django_capture_on_commit_callbacks(execute=True):
        run = reevaluation_request(hospital=hospital, actor=coordinator)
    run.refresh_from_db()
    return run


def test_after_the_upgrade_every_open_case_is_stale_with_pathway_updated(upgraded, hospital):
    for name in ("changed", "unchanged", "on_agenda"):
        snapshot = recommendation_latest(case=upgraded[name])
        assert snapshot.pathway_version == OLD
        assert snapshot.stale and snapshot.stale_reason == "pathway_updated"
    assert stale_open_case_count(hospital=hospital) == 4  # the closed case is not counted


def test_the_migration_check_lists_the_refused_cases_without_changing_them(upgraded):
    refused = upgraded["refused"]
    messages = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    warning = next(message for message in messages if message.id == "recommendations.W001")
    assert str(refused.pk) in warning.msg and "UPG-5" not in warning.msg
    assert list(cases_refused_by_current_pathway()) == [refused]
    assert LiverLesion.objects.get(case=refused).disappeared is True  # nothing changed


def test_the_reevaluation_task_gives_each_open_case_a_snapshot_and_records_the_changes(
    upgraded, hospital, coordinator, django_capture_on_commit_callbacks
):
    run = _run(hospital, coordinator, django_capture_on_commit_callbacks)

    assert run.status == ReevaluationStatus.DONE
    assert (run.done, run.total) == (4, 4)
    records = {
        record.case_id: record for record in ReevaluationCase.objects.filter(reevaluation=run)
    }
    assert upgraded["closed"].pk not in records

    changed = records[upgraded["changed"].pk]
    assert changed.outcome == ReevaluationOutcome.CHANGED
    assert changed.changes["primary_before"] == "LOCAL_ABLATIVE_THERAPY"
    assert changed.changes["primary_after"] == "BEST_SUPPORTIVE_CARE"
    assert "BEST_SUPPORTIVE_CARE" in changed.changes["added"]
    assert changed.changes["version_before"] == OLD
    assert changed.after.pathway_version == "crlm-2027.1"
    # The new snapshot is audited with the coordinator as its author.
    assert changed.after.history.get().history_user == coordinator

    assert records[upgraded["unchanged"].pk].outcome == ReevaluationOutcome.UNCHANGED
    refused = records[upgraded["refused"].pk]
    assert refused.outcome == ReevaluationOutcome.REFUSED
    assert refused.after is None
    assert set(refused.changes["errors"]) == {"liver.lesions[0].disappeared"}
    assert stale_open_case_count(hospital=hospital) == 1  # only the refused one is left


def test_a_redelivered_task_skips_the_cases_already_done(
    upgraded, hospital, coordinator, django_capture_on_commit_callbacks
):
    run = _run(hospital, coordinator, django_capture_on_commit_callbacks)
    snapshots = RecommendationSnapshot.objects.count()
    assert reevaluate_case(reevaluation=run, case=upgraded["changed"]) is None
    Reevaluation.objects.filter(pk=run.pk).update(status=ReevaluationStatus.RUNNING)
    reevaluation_run(reevaluation_id=str(run.pk))
    assert RecommendationSnapshot.objects.count() == snapshots
    assert ReevaluationCase.objects.filter(reevaluation=run).count() == 4


def test_a_second_request_while_one_waits_returns_it(hospital, coordinator, upgraded):
    first = reevaluation_request(hospital=hospital, actor=coordinator)  # not run: no commit
    second = reevaluation_request(hospital=hospital, actor=coordinator)
    assert first.pk == second.pk and first.status == ReevaluationStatus.PENDING


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), [("clinician", 403), ("viewer", 403)])
def test_only_a_coordinator_reevaluates(make_user, client_for, upgraded, role, expected):
    response = client_for(make_user(role)).post(reverse("api:pathway-reevaluate"))
    assert response.status_code == expected
    assert not Reevaluation.objects.exists()


def test_the_api_runs_it_and_lists_the_changes_next_agenda_first(
    client_for, coordinator, upgraded, django_capture_on_commit_callbacks, make_user
):
    client = client_for(coordinator)
    assert client.get(reverse("api:pathway-reevaluate")).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api:pathway-reevaluate"))
    assert response.status_code == 202
    run_id = response.json()["id"]

    status = client_for(make_user("viewer")).get(reverse("api:pathway-reevaluate")).json()
    assert status["status"] == "done" and (status["done"], status["total"]) == (4, 4)
    listed = client.get(reverse("api:pathway-reevaluate-cases", args=[run_id])).json()
    rows = listed["results"]
    assert rows[0]["case"] == str(upgraded["on_agenda"].pk)  # on the next agenda: first
    assert rows[0]["next_meeting_at"] is not None
    assert all(row["next_meeting_at"] is None for row in rows[1:])
    by_case = {row["case"]: row for row in rows}
    changed = by_case[str(upgraded["changed"].pk)]
    assert (changed["primary_before"], changed["primary_after"]) == (
        "LOCAL_ABLATIVE_THERAPY",
        "BEST_SUPPORTIVE_CARE",
    )
    assert by_case[str(upgraded["refused"].pk)]["errors"]


def test_another_hospitals_run_is_not_found(
    client_for, coordinator, upgraded, other_hospital, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = reevaluation_request(hospital=coordinator.staff_profile.hospital, actor=coordinator)
    outsider = make_user("coordinator", hospital=other_hospital)
    url = reverse("api:pathway-reevaluate-cases", args=[run.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(reverse("api:pathway-reevaluate")).status_code == 404
    bad = reverse("api:pathway-reevaluate-cases", args=["not-a-uuid"])
    assert client_for(coordinator).get(bad).status_code == 404


# --- the page -----------------------------------------------------------------------------------


def test_the_page_offers_the_button_to_coordinators_and_shows_the_changes(
    client, coordinator, viewer, upgraded, django_capture_on_commit_callbacks
):
    client.force_login(viewer)
    page = client.get(reverse("workspace:pathway")).content.decode()
    assert "4</strong> open cases still carry" in page
    assert 'id="reevaluate"' not in page
    assert "UPG-5" in page  # the refused case, listed for correction
    assert client.post(reverse("workspace:pathway-reevaluate")).status_code == 403

    client.force_login(coordinator)
    assert 'id="reevaluate"' in client.get(reverse("workspace:pathway")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workspace:pathway-reevaluate"))
    assert response.status_code == 302
    page = client.get(reverse("workspace:pathway")).content.decode()
    assert 'id="reevaluation-done"' in page
    assert "<del>Local ablative therapy</del> → <strong>Best supportive care</strong>" in page
    assert "Cannot be evaluated" in page
    assert page.index("UPG-3") < page.index("UPG-1")  # the next agenda's case first


def test_the_page_shows_progress_while_the_run_is_under_way(
    client, coordinator, upgraded, hospital
):
    run = reevaluation_request(hospital=hospital, actor=coordinator)  # queued on commit only
    Reevaluation.objects.filter(pk=run.pk).update(status=ReevaluationStatus.RUNNING, done=1)
    client.force_login(coordinator)
    response = client.get(
        reverse("workspace:pathway"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="reevaluation"
    )
    html = response.content.decode()
    assert 'id="reevaluation-progress" value="1" max="4"' in html
    assert 'hx-trigger="every 1s"' in html
    assert 'id="reevaluate"' not in html  # no second run while one is under way


def test_the_case_page_says_why_its_facts_cannot_be_evaluated(client, coordinator, upgraded):
    client.force_login(coordinator)
    refused = upgraded["refused"]
    html = client.get(reverse("workspace:case-detail", args=[refused.pk])).content.decode()
    banner = html.split('id="facts-refused"', 1)[1].split("</div>", 1)[0]
    assert "cannot compute a recommendation" in banner
    assert "Lesion 1: Disappeared after chemotherapy" in banner
    response = client.post(
        reverse("workspace:case-recalculate", args=[refused.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "Lesion 1: Disappeared after chemotherapy" in response.content.decode()
    fine = client.get(reverse("workspace:case-detail", args=[upgraded["changed"].pk]))
    assert 'id="facts-refused"' not in fine.content.decode()
