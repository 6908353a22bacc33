"""A paginator for lists whose size is already known.

Django's paginator counts its list with a `COUNT(*)` of the whole query; where the caller has
counted the same rows another way (the worklist counts each stage from its stored stages,
without joining every case to its patient), that count is given instead of made again."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """`Paginator(object_list, per_page, count=n)`: `n` must be the number of rows of
    `object_list` (the caller's promise; a wrong count shows wrong page numbers)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int, **options: Any) -> None:
        super().__init__(object_list, per_page, **options)
        self.count = count  # replaces the cached property: no COUNT query
