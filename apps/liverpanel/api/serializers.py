"""Input and output of the panel's API. Outputs render a `ReferralView` (selectors), which
already holds only what the reader may see: no serializer here decides what is hidden."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from apps.core.api.serializers import InputSerializer

from ..choices import LesionTreatment, PanelCategory, PanelStrategy
from ..models import ExpertPanel, PanelMember
from ..plans import plan_lines

MAX_LESIONS = 40


# --- Inputs ---------------------------------------------------------------------------------


class LesionPlanInputSerializer(InputSerializer):
    lesion = serializers.IntegerField(
        min_value=1,
        max_value=MAX_LESIONS,
        help_text="1 = the case's first lesion, as the referral lists them.",
    )
    treatment = serializers.ChoiceField(choices=LesionTreatment.choices)
    segments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=8),
        required=False,
        max_length=8,
        help_text="The Couinaud segments a resection removes (the lesion's own among them).",
    )


class PlanInputSerializer(InputSerializer):
    lesions = serializers.ListField(child=LesionPlanInputSerializer(), max_length=MAX_LESIONS)
    strategy = serializers.ChoiceField(choices=PanelStrategy.choices, required=False)
    portal_vein_embolisation = serializers.BooleanField(required=False, default=False)


class ReviewInputSerializer(InputSerializer):
    category = serializers.ChoiceField(choices=PanelCategory.choices)
    plan = PlanInputSerializer(
        required=False,
        allow_null=True,
        help_text="The local plan; none for a permanently unresectable case.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class ConclusionInputSerializer(ReviewInputSerializer):
    rereview_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Review the case again on this day (a case on chemotherapy: every 8 weeks).",
    )


class ReferralInputSerializer(InputSerializer):
    panel = serializers.UUIDField()
    question = serializers.CharField(
        max_length=2000, help_text="Write no names: the reviewers see the case pseudonymised."
    )
    referring_surgeon = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="The referring surgeon's username, if on the panel: never drawn to review.",
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    previous = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="The round this one reviews again."
    )


class WithdrawInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=300)


class RereviewInputSerializer(InputSerializer):
    rereview_on = serializers.DateField(allow_null=True)


class PanelInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=200)
    code = serializers.SlugField(max_length=40)
    hospitals = serializers.ListField(
        child=serializers.SlugField(max_length=40),
        required=False,
        max_length=200,
        help_text="Codes of the hospitals that send cases to the panel.",
    )
    review_days = serializers.IntegerField(min_value=1, max_value=90, required=False)
    rereview_weeks = serializers.IntegerField(min_value=1, max_value=52, required=False)
    active = serializers.BooleanField(required=False)


class MemberInputSerializer(InputSerializer):
    username = serializers.CharField(max_length=150)
    is_chair = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


class MemberUpdateSerializer(InputSerializer):
    is_chair = serializers.BooleanField(required=False)
    active = serializers.BooleanField(required=False)


# --- Outputs --------------------------------------------------------------------------------


def _name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class MemberOutputSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    username = serializers.CharField(source="user.username")
    hospital = serializers.CharField(source="user.staff_profile.hospital.name", default=None)

    class Meta:
        model = PanelMember
        fields = ["id", "username", "name", "hospital", "is_chair", "active"]

    def get_name(self, member: PanelMember) -> str:
        return _name(member.user)


class PanelOutputSerializer(serializers.ModelSerializer):
    hospitals = serializers.SerializerMethodField()
    members = MemberOutputSerializer(many=True, read_only=True)

    class Meta:
        model = ExpertPanel
        fields = [
            "id",
            "name",
            "code",
            "review_days",
            "rereview_weeks",
            "active",
            "hospitals",
            "members",
        ]

    def get_hospitals(self, panel: ExpertPanel) -> list[str]:
        return [hospital.code for hospital in panel.hospitals.all()]


class PlanOutputSerializer(serializers.Serializer):
    lesions = serializers.ListField(child=serializers.DictField())
    strategy = serializers.CharField()
    portal_vein_embolisation = serializers.BooleanField()


class ReviewOutputSerializer(serializers.Serializer):
    reviewer = serializers.CharField(allow_null=True)
    stage = serializers.IntegerField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    plan = PlanOutputSerializer(allow_null=True)
    plan_lines = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)


def review_data(review: Any, lesions: list[dict[str, Any]], reviewer: str | None) -> dict[str, Any]:
    return {
        "reviewer": reviewer,
        "stage": review.stage,
        "category": review.category,
        "category_label": PanelCategory(review.category).label if review.category else "",
        "plan": review.plan,
        "plan_lines": plan_lines(review.plan, lesions),
        "note": review.note,
        "submitted_at": review.submitted_at,
    }


class ConclusionOutputSerializer(serializers.Serializer):
    category = serializers.CharField()
    category_label = serializers.CharField()
    plan = PlanOutputSerializer(allow_null=True)
    plan_lines = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    concluded_by = serializers.CharField()
    concluded_at = serializers.DateTimeField()
    agrees_with_pathway = serializers.BooleanField()


class ReferralOutputSerializer(serializers.Serializer):
    """A referral as its reader may see it (`selectors.referral_view`)."""

    id = serializers.UUIDField()
    pseudonym = serializers.CharField()
    panel = serializers.DictField(child=serializers.CharField())
    question = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    referred_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    age = serializers.IntegerField(allow_null=True, help_text="At referral; no birth date.")
    facts = serializers.DictField(help_text="The case as the pathway read it at referral.")
    pathway = serializers.DictField()
    reviews_assigned = serializers.IntegerField()
    reviews_submitted = serializers.IntegerField()
    reviews_revealed = serializers.BooleanField()
    my_review = ReviewOutputSerializer(allow_null=True)
    reviews = ReviewOutputSerializer(many=True, help_text="Every review, once all are in.")
    disagreement = serializers.CharField(help_text="Of the first three: none, minor or major.")
    majority_category = serializers.CharField()
    allowed_conclusions = serializers.ListField(child=serializers.CharField())
    conclusion = ConclusionOutputSerializer(allow_null=True)
    turnaround_days = serializers.IntegerField(allow_null=True)
    rereview_on = serializers.DateField(allow_null=True)
    previous = serializers.UUIDField(allow_null=True)
    withdrawn_reason = serializers.CharField()


def referral_data(view: Any) -> dict[str, Any]:
    referral = view.referral
    snapshot = referral.snapshot
    conclusion = None
    if referral.conclusion_category:
        conclusion = {
            "category": referral.conclusion_category,
            "category_label": PanelCategory(referral.conclusion_category).label,
            "plan": referral.conclusion_plan,
            "plan_lines": view.conclusion_lines,
            "note": referral.conclusion_note,
            "concluded_by": _name(referral.concluded_by),
            "concluded_at": referral.concluded_at,
            "agrees_with_pathway": view.panel_agrees_with_pathway,
        }
    return {
        "id": referral.pk,
        "pseudonym": referral.pseudonym,
        "panel": {"id": str(referral.panel_id), "name": referral.panel.name},
        "question": referral.question,
        "status": referral.status,
        "status_label": referral.get_status_display(),
        "referred_at": referral.referred_at,
        "due_on": referral.due_on,
        "age": view.age,
        "facts": view.facts,
        "pathway": {
            "version": snapshot.pathway_version,
            "resectability": snapshot.resectability,
            "primary_code": snapshot.primary_code,
            "result": snapshot.result,
        },
        "reviews_assigned": view.assigned,
        "reviews_submitted": view.submitted,
        "reviews_revealed": view.revealed,
        "my_review": review_data(view.mine, view.lesions, None) if view.mine else None,
        "reviews": [
            review_data(shown.review, view.lesions, shown.reviewer) for shown in view.reviews
        ],
        "disagreement": referral.disagreement if view.revealed else "",
        "majority_category": referral.majority_category if view.revealed else "",
        "allowed_conclusions": view.allowed_conclusions,
        "conclusion": conclusion,
        "turnaround_days": referral.turnaround_days,
        "rereview_on": referral.rereview_on,
        "previous": referral.previous_id,
        "withdrawn_reason": referral.withdrawn_reason,
    }
