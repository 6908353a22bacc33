"""Retrying a write transaction the database gave up on for concurrency's sake: a deadlock or a
serialization failure (PostgreSQL), "database is locked" (the embedded SQLite, once its busy
timeout has passed). Each attempt is a whole new transaction, so it sees what the winner wrote.
Locks are still taken in one order everywhere (meeting, agenda item, summary); this is the
second line of defence, not the first."""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# PostgreSQL's SQLSTATEs for "run the transaction again".
_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_transient_conflict(error: BaseException) -> bool:
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(error)


def retry_on_conflict(attempts: int = 4, base_delay: float = 0.05) -> Callable[[F], F]:
    """Decorate an atomic service (put it outside `@transaction.atomic`): a transient conflict
    runs it again, after a short random wait, up to `attempts` times. Inside an outer
    transaction there is nothing to retry (the outer one is already broken): the error goes up."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except OperationalError as error:
                    if (
                        attempt == attempts
                        or connection.in_atomic_block
                        or not is_transient_conflict(error)
                    ):
                        raise
                    logger.warning(
                        "%s: transient database conflict, attempt %d of %d",
                        func.__qualname__,
                        attempt,
                        attempts,
                    )
                    time.sleep(base_delay * attempt * (1 + random.random()))
            raise AssertionError("unreachable")

        return wrapper  # type: ignore[return-value]

    return decorate
