"""The one exception services raise when a rule is broken."""


class ApplicationError(Exception):
    """A broken business rule. Interfaces turn it into a 4xx answer (400 unless `status` says
    otherwise) whose `errors` name the fields at fault; `retry_after` (seconds) when trying
    again later may succeed (a 503)."""

    def __init__(
        self,
        message: str,
        *,
        errors: dict[str, list[str]] | None = None,
        status: int = 400,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.status = status
        self.retry_after = retry_after
