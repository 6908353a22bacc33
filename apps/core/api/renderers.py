"""A JSON renderer for the large, plain answers of the pathway (a result is 6 to 8 KB): orjson
writes them in a tenth of the standard library's time. The bytes are the same JSON (compact,
UTF-8); anything orjson does not know (a lazy translation) is written as its text. A msgspec
struct (the pathway's result) is written by msgspec directly, with no dictionary in between."""

from __future__ import annotations

from typing import Any

import msgspec
import orjson
from rest_framework.renderers import JSONRenderer

_STRUCTS = msgspec.json.Encoder()


class FastJSONRenderer(JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if isinstance(data, msgspec.Struct):
            return _STRUCTS.encode(data)
        return orjson.dumps(data, default=str)
