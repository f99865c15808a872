"""One page of every list: `?page=` and `?page_size=` (default 50, at most 200).

A page size or page number that is not a positive whole number, or a page size
over the bound, is a 400 naming the parameter (never silently replaced); a page
past the last is a 404.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _positive(request, name: str, *, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw[:20]) < 1:
        raise ValidationError({name: [_("Harus bilangan bulat positif.")]})
    # Twenty digits are beyond any page; longer numbers are not converted at all.
    number = int(raw) if len(raw) <= 20 else 10**20
    if maximum is not None and number > maximum:
        raise ValidationError({name: [_("Paling besar %(max)s.") % {"max": maximum}]})
    return number


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return _positive(request, self.page_size_query_param, maximum=self.max_page_size) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        number = _positive(request, self.page_query_param) or 1
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            raise NotFound(_("Halaman %(page)s tidak ada.") % {"page": number}) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Nomor halaman, mulai dari 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Banyak baris per halaman (bawaan {DEFAULT_PAGE_SIZE}, paling banyak {MAX_PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]
