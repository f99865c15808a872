"""The admin's history pages keep to the access scope (villages/admin_scope.py).

An operator of Batang Barus given admin access (is_staff, and every view permission, so that
only the scope can refuse) opens the history of each scoped model's object: their own village's
answers 200, Sikalang's answers 404, on Django's `…/history/` and on django-simple-history's
`…/history/<history_id>/`. BUILDERS has one row per scoped ModelAdmin; the first test fails for
an admin without one, so a new model gets the same check.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission, User
from django.db import models
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from evaluations.models import (
    EvaluationCycle,
    Pillar,
    PillarScore,
    VillageEvaluation,
)
from participants.benefits import Benefit
from participants.models import CoverageRule, HamletMonthStat, VillageMonthStat
from participants.rules import ContributionAdjustment, OccupationSector, Sector
from tests.factories import (
    ActionItemFactory,
    ActivityFactory,
    AgentFactory,
    AssignmentFactory,
    AwardFactory,
    BudgetFactory,
    ClaimFactory,
    CommitmentFactory,
    ContributionFactory,
    DenominatorFactory,
    EvaluationCycleFactory,
    EvaluationStepFactory,
    ExportLogFactory,
    ImportBatchFactory,
    ParticipantFactory,
    ResidentFactory,
    ResidentListFactory,
    TargetFactory,
    UserFactory,
    default_rubric,
)
from villages.access import ROLE_OFFICIAL, ROLE_STAFF
from villages.admin_scope import ScopedAdminMixin
from villages.designation import ApparatusHeadcount, DesignationCriterion
from villages.models import Village
from villages.residents import OccupationCode


def _evaluation(village: Village) -> VillageEvaluation:
    """The village's evaluation in one cycle shared by every builder (each model needs an evaluation)."""
    cycle = EvaluationCycle.objects.filter(name="Anev riwayat").first() or EvaluationCycleFactory(name="Anev riwayat")
    return VillageEvaluation.objects.get_or_create(cycle=cycle, village=village)[0]


# Scoped models: one object in a given village.
BUILDERS: dict[str, Callable[[Village], models.Model]] = {
    "villages.village": lambda village: village,
    "villages.assignment": lambda village: AssignmentFactory(village=village),
    "villages.commitment": lambda village: CommitmentFactory(village=village),
    "villages.budget": lambda village: BudgetFactory(village=village),
    "villages.agent": lambda village: AgentFactory(village=village),
    "villages.award": lambda village: AwardFactory(village=village),
    "villages.target": lambda village: TargetFactory(village=village),
    "villages.activity": lambda village: ActivityFactory(village=village),
    "participants.participant": lambda village: ParticipantFactory(village=village),
    "participants.contribution": lambda village: ContributionFactory(participant=ParticipantFactory(village=village)),
    "participants.claim": lambda village: ClaimFactory(participant=ParticipantFactory(village=village)),
    "participants.importbatch": lambda village: ImportBatchFactory(village=village),
    "villages.apparatusheadcount": lambda village: ApparatusHeadcount.objects.get_or_create(
        village=village, defaults={"count": 12, "source": "SOTK", "year": 2024}
    )[0],
    "participants.villagemonthstat": lambda village: VillageMonthStat.objects.get_or_create(
        village=village, month=datetime.date(2019, 1, 1)
    )[0],
    "participants.hamletmonthstat": lambda village: HamletMonthStat.objects.get_or_create(
        village=village, hamlet="Jorong Uji", month=datetime.date(2019, 1, 1)
    )[0],
    "villages.residentlist": lambda village: ResidentListFactory(village=village),
    "villages.resident": lambda village: ResidentFactory(resident_list=ResidentListFactory(village=village)),
    "villages.denominator": lambda village: DenominatorFactory(village=village),
    "evaluations.villageevaluation": _evaluation,
    "evaluations.pillarscore": lambda village: PillarScore.objects.get_or_create(
        evaluation=_evaluation(village), pillar=Pillar.GROWTH
    )[0],
    "evaluations.actionitem": lambda village: ActionItemFactory(evaluation=_evaluation(village)),
    "evaluations.evaluationstep": lambda village: EvaluationStepFactory(evaluation=_evaluation(village)),
}

# Scoped admins of records no village owns: branch users only, so an official gets 404 for any of them.
BRANCH_ONLY: dict[str, Callable[[], models.Model]] = {
    "villages.exportlog": lambda: ExportLogFactory(),
    "auth.user": lambda: UserFactory(username="pengguna.lain"),
    "villages.regency": lambda: Village.objects.get(code="13.73.04.2010").district.regency,
    "villages.district": lambda: Village.objects.get(code="13.73.04.2010").district,
    "evaluations.rubric": lambda: default_rubric(),
    "evaluations.rubricitem": lambda: default_rubric().items.first(),
    "evaluations.category": lambda: default_rubric().categories.first(),
    "evaluations.evaluationcycle": lambda: _evaluation(Village.objects.get(code="13.73.04.2010")).cycle,
    "participants.contributionrate": lambda: _rate(),
    "participants.contributionadjustment": lambda: ContributionAdjustment.objects.order_by("pk").first(),
    "participants.sector": lambda: Sector.objects.order_by("pk").first(),
    "participants.occupationsector": lambda: OccupationSector.objects.order_by("pk").first(),
    "participants.coveragerule": lambda: CoverageRule.objects.order_by("pk").first(),
    "participants.benefit": lambda: Benefit.objects.order_by("pk").first(),
    "villages.designationcriterion": lambda: DesignationCriterion.objects.order_by("pk").first(),
    "villages.occupationcode": lambda: OccupationCode.objects.get(code=85),
}


def _rate():
    from participants.models import ContributionRate

    return ContributionRate.objects.order_by("valid_from").first()


def scoped_admins() -> dict[str, admin.ModelAdmin]:
    return {
        model._meta.label_lower: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ScopedAdminMixin)
    }


def test_every_scoped_admin_has_a_builder():
    missing = sorted(set(scoped_admins()) - set(BUILDERS) - set(BRANCH_ONLY))
    assert not missing, f"Scoped ModelAdmins without a row in BUILDERS or BRANCH_ONLY: {missing}"
    stale = sorted((set(BUILDERS) | set(BRANCH_ONLY)) - set(scoped_admins()))
    assert not stale, f"Rows for models without a scoped ModelAdmin: {stale}"


def _with_every_view_permission(user: User) -> User:
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__startswith="view_"))
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


@pytest.fixture
def admin_official(batang_barus) -> User:
    """An operator of Batang Barus with admin access and every view permission: only the scope can refuse."""
    return _with_every_view_permission(
        UserFactory(username="operator.admin", role=ROLE_OFFICIAL, villages=[batang_barus])
    )


@pytest.fixture
def admin_staff(db) -> User:
    return _with_every_view_permission(UserFactory(username="staf.admin", role=ROLE_STAFF))


def history_urls(obj: models.Model) -> list[str]:
    """The object's history list and, for a simple_history admin, the page of its latest version."""
    opts = obj._meta
    urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(obj.pk)])]
    if isinstance(admin.site._registry[type(obj)], SimpleHistoryAdmin):
        if not obj.history.exists():
            obj.save()  # rows from migrations have no history yet
        version = obj.history.latest("history_date")
        urls.append(
            reverse(
                f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                args=[quote(obj.pk), version.history_id],
            )
        )
    return urls


@pytest.mark.parametrize("label", sorted(BUILDERS))
def test_history_pages_of_another_village_are_404(client, admin_official, batang_barus, sikalang, label):
    ours, theirs = BUILDERS[label](batang_barus), BUILDERS[label](sikalang)
    client.force_login(admin_official)
    for url in history_urls(ours):
        assert client.get(url).status_code == 200, url
    for url in history_urls(theirs):
        response = client.get(url)
        assert response.status_code == 404, f"{url}: {response.status_code}"
        assert "Sikalang" not in response.text


@pytest.mark.parametrize("label", sorted(BUILDERS))
def test_branch_staff_read_every_village_history(client, admin_staff, sikalang, label):
    client.force_login(admin_staff)
    for url in history_urls(BUILDERS[label](sikalang)):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("label", sorted(BRANCH_ONLY))
def test_history_of_records_no_village_owns_is_the_branch_s(client, admin_official, admin_staff, label):
    obj = BRANCH_ONLY[label]()
    client.force_login(admin_official)
    for url in history_urls(obj):
        assert client.get(url).status_code == 404, url
    client.force_login(admin_staff)
    for url in history_urls(obj):
        assert client.get(url).status_code == 200, url


def test_a_revert_of_another_village_s_record_is_404_and_changes_nothing(client, admin_official, sikalang):
    admin_official.user_permissions.add(Permission.objects.get(codename="change_participant"))
    theirs = ParticipantFactory(village=sikalang, name="Warga Sikalang")
    version = theirs.history.latest("history_date")
    theirs.name = "Nama Baru"
    theirs.save()
    client.force_login(User.objects.get(pk=admin_official.pk))
    url = reverse("admin:participants_participant_simple_history", args=[theirs.pk, version.history_id])
    response = client.post(url, {"name": "Warga Sikalang", "village": sikalang.pk, "_change_history": "1"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Nama Baru"
    assert theirs.history.count() == 2


def test_history_of_a_deleted_record_stays_with_the_branch(client, admin_official, admin_staff, batang_barus):
    activity = ActivityFactory(village=batang_barus, title="Sosialisasi yang dihapus")
    url, name = reverse("admin:villages_activity_history", args=[activity.pk]), str(activity)
    activity.delete()
    client.force_login(admin_official)
    assert client.get(url).status_code == 404
    client.force_login(admin_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert name in response.text


@pytest.mark.parametrize("object_id", ["abc", "-1", "9" * 30, "%00"])
def test_history_of_an_impossible_id_is_404(client, admin_staff, object_id):
    client.force_login(admin_staff)
    assert client.get(f"/admin/participants/participant/{object_id}/history/").status_code == 404
    assert client.get(f"/admin/participants/participant/{object_id}/history/abc/").status_code == 404
    assert client.get("/admin/participants/participant/1/history/abc/").status_code == 404
