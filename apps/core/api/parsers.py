"""JSON parsing for the API: lenient about numbers, strict about everything that would otherwise
fail later, deep inside the service or the renderer, as a server error.

- NaN and Infinity pass as numbers, so that validation can name the field that holds them (a
  400 at `liver.flr_percent`) instead of rejecting the whole body.
- A body nested deeper than MAX_DEPTH is refused as a whole (Python's parser would otherwise
  run out of stack at about a thousand levels, and the validators long before).
- A string holding an unpaired surrogate (`"\\ud800"`, legal JSON but not text) is refused at
  its path, the key shown escaped: nothing could store or echo it.
- A body larger than DATA_UPLOAD_MAX_MEMORY_SIZE never gets here: the middleware answers 413
  (apps.core.middleware.ApiBodyLimitMiddleware).
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


class MalformedBody(ParseError):
    """A body that is JSON but cannot be taken: its message, and the paths at fault."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {"": [message]}


class LenientNumberJSONParser(JSONParser):
    strict = False

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise MalformedBody(_too_deep()) from None
        check_document(data)
        return data


def _too_deep() -> str:
    return f"JSON nested too deeply: at most {MAX_DEPTH} levels of objects and lists."


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(key: str) -> str:
    """A key as it can be shown: unpaired surrogates written as their escapes."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def check_document(data: Any) -> None:
    """Refuse a parsed document nested too deeply or holding strings that are not text. Walks
    the document without recursion (the point is not to need the stack)."""
    bad: dict[str, list[str]] = {}
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict | list):
            if depth >= MAX_DEPTH:
                raise MalformedBody(_too_deep())
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if isinstance(key, str):
                    child_path = f"{path}.{shown(key)}" if path else shown(key)
                    if not _is_text(key):
                        bad.setdefault(child_path, []).append(
                            "This key is not valid text (an unpaired surrogate)."
                        )
                else:
                    child_path = f"{path}[{key}]"
                stack.append((child, depth + 1, child_path))
        elif isinstance(node, str) and not _is_text(node):
            bad.setdefault(path, []).append("Not valid text (an unpaired surrogate).")
    if bad:
        raise MalformedBody(
            "The request body holds text that is not valid Unicode.",
            {key: bad[key] for key in sorted(bad)},
        )
