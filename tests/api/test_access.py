"""The API section of the access matrix: every API route, every method, every role.

`API_ROWS` has one row per URL name of the `api` namespace; tests/test_access_matrix.py
counts them with its own rows, so a route added without a row fails there. A row lists
the methods the route answers and what each role gets; any other method must answer
405 (401 without credentials), so a method added to a route without a row fails here.

API routes are called with each role's token (anonymous: none); the token and docs
pages with the role's session. Writes are sent with a body the rules refuse, so the
matrix writes nothing: after every refused write the rows of every written model are
counted again. An object of another village answers 404, never 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken, IdempotencyRecord
from api.services import token_create
from participants.models import Claim, Contribution, Participant
from tests.api.conftest import bearer
from tests.test_access_matrix import LOGIN, ROLES, World
from villages.models import Activity

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITTEN_MODELS = (Participant, Contribution, Claim, Activity, IdempotencyRecord, ApiToken)


@dataclass(frozen=True)
class ApiRow:
    """methods: method → (role → status). marker: Batang Barus data on a 200 GET (not for the outsider)."""

    methods: dict[str, dict[str, int | str]]
    kwargs: Callable[[World], dict] = field(default=lambda world: {})
    query: Callable[[World], str] = field(default=lambda world: "")
    body: Callable[[World], dict] = field(default=lambda world: {})
    marker: Callable[[World], str] | None = None
    page: bool = False  # a page for people (session, login redirect), not a JSON endpoint

    @property
    def anonymous(self) -> int | str:
        return LOGIN if self.page else 401


def api(official=200, outsider=200, staff=200, head=200) -> dict[str, int | str]:
    return {"anonymous": 401, "official": official, "outsider": outsider, "staff": staff, "head": head}


READ = api()
READ_OBJECT = api(outsider=404)
# Writes refused by the rules (400) for writers; the head only reads (403); another village's object is a 404.
WRITE = api(official=400, outsider=400, staff=400, head=403)
WRITE_OBJECT = api(official=400, outsider=404, staff=400, head=403)


def participant_pk(world: World) -> dict:
    return {"pk": world.participant.pk}


def participant_name(world: World) -> str:
    return world.participant.name


def village_name(world: World) -> str:
    return world.village.name


def refused_participant(world: World) -> dict:
    return {"name": ""}


API_ROWS: dict[str, ApiRow] = {
    "api:regency-list": ApiRow({"GET": READ}, marker=lambda world: "Kabupaten Solok"),
    "api:regency-detail": ApiRow(
        {"GET": READ_OBJECT}, kwargs=lambda world: {"code": world.village.district.regency.code}
    ),
    "api:district-list": ApiRow({"GET": READ}, marker=lambda world: world.village.district.name),
    "api:district-detail": ApiRow({"GET": READ_OBJECT}, kwargs=lambda world: {"code": world.village.district.code}),
    "api:village-list": ApiRow({"GET": READ}, marker=village_name),
    "api:village-detail": ApiRow({"GET": READ_OBJECT}, kwargs=lambda world: {"pk": world.village.pk}),
    "api:activity-list": ApiRow(
        {"GET": READ, "POST": WRITE}, marker=lambda world: world.activity.title, body=lambda world: {"kind": "x"}
    ),
    "api:activity-detail": ApiRow(
        {"GET": READ_OBJECT, "PATCH": WRITE_OBJECT},
        kwargs=lambda world: {"pk": world.activity.pk},
        body=lambda world: {"kind": "x"},
    ),
    "api:participant-list": ApiRow({"GET": READ, "POST": WRITE}, marker=participant_name),
    "api:participant-detail": ApiRow(
        {"GET": READ_OBJECT, "PATCH": WRITE_OBJECT}, kwargs=participant_pk, body=refused_participant
    ),
    "api:participant-contributions": ApiRow({"POST": WRITE_OBJECT}, kwargs=participant_pk),
    "api:participant-claims": ApiRow({"POST": WRITE_OBJECT}, kwargs=participant_pk),
    "api:contribution-list": ApiRow(
        {"GET": READ}, marker=lambda world: f'"participant":{world.contribution.participant_id}'
    ),
    "api:contribution-detail": ApiRow({"GET": READ_OBJECT}, kwargs=lambda world: {"pk": world.contribution.pk}),
    "api:contribution-monthly": ApiRow({"POST": WRITE}),
    "api:claim-list": ApiRow({"GET": READ}, marker=lambda world: f'"participant":{world.claim.participant_id}'),
    "api:claim-detail": ApiRow({"GET": READ_OBJECT}, kwargs=lambda world: {"pk": world.claim.pk}),
    "api:statistic-list": ApiRow({"GET": READ}, query=lambda world: f"?village={world.village.pk}"),
    "api:evaluation-cycle-list": ApiRow(
        {"GET": READ}, marker=lambda world: world.cycle.name, query=lambda world: "?ordering=name"
    ),
    "api:evaluation-cycle-detail": ApiRow({"GET": READ_OBJECT}, kwargs=lambda world: {"pk": world.cycle.pk}),
    "api:evaluation-list": ApiRow({"GET": READ}, marker=lambda world: f'"village":{world.evaluation.village_id},'),
    "api:evaluation-detail": ApiRow({"GET": READ_OBJECT}, kwargs=lambda world: {"pk": world.evaluation.pk}),
    "api:indicators": ApiRow({"GET": READ_OBJECT}, query=lambda world: f"?village={world.village.pk}"),
    "api:indicators-villages": ApiRow({"GET": READ}, marker=village_name),
    "api:contribution-rules": ApiRow({"GET": READ}),  # the branch's rules, the same for every role
    "api:unknown": ApiRow({method: dict.fromkeys(ROLES, 404) for method in METHODS}),
    "api:schema": ApiRow({"GET": READ}),
    "api:docs": ApiRow({"GET": {**READ, "anonymous": LOGIN}}, page=True),
    # The token page re-shows an invalid form (200); revoking a token is its owner's only (the official's here).
    "api:tokens": ApiRow({"GET": {**READ, "anonymous": LOGIN}, "POST": {**READ, "anonymous": LOGIN}}, page=True),
    "api:token_revoke": ApiRow(
        {"POST": {"anonymous": LOGIN, "official": 302, "outsider": 404, "staff": 404, "head": 404}},
        kwargs=lambda world: {"pk": token_create(user=world.users["official"], name="matriks")[0].pk},
        page=True,
    ),
}


@pytest.fixture
def users(official, other_official, staff_user, head_user) -> dict:
    return {"anonymous": None, "official": official, "outsider": other_official, "staff": staff_user, "head": head_user}


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN_MODELS}


def _client(row: ApiRow, user):
    if user is None:
        return Client()
    if row.page:
        client = Client()
        client.force_login(user)
        return client
    return bearer(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(API_ROWS))
def test_api_access(users, name, role):
    row, user = API_ROWS[name], users[role]
    world = World(users)
    client = _client(row, user)
    url = reverse(name, kwargs=row.kwargs(world)) + row.query(world)
    marker = row.marker(world) if row.marker else None
    for method in METHODS:
        expected = row.methods.get(method, {}).get(role)
        if expected is None:
            expected = row.anonymous if user is None else 405
        before = _counts()
        if method == "GET":
            response = client.get(url)
        else:
            response = getattr(client, method.lower())(url, row.body(world), content_type="application/json")
        if expected == LOGIN:
            assert response.status_code == 302, f"{role} {method} {url}: {response.status_code}"
            assert response["Location"].startswith(reverse("login")), f"{role} {method} {url}"
        else:
            assert response.status_code == expected, (
                f"{role} {method} {url}: {response.status_code}, expected {expected}"
            )
        if method != "GET" and response.status_code >= 400:
            assert _counts() == before, f"{role} {method} {url} answered {response.status_code} but wrote"
        if method == "GET" and marker and response.status_code == 200:
            if role == "outsider":
                assert marker not in response.text, f"{role} sees Batang Barus data on {url}"
            else:
                assert marker in response.text, f"{role} should see {marker!r} on {url}"
