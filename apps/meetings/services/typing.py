"""The decision as it is being typed, before it is recorded: what the projector screen shows so
that the room reads the wording while the scribe writes it.

It is not the record (nothing is audited until the decision is saved, through
`decision_record`) and lives only for a short while in the cache that the web processes share
(settings.CACHES: Redis when REDIS_URL is set). Saving the decision clears it."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from ..models import AgendaItem
from ..selectors.typing import typing_key

# A draft left in the middle of a sentence is forgotten after this long.
TYPING_TTL = datetime.timedelta(minutes=15)
FIELDS = ("plan_codes", "plan_text", "intent", "agreement", "departure_reason", "departure_detail")


def decision_typing_put(*, item: AgendaItem, actor: Any, data: dict[str, Any]) -> None:
    """Keep what `actor` has typed so far in the decision form of `item`."""
    typed = {field: data.get(field) for field in FIELDS}
    typed["by"] = actor.get_full_name() or actor.get_username()
    typed["at"] = timezone.now().isoformat()
    cache.set(typing_key(item.pk), typed, int(TYPING_TTL.total_seconds()))


def decision_typing_clear(*, item: AgendaItem) -> None:
    cache.delete(typing_key(item.pk))
