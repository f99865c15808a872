"""The access matrix: every URL pattern of the project, for every role.

Whoever adds a URL adds its row to ROWS in the same commit: the URL name, how
to build its kwargs for an object of Nagari Batang Barus (`world`), and the
expected answer per role. `test_every_url_pattern_has_a_row` fails for any
pattern without a row (and any row without a pattern).

Roles: anonymous, `official` (operator of Batang Barus: the owner), `outsider`
(operator of Sikalang: a colleague with the same permissions, other village),
`staff` (staf cabang) and `head` (kepala cabang). An object of another village
must answer 404, never 403: "not yours" looks like "not found".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import Job
from evaluations.models import ActionItem, EvaluationCycle, VillageEvaluation
from evaluations.services import cycle_open
from participants.models import Claim, Contribution, ImportBatch, Participant
from tests.factories import (
    BATANG_BARUS,
    SIKALANG,
    ActionItemFactory,
    ActivityFactory,
    ClaimFactory,
    CommitmentFactory,
    ContributionFactory,
    EvaluationCycleFactory,
    ParticipantFactory,
    UserFactory,
    village,
)
from villages.access import ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF
from villages.admin_scope import ScopedAdminMixin
from villages.models import Activity, Commitment, Village

LOGIN = "login"  # anonymous users are sent to the login page
ROLES = ("anonymous", "official", "outsider", "staff", "head")


class World:
    """Objects of Nagari Batang Barus, created on first use. Add what your URLs need."""

    def __init__(self, users: dict):
        self.users = users

    @cached_property
    def village(self) -> Village:
        return village(BATANG_BARUS)

    @cached_property
    def participant(self) -> Participant:
        return ParticipantFactory(village=self.village, name="Warga Batang Barus")

    @cached_property
    def contribution(self) -> Contribution:
        return ContributionFactory(participant=self.participant, month=datetime.date(2024, 2, 1))

    @cached_property
    def claim(self) -> Claim:
        return ClaimFactory(participant=self.participant)

    @cached_property
    def activity(self) -> Activity:
        return ActivityFactory(village=self.village, title="Sosialisasi Batang Barus")

    @cached_property
    def commitment(self) -> Commitment:
        """A cooperation agreement of Batang Barus that has lapsed: on the list of what to renew."""
        return CommitmentFactory(
            village=self.village,
            number="PKS/BB/2019",
            signed_on=datetime.date(2019, 3, 20),
            valid_until=datetime.date(2022, 3, 19),
        )

    @cached_property
    def import_batch(self) -> ImportBatch:
        """A participant import uploaded by the Batang Barus operator (a batch is its uploader's only)."""
        from participants.imports import import_upload, template_workbook

        return import_upload(
            user=self.users["official"],
            kind=ImportBatch.Kind.PARTICIPANTS,
            name="daftar.xlsx",
            content=template_workbook(kind=ImportBatch.Kind.PARTICIPANTS),
        )

    @cached_property
    def job(self) -> Job:
        """A finished background job of the Batang Barus operator, with its file (a job is its owner's only)."""
        job = Job(kind="tests.report", title="Laporan", owner=self.users["official"], status=Job.Status.DONE)
        job.file.save("laporan.txt", ContentFile(b"isi laporan"), save=False)
        job.save()
        return job

    @cached_property
    def extract_preview(self):
        """A core-system payment list naming the Batang Barus participant, uploaded by branch staff, not yet matched."""
        from reconciliation.services import extract_upload
        from tests.reconciliation.conftest import xlsx

        rows = [["", self.participant.nik, self.participant.name, "03/2024"]]
        return extract_upload(
            user=self.users["staff"],
            name="ekstrak.xlsx",
            content=xlsx(["NO_KPJ", "NIK", "NAMA", "BLTH"], rows),
            shape="",
            extract_date=datetime.date(2024, 4, 1),
        )

    @cached_property
    def extract(self):
        """The same extract matched: a result for Batang Barus only."""
        from reconciliation.services import extract_confirm, extract_upload
        from tests.reconciliation.conftest import xlsx

        rows = [["", self.participant.nik, self.participant.name, "03/2024"]]
        extract = extract_upload(
            user=self.users["staff"],
            name="ekstrak.xlsx",
            content=xlsx(["NO_KPJ", "NIK", "NAMA", "BLTH"], rows),
            shape="",
            extract_date=datetime.date(2024, 4, 1),
        )
        return extract_confirm(extract=extract, user=self.users["staff"])

    @cached_property
    def cycle(self) -> EvaluationCycle:
        """An anev cycle opened with Batang Barus in the programme."""
        self.village.joined_on = datetime.date(2019, 3, 1)
        self.village.save()
        cycle = EvaluationCycleFactory()
        cycle_open(cycle=cycle, user=None)
        return cycle

    @cached_property
    def evaluation(self) -> VillageEvaluation:
        return VillageEvaluation.objects.get(cycle=self.cycle, village=self.village)

    @cached_property
    def action_item(self) -> ActionItem:
        return ActionItemFactory(evaluation=self.evaluation, action="Sosialisasi ulang di Batang Barus")


@dataclass(frozen=True)
class Row:
    """How to reach one URL pattern and what each role must get.

    expect: role → status code, or LOGIN. marker: text that identifies Batang
    Barus data; it must appear on a 200 page for roles that may see the village
    and must not appear for the outsider.
    """

    expect: dict[str, int | str]
    kwargs: Callable[[World], dict] = field(default=lambda world: {})
    marker: Callable[[World], str] | None = None
    query: Callable[[World], str] = field(default=lambda world: "")


def scoped(official=200, outsider=404, staff=200, head=200) -> dict[str, int | str]:
    return {"anonymous": LOGIN, "official": official, "outsider": outsider, "staff": staff, "head": head}


# Pages about an object of Batang Barus that only writers may open: the head reads only.
WRITE_OBJECT = scoped(head=403)
# Pages without an object that writers may open (the form then offers only their villages).
WRITE_PAGE = scoped(outsider=200, head=403)
LIST_PAGE = scoped(outsider=200)


def participant_pk(world: World) -> dict:
    return {"pk": world.participant.pk}


def participant_name(world: World) -> str:
    return world.participant.name


def activity_title(world: World) -> str:
    return world.activity.title


def batch_pk(world: World) -> dict:
    return {"pk": world.import_batch.pk}


# An upload is its uploader's only: everybody else, branch staff included, gets a 404.
UPLOADER_ONLY = scoped(staff=404, head=404)


def village_code(world: World) -> dict:
    return {"code": world.village.code}


def village_name(world: World) -> str:
    return world.village.name


def claimant(world: World) -> str:
    return world.claim.participant.name


def claim_period(world: World) -> str:
    return "?period=custom&start=01/2024&end=06/2024"


ROWS: dict[str, Row] = {
    "home": Row(expect=scoped(official=302, outsider=302)),  # officials go to their village page
    "participants:list": Row(expect=LIST_PAGE, marker=participant_name),
    "participants:create": Row(expect=WRITE_PAGE),
    "participants:detail": Row(expect=scoped(), kwargs=participant_pk, marker=participant_name),
    "participants:update": Row(expect=WRITE_OBJECT, kwargs=participant_pk, marker=participant_name),
    "participants:exit": Row(expect=WRITE_OBJECT, kwargs=participant_pk, marker=participant_name),
    "participants:contribution_create": Row(expect=WRITE_OBJECT, kwargs=participant_pk, marker=participant_name),
    "participants:claim_create": Row(expect=WRITE_OBJECT, kwargs=participant_pk, marker=participant_name),
    "participants:monthly": Row(
        expect=WRITE_PAGE,
        query=lambda world: f"?village={world.village.pk}&month={world.participant.enrolled_on:%m/%Y}",
        marker=participant_name,
    ),
    "participants:import": Row(expect=WRITE_PAGE),
    "participants:import_contributions": Row(expect=WRITE_PAGE),
    "participants:import_template": Row(expect=LIST_PAGE, kwargs=lambda world: {"kind": "peserta"}),
    "participants:import_preview": Row(expect=UPLOADER_ONLY, kwargs=batch_pk),
    "participants:import_rejected": Row(expect=UPLOADER_ONLY, kwargs=batch_pk),
    "villages:activity_list": Row(expect=LIST_PAGE, marker=activity_title),
    "villages:activity_create": Row(expect=WRITE_PAGE),
    "villages:activity_detail": Row(
        expect=scoped(), kwargs=lambda world: {"pk": world.activity.pk}, marker=activity_title
    ),
    "villages:activity_update": Row(
        expect=WRITE_OBJECT, kwargs=lambda world: {"pk": world.activity.pk}, marker=activity_title
    ),
    "dashboard:village_list": Row(expect=LIST_PAGE, marker=village_name),
    "dashboard:village_detail": Row(expect=scoped(), kwargs=village_code, marker=village_name),
    "dashboard:village_export": Row(
        expect=scoped(),
        kwargs=lambda world: {"code": world.village.code, "table": "indikator", "fmt": "csv"},
        marker=village_name,
    ),
    "dashboard:village_residents": Row(expect=scoped(), kwargs=village_code, marker=village_name),
    "dashboard:village_residents_delete": Row(expect=scoped(official=405, staff=405, head=403), kwargs=village_code),
    "dashboard:village_prospects": Row(expect=scoped(), kwargs=village_code, marker=village_name),
    "dashboard:village_prospects_export": Row(
        expect=scoped(), kwargs=lambda world: {"code": world.village.code, "fmt": "csv"}, marker=village_name
    ),
    "dashboard:region_detail": Row(
        expect=scoped(), kwargs=lambda world: {"code": world.village.district.code}, marker=village_name
    ),
    "dashboard:export": Row(
        expect=LIST_PAGE, kwargs=lambda world: {"table": "peringkat", "fmt": "csv"}, marker=village_name
    ),
    "dashboard:commitment_list": Row(expect=LIST_PAGE, marker=lambda world: world.commitment.number),
    "dashboard:claim_list": Row(expect=LIST_PAGE, marker=claimant, query=claim_period),
    "dashboard:claim_export": Row(
        expect=LIST_PAGE, kwargs=lambda world: {"fmt": "csv"}, marker=claimant, query=claim_period
    ),
    # Reporting completeness per official: branch roles see every official, an official only themselves.
    "dashboard:official_entries": Row(expect=LIST_PAGE, marker=lambda world: world.users["official"].username),
    "dashboard:official_entries_export": Row(expect=LIST_PAGE, kwargs=lambda world: {"fmt": "csv"}),
    "healthz": Row(expect=dict.fromkeys(ROLES, 200)),
    # The installable web app (core.pwa): the manifest and the service worker are public, like the icons.
    "manifest": Row(expect=dict.fromkeys(ROLES, 200)),
    "service_worker": Row(expect=dict.fromkeys(ROLES, 200)),
    "offline": Row(expect=LIST_PAGE),
    # The pages a phone keeps offline: an official's own (branch roles get an empty list).
    "participants:offline_pages": Row(expect=LIST_PAGE),
    "jobs:list": Row(expect=LIST_PAGE),
    "jobs:detail": Row(expect=UPLOADER_ONLY, kwargs=lambda world: {"pk": world.job.pk}),
    "jobs:file": Row(expect=UPLOADER_ONLY, kwargs=lambda world: {"pk": world.job.pk}),
}

# The anev (evaluations:*). Cycle pages are the branch's; an evaluation is its village's. Actions are POST only:
# whoever may do them gets 405 on GET, whoever may not gets 403, and outside the village it is 404.
BRANCH_PAGE = scoped(official=403, outsider=403)
BRANCH_WRITE_PAGE = scoped(official=403, outsider=403, head=403)


def cycle_pk(world: World) -> dict:
    return {"pk": world.cycle.pk}


def evaluation_pk(world: World) -> dict:
    return {"pk": world.evaluation.pk}


def action_item_pk(world: World) -> dict:
    return {"pk": world.action_item.pk}


def village_name(world: World) -> str:
    return world.village.name


EVALUATE = scoped(official=403, staff=405, head=403)
DECIDE = scoped(official=403, staff=403, head=405)
ROWS.update(
    {
        "evaluations:cycle_list": Row(expect=LIST_PAGE),
        "evaluations:cycle_create": Row(expect=BRANCH_WRITE_PAGE),
        "evaluations:cycle_detail": Row(expect=BRANCH_PAGE, kwargs=cycle_pk, marker=village_name),
        "evaluations:cycle_close": Row(expect=scoped(official=403, outsider=403, staff=405, head=403), kwargs=cycle_pk),
        "evaluations:cycle_tracker": Row(expect=BRANCH_PAGE, kwargs=cycle_pk),
        # POST starts the PDF as a background job (core.jobs); GET is refused.
        "evaluations:cycle_summary_pdf": Row(
            expect=scoped(official=403, outsider=403, staff=405, head=405), kwargs=cycle_pk
        ),
        "evaluations:cycle_summary_xlsx": Row(expect=BRANCH_PAGE, kwargs=cycle_pk),
        "evaluations:evaluation_detail": Row(expect=scoped(), kwargs=evaluation_pk, marker=village_name),
        "evaluations:evaluation_compute": Row(expect=EVALUATE, kwargs=evaluation_pk),
        "evaluations:evaluation_notes": Row(expect=EVALUATE, kwargs=evaluation_pk),
        "evaluations:pillar_adjust": Row(
            expect=EVALUATE, kwargs=lambda world: {"pk": world.evaluation.pk, "pillar": "pertumbuhan"}
        ),
        "evaluations:evaluation_submit": Row(expect=EVALUATE, kwargs=evaluation_pk),
        "evaluations:evaluation_approve": Row(expect=DECIDE, kwargs=evaluation_pk),
        "evaluations:evaluation_return": Row(expect=DECIDE, kwargs=evaluation_pk),
        "evaluations:action_item_add": Row(expect=EVALUATE, kwargs=evaluation_pk),
        "evaluations:evaluation_report_pdf": Row(expect=scoped(), kwargs=evaluation_pk),
        "evaluations:evaluation_report_print": Row(expect=scoped(), kwargs=evaluation_pk, marker=village_name),
        "evaluations:action_item_edit": Row(expect=scoped(official=403, head=403), kwargs=action_item_pk),
        "evaluations:action_item_delete": Row(expect=EVALUATE, kwargs=action_item_pk),
        "evaluations:action_item_status": Row(expect=scoped(official=405, staff=405, head=403), kwargs=action_item_pk),
    }
)


# The reconciliation with the core system: branch staff upload and apply; an official reads their village's result.
def extract_pk(world: World) -> dict:
    return {"pk": world.extract.pk}


ROWS.update(
    {
        "reconciliation:index": Row(expect=LIST_PAGE),
        "reconciliation:preview": Row(
            expect=scoped(official=403, outsider=403, head=403), kwargs=lambda world: {"pk": world.extract_preview.pk}
        ),
        "reconciliation:remap": Row(
            expect=scoped(official=405, outsider=405, staff=405, head=405),
            kwargs=lambda world: {"pk": world.extract_preview.pk},
        ),
        "reconciliation:result": Row(expect=scoped(), kwargs=extract_pk, marker=village_name),
        "reconciliation:findings": Row(expect=scoped(), kwargs=extract_pk, marker=participant_name),
        "reconciliation:findings_export": Row(expect=scoped(), kwargs=extract_pk),
        "reconciliation:apply": Row(expect=scoped(official=403, outsider=403, head=403), kwargs=extract_pk),
    }
)

SKIPPED_NAMESPACES = {"admin"}  # the admin is checked by test_admin_* below
SKIPPED_MODULES = {"django.contrib.auth.views", "django.views.static", "django.contrib.staticfiles.views"}


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            if entry.callback.__module__ in SKIPPED_MODULES:
                continue
            yield (f"{namespace}{entry.name}" if entry.name else None), prefix + str(entry.pattern)


def project_url_names() -> dict[str | None, str]:
    return dict(_walk(get_resolver().url_patterns))


def test_every_url_pattern_has_a_row():
    from tests.api.test_access import API_ROWS  # the API's routes with every method, run in tests/api/test_access.py

    rows = {**ROWS, **API_ROWS}
    patterns = project_url_names()
    unnamed = [route for name, route in patterns.items() if name is None]
    assert not unnamed, f"URL patterns without a name (give them one and a row): {unnamed}"
    missing = sorted(set(patterns) - set(rows))
    assert not missing, f"URL patterns without a row in ROWS (or API_ROWS of tests/api/test_access.py): {missing}"
    stale = sorted(set(rows) - set(patterns))
    assert not stale, f"Rows for URL names that no longer exist: {stale}"


@pytest.fixture
def users(official, other_official, staff_user, head_user) -> dict:
    return {"anonymous": None, "official": official, "outsider": other_official, "staff": staff_user, "head": head_user}


@pytest.fixture
def world(users) -> World:
    return World(users)


def _check(client, users, world, name: str, row: Row, role: str) -> None:
    user = users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=row.kwargs(world)) + row.query(world)
    marker = row.marker(world) if row.marker else None
    response = client.get(url)
    expected = row.expect[role]
    if expected == LOGIN:
        assert response.status_code == 302, f"{role} GET {url}: {response.status_code}"
        assert response["Location"].startswith(reverse("login")), f"{role} GET {url} → {response['Location']}"
    else:
        assert response.status_code == expected, f"{role} GET {url}: {response.status_code}, expected {expected}"
    if marker and response.status_code == 200:
        if role == "outsider":
            assert marker not in response.text, f"{role} sees Batang Barus data on {url}"
        else:
            assert marker in response.text, f"{role} should see {marker!r} on {url}"
    if expected in (LOGIN, 403, 404):
        # Writing is refused the same way as reading.
        response = client.post(url, {})
        assert response.status_code == (302 if expected == LOGIN else expected), f"{role} POST {url}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROWS))
def test_access(client, users, world, name, role):
    _check(client, users, world, name, ROWS[name], role)


def test_user_without_role_or_assignment_sees_nothing(client, db):
    nobody = UserFactory(username="tanpa.peran")
    ParticipantFactory(village=village(SIKALANG), name="Warga Sikalang")
    client.force_login(nobody)
    assert Village.objects.for_user(nobody).count() == 0
    assert Participant.objects.for_user(nobody).count() == 0
    for name, route in project_url_names().items():
        if "<" not in route:
            response = client.get(reverse(name))
            assert "Warga Sikalang" not in response.text, name


# --- the admin -------------------------------------------------------------------------------------------------

UNSCOPED_ADMIN_MODELS = {
    "villages.regency",
    "villages.district",
    "participants.contributionrate",
    "evaluations.rubric",
    "evaluations.rubricitem",
    "evaluations.category",
    "evaluations.evaluationcycle",
}
PROJECT_APPS = {"villages", "participants", "evaluations", "dashboards"}


def _project_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS:
            yield model, model_admin


def test_every_project_model_admin_is_scoped():
    unscoped = [
        model._meta.label_lower
        for model, model_admin in _project_admins()
        if not isinstance(model_admin, ScopedAdminMixin) and model._meta.label_lower not in UNSCOPED_ADMIN_MODELS
    ]
    assert not unscoped, f"ModelAdmins without villages.admin_scope.ScopedAdminMixin: {unscoped}"
    for model, model_admin in _project_admins():
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedAdminMixin), f"inline {inline.__name__} of {model.__name__} is not scoped"


def test_admin_querysets_keep_an_official_admin_in_their_village(db, batang_barus, sikalang):
    """An operator given admin access sees only their village's rows, in every project ModelAdmin."""
    operator = UserFactory(username="operator.admin", role=ROLE_OFFICIAL, villages=[batang_barus], is_staff=True)
    ours = ParticipantFactory(village=batang_barus)
    theirs = ParticipantFactory(village=sikalang)
    ContributionFactory(participant=theirs)
    ActivityFactory(village=sikalang)
    request = RequestFactory().get("/admin/")
    request.user = operator
    for model, model_admin in _project_admins():
        if model._meta.label_lower in UNSCOPED_ADMIN_MODELS:
            continue
        for row in model_admin.get_queryset(request):
            village_of = _village_of(row)
            assert village_of is None or village_of == batang_barus, f"{model.__name__} {row.pk} leaks"
    assert list(Participant.objects.for_user(operator)) == [ours]


def _village_of(row) -> Village | None:
    if isinstance(row, Village):
        return row
    for path in ("village", "participant", "evaluation"):
        target = getattr(row, path, None)
        if target is not None:
            return target if isinstance(target, Village) else _village_of(target)
    return None


@pytest.mark.parametrize("role", [ROLE_STAFF, ROLE_HEAD])
def test_branch_roles_see_every_village(db, role):
    user = UserFactory(role=role)
    assert Village.objects.for_user(user).count() == Village.objects.count() == 277
