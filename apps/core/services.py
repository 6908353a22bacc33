"""Write helpers every service uses, so that each change of clinical data is audited with its
author and nothing is saved that did not change (an audit trail of no-op saves hides the real
changes)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from apps.core.exceptions import ApplicationError


def assign(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set the given fields; True when any value differs from what the instance held."""
    changed = instance._state.adding
    for field, value in values.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return changed


def save_audited(instance: models.Model, *, actor: Any, clean: bool = False) -> None:
    """Save and record `actor` as the author in the history.

    With `clean`, model validation (field checks and CheckConstraints) runs first and a failure
    becomes an ApplicationError naming the fields, so a broken rule is a 400, not a 500.
    """
    if clean:
        try:
            instance.full_clean()
        except ValidationError as error:
            raise ApplicationError(
                "Invalid input: see the errors for each field.",
                errors={
                    ("" if field == "__all__" else field): messages
                    for field, messages in error.message_dict.items()
                },
            ) from error
    instance._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        # A concurrent write won the race for a unique value. The database's message names the
        # conflicting values (an MRN, say), so it is neither shown nor logged.
        raise ApplicationError(
            "This change conflicts with another one saved at the same time.",
            errors={"": ["Reload and try again."]},
            status=409,
        ) from None


def delete_audited(instance: models.Model, *, actor: Any) -> None:
    instance._history_user = actor  # type: ignore[attr-defined]
    instance.delete()
