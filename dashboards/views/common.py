"""What every dashboard page shares: the scope, its filters, the period and the page figures.

The same builders feed the pages and their exports, so a file holds the numbers of the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from dashboards import selectors
from dashboards.filters import DEFAULT_SORT, PeriodForm, VillageFilter, sort_label, sort_options, sort_order
from indicators import Period
from participants.months import add_months
from villages.models import District, Village

SERIES_MIN_MONTHS = 12


@dataclass
class Scope:
    """The villages a page shows: the user's scope, narrowed by the filters, and the chosen period."""

    villages: QuerySet[Village]
    filterset: VillageFilter | None
    period_form: PeriodForm
    period: Period
    sort: str = "code"
    descending: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def sort_value(self) -> str:
        """The order as ?sort= writes it, for the "Urutkan" control."""
        return f"-{self.sort}" if self.descending else self.sort

    @property
    def sort_label(self) -> str:
        return sort_label(self.sort, self.descending)

    @property
    def sort_options(self) -> list[tuple[str, str]]:
        return sort_options()

    def description(self) -> dict[str, str]:
        """Period and filters in words, written into exports."""
        chosen = self.filterset.description() if self.filterset is not None else {}
        return {"Periode": self.period.label, **self.extra, **chosen}


def page_scope(
    request: HttpRequest, *, villages: QuerySet[Village] | None = None, default_sort: str = DEFAULT_SORT
) -> Scope:
    """The scope of a page: `villages` (default: every village of the user) narrowed by ?regency=&district=&kind=."""
    base = villages if villages is not None else Village.objects.for_user(request.user)
    data = request.GET or None
    filterset = VillageFilter(
        data, queryset=base, districts=District.objects.filter(villages__in=base).distinct().order_by("code")
    )
    narrowed = filterset.qs if (filterset.is_bound and filterset.is_valid()) else base
    period_form = PeriodForm(data)
    sort, descending = sort_order(request.GET, default=default_sort)
    return Scope(
        villages=narrowed,
        filterset=filterset,
        period_form=period_form,
        period=period_form.chosen_period(),
        sort=sort,
        descending=descending,
    )


def series_bounds(period: Period) -> tuple:
    """Charts show the period, and at least the 12 months up to its end."""
    return min(period.start, add_months(period.end, 1 - SERIES_MIN_MONTHS)), period.end


def figures(scope: Scope, *, with_ranking: bool = True, with_headlines: bool = True) -> dict:
    """Headlines beside the previous period, the ranking of villages and the chart series of a scope."""
    if with_headlines:
        current, previous = selectors.period_facts_with_previous(villages=scope.villages, period=scope.period)
    else:
        current = selectors.period_facts(villages=scope.villages, period=scope.period)
    context: dict = {"period": scope.period, "previous_period": scope.period.previous(), "facts": current}
    if with_headlines:
        headlines = selectors.headlines(current=current, previous=previous)
        first, last = series_bounds(scope.period)
        series = selectors.monthly_series(villages=scope.villages, first=first, last=last)
        context.update(
            {
                "headlines": headlines,
                "headline": {item.current.key: item for item in headlines},
                "series": series,
                "cohorts": selectors.cohort_chart(series=series),
            }
        )
    if with_ranking:
        villages = selectors.village_rows(villages=scope.villages)
        month = selectors.reporting_month()
        context["villages"] = villages
        context["reporting_month"] = month
        context["ranking_columns"] = selectors.ranking_columns()
        context["first_position"] = 1
        context["village_base"] = reverse("dashboard:village_list")
        context["region_base"] = reverse("dashboard:region_detail", kwargs={"code": "0"})[:-2]
        context["ranking"] = selectors.ranking(
            villages=villages,
            results=selectors.results_by_village(facts=current),
            reported=selectors.reporting_completeness(villages=scope.villages, month=month),
            sort=scope.sort,
            descending=scope.descending,
        )
    return context


def export_links(request: HttpRequest, *, tables: dict[str, str], url_name: str, kwargs: dict | None = None) -> list:
    """Download links of a page's tables, carrying the page's query string (filters, period)."""
    query = request.GET.urlencode()
    links = []
    for table, label in tables.items():
        urls = {
            fmt: reverse(url_name, kwargs={**(kwargs or {}), "table": table, "fmt": fmt})
            + (f"?{query}" if query else "")
            for fmt in ("xlsx", "csv")
        }
        links.append({"label": label, **urls})
    return links


def period_scope(request: HttpRequest, *, villages: QuerySet[Village]) -> Scope:
    """A page about fixed villages (a village, a region): only the period is chosen."""
    data = request.GET or None
    period_form = PeriodForm(data)
    sort, descending = sort_order(request.GET)
    return Scope(
        villages=villages,
        filterset=None,
        period_form=period_form,
        period=period_form.chosen_period(),
        sort=sort,
        descending=descending,
    )
