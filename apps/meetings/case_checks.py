"""The meetings' refusals of writes to a case, registered with `apps.patients.case_checks` at
start-up (MeetingsConfig.ready): the case's status follows its agendas, and a case that was on
an agenda is part of the board's record."""

from __future__ import annotations

from apps.core.exceptions import ApplicationError
from apps.patients import case_checks
from apps.patients.models import MdtCase

from .choices import MeetingStatus
from .models import AgendaItem


def refuse_status_while_on_open_agenda(case: MdtCase) -> None:
    if AgendaItem.objects.filter(case=case).exclude(meeting__status=MeetingStatus.CLOSED).exists():
        raise ApplicationError(
            "The case is on an open meeting's agenda.",
            errors={"status": ["Take the case off the agenda first."]},
        )


def refuse_delete_after_agenda(case: MdtCase) -> None:
    if AgendaItem.objects.filter(case=case).exists():
        raise ApplicationError(
            "This case has been on a meeting agenda and cannot be deleted.",
            errors={"": ["Withdraw the case instead (status: withdrawn)."]},
            status=409,
        )


def register() -> None:
    case_checks.on_status_change(refuse_status_while_on_open_agenda)
    case_checks.on_delete(refuse_delete_after_agenda)
