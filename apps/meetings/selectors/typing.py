"""Reads of the decision as it is being typed (services/typing.py writes it): not the record,
a moment's draft in the shared cache."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from ..models import AgendaItem


def typing_key(item_id: Any) -> str:
    return f"meetings:decision-typing:{item_id}"


def decision_typing_get(*, item: AgendaItem) -> dict[str, Any] | None:
    return cache.get(typing_key(item.pk))


def decision_typing_tokens(item_ids: list[Any]) -> dict[str, str]:
    """For the live state: a token per item that changes whenever its typed text does."""
    found = cache.get_many([typing_key(item_id) for item_id in item_ids])
    return {
        str(item_id): str(found[typing_key(item_id)].get("at", ""))
        for item_id in item_ids
        if typing_key(item_id) in found
    }
