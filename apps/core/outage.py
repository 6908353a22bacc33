"""What the service answers while its database cannot be reached: 503 with Retry-After, in the
API's JSON error shape or as a styled page (middleware.ServiceUnavailableMiddleware, the API's
exception handler and the 500 handler all ask `is_database_outage`)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 30
OUTAGE_MESSAGE = (
    "The service is temporarily unavailable: its database cannot be reached. Nothing was "
    f"saved from this request; try again in {RETRY_AFTER_SECONDS} seconds."
)


def is_database_outage(exc: BaseException | None) -> bool:
    """True for the database's connection errors (down, restarting, refusing connections, a
    connection lost mid-request), and for a deadlock or serialization failure that outlasted
    its retries: trying again later may succeed. Other database errors are bugs."""
    return isinstance(exc, OperationalError | InterfaceError)
