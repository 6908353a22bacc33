"""Log filters that keep patient identifiers out of logs."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class RedactQueryStringFilter(logging.Filter):
    """Query strings may carry identifiers (?mrn=...): drop them from every logged request line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                _QUERY.sub("?[redacted]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = _QUERY.sub("?[redacted]", record.msg)
        return True
