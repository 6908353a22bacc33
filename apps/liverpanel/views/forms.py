"""Forms of the panel's pages. They check types and choices only: every rule of the panel (who
may review, what a plan must hold, when a round may be sent or withdrawn) is the services',
whose ApplicationError is put back beside the field it names (`add_service_errors`).

The plan is one row per lesion of the referral (its treatment and, for a resection, the
segments removed, the lesion's own ticked to start with), then the strategy and portal vein
embolisation: the same rows for a reviewer and for the chair."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from apps.core.exceptions import ApplicationError
from apps.core.forms import IsoDateInput

from ..choices import RESECTIONS, LesionTreatment, PanelCategory, PanelStrategy

SEGMENT_CHOICES = [(str(number), str(number)) for number in range(1, 9)]
# A service names a lesion's entry by its index in the plan: "plan.lesions[0].segments".
LESION_KEY = re.compile(r"plan\.lesions\[(\d+)\]\.(\w+)")


def _treatment_name(number: int) -> str:
    return f"lesion-{number}-treatment"


def _segments_name(number: int) -> str:
    return f"lesion-{number}-segments"


def add_service_errors(form: forms.Form, error: ApplicationError) -> None:
    """A service's errors beside the (visible) fields they name; the rest above the form."""
    placed = False
    for key, messages in error.errors.items():
        field = key if key in form.fields and not form.fields[key].widget.is_hidden else None
        for message in messages:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class PlanForm(forms.Form):
    """A category and the local plan: a reviewer's review (or, with `ConclusionForm`, the
    chair's conclusion). `categories` limits the categories offered (the chair's choice is the
    reviewers' majority, or one of the tied categories)."""

    category = forms.ChoiceField(widget=forms.RadioSelect, label="Resectability")
    strategy = forms.ChoiceField(
        choices=PanelStrategy.choices, initial=PanelStrategy.ONE_STAGE, label="Strategy"
    )
    portal_vein_embolisation = forms.BooleanField(
        required=False, label="Portal vein embolisation before resection"
    )
    note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note",
        help_text="What the board should know: your reasoning, what would change your view.",
    )

    def __init__(
        self,
        data: Any = None,
        *,
        lesions: Sequence[dict[str, Any]],
        categories: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        # The rows' labels are written in the template, without a colon: so are these.
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, **kwargs)
        self.lesions = list(lesions)
        self.plan_errors: list[str] = []
        offered = list(categories) if categories is not None else list(PanelCategory.values)
        self.fields["category"].choices = [
            (category, PanelCategory(category).label) for category in offered
        ]
        if len(offered) == 1:
            self.fields["category"].initial = offered[0]
        for number, lesion in enumerate(self.lesions, 1):
            self.fields[_treatment_name(number)] = forms.ChoiceField(
                choices=[("", "Choose…"), *LesionTreatment.choices],
                required=False,
                label=f"Treatment of lesion {number}",
            )
            self.fields[_segments_name(number)] = forms.TypedMultipleChoiceField(
                choices=SEGMENT_CHOICES,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=f"Segments removed with lesion {number}",
                initial=[str(lesion.get("segment"))],
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        category = cleaned.get("category")
        if category and category != PanelCategory.UNRESECTABLE:
            for number in range(1, len(self.lesions) + 1):
                if not cleaned.get(_treatment_name(number)):
                    self.add_error(_treatment_name(number), "Choose a treatment for this lesion.")
        return cleaned

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One row per lesion, for the template: the lesion and its two fields."""
        return [
            {
                "number": number,
                "lesion": lesion,
                "treatment": self[_treatment_name(number)],
                "segments": self[_segments_name(number)],
            }
            for number, lesion in enumerate(self.lesions, 1)
        ]

    def plan(self) -> dict[str, Any] | None:
        """The plan as the services take it (a valid form only); none for a permanently
        unresectable case, whatever the rows say (the page says so beside them)."""
        data = self.cleaned_data
        if data["category"] == PanelCategory.UNRESECTABLE:
            return None
        entries = []
        for number in range(1, len(self.lesions) + 1):
            treatment = data[_treatment_name(number)]
            # The lesion's own segment starts ticked: it means nothing unless resected.
            segments = (data.get(_segments_name(number)) or []) if treatment in RESECTIONS else []
            entries.append({"lesion": number, "treatment": treatment, "segments": segments})
        return {
            "lesions": entries,
            "strategy": data["strategy"],
            "portal_vein_embolisation": data["portal_vein_embolisation"],
        }

    def _field_of(self, key: str) -> str | None:
        match = LESION_KEY.fullmatch(key)
        if match:
            number = int(match.group(1)) + 1
            name = (
                _segments_name(number) if match.group(2) == "segments" else _treatment_name(number)
            )
            return name if name in self.fields else None
        name = key.removeprefix("plan.")
        return name if name in self.fields else None

    def add_service_errors(self, error: ApplicationError) -> None:
        """Each of the service's errors beside its field; the plan's own (a lesion missing, no
        lesion treated) above the plan's rows; the rest, with the message, above the form."""
        placed = False
        for key, messages in error.errors.items():
            field = self._field_of(key)
            for message in messages:
                if field is not None:
                    self.add_error(field, message)
                elif key.startswith("plan"):
                    self.plan_errors.append(message)
                else:
                    self.add_error(None, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)


class ReviewForm(PlanForm):
    """A drawn surgeon's review."""


class ConclusionForm(PlanForm):
    """The chair's conclusion, with the day the case is reviewed again (a case on chemotherapy)."""

    rereview_on = forms.DateField(
        required=False,
        widget=IsoDateInput(),
        label="Review again on",
        help_text="For a case on chemotherapy; leave empty when no re-review is needed.",
    )


class SendForm(forms.Form):
    """Send the case to a panel: the panels that take the hospital's cases, and their active
    members (the referring surgeon, if one of them, is never drawn to review)."""

    panel = forms.ChoiceField(label="Panel")
    question = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Question to the panel",
        help_text="Write no names or numbers: the reviewers see the case pseudonymised.",
    )
    referring_surgeon = forms.ChoiceField(
        required=False,
        label="Referring surgeon",
        help_text="If on the panel: never drawn to review this case.",
    )
    referring_surgeon_username = forms.CharField(
        required=False, max_length=150, label="Or the referring surgeon's username"
    )
    due_on = forms.DateField(
        required=False,
        widget=IsoDateInput(),
        label="Reviews due on",
        help_text="Leave empty for the panel's usual review time.",
    )
    previous = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, panels: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.panels = {str(panel.pk): panel for panel in panels}
        self.fields["panel"].choices = [
            ("", "Choose a panel…"),
            *((str(panel.pk), panel.name) for panel in panels),
        ]
        if len(panels) == 1:
            self.fields["panel"].initial = str(panels[0].pk)
        groups = [
            (
                panel.name,
                [
                    (member.user.username, member.user.get_full_name() or member.user.username)
                    for member in panel.active_members
                ],
            )
            for panel in panels
            if panel.active_members
        ]
        self.fields["referring_surgeon"].choices = [("", "None of them"), *groups]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        cleaned["panel_object"] = self.panels.get(cleaned.get("panel") or "")
        username = (
            cleaned.get("referring_surgeon")
            or (cleaned.get("referring_surgeon_username") or "").strip()
        )
        cleaned["surgeon"] = None
        if username:
            surgeon = get_user_model().objects.filter(username=username, is_active=True).first()
            if surgeon is None:
                self.add_error("referring_surgeon_username", "No such active account.")
            cleaned["surgeon"] = surgeon
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="Reason",
        help_text="Why the case is taken back; the reviewers read it, so write no names.",
    )


class RereviewForm(forms.Form):
    rereview_on = forms.DateField(
        required=False,
        widget=IsoDateInput(),
        label="Review again on",
        help_text="Empty cancels the re-review.",
    )
