"""Forms of the meeting pages. They check types and choices only: every rule about meetings,
agendas and decisions is the services', whose ApplicationError is put back on the form beside
the field it names (`add_service_errors`)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from apps.core.choices import Role, Specialty
from apps.core.exceptions import ApplicationError
from apps.core.forms import ISO_DATETIME_LOCAL, IsoDateInput, IsoDateTimeInput
from apps.core.models import Hospital
from apps.recommendations.choices import Resectability

from .choices import (
    Agreement,
    DepartureReason,
    Intent,
    PostponementReason,
    TreatmentMatch,
    TreatmentVarianceReason,
)
from .models import Meeting

DATETIME_LOCAL = ISO_DATETIME_LOCAL


def colleagues(hospital: Hospital | None, *, role: str | None = None) -> QuerySet[Any]:
    """The active staff of the hospital (of one role), by name: whom a select offers."""
    users = get_user_model().objects.filter(staff_profile__hospital=hospital, is_active=True)
    if role is not None:
        users = users.filter(groups__name=role)
    return users.select_related("staff_profile").order_by("last_name", "first_name", "username")


class ColleagueField(forms.ModelChoiceField):
    """A colleague, chosen by name and sent as their username."""

    def __init__(self, queryset: QuerySet[Any], **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", "Choose…" if kwargs.get("required", True) else "Nobody")
        super().__init__(queryset=queryset, to_field_name="username", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        specialty = getattr(getattr(obj, "staff_profile", None), "get_specialty_display", None)
        return f"{name} ({specialty()})" if specialty and specialty() else name


class MeetingChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", "Choose a meeting…")
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title}, {obj.scheduled_for:%a %d %b %Y %H:%M}"


def add_service_errors(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's errors beside the fields they name ("plan_codes[1]" belongs to
    plan_codes); what names no field of the form goes above it, with the message."""
    placed = False
    for key, messages in error.errors.items():
        name = key.split("[")[0].split(".")[0]
        field = name if name in form.fields and not form.fields[name].widget.is_hidden else None
        for message in messages:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class MeetingForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label="Date and time",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=IsoDateTimeInput(),
    )
    title = forms.CharField(max_length=200, initial="Liver MDT")
    location = forms.CharField(max_length=200, required=False, help_text="Room or site.")
    video_link = forms.URLField(
        max_length=500, required=False, assume_scheme="https", help_text="For remote attendance."
    )
    chair = ColleagueField(
        queryset=get_user_model().objects.none(),
        required=False,
        help_text="A clinician; they reveal votes, list standard of care and sign off.",
    )

    def __init__(self, *args: Any, hospital: Hospital | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = colleagues(hospital, role=Role.CLINICIAN)


class AgendaAddForm(forms.Form):
    case = forms.ModelChoiceField(
        queryset=None,
        label="Case",
        empty_label="Choose a case…",
        help_text="Cases awaiting discussion.",
    )
    presenter = ColleagueField(queryset=get_user_model().objects.none(), required=False)
    question = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave blank to put the case's own question to the board.",
    )

    def __init__(
        self, *args: Any, cases: QuerySet[Any], hospital: Hospital | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.patient.family_name.upper()}, {case.patient.given_name} "
            f"({case.patient.mrn}): {case.question[:60]}"
        )
        self.fields["presenter"].queryset = colleagues(hospital, role=Role.CLINICIAN)


class AgendaMoveForm(forms.Form):
    meeting = MeetingChoiceField(queryset=None, label="Move to meeting")

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class PostponeForm(forms.Form):
    """Postponing an undiscussed case: the coded reason, and words for "other". The sign-off
    carries it to the next meeting."""

    reason = forms.ChoiceField(
        choices=[("", "Choose a reason…"), *PostponementReason.choices], label="Reason"
    )
    reason_detail = forms.CharField(
        required=False, max_length=2000, label="In words", help_text="Required for other."
    )

    def __init__(self, *args: Any, item_id: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"postpone-{item_id}-%s" if item_id else "postpone_%s")
        super().__init__(*args, **kwargs)


class AttendanceForm(forms.Form):
    """A colleague recorded present. Those already present are not offered."""

    user = ColleagueField(
        queryset=get_user_model().objects.none(),
        label="Colleague",
        empty_label="Choose…",
    )
    specialty = forms.ChoiceField(
        choices=[("", "As on their profile"), *Specialty.choices],
        required=False,
        label="Sits in as",
    )

    def __init__(
        self,
        *args: Any,
        hospital: Hospital | None,
        present: Any = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "colleague_%s")
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = colleagues(hospital).exclude(pk__in=list(present))


class GuestAttendanceForm(forms.Form):
    """A guest without an account recorded present, by name: a form of its own, so that a
    guest is never refused for a colleague chosen in the other one."""

    name = forms.CharField(max_length=200, label="Guest's name")
    specialty = forms.ChoiceField(choices=[("", "Choose…"), *Specialty.choices], label="Specialty")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "guest_%s")
        super().__init__(*args, **kwargs)


class VoteForm(forms.Form):
    call = forms.ChoiceField(
        choices=Resectability.choices, widget=forms.RadioSelect, label="Your resectability call"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IntentForm(forms.Form):
    """The intent of a standard-of-care listing. Its ids differ from the decision form's, which
    shares the page: a label must name one input only."""

    intent = forms.ChoiceField(choices=Intent.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "sos_%s")
        super().__init__(*args, **kwargs)


class DecisionForm(forms.Form):
    agreement = forms.ChoiceField(
        choices=Agreement.choices,
        widget=forms.RadioSelect,
        label="How the decision stands to the recommendation",
    )
    departure_reason = forms.ChoiceField(
        choices=[("", "(none)"), *DepartureReason.choices],
        required=False,
        label="Reason for the departure",
    )
    departure_detail = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Detail of the departure",
    )
    plan_codes = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Plan: options of the recommendation adopted",
    )
    plan_text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Plan in words",
        help_text="The plan's codes, this text, or both.",
    )
    intent = forms.ChoiceField(choices=Intent.choices, widget=forms.RadioSelect)
    rediscuss_on = forms.DateField(
        required=False,
        label="Bring the case back on",
        widget=IsoDateInput(),
        help_text="A date, or a number of weeks below; leave both empty for no re-discussion.",
    )
    rediscuss_in_weeks = forms.IntegerField(
        required=False, min_value=1, max_value=104, label="Or in this many weeks"
    )
    rediscuss_reason = forms.CharField(
        required=False,
        max_length=200,
        label="Why it comes back",
        help_text="In short, e.g. restage after 4 cycles.",
    )
    # The revision the form was made on: a stale one is refused (409) instead of overwriting.
    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, plan_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_codes"].choices = plan_choices

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        data.pop("amendment_reason", None)
        return data


class AmendForm(DecisionForm):
    amendment_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for the amendment",
        help_text="Why the signed decision changes.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "amend_%s")  # ids apart from the decision form's
        super().__init__(*args, **kwargs)


class ActionForm(forms.Form):
    description = forms.CharField(max_length=500, label="Action")
    owner = ColleagueField(queryset=get_user_model().objects.none())
    due_on = forms.DateField(label="Due on", widget=IsoDateInput())
    confirm_early = forms.BooleanField(
        required=False, label="Keep this date: the action is due before the meeting's day"
    )

    def __init__(
        self,
        *args: Any,
        hospital: Hospital | None,
        meeting_day: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = colleagues(hospital)
        self.meeting_day = meeting_day
        self.early = False  # the due date is before the meeting: the confirmation is shown

    def clean(self) -> dict[str, Any]:
        # A date before the meeting that asked for the action is most often a slip (last
        # month's date, a date typed for another field): said once, kept when confirmed.
        cleaned = super().clean() or {}
        due_on = cleaned.get("due_on")
        if self.meeting_day and due_on and due_on < self.meeting_day:
            self.early = True
            if not cleaned.get("confirm_early"):
                self.add_error(
                    "due_on",
                    f"This is before the meeting's day ({self.meeting_day.day} "
                    f"{self.meeting_day:%b %Y}): an action is due after the board asks for it. "
                    "Check the date, or tick the box below to keep it.",
                )
        cleaned.pop("confirm_early", None)
        return cleaned


class FollowUpForm(forms.Form):
    patient_informer = ColleagueField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Who tells the patient",
    )
    inform_patient_by = forms.DateField(
        required=False, label="Tell the patient by", widget=IsoDateInput()
    )
    patient_informed = forms.BooleanField(required=False, label="The patient has been told")
    referrer_informed = forms.BooleanField(
        required=False, label="The referring clinician has been told"
    )

    def __init__(self, *args: Any, hospital: Hospital | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["patient_informer"].queryset = colleagues(hospital)
        # Each field carries the value the page showed, so that only what this user changed is
        # saved: a colleague's change made meanwhile is not overwritten with the old value.
        for field in self.fields.values():
            field.show_hidden_initial = True


class StartForm(forms.Form):
    """Starting the meeting; well before its scheduled time, only once confirmed."""

    confirm_early = forms.BooleanField(required=False, label="Start it now all the same")


class LetterNoteForm(forms.Form):
    letter_note = forms.CharField(
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Personal paragraph for the outcome letter",
        help_text="Printed in the letter to the referring clinician, above the signature.",
    )


class SignOffForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked every decision: sign the meeting off",
        error_messages={"required": "Tick the box to confirm the sign-off."},
    )
    carry_to = MeetingChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label="Carry undiscussed cases to",
        empty_label="The next meeting",
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if meetings is not None:
            self.fields["carry_to"].queryset = meetings


class AddToMeetingForm(forms.Form):
    meeting = MeetingChoiceField(queryset=None, help_text="Scheduled or in progress.")
    question = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave blank to put the case's own question to the board.",
    )
    presenter = ColleagueField(queryset=get_user_model().objects.none(), required=False)

    def __init__(
        self, *args: Any, meetings: QuerySet[Meeting], hospital: Hospital | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        # The next meeting is the usual choice; the coordinator can pick another.
        self.fields["meeting"].initial = meetings.first()
        self.fields["presenter"].queryset = colleagues(hospital, role=Role.CLINICIAN)


class TreatmentForm(forms.Form):
    """The treatment given after the signed decision: the plan's codes in words, or another
    treatment described; or that nothing was started, with the reason."""

    nothing_started = forms.BooleanField(
        required=False,
        label="No treatment was started",
        help_text="For example because the patient died or declined: give the reason below.",
    )
    treatment_code = forms.ChoiceField(required=False, label="Treatment started")
    treatment_other = forms.CharField(
        required=False, max_length=500, label="The other treatment, in words"
    )
    started_on = forms.DateField(required=False, label="Started on", widget=IsoDateInput())
    # Not "matches": a form's field names shadow the form element's own properties in the
    # browser, and htmx calls form.matches().
    as_decided = forms.ChoiceField(
        required=False,
        label="Is it the treatment the board decided on?",
        choices=[("", "Choose…"), *TreatmentMatch.choices],
    )
    reason = forms.ChoiceField(
        required=False,
        label="Why not (or why nothing started)",
        choices=[("", "Choose…"), *TreatmentVarianceReason.choices],
    )
    reason_detail = forms.CharField(
        required=False,
        max_length=2000,
        label="The reason, in words",
        help_text="Required for another reason.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, code_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["treatment_code"].choices = [("", "Choose…"), *code_choices]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["started"] = not data.pop("nothing_started")
        data["matches"] = data.pop("as_decided")
        return data

    def add_service_errors(self, error: ApplicationError) -> None:
        """The service names the API's field `matches`: it is this form's `as_decided`."""
        if "matches" in error.errors:
            error.errors["as_decided"] = error.errors.pop("matches")
        add_service_errors(self, error)
