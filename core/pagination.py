"""One way to cut a list into pages, for every paginated page and its one partial, templates/partials/pagination.html.

The page is read from ?page= leniently (the last page when beyond it, the first when not a number: a
bookmark never answers 404 or 500), and carries the page numbers to link, elided around the current
page, so a list of thousands of participants shows a handful of links. The partial builds each link
with `{% querystring %}`, so the list's filters and sort order stay in the links.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, rows, *, per_page: int) -> Page:
    """The page of `rows` asked for by ?page=, with `numbers`: the page numbers to link (and ellipses)."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    page.numbers = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page
