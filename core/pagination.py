"""One way to cut a list into pages, for every paginated page and its one partial, templates/partials/pagination.html.

The page is read from ?page= leniently (the last page when beyond it, the first when not a number: a
bookmark never answers 404 or 500), and carries the page numbers to link, elided around the current
page, so a list of thousands of participants shows a handful of links. The partial builds each link
with `{% querystring %}`, so the list's filters and sort order stay in the links.

Large lists stay cheap at any page. A queryset whose order ends with its primary key has its pages in
the second half read from its end (the order reversed, the offset counted from the last row), so the
last page costs what the first costs when an index serves the order; and the page's rows are read by
their keys, chosen in a subquery, so that costly columns (a status worked out per row) are worked out
for those rows only. A caller that knows the size of the list (an estimate, such as PostgreSQL's row
count of a table) passes it as `count`, saving the COUNT over every row, and says it is `approximate`:
the partial then writes "sekitar".
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


class _Paginator(Paginator):
    """A paginator with an optional known count, reading the far half of an ordered queryset backwards."""

    def __init__(self, rows, per_page: int, *, count: int | None = None, approximate: bool = False) -> None:
        super().__init__(rows, per_page)
        self.approximate = approximate
        if count is not None:
            self.__dict__["count"] = count  # the cached_property's slot: no COUNT query

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        if not _totally_ordered(rows):
            return self._get_page(rows[bottom:top], number, self)
        from_end = bottom > self.count - top  # closer to the end: the same rows in reverse order, from the end
        keys = rows.reverse()[self.count - top : self.count - bottom] if from_end else rows[bottom:top]
        # The rows' own columns and annotations are worked out for the page's rows only, not the skipped ones.
        return self._get_page(rows.filter(pk__in=keys.values("pk")), number, self)


def _totally_ordered(rows) -> bool:
    """A queryset whose order ends with its primary key: reversed, it is exactly the mirror of itself."""
    if not isinstance(rows, QuerySet) or not rows.ordered:
        return False
    ordering = rows.query.order_by or rows.model._meta.ordering
    return bool(ordering) and isinstance(ordering[-1], str) and ordering[-1].lstrip("-") in ("pk", "id")


def paginate(request: HttpRequest, rows, *, per_page: int, count: int | None = None, approximate: bool = False) -> Page:
    """The page of `rows` asked for by ?page=, with `numbers`: the page numbers to link (and ellipses).

    `count`, when given, is taken as the number of rows (no COUNT query); `approximate` says it is an estimate."""
    page = _Paginator(rows, per_page, count=count, approximate=approximate).get_page(request.GET.get("page"))
    page.numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
