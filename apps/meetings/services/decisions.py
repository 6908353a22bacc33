"""Writes of the board's decision on an agenda case, its actions and its follow-up.

A decision is a draft (version 1) while the meeting is in progress. Several people may edit it at
once (the chair, the presenter, a scribe), so nobody may overwrite a draft they have not seen:
every edit names the revision it was made on, as an `If-Match` ETag or a body `revision`, and a
stale one is refused with what changed since, who changed it and when. The agenda item's row is
locked for each write, so two edits of one case happen one after the other and the second sees
the first.

Once the chair signs the meeting off, a decision changes only by amendment: a new version with
its reason and author, the earlier versions kept as they were.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.services import assign, delete_audited, save_audited
from apps.core.words import lower_words, words
from apps.readiness.selectors import Readiness, case_readiness
from apps.recommendations.choices import StaleReason
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.selectors import recommendation_latest

from ..choices import Agreement, MeetingStatus
from ..models import AgendaItem, Decision, DecisionAction, Meeting
from ..selectors import meeting_quorum
from .checks import (
    lock_item,
    nurse_only,
    require_chair,
    require_in_progress,
    require_member,
    require_not_signed_off,
    require_nurse_may,
    working_days_after,
)
from .typing import decision_typing_clear

# Who tells the patient, by default: within two working days of the meeting.
INFORM_PATIENT_WORKING_DAYS = 2
# A time "now" on the client may be slightly ahead of the server's clock.
CLOCK_SKEW = datetime.timedelta(minutes=2)
# The latest date to tell the patient by that a follow-up may set, after the meeting.
INFORM_BY_WINDOW = datetime.timedelta(days=90)

# The fields of a decision a conflict report compares (attribute name, name shown).
CONTENT_FIELDS = (
    ("recommendation_id", "recommendation"),
    ("plan_codes", "plan_codes"),
    ("plan_text", "plan_text"),
    ("intent", "intent"),
    ("agreement", "agreement"),
    ("departure_reason", "departure_reason"),
    ("departure_detail", "departure_detail"),
    ("listed_not_discussed", "listed_not_discussed"),
    ("quorate", "quorate"),
    ("rediscuss_on", "rediscuss_on"),
    ("rediscuss_reason", "rediscuss_reason"),
)
# How far ahead a decision may ask for the case back.
REDISCUSS_WINDOW = datetime.timedelta(days=2 * 365)


class Recorded(NamedTuple):
    decision: Decision
    created: bool


# --- shared checks ------------------------------------------------------------------------------


def _require_not_moved(item: AgendaItem) -> None:
    if item.moved_to_id is not None:
        raise ApplicationError(
            "The case moved to a later meeting: it is decided there, not here.",
            errors={"": [f"Work on the case at meeting {item.moved_to_id}."]},
            status=409,
        )
    if item.postponement_reason:
        raise ApplicationError(
            "The case is postponed at this meeting: withdraw the postponement to decide it here.",
            errors={"postponement": ["DELETE the agenda case's postponement first."]},
            status=409,
        )


def _current(item: AgendaItem) -> Decision | None:
    return Decision.objects.filter(agenda_item=item).order_by("-version").first()


def _set_inform_patient_by(item: AgendaItem, actor: Any) -> None:
    """A first decision starts the clock for telling the patient, unless a date is set."""
    if item.inform_patient_by is None:
        meeting_day = timezone.localdate(item.meeting.scheduled_for)
        item.inform_patient_by = working_days_after(meeting_day, INFORM_PATIENT_WORKING_DAYS)
        save_audited(item, actor=actor)


# --- concurrency --------------------------------------------------------------------------------


def decision_etag(decision: Decision) -> str:
    """The entity tag of one revision of one version: `"<decision id>.<revision>"`."""
    return f'"{decision.pk}.{decision.revision}"'


def _etags(header: str) -> list[str]:
    """The tags of an If-Match header, weak prefixes dropped, quotes kept."""
    return [tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()]


def _revision_in(tags: list[str], decision: Decision) -> int | None:
    """The revision the client names for this decision, if any of its tags is one of ours."""
    for tag in tags:
        decision_id, _, revision = tag.strip('"').partition(".")
        if decision_id == str(decision.pk) and revision.isdecimal() and len(revision) < 10:
            return int(revision)
    return None


def _shown(attribute: str, value: Any) -> str:
    """A decision field's value as a person reads it: codes and enum values in words."""
    if value in ("", None, []):
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if attribute == "recommendation_id":
        return "another recommendation"
    if isinstance(value, list):
        return "; ".join(words(item) for item in value)
    vocabulary = {
        "intent": "Intent",
        "agreement": "Agreement",
        "departure_reason": "DepartureReason",
    }.get(attribute)
    text = words(value, vocabulary) if vocabulary else str(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def _when(moment: datetime.datetime) -> str:
    """A time as people say it: "14:05 today", or "14:05 on 8 Jan"."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return f"{local:%H:%M} today"
    return f"{local:%H:%M} on {local.day} {local:%b %Y}"


def _changes_since(decision: Decision, revision: int) -> dict[str, list[str]]:
    """What differs between the client's revision (from the history) and the stored decision:
    for each field, who changed it last and when, its value then and now."""
    rows = list(
        decision.history.filter(revision__gte=revision)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    bases = [index for index, row in enumerate(rows) if row.revision == revision]
    if not bases:
        return {}
    base_index = bases[-1]
    base = rows[base_index]
    last_change: dict[str, Any] = {}
    for before, after in zip(rows[base_index:], rows[base_index + 1 :], strict=False):
        for attribute, _ in CONTENT_FIELDS:
            if getattr(before, attribute) != getattr(after, attribute):
                last_change[attribute] = after
    errors: dict[str, list[str]] = {}
    for attribute, name in CONTENT_FIELDS:
        was, now = getattr(base, attribute), getattr(decision, attribute)
        if was == now:
            continue
        row = last_change.get(attribute)
        user = row.history_user if row else None
        who = (user.get_full_name() or user.get_username()) if user is not None else "someone"
        when = _when(row.history_date) if row else "an unknown time"
        errors[name] = [
            f"Changed by {who} at {when}: was {_shown(attribute, was)}, "
            f"now {_shown(attribute, now)}."
        ]
    return errors


def _conflict(decision: Decision, revision: int | None, *, status: int) -> ApplicationError:
    errors = _changes_since(decision, revision) if revision is not None else {}
    yours = f"revision {revision}" if revision is not None else "an unknown revision"
    errors["revision"] = [
        f"You edited {yours}; the decision is now at revision {decision.revision}."
    ]
    what = "If-Match does not match" if status == 412 else "The revision you sent is not"
    return ApplicationError(
        f"{what} the current decision: it changed since you read it. Reload it, check the "
        "changes and apply yours again.",
        errors=errors,
        status=status,
    )


def _check_precondition(
    decision: Decision | None,
    *,
    if_match: str | None,
    expected_revision: int | None,
    required: bool,
) -> None:
    """Refuse a write made on a revision other than the stored one: If-Match → 412 (the HTTP
    precondition), body revision → 409. With `required`, an edit must name one (428)."""
    if decision is None:
        if if_match is not None:
            raise ApplicationError(
                "If-Match names a decision, but none is recorded for this case yet.",
                errors={"": ["Leave out If-Match to record the first version."]},
                status=412,
            )
        if expected_revision is not None:
            raise ApplicationError(
                "No decision is recorded for this case yet: there is no revision to match.",
                errors={"revision": ["Leave out revision to record the first version."]},
                status=409,
            )
        return
    if required and if_match is None and expected_revision is None:
        raise ApplicationError(
            "A decision is already recorded: say which revision you edited, so that nobody "
            "overwrites a change they have not seen.",
            errors={
                "": [
                    f"Send the header If-Match: {decision_etag(decision)} (the ETag of your "
                    f"GET), or revision: {decision.revision} in the body, after checking the "
                    "current decision."
                ]
            },
            status=428,
        )
    if if_match is not None:
        tags = _etags(if_match)
        if "*" not in tags and decision_etag(decision) not in tags:
            raise _conflict(decision, _revision_in(tags, decision), status=412)
    if expected_revision is not None and expected_revision != decision.revision:
        raise _conflict(decision, expected_revision, status=409)


# --- the decision's content ---------------------------------------------------------------------


def _latest_snapshot(item: AgendaItem) -> RecommendationSnapshot:
    """The case's newest recommendation (annotated with whether it is stale); 409 if none."""
    snapshot = recommendation_latest(case=item.case)
    if snapshot is None:
        raise ApplicationError(
            "No recommendation has been made for this case: make a recommendation first.",
            errors={"recommendation": ["POST to the case's recommendation address first."]},
            status=409,
        )
    return snapshot


def _snapshot(item: AgendaItem, snapshot_id: Any) -> RecommendationSnapshot:
    if snapshot_id is None:
        return _latest_snapshot(item)
    snapshot = RecommendationSnapshot.objects.filter(case_id=item.case_id, pk=snapshot_id).first()
    if snapshot is None:
        raise ApplicationError(
            "Invalid input: see the errors for each field.",
            errors={"recommendation": ["Not a recommendation snapshot of this case."]},
        )
    return snapshot


def _content(item: AgendaItem, data: dict[str, Any]) -> dict[str, Any]:
    """The decision's fields from the input, checked against the snapshot it is made on."""
    snapshot = _snapshot(item, data.get("recommendation"))
    plan_codes = list(data.get("plan_codes") or [])
    plan_text = data.get("plan_text", "")
    agreement = data.get("agreement")
    departure_reason = data.get("departure_reason", "")
    departure_detail = data.get("departure_detail", "")
    offered = sorted({option["code"] for option in snapshot.result.get("recommendations", [])})

    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, code in enumerate(plan_codes):
        if code not in offered:
            errors[f"plan_codes[{index}]"] = [
                f"Not an option of the recommendation; its codes are {', '.join(offered)}."
            ]
        elif code in seen:
            errors[f"plan_codes[{index}]"] = ["Listed twice."]
        seen.add(code)
    if not plan_codes and not plan_text.strip():
        errors["plan_codes"] = ["Give the plan: codes of the recommendation, plan_text, or both."]
    if agreement == Agreement.AGREE:
        for field, value in (
            ("departure_reason", departure_reason),
            ("departure_detail", departure_detail),
        ):
            if value.strip():
                errors[field] = ["Leave this out: the decision agrees with the recommendation."]
    else:
        if not departure_reason:
            errors["departure_reason"] = [
                "Required when the decision modifies or departs from the recommendation."
            ]
        if not departure_detail.strip():
            errors["departure_detail"] = [
                "Required when the decision modifies or departs from the recommendation."
            ]
    rediscussion = _rediscussion(item, data, errors)
    if errors:
        raise ApplicationError("Invalid input: see the errors for each field.", errors=errors)
    return {
        **rediscussion,
        "recommendation": snapshot,
        "plan_codes": plan_codes,
        "plan_text": plan_text,
        "intent": data.get("intent"),
        "agreement": agreement,
        "departure_reason": departure_reason,
        "departure_detail": departure_detail,
    }


def _rediscussion(
    item: AgendaItem, data: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """When the board wants the case back: `rediscuss_on` (a date) or `rediscuss_in_weeks`
    (counted from the meeting's day), one of them, with a short `rediscuss_reason`. Problems
    are added to `errors` by field."""
    on = data.get("rediscuss_on")
    weeks = data.get("rediscuss_in_weeks")
    reason = (data.get("rediscuss_reason") or "").strip()
    meeting_day = timezone.localdate(item.meeting.scheduled_for)
    if on is not None and weeks is not None:
        message = "Give a date or a number of weeks, not both."
        errors["rediscuss_on"] = [message]
        errors["rediscuss_in_weeks"] = [message]
        return {}
    if weeks is not None:
        if not 1 <= weeks <= REDISCUSS_WINDOW.days // 7:
            errors["rediscuss_in_weeks"] = [
                f"From 1 to {REDISCUSS_WINDOW.days // 7} weeks after the meeting."
            ]
            return {}
        on = meeting_day + datetime.timedelta(weeks=weeks)
    if on is None:
        if reason:
            errors["rediscuss_on"] = [
                "Give the date (or rediscuss_in_weeks) the case is to come back, or leave "
                "the reason out."
            ]
        return {"rediscuss_on": None, "rediscuss_reason": ""}
    if not meeting_day < on <= meeting_day + REDISCUSS_WINDOW:
        errors["rediscuss_on"] = [
            f"Must be after the meeting's day ({meeting_day:%d %b %Y}) and within "
            f"{REDISCUSS_WINDOW.days // 365} years of it."
        ]
    if not reason:
        errors["rediscuss_reason"] = ['Say why, in short ("restage after 4 cycles").']
    elif len(reason) > 200:
        errors["rediscuss_reason"] = ["At most 200 characters."]
    return {"rediscuss_on": on, "rediscuss_reason": reason}


# --- decisions ----------------------------------------------------------------------------------


def _signed_record() -> ApplicationError:
    return ApplicationError(
        "The meeting is signed off: its decisions are the record and change only by amendment.",
        errors={"": ["POST the change with an amendment_reason to decision/amend/."]},
        status=409,
    )


def _require_draft_open(meeting: Meeting, current: Decision | None) -> None:
    # The decision's own signature is checked too: the record stays signed even if the
    # meeting's row were ever read stale.
    if meeting.status == MeetingStatus.CLOSED or (current and current.signed_off_at):
        raise _signed_record()
    require_in_progress(meeting, "record a decision")


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    actor: Any,
    data: dict[str, Any],
    if_match: str | None = None,
    expected_revision: int | None = None,
) -> Recorded:
    """Record the first version of the item's decision, or replace the draft.

    `data` holds the decision's fields (recommendation: a snapshot id, or None for the case's
    newest). Replacing the draft needs `if_match` (the ETag the client read) or
    `expected_revision`; see the module docstring. Whether the meeting is quorate is taken now,
    at each write."""
    locked = lock_item(item)
    current = _current(locked)
    _require_draft_open(locked.meeting, current)
    _require_not_moved(locked)
    _check_precondition(
        current, if_match=if_match, expected_revision=expected_revision, required=True
    )
    if current is not None and data.get("recommendation") is None:
        # An edit of the draft stays on the recommendation it was made against: moving it to a
        # newer snapshot is a choice the editor makes by naming it.
        data = {**data, "recommendation": current.recommendation_id}
    content = _content(locked, data)
    decision_typing_clear(item=locked)  # what was being typed is now the record
    content["listed_not_discussed"] = False  # recorded by hand: it was discussed
    content["quorate"] = meeting_quorum(meeting=locked.meeting).quorate
    if current is None:
        decision = Decision(agenda_item=locked, version=1, recorded_by=actor, **content)
        save_audited(decision, actor=actor, clean=True)
        _set_inform_patient_by(locked, actor)
        return Recorded(decision, created=True)
    if assign(current, content):
        current.recorded_by = actor
        current.revision += 1
        save_audited(current, actor=actor, clean=True)
    return Recorded(current, created=False)


def standard_of_care_blocker(snapshot: RecommendationSnapshot | None) -> ApplicationError | None:
    """Why a case cannot be listed as standard of care on this recommendation (the case's
    newest, annotated with its staleness), in words; None when it can."""
    if snapshot is None:
        return ApplicationError(
            "No recommendation has been made for this case: make a recommendation first.",
            errors={"recommendation": ["There is no standard of care to adopt yet."]},
            status=409,
        )
    if getattr(snapshot, "stale", False):
        reason = StaleReason(snapshot.stale_reason)  # type: ignore[attr-defined]
        return ApplicationError(
            f"The recommendation is stale: {reason.label[:1].lower()}{reason.label[1:]}.",
            errors={"recommendation": ["Make a fresh recommendation, or discuss the case."]},
            status=409,
        )
    workup = [lower_words(finding["code"]) for finding in snapshot.result.get("workup", [])]
    if workup:
        return ApplicationError(
            "Work-up is outstanding: a case listed without discussion must be ready for its "
            "standard of care.",
            errors={"recommendation.workup": [f"Still to obtain: {'; '.join(workup)}."]},
            status=409,
        )
    return None


def readiness_blocker(readiness: Readiness) -> ApplicationError | None:
    """Why a case that is not ready cannot be listed as standard of care; None when ready."""
    if readiness.ready:
        return None
    return ApplicationError(
        "The case is not ready: a case listed without discussion must have its readiness "
        "checklist complete.",
        errors={"readiness": [f"Not current: {readiness.outstanding_words()}."]},
        status=409,
    )


@transaction.atomic
def standard_of_care_list(*, item: AgendaItem, actor: Any, intent: str) -> Decision:
    """The chair lists a case as standard of care: the pathway's primary recommendation adopted
    without discussion, so that the meeting's time goes to the cases that need it. Only for a
    case whose recommendation is current and needs no further work-up, and whose readiness
    checklist is complete on the meeting's date; it is signed off with
    the meeting like any decision, and flagged as not discussed."""
    locked = lock_item(item)
    meeting = locked.meeting
    require_chair(meeting, actor, "list a case as standard of care")
    require_not_signed_off(meeting)
    _require_not_moved(locked)
    if _current(locked) is not None:
        raise ApplicationError(
            "A decision is already recorded for this case.",
            errors={"": ["Edit the decision instead (PUT decision/)."]},
            status=409,
        )
    snapshot = _latest_snapshot(locked)
    blocker = standard_of_care_blocker(snapshot)
    if blocker is not None:
        raise blocker
    readiness = case_readiness(case=locked.case, on=timezone.localdate(meeting.scheduled_for))
    blocker = readiness_blocker(readiness)
    if blocker is not None:
        raise blocker
    decision = Decision(
        agenda_item=locked,
        version=1,
        recommendation=snapshot,
        plan_codes=[snapshot.primary_code],
        intent=intent,
        agreement=Agreement.AGREE,
        listed_not_discussed=True,
        quorate=meeting_quorum(meeting=meeting).quorate,
        recorded_by=actor,
    )
    save_audited(decision, actor=actor, clean=True)
    _set_inform_patient_by(locked, actor)
    return decision


@transaction.atomic
def decision_amend(
    *,
    item: AgendaItem,
    actor: Any,
    data: dict[str, Any],
    amendment_reason: str,
    if_match: str | None = None,
    expected_revision: int | None = None,
) -> Decision:
    """Amend a signed-off decision: a new version, final when made, with its reason and
    author. The earlier versions stay as they were. `if_match`/`expected_revision` are optional
    here (an amendment overwrites nothing) and refuse an amendment of a version the client has
    not seen."""
    locked = lock_item(item)
    if locked.meeting.status != MeetingStatus.CLOSED:
        raise ApplicationError(
            "The meeting is not signed off: edit the draft decision instead.",
            errors={"": ["PUT the decision with If-Match or revision; amend after sign-off."]},
            status=409,
        )
    _require_not_moved(locked)
    current = _current(locked)
    if current is None:
        raise ApplicationError(
            "No decision is recorded for this case: there is nothing to amend.", status=409
        )
    _check_precondition(
        current, if_match=if_match, expected_revision=expected_revision, required=False
    )
    if not amendment_reason.strip():
        raise ApplicationError(
            "Invalid input: see the errors for each field.",
            errors={"amendment_reason": ["Say why the signed decision is amended."]},
        )
    decision = Decision(
        agenda_item=locked,
        version=current.version + 1,
        amendment_reason=amendment_reason,
        recorded_by=actor,
        listed_not_discussed=False,
        # Amended outside the meeting: the quorum is that of the board's decision it amends.
        quorate=current.quorate,
        signed_off_at=timezone.now(),
        **_content(locked, data),
    )
    save_audited(decision, actor=actor, clean=True)
    # The patient and the referring clinician were told the decision this one replaces: they
    # are to be told again, within the usual two working days. The times they were told the
    # earlier version stay in the item's history.
    told_again = {
        "patient_informed_at": None,
        "referrer_informed_at": None,
        "inform_patient_by": working_days_after(timezone.localdate(), INFORM_PATIENT_WORKING_DAYS),
    }
    if assign(locked, told_again):
        save_audited(locked, actor=actor)
    return decision


# --- actions ------------------------------------------------------------------------------------


def _require_actions_open(meeting: Meeting, doing: str) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise ApplicationError(
            f"The meeting is signed off: you cannot {doing}.",
            errors={"": ["After sign-off an action's owner, due date and done may change."]},
            status=409,
        )


@transaction.atomic
def action_add(
    *,
    item: AgendaItem,
    actor: Any,
    description: str,
    owner: Any,
    due_on: datetime.date,
) -> DecisionAction:
    """An action the board asks for. Added until sign-off: the signed record lists what the
    board asked; later, actions are tracked (owner, due date, done), not added."""
    locked = lock_item(item)
    _require_not_moved(locked)
    _require_actions_open(locked.meeting, "add an action to its record")
    require_member(owner, locked.meeting.hospital, "owner")
    action = DecisionAction(
        agenda_item=locked, description=description, owner=owner, due_on=due_on, created_by=actor
    )
    save_audited(action, actor=actor, clean=True)
    return action


@transaction.atomic
def action_update(*, action: DecisionAction, actor: Any, data: dict[str, Any]) -> DecisionAction:
    """Change an action: `description`, `owner`, `due_on`, and `done` (true sets when it was
    done, once; false clears it). After sign-off its description is the board's and stays. A
    nurse specialist may change `done` only."""
    require_nurse_may(actor, set(data), {"done"}, "mark an action done")
    locked_item = lock_item(action.agenda_item)
    _require_not_moved(locked_item)
    locked = DecisionAction.objects.select_for_update().get(pk=action.pk)
    values = {key: value for key, value in data.items() if key != "done"}
    if (
        locked_item.meeting.status == MeetingStatus.CLOSED
        and "description" in values
        and values["description"] != locked.description
    ):
        raise ApplicationError(
            "The meeting is signed off: the action's description is the board's record.",
            errors={"description": ["Only owner, due_on and done may change after sign-off."]},
            status=409,
        )
    if "owner" in values:
        require_member(values["owner"], locked_item.meeting.hospital, "owner")
    if "done" in data:
        if not data["done"]:
            values["done_at"] = None
        elif locked.done_at is None:
            values["done_at"] = timezone.now()
    if assign(locked, values):
        save_audited(locked, actor=actor, clean=True)
    return locked


@transaction.atomic
def action_remove(*, action: DecisionAction, actor: Any) -> None:
    if nurse_only(actor):
        raise ApplicationError(
            "A nurse specialist may mark an action done, not remove it.", status=403
        )
    locked_item = lock_item(action.agenda_item)
    _require_not_moved(locked_item)
    _require_actions_open(locked_item.meeting, "remove an action from its record")
    delete_audited(action, actor=actor)


# --- follow-up ----------------------------------------------------------------------------------


@transaction.atomic
def follow_up_update(*, item: AgendaItem, actor: Any, data: dict[str, Any]) -> AgendaItem:
    """Who tells the patient the decision and by when, and when the patient and the referring
    clinician were told. Also after sign-off: telling them follows the meeting. The times are
    when it happened: after the decision they tell and not in the future (a little clock skew
    allowed either way), and only once a decision exists to tell. The date to tell the patient
    by lies from the meeting's day to INFORM_BY_WINDOW after it (or after the amendment that
    is to be told). A nurse specialist records when the patient and the referrer were told,
    and nothing else."""
    require_nurse_may(
        actor,
        set(data),
        {"patient_informed_at", "referrer_informed_at"},
        "record that the patient was told",
    )
    locked = lock_item(item)
    _require_not_moved(locked)
    now = timezone.now()
    told = [f for f in ("patient_informed_at", "referrer_informed_at") if data.get(f) is not None]
    errors = {
        field: ["Cannot be in the future."] for field in told if data[field] > now + CLOCK_SKEW
    }
    if errors:
        raise ApplicationError("Invalid input: see the errors for each field.", errors=errors)
    current = _current(locked)
    if told and current is None:
        raise ApplicationError(
            "No decision is recorded for this case yet: there is nothing to tell.",
            errors={field: ["Record the decision first."] for field in told},
            status=409,
        )
    meeting_day = timezone.localdate(locked.meeting.scheduled_for)
    told_from = locked.meeting.scheduled_for
    if current is not None:
        # The first version was the board's at the meeting (perhaps entered later); an
        # amendment is told again after it was made.
        told_from = (
            current.created_at if current.version > 1 else min(told_from, current.created_at)
        )
    for field in told:
        if data[field] < told_from - CLOCK_SKEW:
            errors[field] = [
                "Cannot be before the decision it tells "
                f"({timezone.localtime(told_from):%d %b %Y %H:%M})."
            ]
    inform_by = data.get("inform_patient_by")
    if inform_by is not None:
        window_start = timezone.localdate(told_from) if current else meeting_day
        latest = max(meeting_day, window_start) + INFORM_BY_WINDOW
        if not meeting_day <= inform_by <= latest:
            errors["inform_patient_by"] = [
                f"Must be from the meeting's day ({meeting_day:%d %b %Y}) to {latest:%d %b %Y} "
                f"({INFORM_BY_WINDOW.days} days after)."
            ]
    if errors:
        raise ApplicationError("Invalid input: see the errors for each field.", errors=errors)
    if "patient_informer" in data:
        require_member(data["patient_informer"], locked.meeting.hospital, "patient_informer")
    if assign(locked, data):
        save_audited(locked, actor=actor, clean=True)
    return locked
