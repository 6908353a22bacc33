"""Record ids as they arrive in URLs and bodies."""

from __future__ import annotations

import uuid
from typing import Any


def uuid_or_none(value: Any) -> uuid.UUID | None:
    """A UUID for filtering, or None for a malformed id (which then matches nothing: a 404,
    never a 500)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
