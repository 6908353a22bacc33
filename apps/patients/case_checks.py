"""What apps above `patients` forbid doing to a case, registered by them at start-up.

`patients` knows nothing of meetings, yet a case on an open meeting's agenda must not have its
status set by hand, and a case that was ever on an agenda must not be deleted. The meetings app
registers those refusals here in its `AppConfig.ready()`. A check takes the case and raises
`ApplicationError` to refuse; the services below call every registered check before the write.
"""

from __future__ import annotations

from collections.abc import Callable

from .models import MdtCase

CaseCheck = Callable[[MdtCase], None]

_status_change_checks: list[CaseCheck] = []
_delete_checks: list[CaseCheck] = []


def on_status_change(check: CaseCheck) -> None:
    """Run `check` before a coordinator sets a case's status by hand."""
    if check not in _status_change_checks:
        _status_change_checks.append(check)


def on_delete(check: CaseCheck) -> None:
    """Run `check` before a case is deleted."""
    if check not in _delete_checks:
        _delete_checks.append(check)


def check_status_change(case: MdtCase) -> None:
    for check in _status_change_checks:
        check(case)


def check_delete(case: MdtCase) -> None:
    for check in _delete_checks:
        check(case)
