"""What the two halves of the bad-input suite share (tests/test_bad_input.py for query strings,
tests/test_bad_input_post.py for bodies): the hostile values, the templates they fill, one session per
role, and the checks after a write: a snapshot of every table users write (to prove a refused request
wrote nothing) and the rules every stored row meets (to prove an accepted one stored nothing outside them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client
from django.urls import reverse


class _Hostile:
    def __repr__(self) -> str:
        return "HOSTILE"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


HOSTILE = _Hostile()
H = HOSTILE
MISSING = _Missing()  # the field left out of the body

HOSTILE_VALUES: tuple[str | list[str], ...] = (
    "01/0001",  # year 1: its previous period would be in year 0
    "12/9999",
    "9999",  # a year whose next year does not exist
    "13/2026",
    "-1",
    "9" * 40,  # beyond any database integer
    "１２/２０２６",  # full-width digits
    "²",  # a digit to str.isdigit(), not to int()
    "a\x00b",  # PostgreSQL refuses NUL in text
    "' OR '1'='1' --",
    "<script>alert(1)</script>",
    "__class__",
    "x" * 5000,
    ["1", "01/0001"],  # a parameter given twice
)

# What every field of a body gets on its own, the rest of the body valid: what reaches the services.
FIELD_VALUES: tuple[object, ...] = (
    MISSING,
    "",
    "9" * 40,  # beyond any database integer
    "-1",
    "１２/０３/２０２５",  # full-width digits
    "31/12/2099",  # a date and a month each field reads, outside the plausible range the services keep
    "12/2099",
    "a\x00b",
    "x" * 5000,
    ["²", "1"],  # a field given twice; a digit to str.isdigit(), not to int()
)
# What every field gets at once: the query-string values and what people and scripts type into forms.
BODY_VALUES: tuple[object, ...] = (
    *HOSTILE_VALUES,
    *FIELD_VALUES[:2],
    " \t\r\n",
    "0",
    "1e9",
    "Ñámé 名前 🙂",
    '=HYPERLINK("http://x","y")',
    "１２/０３/２０２５",  # a full-width date
    "１２３",
    "31/02/2025",
    "01/01/0001",
    "31/12/9999",
)

Template = dict[str, object]


def fill(template: Template, value, world) -> dict:
    """The template with HOSTILE replaced by `value` (MISSING drops the field) and callables of the world resolved."""
    filled = {}
    for name, item in template.items():
        if item is HOSTILE:
            item = value
        elif callable(item) and not isinstance(item, type):
            item = item(world)
        if item is not MISSING:
            filled[name] = item
    return filled


def session(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def message_levels(response) -> set[int]:
    return {message.level for message in get_messages(response.wsgi_request)}


# --- what a request wrote ------------------------------------------------------------------------------------------

WATCHED_APPS = {"villages", "participants", "evaluations", "api", "core", "dashboards", "indicators"}
# Written only by the data migrations and the admin: their rows are counted, not compared one by one.
REFERENCE_MODELS = {
    "villages.Regency",
    "villages.District",
    "villages.Village",
    "villages.OccupationCode",
    "villages.DesignationCriterion",
    "participants.Sector",
    "participants.OccupationSector",
    "participants.ContributionRate",
    "participants.ContributionAdjustment",
    "participants.Benefit",
    "participants.CoverageRule",
    "evaluations.Rubric",
    "evaluations.RubricItem",
    "evaluations.Category",
}
# Written by reading (the API's token use), not by what a request asks to store.
UNWATCHED_FIELDS = {"last_used_at"}
Snapshot = dict[str, dict[object, tuple]]


def watched_models() -> list[type[models.Model]]:
    """Every table users write (their history included), and the users themselves (password change)."""
    chosen = [model for model in apps.get_models() if model._meta.app_label in WATCHED_APPS]
    return [*chosen, apps.get_model("auth", "User")]


def snapshot() -> Snapshot:
    taken = {}
    for model in watched_models():
        rows = model._base_manager.order_by()
        if model._meta.label in REFERENCE_MODELS:
            taken[model._meta.label] = {"rows": (rows.count(),)}
            continue
        names = [field.attname for field in model._meta.concrete_fields if field.attname not in UNWATCHED_FIELDS]
        taken[model._meta.label] = {row[0]: row for row in rows.values_list("pk", *names)}
    return taken


def changed(before: Snapshot, after: Snapshot) -> dict[str, set]:
    """Table → primary keys added, changed or removed."""
    changes = {}
    for label, rows in after.items():
        old = before.get(label, {})
        keys = {pk for pk, row in rows.items() if old.get(pk) != row} | (set(old) - set(rows))
        if keys:
            changes[label] = keys
    return changes


# --- the rules a stored row meets ----------------------------------------------------------------------------------


def _text_problems(row: models.Model) -> list[str]:
    problems = []
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(value, str) and "\x00" in value:
            problems.append(f"{field.name} holds NUL")
    for name in ("nik", "kpj"):
        value = getattr(row, name, None)
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            problems.append(f"{name} {value!r} is not ASCII digits")
    return problems


def _participant(row) -> dict:
    from participants.services import dates_problems

    return dates_problems(
        enrolled_on=row.enrolled_on,
        exit_date=row.exit_date,
        paid_months=row.contributions.values_list("month", flat=True),
    )


def _contribution(row) -> dict:
    from core.dates import date_range_error, earliest_month, latest_month
    from participants.coverage import PAY_AHEAD_MONTHS
    from participants.months import month_start

    problems = {"paid_on": date_range_error(row.paid_on), "amount": "not positive" if row.amount <= 0 else None}
    if not earliest_month() <= row.month <= latest_month(horizon_months=PAY_AHEAD_MONTHS):
        problems["month"] = "outside the plausible months"
    participant = row.participant
    if row.month < month_start(participant.enrolled_on) or (
        participant.exit_date and row.month > month_start(participant.exit_date)
    ):
        problems["month"] = "outside the participant's enrolment"
    return problems


def _claim(row) -> dict:
    from core.dates import date_range_error

    return {
        "event_date": date_range_error(row.event_date)
        or ("before the enrolment" if row.event_date < row.participant.enrolled_on else None),
        "paid_on": row.paid_on and date_range_error(row.paid_on),
        "amount": "not positive" if row.amount <= 0 else None,
    }


def _activity(row) -> dict:
    from villages.services import activity_problems

    return activity_problems(day=row.date, attendees=row.attendees, enrolled_on_spot=row.enrolled_on_spot)


def _cycle(row) -> dict:
    from core.dates import date_range_error, month_range_error
    from evaluations.services import CYCLE_HORIZON_MONTHS

    return {
        "start_month": month_range_error(row.start_month, horizon_months=CYCLE_HORIZON_MONTHS),
        "end_month": month_range_error(row.end_month, horizon_months=CYCLE_HORIZON_MONTHS),
        "baseline_date": date_range_error(row.baseline_date, horizon_months=CYCLE_HORIZON_MONTHS),
    }


def _action_item(row) -> dict:
    from core.dates import date_range_error
    from evaluations.services import ACTION_DUE_HORIZON_MONTHS

    return {"due_date": date_range_error(row.due_date, horizon_months=ACTION_DUE_HORIZON_MONTHS)}


# The services' own rules by model, beyond the model's validation (full_clean).
SERVICE_RULES = {
    "participants.Participant": _participant,
    "participants.Contribution": _contribution,
    "participants.Claim": _claim,
    "villages.Activity": _activity,
    "evaluations.EvaluationCycle": _cycle,
    "evaluations.ActionItem": _action_item,
}


@dataclass
class Violation:
    label: str
    pk: object
    problems: object

    def __str__(self) -> str:
        return f"{self.label} {self.pk}: {self.problems}"


def rule_violations(changes: dict[str, set]) -> list[Violation]:
    """The rows written (added or changed) that break the model's validation or the services' rules."""
    found = []
    for label, keys in changes.items():
        model = apps.get_model(label)
        if label.split(".")[1].startswith("Historical") or label == "auth.User":
            continue  # a history row copies its object; a user is Django's
        for row in model._base_manager.filter(pk__in=keys):
            problems = _text_problems(row)
            try:
                row.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                problems.append(error.message_dict if hasattr(error, "error_dict") else {None: error.messages})
            rule = SERVICE_RULES.get(label)
            problems += [f"{field}: {message}" for field, message in (rule(row) if rule else {}).items() if message]
            if problems:
                found.append(Violation(label, row.pk, problems))
    return found


def refused(response) -> bool:
    """A request the product refused: an error status, the form shown again, or a redirect with an error message
    (and no success message). Refused requests must write nothing."""
    levels = message_levels(response)
    if constants.SUCCESS in levels:
        return False
    if response.status_code in (301, 302, 303):
        return login_redirect(response) or constants.ERROR in levels
    return True


# --- the POST half: sending a body, and judging what it wrote --------------------------------------------------------

REFUSED = (401, 403, 404, 405)


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes

    def file(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, self.content)


JUNK_BODIES: tuple[dict, ...] = (
    {"csrfmiddlewaretoken": "x", "pk": "9" * 40, "village": "-1", "next": "https://example.com/"},
    {"__class__": "x", "file": "not a file", "paid": ["²", "9" * 40]},
)
RAW_BODIES = (
    ("application/x-www-form-urlencoded", b"%FF%FE=%FF&a=%00%00&=&&="),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nbroken'),
    ("application/json", b'{"a": [1, {"b": null}], "nik": 1e400}'),
    ("text/plain", b"\x00\xff\xfe"),
)


def materialise(body):
    if isinstance(body, dict):
        return {name: value.file() if isinstance(value, Upload) else value for name, value in body.items()}
    return body


class Sweep:
    """The requests of one row of the POST table (`row`: its `method`, `json` and `done`) to one URL."""

    def __init__(self, row, url: str, clients: dict, baseline: Snapshot):
        self.row, self.url, self.clients, self.baseline = row, url, clients, baseline
        self.failures: list[str] = []

    def send(self, role: str, body, content_type: str | None = None):
        """Post `body` as `role` in a savepoint rolled back afterwards; the response (None after an exception)."""
        client = self.clients[role]
        said = f"{role} {self.row.method.upper()} {self.url} {body!r:.160}"
        response = None
        with transaction.atomic():
            try:
                if content_type:
                    response = getattr(client, self.row.method)(self.url, body, content_type=content_type)
                elif self.row.json:
                    response = getattr(client, self.row.method)(
                        self.url, json.dumps(body), content_type="application/json"
                    )
                else:
                    response = getattr(client, self.row.method)(self.url, materialise(body))
            except Exception as error:  # the test client re-raises what the view raised: that is the 500
                self.failures.append(f"{said}: {type(error).__name__}: {str(error)[:200]}")
                transaction.set_rollback(True)
                return None
            if response.status_code >= 500:
                self.failures.append(f"{said}: status {response.status_code}")
            else:
                self._check_writes(said, response)
            transaction.set_rollback(True)
        return response

    def accepted(self, response) -> bool:
        if self.row.done is not None:
            return self.row.done(response)
        if self.row.json:
            return response.status_code < 300
        return not refused(response)

    def _check_writes(self, said: str, response) -> None:
        changes = changed(self.baseline, snapshot())
        if not self.accepted(response):
            if changes:
                tables = {label: sorted(map(str, keys))[:5] for label, keys in changes.items()}
                self.failures.append(f"{said}: refused ({response.status_code}) but wrote {tables}")
            return
        for violation in rule_violations(changes):
            self.failures.append(f"{said}: stored outside the rules: {violation}")


def refusal(response) -> str:
    """What the page said when it refused: the form's errors, or its messages."""
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    if form is not None and form.errors:
        return str(form.errors.get_json_data())[:300]
    if response.get("Content-Type", "").startswith("application/json"):
        return response.content.decode()[:300]
    return str([str(message) for message in get_messages(response.wsgi_request)])[:300]


def variants(valid: dict) -> list:
    """One field at a time holding each hostile value; then every field holding it at once."""
    variants = [{**valid, name: value} for name in valid for value in FIELD_VALUES]
    variants += [dict.fromkeys(valid, value) for value in BODY_VALUES if valid]
    return [{name: value for name, value in body.items() if value is not MISSING} for body in variants]


def json_variants(valid: dict) -> list:
    values = [
        None,
        True,
        {},
        [],
        -1,
        2**70,
        1e308,
        *(value for value in FIELD_VALUES if isinstance(value, str)),
        "１２３",
    ]
    variants = [{**valid, name: value} for name in valid for value in values]
    variants += [{name: item for name, item in valid.items() if name != left} for left in valid]
    return [*variants, [], "x", None]
