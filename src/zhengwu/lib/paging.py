"""Paging through long lists without counting them: `COUNT(*)` over a million appeals costs
seconds, and nobody reads page 30 000 of a queue."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Rows counted at most (beyond the page asked for); a longer list shows "more than 1000".
COUNT_CAP = 1000


def page_number(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` rows, or up to the page asked for if that is
    further, plus one to know whether there are more. `is_capped` tells the template to say
    "more than `limit`" instead of an exact total; the pages up to the one asked for are exact,
    and the next page is always reachable. For querysets (it counts a slice of them)."""

    def __init__(self, object_list: Any, per_page: int, *, page: Any = 1, cap: int | None = None):
        super().__init__(object_list, per_page)
        wanted = page_number(page) * per_page
        self.limit = max(COUNT_CAP if cap is None else cap, wanted)

    @cached_property
    def count(self) -> int:
        # Any `limit + 1` rows give the same answer: no ORDER BY, so no sort before the limit.
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.limit
