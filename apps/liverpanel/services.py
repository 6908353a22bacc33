"""Writes of the liver expert panel: sending a case, the draw of reviewers, the reviews, the
escalation to five, the chair's conclusion, withdrawal and re-review; and the panels' rosters.

Every write is audited with its author (`save_audited`); the referral's row is locked by each
write of its round, so that two reviews submitted at the same moment both count and only one of
them escalates; the panel's row is locked by each draw, so that two cases sent at once see each
other's assignments when balancing the load.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.core.roles import user_hospital
from apps.core.services import assign, save_audited
from apps.patients.choices import FINISHED_STATUSES
from apps.patients.models import MdtCase
from apps.recommendations.selectors import recommendation_latest
from apps.recommendations.services import recommendation_create

from .choices import CATEGORY_ORDER, OPEN_STATUSES, Disagreement, PanelCategory, ReferralStatus
from .draw import REVIEWERS_ADDED, REVIEWERS_FIRST, draw_record, draw_reviewers, new_seed
from .models import ExpertPanel, PanelMember, PanelReferral, PanelReview
from .plans import plan_checked

logger = logging.getLogger(__name__)


def _conflict(message: str, detail: str) -> ApplicationError:
    return ApplicationError(message, errors={"": [detail]}, status=409)


# --- Rosters -------------------------------------------------------------------------------


@transaction.atomic
def panel_save(
    *,
    actor: Any,
    panel: ExpertPanel | None = None,
    hospitals: Sequence[Hospital] | None = None,
    **values: Any,
) -> ExpertPanel:
    """Create a panel or change its settings (an administrator's work). Its code is unique: it
    starts every referral's pseudonym."""
    panel = panel or ExpertPanel()
    code = values.get("code")
    if code is not None and ExpertPanel.objects.filter(code=code).exclude(pk=panel.pk).exists():
        raise ApplicationError(
            "A panel with this code exists.", errors={"code": ["Choose another code."]}
        )
    if assign(panel, values):
        save_audited(panel, actor=actor, clean=True)
    if hospitals is not None:
        panel.hospitals.set(hospitals)
    return panel


@transaction.atomic
def panel_member_save(
    *,
    panel: ExpertPanel,
    user: Any,
    actor: Any,
    is_chair: bool | None = None,
    active: bool | None = None,
) -> tuple[PanelMember, bool]:
    """Put a surgeon on the panel's roster (or change their place on it). A new chair takes
    the chair from the previous one. Returns the member and whether they are new."""
    ExpertPanel.objects.select_for_update().filter(pk=panel.pk).first()
    if user_hospital(user) is None:
        raise ApplicationError(
            "A panel member needs a staff account in a hospital.",
            errors={"user": ["This account has no hospital."]},
        )
    member = PanelMember.objects.filter(panel=panel, user=user).first()
    created = member is None
    member = member or PanelMember(panel=panel, user=user)
    values: dict[str, Any] = {}
    if is_chair is not None:
        values["is_chair"] = is_chair
    if active is not None:
        values["active"] = active
    if values.get("is_chair"):
        for previous in PanelMember.objects.filter(panel=panel, is_chair=True).exclude(
            pk=member.pk
        ):
            previous.is_chair = False
            save_audited(previous, actor=actor)
    if assign(member, values):
        save_audited(member, actor=actor)
    return member, created


# --- Sending a case and drawing its reviewers ------------------------------------------------


def _open_loads(panel: ExpertPanel) -> dict[str, int]:
    """Each active member's reviews not yet submitted, on rounds still open."""
    rows = (
        PanelMember.objects.filter(panel=panel, active=True)
        .annotate(
            open_reviews=Count(
                "reviews",
                filter=Q(
                    reviews__submitted_at__isnull=True,
                    reviews__referral__status__in=OPEN_STATUSES,
                ),
            )
        )
        .values_list("pk", "open_reviews")
    )
    return {str(pk): load for pk, load in rows}


def _excluded_users(referral: PanelReferral) -> set[Any]:
    """Who may never review the case: the referring surgeon and whoever sent it."""
    return {referral.referring_surgeon_id, referral.referred_by_id} - {None}


def _draw(referral: PanelReferral, *, stage: int, count: int, seed: int) -> list[PanelReview]:
    """Draw `count` reviewers for the referral's stage, record the draw, assign them."""
    already = set(referral.reviews.values_list("member_id", flat=True))
    excluded = _excluded_users(referral)
    members = {
        str(member.pk): member
        for member in PanelMember.objects.filter(panel=referral.panel, active=True)
        if member.pk not in already and member.user_id not in excluded
    }
    loads = _open_loads(referral.panel)
    candidates = sorted((pk, loads.get(pk, 0)) for pk in members)
    drawn = draw_reviewers(candidates, seed=seed, count=count)
    referral.draws = [
        *referral.draws,
        draw_record(stage=stage, seed=seed, candidates=candidates, drawn=drawn),
    ]
    reviews = []
    for pk in drawn:
        review = PanelReview(referral=referral, member=members[pk], stage=stage)
        save_audited(review, actor=referral.referred_by)
        reviews.append(review)
    return reviews


def _current_snapshot(case: MdtCase, actor: Any) -> Any:
    """The case's newest recommendation snapshot if it is current, else a new one."""
    latest = recommendation_latest(case=case)
    if latest is not None and not latest.stale:
        return latest
    return recommendation_create(case=case, actor=actor)


@transaction.atomic
def panel_referral_create(
    *,
    case: MdtCase,
    panel: ExpertPanel,
    question: str,
    actor: Any,
    referring_surgeon: Any = None,
    due_on: datetime.date | None = None,
    previous: PanelReferral | None = None,
    seed: int | None = None,
) -> PanelReferral:
    """Send the case to the panel with a question: three reviewers drawn (fewest open reviews
    first, ties at random; never the referring surgeon nor the sender), each given a review
    task due on `due_on` (default: the panel's review days from today). The reviewers read the
    case's current recommendation snapshot (one is made if the newest is stale).

    `previous`: the concluded round this one reviews again (a case on chemotherapy). `seed`
    fixes the draw's random order (tests, and replaying a draw); otherwise a fresh one."""
    hospital = case.patient.hospital
    panel = ExpertPanel.objects.select_for_update().get(pk=panel.pk)
    if not panel.active or not panel.hospitals.filter(pk=hospital.pk).exists():
        raise ApplicationError(
            "This panel does not take cases from your hospital.",
            errors={"panel": ["Choose a panel your hospital sends cases to."]},
        )
    if case.status in FINISHED_STATUSES:
        raise _conflict(
            "The case is closed or withdrawn.", "Reopen the case before sending it to a panel."
        )
    if PanelReferral.objects.filter(
        case=case, panel=panel, status__in=[*OPEN_STATUSES, ReferralStatus.AWAITING_CONCLUSION]
    ).exists():
        raise _conflict(
            "The case is already with this panel.",
            "Wait for the panel's conclusion, or withdraw the case from it first.",
        )
    if previous is not None:
        if previous.case_id != case.pk or previous.status != ReferralStatus.CONCLUDED:
            raise ApplicationError(
                "A re-review follows a concluded round of the same case.",
                errors={"previous": ["Not a concluded panel round of this case."]},
            )
        if PanelReferral.objects.filter(previous=previous).exists():
            raise _conflict(
                "This round has been reviewed again already.",
                "Schedule the re-review from the newest round.",
            )
    today = timezone.localdate()
    due_on = due_on or today + datetime.timedelta(days=panel.review_days)
    if due_on < today:
        raise ApplicationError(
            "The due date has passed.", errors={"due_on": ["Choose today or a later day."]}
        )
    snapshot = _current_snapshot(case, actor)
    panel.last_number += 1
    panel.save(update_fields=["last_number"])
    referral = PanelReferral(
        panel=panel,
        case=case,
        pseudonym=f"{panel.code.upper()}-{panel.last_number:04d}",
        snapshot=snapshot,
        question=question,
        referring_surgeon=referring_surgeon,
        referred_by=actor,
        referred_at=timezone.now(),
        due_on=due_on,
        previous=previous,
    )
    save_audited(referral, actor=actor, clean=True)
    reviews = _draw(
        referral, stage=1, count=REVIEWERS_FIRST, seed=new_seed() if seed is None else seed
    )
    if len(reviews) < REVIEWERS_FIRST:
        raise _conflict(
            f"The panel has {len(reviews)} members who may review this case; a round needs "
            f"{REVIEWERS_FIRST}.",
            "Ask the panel's administrator to add members (the referring surgeon never reviews "
            "their own case).",
        )
    referral.save(update_fields=["draws"])
    _notify(reviews)
    return referral


def _notify(reviews: Sequence[PanelReview]) -> None:
    """E-mail the drawn reviewers once the draw commits (each also has an in-app task)."""
    ids = [str(review.pk) for review in reviews]
    transaction.on_commit(functools.partial(_send_notifications, ids))


def _send_notifications(review_ids: list[str]) -> None:
    from .tasks import review_assigned_notify

    for review_id in review_ids:
        try:
            review_assigned_notify.delay(review_id)
        except Exception as error:
            logger.warning(
                "panel review %s: e-mail not queued (%s)", review_id, type(error).__name__
            )


# --- Reviews, escalation, conclusion ----------------------------------------------------------


def disagreement_of(categories: Sequence[str]) -> str:
    """None, minor (one category apart) or major (resectable against permanently
    unresectable), from the spread of the categories."""
    order = [CATEGORY_ORDER[category] for category in categories]  # type: ignore[index]
    spread = max(order) - min(order)
    return [Disagreement.NONE, Disagreement.MINOR, Disagreement.MAJOR][spread]


def categories_ranked(categories: Sequence[str]) -> list[tuple[str, int]]:
    """Each category chosen and how often, most chosen first (ties in category order)."""
    counts = Counter(categories)
    return sorted(
        counts.items(),
        key=lambda item: (-item[1], CATEGORY_ORDER[item[0]]),  # type: ignore[index]
    )


def majority_of(categories: Sequence[str]) -> str:
    """The category more than half the reviewers chose, or "" when none has a majority."""
    ranked = categories_ranked(categories)
    if ranked and ranked[0][1] * 2 > len(categories):
        return ranked[0][0]
    return ""


def tied_categories(categories: Sequence[str]) -> list[str]:
    """The categories chosen most often (one when there is a majority)."""
    ranked = categories_ranked(categories)
    top = ranked[0][1] if ranked else 0
    return [category for category, count in ranked if count == top]


def _lock(referral: PanelReferral) -> PanelReferral:
    return (
        PanelReferral.objects.select_for_update()
        .select_related("panel", "snapshot")
        .get(pk=referral.pk)
    )


def _complete(referral: PanelReferral, reviews: Sequence[PanelReview]) -> None:
    referral.majority_category = majority_of([review.category for review in reviews])
    referral.status = ReferralStatus.AWAITING_CONCLUSION
    referral.reviews_complete_at = timezone.now()


@transaction.atomic
def panel_review_submit(
    *,
    referral: PanelReferral,
    reviewer: Any,
    category: str,
    plan: Mapping[str, Any] | None = None,
    note: str = "",
    seed: int | None = None,
) -> PanelReview:
    """Record the reviewer's category and local plan. A review is final once submitted (the
    others are blind to it, and it may have started an escalation).

    When the first three are in: all agreeing closes the round; otherwise two more reviewers
    are drawn (`seed` fixes that draw). When the added two are in, the round closes and the
    majority of the five stands. Disagreement is recorded from the first three."""
    referral = _lock(referral)
    review = PanelReview.objects.filter(referral=referral, member__user=reviewer).first()
    if review is None:
        raise ApplicationError(
            "You are not a reviewer of this case.",
            errors={"": ["Only the surgeons drawn for this case review it."]},
            status=403,
        )
    if referral.status not in OPEN_STATUSES:
        raise _conflict(
            f"The case is {referral.get_status_display().lower()}: reviews are closed.",
            "Reviews are taken while the panel's round is open.",
        )
    if review.submitted_at is not None:
        raise _conflict("Your review is already submitted.", "A submitted review is final.")
    lesions = referral.snapshot.facts["liver"]["lesions"]
    review.category = category
    review.plan = plan_checked(category=category, plan=plan, lesions=lesions)
    review.note = note
    review.submitted_at = timezone.now()
    save_audited(review, actor=reviewer, clean=True)

    reviews = list(referral.reviews.order_by("stage", "created_at"))
    if any(other.submitted_at is None for other in reviews):
        return review
    first = [other.category for other in reviews if other.stage == 1]
    if review.stage == 1:
        referral.disagreement = disagreement_of(first)
        if referral.disagreement == Disagreement.NONE:
            _complete(referral, reviews)
        else:
            added = _draw(
                referral,
                stage=2,
                count=REVIEWERS_ADDED,
                seed=new_seed() if seed is None else seed,
            )
            if added:
                referral.status = ReferralStatus.ESCALATED
                _notify(added)
            else:
                # Nobody left to draw: the chair concludes from the three.
                _complete(referral, reviews)
    else:
        _complete(referral, reviews)
    save_audited(referral, actor=reviewer)
    return review


@transaction.atomic
def panel_conclusion_record(
    *,
    referral: PanelReferral,
    chair: Any,
    category: str,
    plan: Mapping[str, Any] | None = None,
    note: str = "",
    rereview_on: datetime.date | None = None,
) -> PanelReferral:
    """The chair's conclusion once every review is in: the majority's category (or, when the
    reviews tie, one of the tied categories) and the recommended local plan."""
    referral = _lock(referral)
    if not PanelMember.objects.filter(
        panel=referral.panel, user=chair, is_chair=True, active=True
    ).exists():
        raise ApplicationError(
            "Only the panel's chair writes its conclusion.",
            errors={"": ["Ask the chair of the panel."]},
            status=403,
        )
    if referral.status != ReferralStatus.AWAITING_CONCLUSION:
        raise _conflict(
            f"The case is {referral.get_status_display().lower()}.",
            "The chair concludes once every review is in, once.",
        )
    categories = list(
        referral.reviews.filter(submitted_at__isnull=False).values_list("category", flat=True)
    )
    allowed = tied_categories(categories)
    if category not in allowed:
        words = " or ".join(PanelCategory(choice).label.lower() for choice in allowed)
        raise ApplicationError(
            "The conclusion follows the reviewers' majority.",
            errors={"category": [f"The reviews give {words}."]},
        )
    if rereview_on is not None and rereview_on <= timezone.localdate():
        raise ApplicationError(
            "A re-review is scheduled for a later day.",
            errors={"rereview_on": ["Choose a day after today."]},
        )
    lesions = referral.snapshot.facts["liver"]["lesions"]
    referral.conclusion_plan = plan_checked(category=category, plan=plan, lesions=lesions)
    referral.conclusion_category = category
    referral.conclusion_note = note
    referral.concluded_by = chair
    referral.concluded_at = timezone.now()
    referral.status = ReferralStatus.CONCLUDED
    referral.rereview_on = rereview_on
    save_audited(referral, actor=chair, clean=True)
    return referral


@transaction.atomic
def panel_referral_withdraw(*, referral: PanelReferral, actor: Any, reason: str) -> PanelReferral:
    """Take the case back from the panel before it concludes (the patient's plans changed)."""
    referral = _lock(referral)
    if referral.status in (ReferralStatus.CONCLUDED, ReferralStatus.WITHDRAWN):
        raise _conflict(
            f"The case is {referral.get_status_display().lower()}.",
            "Only a round still under way can be withdrawn.",
        )
    referral.status = ReferralStatus.WITHDRAWN
    referral.withdrawn_reason = reason
    save_audited(referral, actor=actor, clean=True)
    return referral


@transaction.atomic
def panel_rereview_schedule(
    *, referral: PanelReferral, actor: Any, on: datetime.date | None
) -> PanelReferral:
    """Schedule (or, with None, cancel) the case's next review by the panel: a coordinator's
    task when it is due."""
    referral = _lock(referral)
    if referral.status != ReferralStatus.CONCLUDED:
        raise _conflict(
            "Only a concluded round is reviewed again.", "Wait for the panel's conclusion."
        )
    if PanelReferral.objects.filter(previous=referral).exists():
        raise _conflict(
            "This round has been reviewed again already.",
            "Schedule the next re-review from the newest round.",
        )
    if on is not None and on <= timezone.localdate():
        raise ApplicationError(
            "A re-review is scheduled for a later day.",
            errors={"rereview_on": ["Choose a day after today."]},
        )
    if assign(referral, {"rereview_on": on}):
        save_audited(referral, actor=actor)
    return referral


def default_rereview_on(referral: PanelReferral) -> datetime.date:
    """The panel's re-review interval from today (every 8 weeks by default)."""
    return timezone.localdate() + datetime.timedelta(weeks=referral.panel.rereview_weeks)
