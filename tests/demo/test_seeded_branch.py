"""The demo branch as `seed_demo` builds it: built once for the module (in a transaction rolled back at its
end, each test in a savepoint of its own), since a build takes longer than every test here together."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from stdnum.id import nik as stdnum_nik

from demo import published
from demo.branch import demo_branch_build
from demo.published import solok_budget_workers
from evaluations.models import EvaluationCycle, VillageEvaluation
from participants.models import Claim, Contribution, Participant, Programme, VillageMonthStat
from participants.rules import RuleBook, contribution_due
from tests.demo.test_seed_demo import SCALE, counts, seed
from villages.access import ROLE_ADMIN, ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF, is_branch_user
from villages.models import Award, Village

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.slow]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The counts of the branch built once, with the settings every test has (tests/conftest.py: its fixture is
    per test) and DEBUG on for the module (seed_demo refuses to run without it)."""
    settings = override_settings(
        DEBUG=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    with django_db_blocker.unblock(), settings, transaction.atomic():
        seed()
        yield counts()
        transaction.set_rollback(True)


def test_builds_a_branch_with_every_kind_of_data(seeded):
    assert seeded["Participant"] >= 150
    for name, count in seeded.items():
        assert count > 0, name
    assert Village.objects.in_programme().count() >= 60
    assert Village.objects.filter(working_age_population__isnull=False).count() == 277
    assert VillageMonthStat.objects.exists()
    cycle = EvaluationCycle.objects.get(name="Anev 2019–2022")
    assert (cycle.start_month.isoformat(), cycle.end_month.isoformat()) == ("2019-01-01", "2022-12-01")
    assert cycle.evaluations.count() == Village.objects.filter(joined_on__year__lte=2022).count()


def test_second_run_adds_nothing(seeded):
    output = seed()
    assert counts() == seeded
    assert "peserta: 0" in output
    assert User.objects.filter(username="admin").count() == 1


def test_a_later_day_adds_only_what_has_happened_since(seeded):
    today = timezone.localdate()
    before = set(Participant.objects.values_list("nik", flat=True))
    demo_branch_build(seed=2019, scale=float(SCALE), today=today + datetime.timedelta(days=365))
    added = Participant.objects.exclude(nik__in=before)
    assert added.exists()
    assert not added.filter(enrolled_on__lte=today).exists()
    assert Award.objects.filter(level=Award.Level.NATIONAL).count() == 2


def test_demo_users_roles_and_assignments(seeded, client):
    expected = {
        "admin": ROLE_ADMIN,
        "staf": ROLE_STAFF,
        "kepala": ROLE_HEAD,
        "operator.batangbarus": ROLE_OFFICIAL,
        "operator.sikalang": ROLE_OFFICIAL,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo12345"), username
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert User.objects.get(username="admin").is_superuser
    assert is_branch_user(User.objects.get(username="staf"))
    batang_barus = User.objects.get(username="operator.batangbarus")
    assert list(Village.objects.for_user(batang_barus).values_list("code", flat=True)) == ["13.02.07.2006"]
    sikalang = User.objects.get(username="operator.sikalang")
    assert list(Village.objects.for_user(sikalang).values_list("code", flat=True)) == ["13.73.04.2010"]


def test_awards_of_the_news_report(seeded):
    sikalang = Award.objects.get(village__code="13.73.04.2010", level=Award.Level.NATIONAL)
    assert (sikalang.year, sikalang.rank) == (2019, Award.Rank.SECOND)
    koto_baru = Award.objects.get(village__name="Koto Baru", level=Award.Level.NATIONAL)
    assert koto_baru.rank == Award.Rank.HONOURABLE_1
    pioneers = ["Koto Baru", "Sikalang", "Batang Barus", "Guguak Sarai", "Pematang Panjang", "Kuncir", "Talang"]
    joined_2019 = set(Village.objects.filter(joined_on__year=2019).values_list("name", flat=True))
    assert set(pioneers) <= joined_2019


def test_participants_are_valid_and_pay_what_the_rules_say(seeded):
    for participant in Participant.objects.select_related("village")[:200]:
        participant.full_clean()
        assert stdnum_nik.is_valid(participant.nik)
        assert participant.nik.startswith(participant.village.code[:8].replace(".", ""))
    rules = RuleBook.load()
    # Every paid month of 2026 (PP 50/2025's relief for most) and a sample of the earlier ones.
    contributions = Contribution.objects.select_related("participant")
    sample = list(contributions.filter(month__year=2026)) + list(contributions.filter(month__year__lt=2026)[:300])
    relieved = 0
    for contribution in sample:
        participant = contribution.participant
        due = contribution_due(
            participant=participant, month=contribution.month, funding_source=contribution.funding_source, rules=rules
        )
        assert contribution.amount == due.total
        relieved += due.adjustment is not None
        assert contribution.month >= participant.enrolled_on.replace(day=1)
    assert relieved > 0
    for claim in Claim.objects.filter(programme=Programme.JKM):
        assert claim.amount == 42_000_000
        assert claim.participant.exit_reason == "meninggal"


def test_the_figures_that_follow_published_numbers(seeded):
    """demo/published.py at --scale 0.03: people counts scale, village counts do not."""
    scale = float(SCALE)
    workers = solok_budget_workers()
    assert workers.count() == round(published.SOLOK_WORKERS * scale)
    assert workers.values("village").distinct().count() == published.SOLOK_PAYING_NAGARI == 54
    for code in published.SOLOK_HUNDRED_EACH:
        assert workers.filter(village__code=code).count() == round(published.SOLOK_HUNDRED * scale)
    for kecamatan in published.SOLOK_ALL_NAGARI_KECAMATAN:
        nagari = Village.objects.filter(code__startswith=kecamatan + ".")
        assert set(workers.filter(village__in=nagari).values_list("village", flat=True)) == set(
            nagari.values_list("pk", flat=True)
        )
    sikalang = Village.objects.get(code="13.73.04.2010")
    assert (sikalang.population, sikalang.working_age_population) == (1_752, 900)
    aktif = sikalang.participants.filter(contributions__month=datetime.date(2019, 12, 1)).count()
    assert aktif > 0.9 * 900 * scale
    award = sikalang.awards.get(level=Award.Level.NATIONAL)
    assert (award.year, award.rank, award.title.endswith("(diserahkan 13/12/2019)")) == (2019, Award.Rank.SECOND, True)


def test_registrations_awaiting_a_first_payment(seeded):
    awaiting = Participant.objects.filter(contributions__isnull=True, exit_date__isnull=True)
    assert awaiting.exists()
    # Recent registrations whose first iuran has not come yet, as on a real follow-up list.
    this_month = timezone.localdate().replace(day=1)
    recent = (this_month - datetime.timedelta(days=80)).replace(day=1)
    assert awaiting.filter(enrolled_on__gte=recent).exists()


def test_a_closed_cycle_is_left_alone(seeded):
    cycle = EvaluationCycle.objects.get(name="Anev 2019–2022")
    cycle.status = EvaluationCycle.Status.CLOSED
    cycle.save()
    VillageEvaluation.objects.filter(cycle=cycle, village__code="13.02.07.2006").delete()
    output = seed()
    assert "evaluasi desa: 0" in output
    assert not cycle.evaluations.filter(village__code="13.02.07.2006").exists()


def test_if_empty_skips_when_participants_exist(seeded):
    output = seed("--if-empty", "--seed", "7")
    assert "tidak dimuat" in output
    assert counts() == seeded
