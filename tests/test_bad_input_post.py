"""The bad-input suite, bodies: hostile form and JSON bodies to every URL pattern that accepts a POST (or a
PATCH), for every role. It fails on any 500 or exception, on any stored value outside the rules (each row a
request wrote must pass its model's validation and the services' rules: tests/bad_input.py, SERVICE_RULES),
and on any partial write (a refused request must leave every table as it found it).

POSTS has one row per such pattern. `test_every_pattern_that_accepts_a_post_has_a_row` finds them by
asking: a pattern accepts a POST when its view reads the body (request.POST / FILES) for some role, when
it is POST only (the access matrix expects 405 on GET), or when the API lists a write method for it. It
fails naming each pattern without a row. **To add a row** for your new pattern, write in POSTS:

    "app:name": Post(valid=lambda world: {"field": "a value the page accepts", ...}),

- `valid`: a body (form fields; a list for a repeated field; `Upload(name, bytes)` for a file) that some
  role may post with success; the test proves it is accepted, then posts variants where one field at a
  time holds each of FIELD_VALUES (missing, empty, huge and negative numbers, full-width digits, dates
  outside the plausible range, NUL, long text, lists: the rest of the body valid, so they reach the
  services), and where every field at once holds each of BODY_VALUES (those of the query strings too:
  impossible dates, injection strings, non-ASCII text); a file field's upload holds them in its rows;
- `kwargs`: how to reach the pattern (default: its row of INPUTS in tests/test_bad_input.py); the bodies
  and uploads the rows use are built in tests/bad_input_bodies.py;
- `prepare`: puts the world in the state the action needs (an evaluation submitted before approval...);
- `done`: how the page says it succeeded, when not by a redirect without an error message or by a success
  message (a token shown once with 200; logout, which redirects to the login page);
- `json` / `method`: an API write (JSON body, with a bearer token of each role).
A pattern whose body is nothing but the click (a delete, a recompute) has `valid=lambda world: {}`.

How the requests are shared out: each role posts the valid body once; the roles it refuses (login, 401,
403, 404, 405) also get the junk bodies, the roles it admits take turns with the hostile variants. Each
request runs in a savepoint rolled back afterwards, so every variant starts from the same data and a
database error cannot hide the next one. Django's admin is left out: its forms are Django's own (the
admin's scope and query strings are tested in tests/test_admin.py and tests/test_bad_input.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import bearer
from tests.api.test_access import API_ROWS
from tests.bad_input import (
    JUNK_BODIES,
    RAW_BODIES,
    REFUSED,
    Sweep,
    Upload,
    json_variants,
    login_redirect,
    refusal,
    session,
    snapshot,
    variants,
)
from tests.bad_input_bodies import (
    action_body,
    activity_body,
    api_participant,
    api_payment,
    claim_body,
    contribution_list,
    core_extract,
    evaluation_filled,
    evaluation_submitted,
    participant_body,
    participant_list,
    payment_body,
    reset_link,
    resident_list,
    this_month,
    today,
    token_shown,
    uploaded_batch,
)
from tests.factories import default_rubric
from tests.test_access_matrix import ROWS as ACCESS_ROWS
from tests.test_access_matrix import World
from tests.test_bad_input import INPUTS, url_pattern_names

ROLES = ("anonymous", "official", "outsider", "staff", "head")


@dataclass(frozen=True)
class Post:
    valid: Callable[[World], dict]
    kwargs: Callable[[World], dict] | None = None
    prepare: Callable[[World], None] = field(default=lambda world: None)
    done: Callable[[object], bool] | None = None
    json: bool = False
    method: str = "post"


POSTS: dict[str, Post] = {
    "login": Post(valid=lambda world: {"username": "operator.bb", "password": "rahasia-123"}),
    "logout": Post(valid=lambda world: {}, done=lambda response: response.status_code == 302),
    "password_change": Post(
        valid=lambda world: {
            "old_password": "rahasia-123",
            "new_password1": "Sandi-Baru-2026",
            "new_password2": "Sandi-Baru-2026",
        }
    ),
    "password_reset": Post(valid=lambda world: {"email": "operator@example.com"}),
    "password_reset_confirm": Post(
        kwargs=reset_link, valid=lambda world: {"new_password1": "Sandi-Baru-2026", "new_password2": "Sandi-Baru-2026"}
    ),
    "participants:create": Post(valid=participant_body),
    "participants:update": Post(valid=lambda world: participant_body(world, nik=world.participant.nik)),
    "participants:exit": Post(valid=lambda world: {"exit_date": "15/06/2025", "exit_reason": "pindah"}),
    "participants:contribution_create": Post(valid=payment_body),
    "participants:claim_create": Post(valid=claim_body),
    "participants:monthly": Post(
        valid=lambda world: {
            "village": world.village.pk,
            "month": this_month(),
            "paid_on": today(),
            "channel": "agen_perisai",
            "paid": [str(world.participant.pk)],
        }
    ),
    "participants:import": Post(
        valid=lambda world: {"file": Upload("daftar.csv", participant_list(world)), "village": world.village.pk}
    ),
    "participants:import_contributions": Post(
        valid=lambda world: {"file": Upload("iuran.csv", contribution_list(world))}
    ),
    "participants:import_preview": Post(
        kwargs=uploaded_batch("peserta", participant_list),
        valid=lambda world: {"update_all": "1", "update": ["2"], "correction_reason": ""},
    ),
    "villages:activity_create": Post(valid=activity_body),
    "villages:activity_update": Post(valid=activity_body),
    "dashboard:village_residents": Post(valid=lambda world: {"file": Upload("penduduk.csv", resident_list(world))}),
    "dashboard:village_residents_delete": Post(valid=lambda world: {}),
    "evaluations:cycle_create": Post(
        valid=lambda world: {
            "name": "Anev 2025–2027",
            "start_month": "01/2025",
            "end_month": "12/2027",
            "baseline_date": "31/12/2024",
            "rubric": default_rubric().pk,
            "previous": "",
        }
    ),
    "evaluations:cycle_close": Post(valid=lambda world: {}),
    # A document made by a background job: a POST starts it like a GET (the body is read on the way, and ignored).
    "evaluations:cycle_summary_pdf": Post(valid=lambda world: {}),
    "evaluations:evaluation_compute": Post(valid=lambda world: {}),
    "evaluations:evaluation_notes": Post(valid=lambda world: {"findings": "Temuan", "recommendations": "Saran"}),
    "evaluations:pillar_adjust": Post(
        valid=lambda world: {"pertumbuhan-score": "4", "pertumbuhan-justification": "Data sensus terbaru"}
    ),
    "evaluations:evaluation_submit": Post(prepare=evaluation_filled, valid=lambda world: {"submit-comment": "Siap"}),
    "evaluations:evaluation_approve": Post(prepare=evaluation_submitted, valid=lambda world: {"approve-comment": "Ok"}),
    "evaluations:evaluation_return": Post(
        prepare=evaluation_submitted, valid=lambda world: {"return-comment": "Ulang"}
    ),
    "evaluations:action_item_add": Post(valid=action_body),
    "evaluations:action_item_edit": Post(valid=action_body),
    "evaluations:action_item_delete": Post(valid=lambda world: {}),
    "evaluations:action_item_status": Post(valid=lambda world: {"status": "selesai"}),
    # The reconciliation with the core system (branch staff): upload, confirm the preview, map columns, apply.
    "reconciliation:index": Post(
        valid=lambda world: {"file": Upload("ekstrak.xlsx", core_extract(world)), "shape": "", "extract_date": today()}
    ),
    "reconciliation:preview": Post(valid=lambda world: {}),
    "reconciliation:remap": Post(
        valid=lambda world: {
            "shape": "",
            **{f"col_{index}": key for index, key in enumerate(world.extract_preview.mapping.values())},
        }
    ),
    "reconciliation:apply": Post(
        valid=lambda world: {"action": "terapkan", "add_months": "1", "fill_kpj": "1", "register_known": "1"}
    ),
    "api:tokens": Post(valid=lambda world: {"name": "HP operator"}, done=token_shown),
    "api:token_revoke": Post(valid=lambda world: {}),
    # The API's writes: JSON bodies, a bearer token per role.
    "api:participant-list": Post(valid=api_participant, json=True),
    "api:participant-detail": Post(
        valid=lambda world: {**api_participant(world), "nik": world.participant.nik}, json=True, method="patch"
    ),
    "api:participant-contributions": Post(valid=api_payment, json=True),
    "api:participant-claims": Post(
        valid=lambda world: {
            **claim_body(world),
            "event_date": "2024-02-15",
            "paid_on": "2024-02-20",
            "amount": 5000000,
        },
        json=True,
    ),
    "api:contribution-monthly": Post(
        valid=lambda world: {
            "village": world.village.pk,
            "month": f"{timezone.localdate():%Y-%m}",
            "participant_ids": [world.participant.pk],
            "paid_on": timezone.localdate().isoformat(),
            "channel": "agen_perisai",
        },
        json=True,
    ),
    "api:activity-list": Post(
        valid=lambda world: {**activity_body(world), "date": "2024-05-02", "attendees": 40, "enrolled_on_spot": 5},
        json=True,
    ),
    "api:activity-detail": Post(
        valid=lambda world: {"title": "Sosialisasi ulang", "attendees": 41}, json=True, method="patch"
    ),
}
# A second and third import kind through the same confirm pattern: the contributions of an official and of
# branch staff (whose old months are corrections), and a resident list.
IMPORT_BATCHES = {
    "iuran": uploaded_batch("iuran", contribution_list),
    "iuran-staf": uploaded_batch("iuran", contribution_list, role="staff"),
    "penduduk": uploaded_batch("penduduk", resident_list),
}

# --- which patterns accept a POST ----------------------------------------------------------------------------------


def api_writes() -> set[str]:
    """The API's routes some role may write through (not the unknown address, which answers 404 to all)."""
    return {
        name
        for name, row in API_ROWS.items()
        for method in ("POST", "PATCH", "PUT")
        if set(row.methods.get(method, {}).values()) - {401, 403, 404, 405}
    }


def post_only(name: str) -> bool:
    return name in ACCESS_ROWS and 405 in ACCESS_ROWS[name].expect.values()


def _probe(client: Client, url: str) -> bool:
    """Whether the view read the body of a POST (the request's POST or FILES was parsed)."""
    with transaction.atomic():
        try:
            response = client.post(url, {"probe": "1"})
        except Exception as error:  # a page that answers a POST with a 500 is a defect whether it reads or not
            raise AssertionError(f"POST {url} answers {type(error).__name__}: {error}") from error
        finally:
            transaction.set_rollback(True)
    return hasattr(response.wsgi_request, "_post")


def reads_a_body(name: str, users: dict, world: World) -> bool:
    if name not in INPUTS:
        return False  # tests/test_bad_input.py fails for it first: its GET row says how to reach it
    url = reverse(name, kwargs=INPUTS[name].kwargs(world))  # outside the probe's savepoint: the world stays
    return any(_probe(session(users[role]), url) for role in ROLES)


def test_every_pattern_that_accepts_a_post_has_a_row(users):
    patterns, world = url_pattern_names(), World(users)
    accepting = api_writes() | {
        name for name in patterns if name not in POSTS and (post_only(name) or reads_a_body(name, users, world))
    }
    missing = sorted(accepting - set(POSTS))
    assert not missing, (
        "URL patterns that accept a POST without a row in POSTS of tests/test_bad_input_post.py: "
        f"{missing}. Add for each, e.g.\n"
        + "\n".join(
            f'    "{name}": Post(valid=lambda world: {{"<field>": "<a value the page accepts>"}}),' for name in missing
        )
        + "\n(see the module docstring: kwargs, prepare, done, json)."
    )
    stale = sorted(set(POSTS) - patterns - set(API_ROWS))
    assert not stale, f"Rows in POSTS for URL names that no longer exist: {stale}"


# --- the requests --------------------------------------------------------------------------------------------------


@pytest.fixture
def users(official, other_official, staff_user, head_user) -> dict:
    return {"anonymous": None, "official": official, "outsider": other_official, "staff": staff_user, "head": head_user}


def _client(row: Post, user):
    if row.json and user is not None:
        return bearer(user)
    return session(user)


def sweep(name: str, users: dict, kwargs: Callable[[World], dict]) -> list[str]:
    row, world = POSTS[name], World(users)
    row.prepare(world)
    url = reverse(name, kwargs=kwargs(world))
    valid = row.valid(world)
    clients = {role: _client(row, users[role]) for role in ROLES}
    run = Sweep(row, url, clients, snapshot())
    admitted, why = [], []
    for role in ROLES:
        response = run.send(role, valid)
        if response is None:
            continue
        if not run.accepted(response) and (response.status_code in REFUSED or login_redirect(response)):
            for body in JUNK_BODIES:
                run.send(role, body)
        else:
            admitted.append((role, run.accepted(response)))
            why.append(f"{role}: {response.status_code} {refusal(response)}")
    if not any(accepted for _, accepted in admitted):
        run.failures.append(f"the row's valid body is refused by every role (fix the row or the page): {url} {why}")
    roles = [role for role, _ in admitted] or ["anonymous"]
    bodies = json_variants(valid) if row.json else variants(valid)
    for index, body in enumerate(bodies):
        run.send(roles[index % len(roles)], body)
    for index, (content_type, raw) in enumerate(RAW_BODIES):
        run.send(roles[index % len(roles)], raw, content_type=content_type)
    return run.failures


def kwargs_of(name: str) -> Callable[[World], dict]:
    row = POSTS[name]
    return row.kwargs or (API_ROWS[name].kwargs if name in API_ROWS else INPUTS[name].kwargs)


@pytest.mark.parametrize("name", sorted(POSTS))
def test_hostile_bodies_never_answer_500_store_outside_the_rules_or_write_half(users, name):
    failures = sweep(name, users, kwargs_of(name))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:25])


@pytest.mark.parametrize("kind", sorted(IMPORT_BATCHES))
def test_hostile_confirmations_of_every_import_kind(users, kind):
    failures = sweep("participants:import_preview", users, IMPORT_BATCHES[kind])
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:25])


# --- what a hostile body gets -----------------------------------------------------------------------------------


def test_ticks_that_are_no_ids_tick_nobody(client, official, batang_barus):
    """Forty 9s overflowed the database's integer, "²" passed isdigit() and failed int(): both were a 500."""
    from participants.models import Contribution
    from tests.factories import ParticipantFactory

    ParticipantFactory(village=batang_barus)
    client.force_login(official)
    body = {"month": this_month(), "paid_on": today(), "channel": "agen_perisai", "paid": ["9" * 40, "-1", "x"]}
    response = client.post(reverse("participants:monthly"), body)
    assert response.status_code == 200
    assert "Belum ada peserta yang dicentang" in response.text
    assert not Contribution.objects.exists()


def test_rows_chosen_that_are_no_row_numbers_choose_none(client, users):
    batch = uploaded_batch("peserta", participant_list)(World(users))
    client.force_login(users["official"])
    response = client.post(reverse("participants:import_preview", kwargs=batch), {"update": ["9" * 40, "x"]})
    assert response.status_code == 302
    assert next(str(message) for message in get_messages(response.wsgi_request)).startswith("Impor selesai")
