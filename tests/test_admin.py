"""Every admin page loads for the branch administrator, and the admin respects the access scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import User
from django.urls import reverse

from evaluations.models import Category, EvaluationStep, Pillar, PillarScore, RubricItem
from participants.models import VillageMonthStat
from tests.factories import (
    ActionItemFactory,
    ActivityFactory,
    AgentFactory,
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
    RubricFactory,
    TargetFactory,
    UserFactory,
    VillageEvaluationFactory,
)
from villages.access import ROLE_STAFF
from villages.designation import ApparatusHeadcount
from villages.models import Commitment, ExportLog


@pytest.fixture
def one_of_each(batang_barus, superuser, official):
    """At least one row of every registered model (regions, rates and groups come from migrations)."""
    contribution = ContributionFactory(participant=ParticipantFactory(village=batang_barus, name="Siti Aminah"))
    participant = contribution.participant
    ClaimFactory(participant=participant, paid_on=datetime.date(2024, 3, 20))
    ActivityFactory(village=batang_barus)
    CommitmentFactory(village=batang_barus, kind=Commitment.Kind.REGULATION, number="3/2019")
    BudgetFactory(village=batang_barus)
    AgentFactory(village=batang_barus, name="Rina")
    AwardFactory(village=batang_barus)
    TargetFactory(village=batang_barus)
    ExportLogFactory(user=superuser)
    ImportBatchFactory(uploaded_by=official, village=batang_barus)
    # The statistics rows come from the writes above (each adds its difference): 01/2024 has 1 enrolled, 1 aktif.
    assert VillageMonthStat.objects.filter(village=batang_barus, month=datetime.date(2024, 1, 1), active=1).exists()
    ApparatusHeadcount.objects.create(village=batang_barus, count=12, source="SOTK nagari", year=2024)
    ResidentFactory(resident_list=ResidentListFactory(village=batang_barus, uploaded_by=official))
    DenominatorFactory(village=batang_barus)
    rubric = RubricFactory(name="Rubrik uji admin")
    RubricItem.objects.create(
        rubric=rubric,
        indicator="coverage",
        pillar=Pillar.GROWTH,
        weight=Decimal(1),
        threshold_2=Decimal(5),
        threshold_3=Decimal(10),
        threshold_4=Decimal(20),
        threshold_5=Decimal(30),
    )
    Category.objects.create(rubric=rubric, name="Mandiri", min_score=Decimal(4))
    cycle = EvaluationCycleFactory(name="Anev uji admin", rubric=rubric)
    evaluation = VillageEvaluationFactory(cycle=cycle, village=batang_barus)
    PillarScore.objects.create(evaluation=evaluation, pillar=Pillar.GROWTH, computed_score=Decimal("3.50"))
    EvaluationStepFactory(evaluation=evaluation, user=superuser)
    ActionItemFactory(evaluation=evaluation, action="Sosialisasi ulang manfaat JKM")
    request_data = {"user_agent": "pytest", "http_accept": "*/*", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(
        username="operator.bb", get_data="", post_data="", failures_since_start=1, **request_data
    )
    AccessFailureLog.objects.create(username="operator.bb", **request_data)
    AccessLog.objects.create(username="operator.bb", **request_data)
    return participant


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_admin_page_loads_for_the_superuser(client, superuser, one_of_each):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    for model, model_admin in admin.site._registry.items():
        changelist = client.get(admin_url(model, "changelist"))
        assert changelist.status_code == 200, model
        searched = client.get(admin_url(model, "changelist"), {"q": "a"})
        assert searched.status_code == 200, model
        assert client.get(admin_url(model, "add")).status_code in (200, 403), model
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert client.get(admin_url(model, "add")).status_code == 200, model
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model.__name__} row to open: add one to the one_of_each fixture"
        change = client.get(admin_url(model, "change", quote(obj.pk)))
        assert change.status_code == 200, model
        if hasattr(model_admin, "history_view"):
            assert client.get(admin_url(model, "history", quote(obj.pk))).status_code == 200, model


def test_every_model_of_the_three_apps_is_registered():
    from django.apps import apps

    for app_label in ("villages", "participants", "evaluations"):
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert admin.site.is_registered(model), model


def test_participant_search_by_nik_and_name(client, superuser, one_of_each):
    client.force_login(superuser)
    url = admin_url(type(one_of_each), "changelist")
    by_nik = client.get(url, {"q": one_of_each.nik})
    assert list(by_nik.context["cl"].result_list) == [one_of_each]
    by_name = client.get(url, {"q": "aminah"})
    assert list(by_name.context["cl"].result_list) == [one_of_each]
    assert list(client.get(url, {"q": "Tidak Ada Orang Ini"}).context["cl"].result_list) == []


def test_participant_change_page_shows_coverage_status_and_inlines(client, superuser, one_of_each):
    client.force_login(superuser)
    response = client.get(admin_url(type(one_of_each), "change", one_of_each.pk))
    assert "status kepesertaan bulan ini" in response.text.lower()
    # Enrolled January 2024 and paid only that month: long since nonaktif.
    assert "Nonaktif" in response.text
    assert "Klaim" in response.text or "klaim" in response.text


def participant_form(village, **overrides) -> dict:
    data = {
        "village": village.pk,
        "nik": "1302071403850001",
        "kpj": "",
        "name": "Rina Marlina",
        "sex": "L",
        "birth_date": "14/03/1985",
        "phone": "",
        "hamlet": "Jorong Koto",
        "occupation": "petani",
        "monthly_income": "1500000",
        "funding_source": "mandiri",
        "enrolled_on": "10/01/2024",
        "exit_date": "",
        "exit_reason": "",
    }
    for prefix in ("contributions", "claims"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return {**data, **overrides}


def test_admin_adds_a_participant_and_refuses_a_nik_that_does_not_match(client, superuser, batang_barus):
    from participants.models import Participant

    client.force_login(superuser)
    url = admin_url(Participant, "add")
    refused = client.post(url, participant_form(batang_barus, birth_date="15/03/1985"))
    assert refused.status_code == 200
    assert "Tanggal lahir tidak cocok dengan NIK" in refused.text
    assert not Participant.objects.exists()
    added = client.post(url, participant_form(batang_barus))
    assert added.status_code == 302
    participant = Participant.objects.get()
    assert (participant.village, participant.name) == (batang_barus, "Rina Marlina")
    assert participant.history.count() == 1


def test_contribution_rate_shows_minimum_contributions(client, superuser):
    from participants.models import ContributionRate

    client.force_login(superuser)
    rate = ContributionRate.objects.order_by("valid_from").first()
    response = client.get(admin_url(ContributionRate, "change", rate.pk))
    assert "Rp 16.800" in response.text
    assert "Rp 36.800" in response.text


def test_read_only_models_cannot_be_changed(client, superuser, one_of_each):
    client.force_login(superuser)
    for model in (ExportLog, VillageMonthStat, EvaluationStep):
        assert client.get(admin_url(model, "add")).status_code == 403, model
        obj = model.objects.first()
        response = client.post(admin_url(model, "change", obj.pk), {})
        assert response.status_code == 403, model
        assert model.objects.filter(pk=obj.pk).exists()


def test_contributions_filter_by_year(client, superuser, one_of_each):
    from participants.models import Contribution

    client.force_login(superuser)
    url = admin_url(Contribution, "changelist")
    assert len(client.get(url, {"tahun": "2024"}).context["cl"].result_list) == 1
    assert len(client.get(url, {"tahun": "2023"}).context["cl"].result_list) == 0


def test_statistics_columns_have_indonesian_headers(client, superuser, one_of_each):
    client.force_login(superuser)
    response = client.get(admin_url(VillageMonthStat, "changelist"))
    for header in ("Terdaftar", "Aktif", "Menunggak", "Nonaktif"):
        assert header in response.text


def test_user_admin_assigns_villages(client, superuser, batang_barus):
    client.force_login(superuser)
    user = UserFactory(username="wali.bb")
    response = client.get(admin_url(User, "change", user.pk))
    assert "desa yang ditugaskan" in response.text.lower()


def test_admin_changelists_follow_the_access_scope(client, official, batang_barus, sikalang):
    """A village official given admin access still sees only their own village's rows."""
    from django.contrib.auth.models import Permission

    official.is_staff = True
    official.save()
    official.user_permissions.add(Permission.objects.get(codename="view_participant"))
    mine = ParticipantFactory(village=batang_barus)
    ParticipantFactory(village=sikalang)
    client.force_login(official)
    response = client.get(admin_url(type(mine), "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]


def test_staff_role_reads_the_admin_of_villages(client, batang_barus):
    staff = UserFactory(username="staf.admin", role=ROLE_STAFF, is_staff=True)
    client.force_login(staff)
    response = client.get(admin_url(type(batang_barus), "change", batang_barus.pk))
    assert response.status_code == 200
    assert "Batang Barus" in response.text
