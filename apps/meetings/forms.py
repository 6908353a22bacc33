"""Forms of the meeting pages. They check types and choices only: every rule about meetings,
agendas and decisions is the services', whose ApplicationError is put back on the form beside
the field it names (`add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from apps.core.choices import Role, Specialty
from apps.core.exceptions import ApplicationError
from apps.core.models import Hospital
from apps.recommendations.choices import Resectability

from .choices import Agreement, DepartureReason, Intent
from .models import Meeting

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def colleagues(hospital: Hospital | None, *, role: str | None = None) -> QuerySet[Any]:
    """The active staff of the hospital (of one role), by name: whom a select offers."""
    users = get_user_model().objects.filter(staff_profile__hospital=hospital, is_active=True)
    if role is not None:
        users = users.filter(groups__name=role)
    return users.select_related("staff_profile").order_by("last_name", "first_name", "username")


class ColleagueField(forms.ModelChoiceField):
    """A colleague, chosen by name and sent as their username."""

    def __init__(self, queryset: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(queryset=queryset, to_field_name="username", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        specialty = getattr(getattr(obj, "staff_profile", None), "get_specialty_display", None)
        return f"{name} ({specialty()})" if specialty and specialty() else name


class MeetingChoiceField(forms.ModelChoiceField):
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
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
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


class AttendanceForm(forms.Form):
    user = ColleagueField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Colleague",
        help_text="Or give a guest's name below.",
    )
    name = forms.CharField(
        max_length=200, required=False, label="Guest name", help_text="A guest without account."
    )
    specialty = forms.ChoiceField(
        choices=[("", "Their profile's specialty"), *Specialty.choices],
        required=False,
        help_text="Required for a guest.",
    )

    def __init__(self, *args: Any, hospital: Hospital | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = colleagues(hospital)


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
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, hospital: Hospital | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = colleagues(hospital)


class FollowUpForm(forms.Form):
    patient_informer = ColleagueField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Who tells the patient",
    )
    inform_patient_by = forms.DateField(
        required=False, label="Tell the patient by", widget=forms.DateInput(attrs={"type": "date"})
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


class SignOffForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked every decision: sign the meeting off",
        error_messages={"required": "Tick the box to confirm the sign-off."},
    )


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
