"""Reads of the liver expert panel, scoped to what each user may see.

Two kinds of reader, each with its own way in:

- **Panel members** reach a referral through the panel: a reviewer only the referrals they were
  drawn for, the chair every referral of their panel (they conclude them). They read it
  pseudonymised (`ReferralView`): the pseudonym, the age, the facts as the pathway read them,
  the liver map and the pathway's recommendation, all from the snapshot taken at referral, and
  nothing of the referring hospital. Anything else answers 404.
- **Staff of the referring hospital** reach a referral through its case (the case selectors'
  scoping), and see the same view beside the patient they already know.

Until every assigned review is in, each reader sees only their own review, and who has
submitted by number; after, every review with its reviewer's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from apps.core.roles import user_hospital
from apps.patients.models import MdtCase

from .choices import OPEN_STATUSES, PanelCategory, ReferralStatus
from .models import ExpertPanel, PanelMember, PanelReferral, PanelReview
from .plans import plan_lines
from .presentation import disagreement_sentence, review_plan_words
from .services import tied_categories


def panels_visible(*, user: Any) -> QuerySet[ExpertPanel]:
    """Panels the user sits on, those their hospital sends cases to, and for an administrator
    every panel."""
    if not user.is_authenticated:
        return ExpertPanel.objects.none()
    if user.is_staff:
        return ExpertPanel.objects.all()
    hospital = user_hospital(user)
    return ExpertPanel.objects.filter(
        Q(members__user=user, members__active=True) | Q(hospitals=hospital)
    ).distinct()


def panels_taking_cases(*, hospital: Any) -> QuerySet[ExpertPanel]:
    return ExpertPanel.objects.filter(active=True, hospitals=hospital).order_by("name")


def member_referrals(*, user: Any) -> QuerySet[PanelReferral]:
    """The referrals a panel member may read: those they were drawn for, and every referral of a
    panel they chair."""
    if not user.is_authenticated:
        return PanelReferral.objects.none()
    drawn = PanelReview.objects.filter(referral=OuterRef("pk"), member__user=user)
    chaired = PanelMember.objects.filter(
        panel=OuterRef("panel"), user=user, is_chair=True, active=True
    )
    return (
        PanelReferral.objects.filter(Exists(drawn) | Exists(chaired))
        .select_related("panel", "snapshot")
        .order_by("due_on", "referred_at")
    )


def member_referral_get(*, user: Any, referral_id: Any) -> PanelReferral:
    """A referral the member may read; PanelReferral.DoesNotExist otherwise (a 404)."""
    return member_referrals(user=user).get(pk=referral_id)


def case_referrals(*, case: MdtCase) -> QuerySet[PanelReferral]:
    """The case's rounds with the panel, newest first (the caller scoped the case)."""
    return (
        PanelReferral.objects.filter(case=case)
        .select_related("panel", "snapshot", "concluded_by", "referred_by")
        .order_by("-referred_at")
    )


def hospital_referrals(*, user: Any) -> QuerySet[PanelReferral]:
    hospital = user_hospital(user)
    if hospital is None:
        return PanelReferral.objects.none()
    return PanelReferral.objects.filter(case__patient__hospital=hospital).select_related(
        "panel", "snapshot", "case__patient"
    )


def referral_readable_get(*, user: Any, referral_id: Any) -> PanelReferral:
    """A referral the user may read either way (drawn for it, chair of its panel, or staff of
    the referring hospital); PanelReferral.DoesNotExist otherwise (a 404)."""
    hospital = user_hospital(user)
    drawn = PanelReview.objects.filter(referral=OuterRef("pk"), member__user=user)
    chaired = PanelMember.objects.filter(
        panel=OuterRef("panel"), user=user, is_chair=True, active=True
    )
    of_hospital = Q(case__patient__hospital=hospital) if hospital is not None else Q(pk=None)
    return (
        PanelReferral.objects.filter(Exists(drawn) | Exists(chaired) | of_hospital)
        .select_related("panel", "snapshot")
        .get(pk=referral_id)
    )


def open_reviews(*, user: Any) -> QuerySet[PanelReview]:
    """The user's reviews still to submit, on rounds still open, soonest due first."""
    return (
        PanelReview.objects.filter(
            member__user=user,
            submitted_at__isnull=True,
            referral__status__in=OPEN_STATUSES,
        )
        .select_related("referral__panel")
        .order_by("referral__due_on", "referral__referred_at")
    )


def conclusions_to_write(*, user: Any) -> QuerySet[PanelReferral]:
    """Referrals of the panels the user chairs whose reviews are all in."""
    return (
        PanelReferral.objects.filter(
            status=ReferralStatus.AWAITING_CONCLUSION,
            panel__members__user=user,
            panel__members__is_chair=True,
            panel__members__active=True,
        )
        .select_related("panel")
        .order_by("reviews_complete_at")
    )


def rereviews_due(*, hospital: Any, on_or_before: Any) -> QuerySet[PanelReferral]:
    """Concluded rounds of the hospital's cases scheduled for re-review by then and not yet
    sent again."""
    return (
        PanelReferral.objects.filter(
            case__patient__hospital=hospital,
            status=ReferralStatus.CONCLUDED,
            rereview_on__lte=on_or_before,
            rereview__isnull=True,
        )
        .select_related("panel", "case__patient")
        .order_by("rereview_on")
    )


@dataclass(frozen=True)
class ReviewShown:
    """A review as a reader may see it."""

    review: PanelReview
    reviewer: str
    category_label: str
    plan_lines: list[str]
    # One line: "the recommended plan" when it is the conclusion's, else its plan_lines.
    plan_words: str


@dataclass(frozen=True)
class ReferralView:
    """A referral as one reader may see it: the pseudonymised case, where the round stands,
    the reader's own review, and once the round is closed every review and the conclusion."""

    referral: PanelReferral
    age: int | None
    facts: dict[str, Any]
    lesions: list[dict[str, Any]]
    is_reviewer: bool
    is_chair: bool
    mine: PanelReview | None
    assigned: int
    submitted: int
    revealed: bool
    reviews: list[ReviewShown] = field(default_factory=list)
    conclusion_lines: list[str] = field(default_factory=list)
    allowed_conclusions: list[str] = field(default_factory=list)

    @property
    def can_review(self) -> bool:
        return (
            self.mine is not None
            and self.mine.submitted_at is None
            and self.referral.status in OPEN_STATUSES
        )

    @property
    def can_conclude(self) -> bool:
        return self.is_chair and self.referral.status == ReferralStatus.AWAITING_CONCLUSION

    @property
    def disagreement_sentence(self) -> str:
        if not self.revealed:
            return ""
        return disagreement_sentence(disagreement=self.referral.disagreement, reviews=self.assigned)

    @property
    def pathway_resectability(self) -> str:
        return self.referral.snapshot.resectability

    @property
    def panel_agrees_with_pathway(self) -> bool | None:
        if not self.referral.conclusion_category:
            return None
        return self.referral.conclusion_category == self.referral.snapshot.resectability


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def referral_view(*, referral: PanelReferral, user: Any) -> ReferralView:
    """What `user` (who may read the referral: the caller fetched it with a selector above)
    sees of it. Two queries: the reviews with their reviewers, and the chair."""
    facts = referral.snapshot.facts
    lesions = list(facts.get("liver", {}).get("lesions", []))
    reviews = list(
        referral.reviews.select_related("member__user").order_by("stage", "created_at", "id")
    )
    mine = next((review for review in reviews if review.member.user_id == user.pk), None)
    is_chair = PanelMember.objects.filter(
        panel_id=referral.panel_id, user=user, is_chair=True, active=True
    ).exists()
    revealed = referral.reviews_revealed
    shown = (
        [
            ReviewShown(
                review=review,
                reviewer=_name(review.member.user),
                category_label=PanelCategory(review.category).label,
                plan_lines=plan_lines(review.plan, lesions),
                plan_words=review_plan_words(
                    review.plan, referral.conclusion_plan, plan_lines(review.plan, lesions)
                ),
            )
            for review in reviews
            if review.submitted_at is not None
        ]
        if revealed
        else []
    )
    submitted = [review.category for review in reviews if review.submitted_at is not None]
    return ReferralView(
        referral=referral,
        age=(facts.get("patient") or {}).get("age"),
        facts=facts,
        lesions=lesions,
        is_reviewer=mine is not None,
        is_chair=is_chair,
        mine=mine,
        assigned=len(reviews),
        submitted=len(submitted),
        revealed=revealed,
        reviews=shown,
        conclusion_lines=plan_lines(referral.conclusion_plan, lesions),
        allowed_conclusions=tied_categories(submitted)
        if revealed and referral.status == ReferralStatus.AWAITING_CONCLUSION
        else [],
    )


def latest_round_view(*, case: MdtCase, user: Any) -> ReferralView | None:
    """The case's newest round with a panel as `user` (staff of the case's hospital: the
    caller scoped the case) sees it, or None when it was never sent."""
    newest = case_referrals(case=case).first()
    return referral_view(referral=newest, user=user) if newest is not None else None


def newest_conclusions(*, case_ids: list[Any]) -> dict[Any, PanelReferral]:
    """Each case's newest concluded round (with its reviews and reviewers), for documents that
    print many cases: two queries whatever their number."""
    rounds = (
        PanelReferral.objects.filter(case_id__in=case_ids, status=ReferralStatus.CONCLUDED)
        .select_related("panel", "snapshot", "concluded_by")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=PanelReview.objects.filter(submitted_at__isnull=False)
                .select_related("member__user")
                .order_by("stage", "created_at", "id"),
            )
        )
        .order_by("case_id", "-concluded_at")
    )
    newest: dict[Any, PanelReferral] = {}
    for referral in rounds:
        newest.setdefault(referral.case_id, referral)
    return newest
