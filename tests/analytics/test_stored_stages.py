"""The worklist's stored stages: every change made through the services moves the stored
stage at the next read, the stored rows always agree with the stages computed from the records,
a day's change of date recomputes every case, and a change rolled back leaves nothing behind."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from apps.analytics import worklist
from apps.analytics.models import CaseStage, CaseStageMark, HospitalStages
from apps.analytics.tasks import refresh_worklist_stages
from apps.analytics.worklist import worklist_cases
from apps.meetings.models import ResectabilityVote
from apps.meetings.services import agenda_item_add
from apps.meetings.services.agenda_moves import agenda_item_postpone
from apps.meetings.services.decisions import decision_record
from apps.meetings.services.sign_off import meeting_sign_off
from apps.meetings.services.treatment import treatment_record
from apps.patients.services import case_update
from apps.readiness.models import ReadinessPolicy
from apps.recommendations.services import recommendation_create
from tests.analytics.test_worklist import cases, treat  # noqa: F401 (the fixture)
from tests.factories import CaseFactory, MeetingFactory, make_ready

pytestmark = pytest.mark.django_db

WEEK = datetime.timedelta(days=7)
PLAN = {"intent": "curative", "agreement": "agree", "plan_codes": ["HEPATECTOMY"]}


def _row(case):
    return (case.stage, case.stage_since, case.rediscussion_due, case.waiting_for_meeting)


def _stored(user):
    return {case.id: _row(case) for case in worklist_cases(user=user)}


def _computed(user, hospital):
    """The same list computed from the records in the query itself, as for another day."""
    listed = worklist_cases(user=user).model.objects.filter(patient__hospital=hospital)
    return {
        case.id: _row(case)
        for case in worklist._computed_worklist(
            listed, hospital=hospital, today=timezone.localdate(), stage="", flag=""
        )
    }


def _assert_agree(user, hospital):
    stored = _stored(user)
    assert stored == _computed(user, hospital)
    # The read took every mark of the hospital's cases away (another hospital's wait for
    # its own reads).
    assert not CaseStageMark.objects.filter(case__patient__hospital=hospital).exists()
    return stored


@pytest.fixture
def chair(make_user):
    return make_user("clinician", specialty="medical_oncologist")


def test_stored_stages_agree_with_the_records_for_every_stage(viewer, hospital, cases):  # noqa: F811
    stored = _assert_agree(viewer, hospital)
    assert {stage for stage, *_ in stored.values()} == set(worklist.STAGE_ORDER)


def test_each_step_of_a_case_moves_its_stored_stage(
    viewer, hospital, chair, clinician, coordinator
):
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    assert _assert_agree(viewer, hospital)[case.id][0] == "in_preparation"
    recommendation_create(case=case, actor=coordinator)
    assert _assert_agree(viewer, hospital)[case.id][0] == "in_preparation"  # no imaging yet
    make_ready(case, on=timezone.localdate() - datetime.timedelta(days=3))
    assert _assert_agree(viewer, hospital)[case.id][0] == "ready"

    first = MeetingFactory(
        hospital=hospital,
        chair=chair,
        status="in_progress",
        scheduled_for=timezone.now() - 10 * WEEK,
    )
    item = agenda_item_add(meeting=first, case=case, actor=coordinator)
    assert _assert_agree(viewer, hospital)[case.id][0] == "on_agenda"

    decision_record(
        item=item,
        actor=clinician,
        data={**PLAN, "rediscuss_in_weeks": 4, "rediscuss_reason": "Restage"},
    )
    meeting_sign_off(meeting=first, actor=chair)
    stage, _, rediscussion_due, _ = _assert_agree(viewer, hospital)[case.id]
    assert stage == "discussed" and rediscussion_due  # asked back six weeks ago

    started = timezone.localdate(first.scheduled_for) + datetime.timedelta(days=5)
    treatment_record(
        item=item,
        actor=coordinator,
        data={"treatment_code": "HEPATECTOMY", "started_on": started, "matches": "yes"},
    )
    stage, since, *_ = _assert_agree(viewer, hospital)[case.id]
    assert (stage, since) == ("treatment_started", started)

    second = MeetingFactory(
        hospital=hospital,
        chair=chair,
        status="in_progress",
        scheduled_for=timezone.now() - 2 * WEEK,
    )
    postponed = agenda_item_add(meeting=second, case=case, actor=coordinator)
    agenda_item_postpone(item=postponed, reason="out_of_time", actor=coordinator)
    meeting_sign_off(meeting=second, actor=chair)
    stage, _, rediscussion_due, waiting = _assert_agree(viewer, hospital)[case.id]
    # Listed after the request: no longer due; postponed with no later meeting: waiting.
    assert not rediscussion_due and waiting

    case_update(case=case, data={"status": "closed"}, actor=coordinator)
    assert _assert_agree(viewer, hospital)[case.id][0] == "closed"


def test_a_change_rolled_back_leaves_no_mark(viewer, hospital, coordinator):
    case = CaseFactory(patient__hospital=hospital)
    _assert_agree(viewer, hospital)
    meeting = MeetingFactory(hospital=hospital, scheduled_for=timezone.now() + WEEK)
    CaseStageMark.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        agenda_item_add(meeting=meeting, case=case, actor=coordinator)
        assert CaseStageMark.objects.filter(case=case).exists()
        raise RuntimeError
    assert not CaseStageMark.objects.exists()
    assert _stored(viewer)[case.id][0] == "referred"


@pytest.mark.parametrize("changed", [2, 9])
def test_bringing_changed_cases_up_to_date_takes_the_same_statements_for_any_number(
    viewer, hospital, coordinator, django_assert_num_queries, changed
):
    """The read after changes refreshes every marked case in one statement: two changed cases
    or nine cost the same queries (the worklist API's pinned count is the steady read's)."""
    today = timezone.localdate()
    CaseFactory(patient__hospital=hospital)
    worklist.current_stages(hospital=hospital, today=today)
    for _ in range(changed):
        CaseFactory(patient__hospital=hospital)
    assert CaseStageMark.objects.count() == changed
    # The state and the marks read, then under a savepoint: the state locked, the marks read
    # again, the readiness policy, one INSERT ... SELECT for every marked case, the marks
    # deleted, the savepoint released.
    with django_assert_num_queries(9):
        worklist.current_stages(hospital=hospital, today=today)
    assert not CaseStageMark.objects.exists()
    assert CaseStage.objects.filter(hospital=hospital).count() == changed + 1


def test_changes_that_move_no_stage_leave_no_mark(hospital, chair, coordinator):
    case = CaseFactory(patient__hospital=hospital)
    meeting = MeetingFactory(hospital=hospital, scheduled_for=timezone.now() + WEEK)
    item = agenda_item_add(meeting=meeting, case=case, actor=coordinator)
    CaseStageMark.objects.all().delete()
    ResectabilityVote.objects.create(agenda_item=item, surgeon=chair, call="resectable")
    assert not CaseStageMark.objects.exists()


def test_a_new_day_recomputes_every_case(viewer, hospital, coordinator, cases):  # noqa: F811
    today = timezone.localdate()
    _assert_agree(viewer, hospital)
    # Yesterday's rows, one of them wrong for today without any change to its records (as a
    # treatment reaching follow-up overnight).
    followed_up = cases["followed_up"]
    CaseStage.objects.filter(case=followed_up).update(stage="treatment_started")
    HospitalStages.objects.filter(hospital=hospital).update(
        computed_on=today - datetime.timedelta(days=1)
    )
    stored = _assert_agree(viewer, hospital)
    assert stored[followed_up.id][0] == "follow_up"
    assert HospitalStages.objects.get(hospital=hospital).computed_on == today
    assert set(CaseStage.objects.values_list("computed_on", flat=True)) == {today}


def test_a_changed_readiness_policy_recomputes_every_case(viewer, hospital, cases):  # noqa: F811
    assert _assert_agree(viewer, hospital)[cases["no_imaging"].id][0] == "in_preparation"
    ReadinessPolicy.objects.update_or_create(
        hospital=hospital,
        defaults={
            "ct_chest_abdomen_pelvis_required": False,
            "liver_mri_required": False,
            "cea_required": False,
            "performance_status_required": False,
            "histology_required": False,
        },
    )
    assert HospitalStages.objects.get(hospital=hospital).computed_on is None
    assert _assert_agree(viewer, hospital)[cases["no_imaging"].id][0] == "ready"


def test_the_nightly_task_stages_every_hospital(hospital, other_hospital, viewer):
    mine = CaseFactory(patient__hospital=hospital)
    theirs = CaseFactory(patient__hospital=other_hospital)
    assert refresh_worklist_stages.apply().result == 2
    assert set(CaseStage.objects.values_list("case_id", "hospital_id")) >= {
        (mine.id, hospital.id),
        (theirs.id, other_hospital.id),
    }
    assert not CaseStageMark.objects.exists()
    assert HospitalStages.objects.filter(computed_on=timezone.localdate()).count() >= 2


@pytest.mark.parametrize("flag", ["", "rediscussion_due", "waiting_for_meeting"])
def test_counts_of_the_stored_stages_are_the_lists_counts(viewer, cases, flag):  # noqa: F811
    from apps.analytics.worklist import stage_counts, worklist_counts

    counts = worklist_counts(user=viewer, flag=flag)
    assert counts == stage_counts(worklist_cases(user=viewer, flag=flag))
    assert sum(counts.values()) == worklist_cases(user=viewer, flag=flag).count()


def test_board_columns_are_each_stage_s_oldest_cases(viewer, cases):  # noqa: F811
    from apps.analytics.worklist import board_columns

    listed = list(worklist_cases(user=viewer))
    columns = board_columns(worklist_cases(user=viewer), per_stage=2)
    for stage in worklist.STAGE_ORDER:
        in_stage = [case.id for case in listed if case.stage == stage]
        assert [case.id for case in columns[stage]] == in_stage[:2]
