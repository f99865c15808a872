"""The bad-input suite: hostile values in every query string, for every role, never answer 500.

INPUTS has one row per URL pattern of the pages (the patterns of tests/test_access_matrix.py and
the login pages); `test_every_url_pattern_has_inputs` fails for a pattern without a row, so
whoever adds a URL says here what it reads. A row holds:

- `kwargs`: how to reach the pattern for an object of Nagari Batang Barus (the access matrix's
  World);
- `get`: the query strings the page reads, as templates: parameter → value, where HOSTILE is
  replaced in turn by every value of HOSTILE_VALUES (fixed values, or callables of the world,
  stay). A page that reads no query string has `get=()` and still gets the junk ones;

Bodies (POST) are the other half of the suite: tests/test_bad_input_post.py, with its own table; the
admin's changelists have their share in tests/test_bad_input_admin.py.

The API's routes need no row here: their query parameters are read from the OpenAPI schema the
code generates, and their reach from API_ROWS of tests/api/test_access.py.

Each request runs in its own savepoint, so that one database error cannot hide the next; any 5xx
or exception fails, and every failure of a pattern is listed together. The requests are shared out
among the roles (anonymous, the Batang Barus operator, branch staff, the branch head): a role the
page refuses (login, 403, 405: answered before any parameter is read, as the access matrix says)
is sent all of them, and the roles the page admits take turns, so each hostile query reaches the
parameter parsing once, by some admitted role, without rendering the heaviest pages and PDFs
hundreds of times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pytest
from django.contrib.auth import urls as auth_urls
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import bearer
from tests.api.test_access import API_ROWS
from tests.bad_input import HOSTILE_VALUES, H, Template, fill, session
from tests.test_access_matrix import ROWS as ACCESS_ROWS
from tests.test_access_matrix import World, project_url_names

# Raw query strings that no dict can express: broken percent-encoding, keys without values, brackets.
RAW_QUERIES = (
    "%FF%FE=%FF",
    "page",
    "=&&=",
    "page[]=1&sort[]=x",
    "period=custom&start&end",
    "period=custom&start=01/0001&end=11/2026",  # the reported 500
    "a=%00%00",
)

# Sent to every pattern: every parameter some page reads, at once, each with a value it must refuse.
JUNK = {
    "page": "-1",
    "sort": "__class__",
    "ordering": "__class__",
    "q": "\x00",
    "period": "custom",
    "start": "01/0001",
    "end": "12/9999",
    "month": "13/2026",
    "village": "9" * 40,
    "next": "https://example.com/",
}


@dataclass(frozen=True)
class Inputs:
    kwargs: Callable[[World], dict] = field(default=lambda world: {})
    get: tuple[Template, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)


def this_month(world: World) -> str:
    return f"{timezone.localdate():%m/%Y}"


def village_pk(world: World) -> str:
    return str(world.village.pk)


def district_pk(world: World) -> str:
    """Narrows a branch user's pages to one kecamatan, where the parameter under test is not the region."""
    return str(world.village.district.pk)


# The dashboards' period, sort, page and region filters (dashboards/views/common.py).
PERIOD = (
    {"period": H, "district": district_pk},
    {"period": "custom", "start": H, "end": this_month, "sort": H, "page": H, "district": district_pk},
    {"period": "custom", "start": "01/2024", "end": H, "regency": H, "district": H, "kind": H, "q": H},
)


def participant_pk(world: World) -> dict:
    return {"pk": world.participant.pk}


def evaluation_pk(world: World) -> dict:
    return {"pk": world.evaluation.pk}


def cycle_pk(world: World) -> dict:
    return {"pk": world.cycle.pk}


def action_item_pk(world: World) -> dict:
    return {"pk": world.action_item.pk}


def batch_pk(world: World) -> dict:
    return {"pk": world.import_batch.pk}


def village_code(world: World) -> dict:
    return {"code": world.village.code}


INPUTS: dict[str, Inputs] = {
    "home": Inputs(get=PERIOD),
    "healthz": Inputs(),
    "manifest": Inputs(),
    "service_worker": Inputs(),
    "offline": Inputs(get=({"disimpan": H, "offline_item": H},)),
    "participants:offline_pages": Inputs(),
    # django.contrib.auth
    "login": Inputs(get=({"next": H},)),
    "logout": Inputs(),
    "password_change": Inputs(),
    "password_change_done": Inputs(),
    "password_reset": Inputs(),
    "password_reset_done": Inputs(),
    "password_reset_confirm": Inputs(kwargs=lambda world: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": Inputs(),
    # dashboards
    "dashboard:village_list": Inputs(get=PERIOD),
    "dashboard:village_detail": Inputs(kwargs=village_code, get=PERIOD),
    "dashboard:village_export": Inputs(
        kwargs=lambda world: {"code": world.village.code, "table": "indikator", "fmt": "csv"}, get=PERIOD
    ),
    "dashboard:region_detail": Inputs(kwargs=lambda world: {"code": world.village.district.code}, get=PERIOD),
    "dashboard:export": Inputs(kwargs=lambda world: {"table": "peringkat", "fmt": "csv"}, get=PERIOD),
    "dashboard:village_residents": Inputs(kwargs=village_code),
    "dashboard:village_residents_delete": Inputs(kwargs=village_code),
    "dashboard:village_prospects": Inputs(kwargs=village_code, get=({"page": H},)),
    "dashboard:village_prospects_export": Inputs(kwargs=lambda world: {"code": world.village.code, "fmt": "csv"}),
    "dashboard:commitment_list": Inputs(get=({"state": H, "kind": H, "regency": H, "page": H},)),
    "dashboard:claim_list": Inputs(
        get=(*PERIOD, {"village": H, "programme": H, "status": H, "page": H, "district": district_pk})
    ),
    "dashboard:claim_export": Inputs(
        kwargs=lambda world: {"fmt": "csv"},
        get=(*PERIOD, {"village": H, "programme": H, "status": H, "district": district_pk}),
    ),
    "dashboard:official_entries": Inputs(get=({"month": H, "regency": H}, {"month": this_month, "regency": H})),
    "dashboard:official_entries_export": Inputs(kwargs=lambda world: {"fmt": "csv"}, get=({"month": H, "regency": H},)),
    # participants
    "participants:list": Inputs(
        get=({"q": H, "village": H, "status": H, "occupation": H, "funding_source": H, "page": H},)
    ),
    "participants:create": Inputs(),
    "participants:detail": Inputs(kwargs=participant_pk),
    "participants:update": Inputs(kwargs=participant_pk),
    "participants:exit": Inputs(kwargs=participant_pk),
    "participants:contribution_create": Inputs(
        kwargs=participant_pk,
        get=(
            {
                "proposal": "1",
                "first_month": H,
                "months": H,
                "with_jht": H,
                "amount": H,
                "funding_source": H,
            },
        ),
        headers={"HX-Request": "true"},
    ),
    "participants:claim_create": Inputs(kwargs=participant_pk),
    "participants:monthly": Inputs(
        get=(
            {"village": H, "month": H},
            {"village": village_pk, "month": H},
            {"village": village_pk, "month": "01/2024", "paid_on": H, "channel": H},
        )
    ),
    "participants:import": Inputs(),
    "participants:import_contributions": Inputs(),
    "participants:import_template": Inputs(kwargs=lambda world: {"kind": "peserta"}),
    "participants:import_preview": Inputs(kwargs=batch_pk),
    "participants:import_rejected": Inputs(kwargs=batch_pk),
    # activities
    "villages:activity_list": Inputs(get=({"village": H, "kind": H, "page": H},)),
    "villages:activity_create": Inputs(),
    "villages:activity_detail": Inputs(kwargs=lambda world: {"pk": world.activity.pk}),
    "villages:activity_update": Inputs(kwargs=lambda world: {"pk": world.activity.pk}),
    # the anev
    "evaluations:cycle_list": Inputs(),
    "evaluations:cycle_create": Inputs(),
    "evaluations:cycle_detail": Inputs(kwargs=cycle_pk, get=({"name": H, "regency": H, "category": H, "status": H},)),
    "evaluations:cycle_close": Inputs(kwargs=cycle_pk),
    "evaluations:cycle_tracker": Inputs(kwargs=cycle_pk, get=({"status": H, "pillar": H, "overdue": H},)),
    "evaluations:cycle_summary_pdf": Inputs(kwargs=cycle_pk),
    "evaluations:cycle_summary_xlsx": Inputs(kwargs=cycle_pk),
    "evaluations:evaluation_detail": Inputs(kwargs=evaluation_pk),
    "evaluations:evaluation_compute": Inputs(kwargs=evaluation_pk),
    "evaluations:evaluation_notes": Inputs(kwargs=evaluation_pk),
    "evaluations:pillar_adjust": Inputs(kwargs=lambda world: {"pk": world.evaluation.pk, "pillar": "pertumbuhan"}),
    "evaluations:evaluation_submit": Inputs(kwargs=evaluation_pk),
    "evaluations:evaluation_approve": Inputs(kwargs=evaluation_pk),
    "evaluations:evaluation_return": Inputs(kwargs=evaluation_pk),
    "evaluations:action_item_add": Inputs(kwargs=evaluation_pk),
    "evaluations:evaluation_report_pdf": Inputs(kwargs=evaluation_pk),
    "evaluations:evaluation_report_print": Inputs(kwargs=evaluation_pk),
    "evaluations:action_item_edit": Inputs(kwargs=action_item_pk),
    "evaluations:action_item_delete": Inputs(kwargs=action_item_pk),
    "evaluations:action_item_status": Inputs(kwargs=action_item_pk),
    # background jobs
    "jobs:list": Inputs(),
    "jobs:detail": Inputs(kwargs=lambda world: {"pk": world.job.pk}, headers={"HX-Request": "true"}),
    "jobs:file": Inputs(kwargs=lambda world: {"pk": world.job.pk}),
    # the reconciliation with the core system
    "reconciliation:index": Inputs(),
    "reconciliation:preview": Inputs(kwargs=lambda world: {"pk": world.extract_preview.pk}),
    "reconciliation:remap": Inputs(kwargs=lambda world: {"pk": world.extract_preview.pk}),
    "reconciliation:result": Inputs(kwargs=lambda world: {"pk": world.extract.pk}),
    "reconciliation:findings": Inputs(
        kwargs=lambda world: {"pk": world.extract.pk},
        get=({"kind": H, "village": H, "page": H}, {"kind": "bulan_kurang", "village": "belum", "page": H}),
    ),
    "reconciliation:findings_export": Inputs(
        kwargs=lambda world: {"pk": world.extract.pk}, get=({"kind": H, "village": H},)
    ),
    "reconciliation:apply": Inputs(kwargs=lambda world: {"pk": world.extract.pk}),
}

ROLES = ("anonymous", "official", "staff", "head")
SIGNED_IN = ROLES[1:]


def url_pattern_names() -> set[str]:
    """The access matrix's patterns (the API's aside) and the login pages, which read ?next=."""
    names = set(project_url_names()) | {pattern.name for pattern in auth_urls.urlpatterns}
    return {name for name in names if not name.startswith("api:")}


def test_every_url_pattern_has_inputs():
    patterns = url_pattern_names()
    missing = sorted(patterns - set(INPUTS))
    assert not missing, f"URL patterns without a row in tests/test_bad_input.py INPUTS: {missing}"
    stale = sorted(set(INPUTS) - patterns)
    assert not stale, f"Rows for URL names that no longer exist: {stale}"


# --- the API: query parameters from the OpenAPI schema ----------------------------------------------------------


@cache
def _schema_query_parameters() -> list[tuple[re.Pattern, list[str]]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = []
    for path, operations in schema["paths"].items():
        names = [
            parameter["name"]
            for parameter in operations.get("get", {}).get("parameters", [])
            if parameter["in"] == "query"
        ]
        routes.append((re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$"), names))
    return routes


def api_query_parameters(url: str) -> list[str]:
    """The query parameters the schema documents for GET `url` (none for a route it does not list)."""
    for pattern, names in _schema_query_parameters():
        if pattern.match(url):
            return names
    return []


def test_the_api_documents_its_query_parameters():
    """The API's share of the suite is only as good as its schema: a list route must document its filters."""
    assert {"page", "page_size", "ordering"} <= set(api_query_parameters(reverse("api:participant-list")))
    assert "village" in api_query_parameters(reverse("api:indicators"))


def api_inputs(name: str, world: World) -> Inputs:
    row = API_ROWS[name]
    url = reverse(name, kwargs=row.kwargs(world))
    parameters = api_query_parameters(url) if "GET" in row.methods else []
    return Inputs(kwargs=row.kwargs, get=(dict.fromkeys(parameters, H),) if parameters else ())


# --- the requests -----------------------------------------------------------------------------------------------


def templated(row: Inputs, world: World) -> list[dict]:
    return [fill(template, value, world) for template in row.get for value in HOSTILE_VALUES]


def _request(client, url: str, query: dict | str, headers: dict) -> tuple[int | None, str | None]:
    """(status, None) for an answer below 500; (status or None, what went wrong) otherwise."""
    try:
        with transaction.atomic():
            if isinstance(query, str):
                response = client.get(f"{url}?{query}", headers=headers)
            else:
                response = client.get(url, query, headers=headers)
    except Exception as error:  # the test client re-raises what the view raised: that is the 500
        return None, f"{type(error).__name__}: {str(error)[:200]}"
    if response.status_code >= 500:
        return response.status_code, f"status {response.status_code}"
    return response.status_code, None


def expected(name: str, role: str):
    """What the access matrix says `role` gets on a plain GET of the pattern (the login pages: 200)."""
    if name in API_ROWS:
        return API_ROWS[name].methods.get("GET", {}).get(role)
    return ACCESS_ROWS[name].expect[role] if name in ACCESS_ROWS else 200


def _sweep(clients: dict, name: str, url: str, row: Inputs, world: World) -> list[str]:
    """Send the row's requests as every role (see the module docstring); the failures, in words."""
    failures = []

    def send(role: str, queries) -> None:
        for query in queries:
            _status, problem = _request(clients[role], url, query, row.headers)
            if problem:
                failures.append(f"{role} GET {url} {query!r:.160}: {problem}")

    admitted = [role for role in SIGNED_IN if expected(name, role) == 200]
    queries = [JUNK, *RAW_QUERIES, *templated(row, world)]
    for role in ROLES:
        send(role, queries[admitted.index(role) :: len(admitted)] if role in admitted else queries)
    return failures


@pytest.fixture
def users(official, staff_user, head_user) -> dict:
    return {"anonymous": None, "official": official, "staff": staff_user, "head": head_user}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_hostile_query_strings_never_answer_500(users, name):
    world = World(users)
    row = INPUTS[name]
    url = reverse(name, kwargs=row.kwargs(world))
    failures = _sweep({role: session(users[role]) for role in ROLES}, name, url, row, world)
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:25])


@pytest.mark.parametrize("name", sorted(API_ROWS))
def test_hostile_api_query_strings_never_answer_500(users, name):
    world = World(users)
    row = api_inputs(name, world)
    url = reverse(name, kwargs=row.kwargs(world))
    if API_ROWS[name].page:
        clients = {role: session(users[role]) for role in ROLES}
    else:
        clients = {role: bearer(users[role]) if users[role] else Client() for role in ROLES}
    failures = _sweep(clients, name, url, row, world)
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:25])


# --- what a hostile value gets: a form error, or the default ------------------------------------------------------


def _months_ago(count: int) -> str:
    from participants.months import add_months, month_start

    return f"{add_months(month_start(timezone.localdate()), -count):%m/%Y}"


@pytest.mark.parametrize(
    "url_name, kwargs",
    [
        ("home", lambda world: {}),
        ("dashboard:region_detail", lambda world: {"code": world.village.district.regency.code}),
        ("dashboard:village_detail", lambda world: {"code": world.village.code}),
    ],
)
@pytest.mark.parametrize("start", ["01/0001", "12/2018", "01/1900"])
def test_a_month_before_the_programme_is_a_form_error_and_the_default_period(client, users, url_name, kwargs, start):
    """Year 0001 was a 500 (its previous period fell in year 0); 1900 an 1,500-month page."""
    from core.dates import earliest_month
    from indicators import Period

    client.force_login(users["staff"])
    url = reverse(url_name, kwargs=kwargs(World(users)))
    response = client.get(url, {"period": "custom", "start": start, "end": _months_ago(1)})
    assert response.status_code == 200
    errors = response.context["scope"].period_form.errors["start"]
    if start != "01/0001":  # core.parsing already refuses a year before 1900 as no month at all
        assert errors == [
            f"Bulan {start} di luar rentang yang mungkin: {earliest_month():%m/%Y} sampai {_months_ago(0)}."
        ]
    assert errors[0] in response.text
    assert response.context["period"] == Period.last_full_months(12)


def test_the_programme_s_first_month_is_accepted(client, users):
    client.force_login(users["staff"])
    response = client.get(reverse("home"), {"period": "custom", "start": "01/2019", "end": _months_ago(1)})
    assert response.status_code == 200
    assert "di luar rentang" not in response.text
    assert response.context["period"].label == f"01/2019–{_months_ago(1)}"


@pytest.mark.parametrize("end", ["12/9999", _months_ago(-1)])
def test_a_month_after_this_one_is_a_form_error(client, users, end):
    client.force_login(users["staff"])
    response = client.get(reverse("home"), {"period": "custom", "start": "01/2024", "end": end})
    assert response.status_code == 200
    assert response.context["scope"].period_form.errors["end"]
    if end != "12/9999":  # core.parsing already refuses a year after 2100 as no month at all
        assert f"Bulan {end} di luar rentang yang mungkin" in response.text


def test_an_export_with_a_bad_period_writes_the_default_period(client, users):
    from indicators import Period

    client.force_login(users["staff"])
    url = reverse("dashboard:export", kwargs={"table": "peringkat", "fmt": "csv"})
    response = client.get(url, {"period": "custom", "start": "01/0001", "end": _months_ago(1)})
    assert response.status_code == 200
    assert Period.last_full_months(12).label in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("page", ["abc", "999999", "-1", "0", "9" * 40])
def test_a_page_that_is_no_page_shows_the_first_or_the_last(client, users, page):
    client.force_login(users["staff"])
    for name in ("dashboard:village_list", "participants:list", "villages:activity_list"):
        response = client.get(reverse(name), {"page": page})
        assert response.status_code == 200, name
        assert response.context["page"].number in (1, response.context["page"].paginator.num_pages), name


def test_a_sort_that_is_no_column_is_the_default_order(client, users):
    client.force_login(users["staff"])
    default = client.get(reverse("dashboard:village_list"))
    for sort in ("__class__", "-__class__", "name__icontains", "-"):
        response = client.get(reverse("dashboard:village_list"), {"sort": sort})
        assert response.status_code == 200
        assert (response.context["scope"].sort, response.context["scope"].descending) == (
            default.context["scope"].sort,
            default.context["scope"].descending,
        )


@pytest.mark.parametrize("month", ["13/2026", "00/2026", "01/0001", "１３/２０２６"])
def test_a_month_that_is_no_month_is_a_form_error_on_the_monthly_screen(client, users, month):
    world = World(users)
    client.force_login(users["official"])
    response = client.get(reverse("participants:monthly"), {"village": world.village.pk, "month": month})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert response.context["rows"] == []
