"""The contribution rules: every amount of PP 44/2015 and PP 50/2025 across the relief's edges, the
one function that prices a month, the admin's overlap checks, and the migrations' data."""

from __future__ import annotations

import datetime
import urllib.parse
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.follow_up import follow_up_list
from participants.imports import import_confirm, import_upload
from participants.models import Contribution, FundingSource, ImportBatch, Occupation, Programme
from participants.rules import (
    ContributionAdjustment,
    ContributionRate,
    OccupationSector,
    RuleBook,
    RuleError,
    Scope,
    Sector,
    adjustment_clashes,
    contribution_due,
    scopes_meet,
)
from participants.services import contribution_record
from participants.stats import stats_refresh
from tests.factories import ContributionFactory, ParticipantFactory
from tests.participants.test_import import xlsx

pytestmark = pytest.mark.django_db

MONTHS = ["03/2026", "04/2026", "12/2026", "01/2027", "03/2027", "04/2027"]

# The regulation's amounts, month by month (03/2026 … 04/2027 as in MONTHS): at the minimum income
# base JKK Rp 10.000 and JKM Rp 6.800 (Rp 16.800), halved in a relief month (5.000 + 3.400 = 8.400);
# JHT Rp 20.000 is never halved. The transport sector's relief runs 01/2026–03/2027, every other
# sector's 04/2026–12/2026; APBD-funded JKK/JKM get none, APB Nagari/Desa does.
FARMER = [16_800, 8_400, 8_400, 16_800, 16_800, 16_800]
DRIVER = [8_400, 8_400, 8_400, 8_400, 8_400, 16_800]
APBD = [16_800] * 6
WITH_JHT = [36_800, 28_400, 28_400, 36_800, 36_800, 36_800]
# Rp 2.500.000 declared: JKK 25.000 + JKM 6.800 = 31.800; in relief 12.500 + 3.400 = 15.900.
ABOVE_MINIMUM = [31_800, 15_900, 15_900, 31_800, 31_800, 31_800]

WORKERS = {
    "petani mandiri": ({"occupation": Occupation.FARMER, "funding_source": FundingSource.SELF}, FARMER),
    "tukang ojek": ({"occupation": Occupation.DRIVER, "funding_source": FundingSource.SELF}, DRIVER),
    "dibiayai APBD": ({"occupation": Occupation.FARMER, "funding_source": FundingSource.REGIONAL_BUDGET}, APBD),
    "ojek dibiayai APBD": ({"occupation": Occupation.DRIVER, "funding_source": FundingSource.REGIONAL_BUDGET}, APBD),
    "perangkat dibiayai APB Nagari": (
        {"occupation": Occupation.APPARATUS, "funding_source": FundingSource.VILLAGE_BUDGET},
        FARMER,
    ),
    "ikut JHT": ({"occupation": Occupation.TRADER, "funding_source": FundingSource.SELF, "has_jht": True}, WITH_JHT),
    "di atas minimum": (
        {"occupation": Occupation.FARMER, "funding_source": FundingSource.CSR, "monthly_income": 2_500_000},
        ABOVE_MINIMUM,
    ),
}


def month(text: str) -> datetime.date:
    number, year = text.split("/")
    return datetime.date(int(year), int(number), 1)


def worker(**fields):
    return ParticipantFactory(**{"monthly_income": 1_000_000, "has_jht": False, **fields})


@pytest.mark.parametrize("kind", WORKERS)
def test_every_amount_of_the_regulation_across_the_reliefs_edges(kind):
    fields, expected = WORKERS[kind]
    participant = worker(**fields)
    rules = RuleBook.load()
    assert [contribution_due(participant=participant, month=month(m), rules=rules).total for m in MONTHS] == expected


def test_the_breakdown_names_the_relief_and_its_basis():
    due = contribution_due(participant=worker(), month=datetime.date(2026, 12, 1))
    assert str(due) == "Rp 8.400 — keringanan 50 % JKK/JKM, PP 50/2025"
    assert due.breakdown == "JKK Rp 5.000 + JKM Rp 3.400"
    assert (due.full_total, due.relief, due.income_base) == (16_800, 8_400, 1_000_000)
    assert [(part.programme, part.full, part.amount) for part in due.parts] == [
        (Programme.JKK, 10_000, 5_000),
        (Programme.JKM, 6_800, 3_400),
    ]
    assert due.legal_basis.endswith("; PP 50/2025")


def test_outside_relief_the_rates_basis_is_given_and_jht_is_never_halved():
    participant = worker(has_jht=True)
    outside = contribution_due(participant=participant, month=datetime.date(2027, 1, 1))
    assert outside.adjustment is None
    assert (str(outside), outside.reason) == ("Rp 36.800", outside.rate.regulation)
    assert "PP 44/2015" in outside.rate.regulation
    inside = contribution_due(participant=participant, month=datetime.date(2026, 6, 1))
    assert inside.breakdown == "JKK Rp 5.000 + JKM Rp 3.400 + JHT Rp 20.000"


def test_the_funding_source_of_the_payment_decides_not_the_participants():
    participant = worker(funding_source=FundingSource.SELF)
    relief_month = datetime.date(2026, 6, 1)
    assert contribution_due(participant=participant, month=relief_month).total == 8_400
    paid_by_the_regency = contribution_due(
        participant=participant, month=relief_month, funding_source=FundingSource.REGIONAL_BUDGET
    )
    assert (paid_by_the_regency.total, paid_by_the_regency.funding_source) == (16_800, FundingSource.REGIONAL_BUDGET)


def test_jht_chosen_at_payment_overrides_the_participants_choice():
    participant = worker(has_jht=False)
    assert contribution_due(participant=participant, month=datetime.date(2026, 6, 1), with_jht=True).total == 28_400


def test_the_sector_of_an_occupation_is_data():
    """Moving 'pedagang' into transport (an admin edit) gives traders the transport months."""
    trader = worker(occupation=Occupation.TRADER)
    january = datetime.date(2026, 1, 1)
    assert contribution_due(participant=trader, month=january).total == 16_800
    OccupationSector.objects.filter(occupation=Occupation.TRADER).update(sector=Sector.objects.get(code="transportasi"))
    assert contribution_due(participant=trader, month=january).total == 8_400


def test_an_occupation_without_a_sector_gets_the_relief_for_all_other_sectors():
    OccupationSector.objects.filter(occupation=Occupation.OTHER).delete()
    participant = worker(occupation=Occupation.OTHER)
    assert contribution_due(participant=participant, month=datetime.date(2026, 1, 1)).total == 16_800
    assert contribution_due(participant=participant, month=datetime.date(2026, 4, 1)).total == 8_400


def test_below_the_minimum_base_the_base_applies_and_above_it_the_income():
    outside_relief = datetime.date(2027, 6, 1)
    assert contribution_due(participant=worker(monthly_income=500_000), month=outside_relief).total == 16_800
    above = worker(monthly_income=2_500_000, has_jht=True)
    # JKK 25.000 + JKM 6.800 + JHT 50.000.
    assert contribution_due(participant=above, month=outside_relief).total == 81_800


def test_odd_incomes_round_each_programme_to_whole_rupiah_and_add_up():
    participant = worker(monthly_income=1_234_567, has_jht=True)
    due = contribution_due(participant=participant, month=datetime.date(2026, 6, 1))
    # JKK 1 % = 12.345,67 → 12.346, halved: 12.346 − 6.173; JHT 2 % = 24.691,34 → 24.691.
    assert [(part.full, part.amount) for part in due.parts] == [(12_346, 6_173), (6_800, 3_400), (24_691, 24_691)]
    assert due.total == 6_173 + 3_400 + 24_691


def test_a_month_with_no_rate_is_an_error_naming_the_month():
    participant = worker()
    with pytest.raises(RuleError) as error:
        contribution_due(participant=participant, month=datetime.date(2015, 6, 1))
    assert error.value.messages == ["Belum ada tarif iuran untuk bulan 06/2015; hubungi admin cabang."]
    # A gap between two rates is an error too, never a silent zero.
    ContributionRate.objects.update(valid_to=datetime.date(2024, 12, 1))
    ContributionRate.objects.create(
        valid_from=datetime.date(2025, 2, 1),
        jkk_percent=Decimal("1.00"),
        jkm_amount=6_800,
        jht_percent=Decimal("2.00"),
        minimum_income=1_000_000,
        regulation="uji",
    )
    with pytest.raises(RuleError, match="01/2025"):
        contribution_due(participant=participant, month=datetime.date(2025, 1, 1))
    assert contribution_due(participant=participant, month=datetime.date(2025, 2, 1)).total == 16_800


def test_two_reliefs_for_one_month_are_an_error_not_a_choice():
    """The admin refuses such overlaps; rows written around it still never pick one silently."""
    ContributionAdjustment.objects.create(
        name="uji",
        percent=Decimal(10),
        on_jkm=True,
        valid_from=datetime.date(2026, 6, 1),
        valid_to=datetime.date(2026, 6, 1),
        regulation="uji",
    )
    with pytest.raises(RuleError, match="lebih dari satu keringanan iuran untuk bulan 06/2026"):
        contribution_due(participant=worker(), month=datetime.date(2026, 6, 1))


def test_pricing_many_months_reads_the_rules_once(django_assert_num_queries):
    participant = worker()
    with django_assert_num_queries(4):  # rates, reliefs, their sectors, the occupations' sectors
        rules = RuleBook.load()
    with django_assert_num_queries(0):
        totals = [contribution_due(participant=participant, month=month(m), rules=rules).total for m in MONTHS]
    assert totals == FARMER


def test_a_later_rate_applies_from_its_month():
    rate = ContributionRate.objects.get()
    rate.valid_to = datetime.date(2027, 6, 1)
    rate.save()
    ContributionRate.objects.create(
        valid_from=datetime.date(2027, 7, 1),
        jkk_percent=Decimal("1.00"),
        jkm_amount=7_000,
        jht_percent=Decimal("2.00"),
        minimum_income=1_000_000,
        regulation="uji",
    )
    participant = worker()
    assert contribution_due(participant=participant, month=datetime.date(2027, 6, 1)).total == 16_800
    assert contribution_due(participant=participant, month=datetime.date(2027, 7, 1)).total == 17_000


# --- overlaps -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "universe", "meet"),
    [
        ((Scope.ALL, set()), (Scope.ONLY, {1}), None, True),
        ((Scope.ONLY, {1}), (Scope.ONLY, {2}), None, False),
        ((Scope.ONLY, {1, 2}), (Scope.ONLY, {2}), None, True),
        ((Scope.ONLY, {1}), (Scope.EXCEPT, {1}), None, False),
        ((Scope.ONLY, {1, 2}), (Scope.EXCEPT, {1}), None, True),
        ((Scope.EXCEPT, {1}), (Scope.EXCEPT, {2}), None, True),
        ((Scope.EXCEPT, {"a"}), (Scope.EXCEPT, {"b"}), {"a", "b"}, False),
        ((Scope.EXCEPT, {"a"}), (Scope.EXCEPT, {"b"}), {"a", "b", "c"}, True),
    ],
)
def test_scopes_meet(first, second, universe, meet):
    assert scopes_meet(first, second, universe) is meet
    assert scopes_meet(second, first, universe) is meet


def clashes(**fields) -> list[str]:
    base = {
        "valid_from": datetime.date(2026, 6, 1),
        "valid_to": datetime.date(2026, 6, 1),
        "sector_scope": Scope.ALL,
        "sector_ids": [],
        "funding_scope": Scope.ALL,
        "funding_sources": [],
    }
    return adjustment_clashes(**{**base, **fields})


def test_a_relief_clashes_only_where_sector_funding_and_months_all_meet():
    transport = Sector.objects.get(code="transportasi").pk
    farming = Sector.objects.get(code="pertanian").pk
    assert len(clashes()) == 2  # everyone in 06/2026: both reliefs of PP 50/2025
    assert (
        clashes(sector_scope=Scope.ONLY, sector_ids=[transport], valid_from=datetime.date(2027, 4, 1), valid_to=None)
        == []
    )
    assert clashes(sector_scope=Scope.ONLY, sector_ids=[transport]) != []  # the transport relief
    assert clashes(funding_scope=Scope.ONLY, funding_sources=[FundingSource.REGIONAL_BUDGET]) == []
    # Farmers in 02/2026: no relief yet for them.
    assert (
        clashes(
            sector_scope=Scope.ONLY,
            sector_ids=[farming],
            valid_from=datetime.date(2026, 2, 1),
            valid_to=datetime.date(2026, 3, 1),
        )
        == []
    )
    # An open end reaches every later relief.
    assert (
        "Keringanan iuran JKK dan JKM BPU sektor transportasi"
        in clashes(
            sector_scope=Scope.ONLY, sector_ids=[transport], valid_from=datetime.date(2025, 1, 1), valid_to=None
        )[0]
    )


def admin_form(**fields) -> dict:
    return {
        "name": "Keringanan uji",
        "percent": "25",
        "on_jkm": "on",
        "valid_from": "01/2028",
        "valid_to": "12/2028",
        "sector_scope": Scope.ALL,
        "funding_scope": Scope.ALL,
        "regulation": "Uji",
        "_save": "Simpan",
        **fields,
    }


def test_the_admin_refuses_an_overlapping_relief_and_saves_a_separate_one(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:participants_contributionadjustment_add")
    transport = Sector.objects.get(code="transportasi")
    refused = client.post(
        url, admin_form(valid_from="02/2027", valid_to="06/2027", sector_scope=Scope.ONLY, sectors=[transport.pk])
    )
    assert refused.status_code == 200
    assert "Bertumpang tindih dengan «Keringanan iuran JKK dan JKM BPU sektor transportasi (01/2026–03/2027)»" in (
        refused.text.replace("&laquo;", "«").replace("&raquo;", "»")
    )
    assert ContributionAdjustment.objects.count() == 2
    # The same months for the regency-funded only: nobody else's relief covers them.
    saved = client.post(
        url,
        admin_form(
            valid_from="02/2027",
            valid_to="06/2027",
            funding_scope=Scope.ONLY,
            funding_sources=[FundingSource.REGIONAL_BUDGET],
        ),
    )
    assert saved.status_code == 302
    added = ContributionAdjustment.objects.get(name="Keringanan uji")
    assert (added.valid_from, added.valid_to, added.funding_sources) == (
        datetime.date(2027, 2, 1),
        datetime.date(2027, 6, 1),
        [FundingSource.REGIONAL_BUDGET],
    )
    assert added.history.count() == 1


def test_the_admin_asks_for_the_sectors_and_funding_a_limited_relief_names(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:participants_contributionadjustment_add"),
        admin_form(sector_scope=Scope.ONLY, funding_scope=Scope.EXCEPT),
    )
    assert "Pilih sektor, atau pilih «Semua»." in response.text.replace("&laquo;", "«").replace("&raquo;", "»")
    assert "Pilih sumber dana, atau pilih «Semua»." in response.text.replace("&laquo;", "«").replace("&raquo;", "»")
    assert not ContributionAdjustment.objects.filter(name="Keringanan uji").exists()


def test_the_admin_refuses_overlapping_rates(client, superuser):
    client.force_login(superuser)
    form = {
        "valid_from": "01/2027",
        "jkk_percent": "1",
        "jkm_amount": "7000",
        "jht_percent": "2",
        "minimum_income": "1000000",
        "regulation": "Uji",
        "_save": "Simpan",
    }
    url = reverse("admin:participants_contributionrate_add")
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Bulan iuran 01/2027–seterusnya bertumpang tindih dengan Tarif iuran 07/2015–seterusnya" in refused.text
    rate = ContributionRate.objects.get()
    rate.valid_to = datetime.date(2026, 12, 1)
    rate.full_clean()
    rate.save()
    assert client.post(url, form).status_code == 302
    assert ContributionRate.objects.count() == 2


def test_the_rate_admin_shows_the_minimum_contributions_without_relief(client, superuser):
    client.force_login(superuser)
    rate = ContributionRate.objects.get()
    response = client.get(reverse("admin:participants_contributionrate_change", args=[rate.pk]))
    assert "Rp 16.800" in response.text
    assert "Rp 36.800" in response.text


def test_the_model_refuses_an_end_before_the_start():
    rate = ContributionRate(
        valid_from=datetime.date(2030, 5, 1),
        valid_to=datetime.date(2030, 4, 1),
        jkk_percent=1,
        jkm_amount=1,
        jht_percent=1,
        minimum_income=1,
    )
    with pytest.raises(ValidationError) as error:
        rate.full_clean()
    assert error.value.message_dict["valid_to"] == ["Bulan akhir tidak boleh sebelum bulan mulai."]


# --- the migrations' data ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migrations_turn_dated_rates_into_month_spans_and_add_pp_50_2025():
    executor = MigrationExecutor(connection)
    before = [("participants", "0003_villagemonthstat_retained_1_and_more")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    OldRate = old.get_model("participants", "ContributionRate")
    OldRate.objects.all().delete()
    values = {"jkk_percent": Decimal(1), "jht_percent": Decimal(2), "minimum_income": 1_000_000}
    OldRate.objects.create(
        valid_from=datetime.date(2015, 7, 1),
        jkm_amount=6_800,
        regulation="PP 44/2015 jo. PP 82/2019 (peserta Bukan Penerima Upah)",
        **values,
    )
    # Entered by an admin with a mid-month date: it priced months from the next one.
    OldRate.objects.create(valid_from=datetime.date(2027, 5, 15), jkm_amount=7_000, regulation="uji", **values)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    spans = list(ContributionRate.objects.order_by("valid_from").values_list("valid_from", "valid_to", "jkm_amount"))
    assert spans == [
        (datetime.date(2015, 7, 1), datetime.date(2027, 5, 1), 6_800),
        (datetime.date(2027, 6, 1), None, 7_000),
    ]
    assert ContributionRate.objects.get(jkm_amount=6_800).regulation.startswith("PP 44/2015 sebagaimana diubah")
    reliefs = {
        adjustment.name: (
            adjustment.valid_from,
            adjustment.valid_to,
            adjustment.sector_scope,
            [sector.code for sector in adjustment.sectors.all()],
            adjustment.funding_scope,
            adjustment.funding_sources,
            adjustment.programmes,
            adjustment.percent,
        )
        for adjustment in ContributionAdjustment.objects.all()
    }
    assert reliefs == {
        "Keringanan iuran JKK dan JKM BPU sektor transportasi": (
            datetime.date(2026, 1, 1),
            datetime.date(2027, 3, 1),
            Scope.ONLY,
            ["transportasi"],
            Scope.EXCEPT,
            [FundingSource.REGIONAL_BUDGET],
            [Programme.JKK, Programme.JKM],
            Decimal(50),
        ),
        "Keringanan iuran JKK dan JKM BPU di luar sektor transportasi": (
            datetime.date(2026, 4, 1),
            datetime.date(2026, 12, 1),
            Scope.EXCEPT,
            ["transportasi"],
            Scope.EXCEPT,
            [FundingSource.REGIONAL_BUDGET],
            [Programme.JKK, Programme.JKM],
            Decimal(50),
        ),
    }
    sectors = dict(OccupationSector.objects.values_list("occupation", "sector__code"))
    assert set(sectors) == set(Occupation.values)
    assert sectors[Occupation.DRIVER] == "transportasi"


def test_queries_of_the_rate_admin_list_are_bounded(client, superuser):
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("admin:participants_contributionadjustment_changelist"))
    ContributionAdjustment.objects.create(
        name="uji", percent=Decimal(10), on_jkm=True, valid_from=datetime.date(2030, 1, 1), regulation="uji"
    )
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("admin:participants_contributionadjustment_changelist"))
    assert len(second) == len(first)


# --- through the pages: payment form, htmx proposal, monthly screen, import, participant page, reminder -------------


def on(day: datetime.date):
    """Pages run on `day` (the payments below are for its month and the months ahead)."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC), tick=False)


def payment(first_month: str, months: int, amount: str, **fields) -> dict:
    return {
        "first_month": first_month,
        "months": str(months),
        "amount": amount,
        "paid_on": fields.pop("paid_on"),
        "channel": "agen_perisai",
        "funding_source": fields.pop("funding_source", FundingSource.SELF),
        **fields,
    }


def proposal(client, participant, **query) -> str:
    url = reverse("participants:contribution_create", args=[participant.pk])
    response = client.get(url, {"proposal": "1", **query}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return " ".join(response.text.split())


@pytest.mark.parametrize(
    ("kind", "today", "first_month", "expected"),
    [
        ("petani mandiri", datetime.date(2026, 3, 2), "03/2026", [16_800, 8_400, 8_400]),
        ("tukang ojek", datetime.date(2026, 3, 2), "03/2026", [8_400, 8_400, 8_400]),
        ("petani mandiri", datetime.date(2026, 11, 2), "11/2026", [8_400, 8_400, 16_800]),
        ("ikut JHT", datetime.date(2026, 11, 2), "11/2026", [28_400, 28_400, 36_800]),
        ("tukang ojek", datetime.date(2027, 2, 2), "02/2027", [8_400, 8_400, 16_800]),
        ("dibiayai APBD", datetime.date(2027, 2, 2), "02/2027", [16_800, 16_800, 16_800]),
    ],
)
def test_a_payment_across_a_reliefs_edge_adds_up_month_by_month(client, official, kind, today, first_month, expected):
    fields, _amounts = WORKERS[kind]
    participant = worker(enrolled_on=datetime.date(2025, 6, 2), **fields)
    with on(today):
        client.force_login(official)
        jht = {"with_jht": "on"} if fields.get("has_jht") else {}
        shown = proposal(
            client, participant, first_month=first_month, months="3", funding_source=fields["funding_source"], **jht
        )
        assert f'value="{sum(expected)}"' in shown
        response = client.post(
            reverse("participants:contribution_create", args=[participant.pk]),
            payment(
                first_month,
                3,
                f"{sum(expected)}",
                paid_on=f"{today:%d/%m/%Y}",
                funding_source=fields["funding_source"],
                **jht,
            ),
        )
    assert response.status_code == 302, response.context["form"].errors
    assert list(participant.contributions.order_by("month").values_list("amount", flat=True)) == expected


def test_the_proposal_names_each_months_amount_and_why(client, official):
    participant = worker(enrolled_on=datetime.date(2026, 1, 5))
    with on(datetime.date(2026, 3, 2)):
        client.force_login(official)
        shown = proposal(client, participant, first_month="03/2026", months="3")
        regency = proposal(client, participant, first_month="03/2026", months="3", funding_source="apbd")
    assert "Menurut aturan iuran: <strong>Rp 33.600</strong>" in shown
    assert "03/2026: Rp 16.800 (JKK Rp 10.000 + JKM Rp 6.800) — PP 44/2015" in shown
    assert "04/2026–05/2026: 2 × Rp 8.400 (JKK Rp 5.000 + JKM Rp 3.400) — keringanan 50 % JKK/JKM, PP 50/2025" in shown
    # Paid through the APBD: no relief (PP 50/2025 excludes APBN/APBD).
    assert "03/2026–05/2026: 3 × Rp 16.800" in regency and 'value="50400"' in regency


def test_a_wrong_amount_is_refused_with_the_expected_one_and_officials_cannot_override(client, official):
    participant = worker(enrolled_on=datetime.date(2026, 1, 5))
    url = reverse("participants:contribution_create", args=[participant.pk])
    with on(datetime.date(2026, 4, 2)):
        client.force_login(official)
        assert 'name="override_reason"' not in client.get(url).text
        response = client.post(
            url, payment("04/2026", 1, "16.800", paid_on="02/04/2026", override_reason="kuitansi tarif lama")
        )
    errors = response.context["form"].errors["amount"]
    assert errors == [
        "Jumlah Rp 16.800 tidak sesuai aturan iuran: seharusnya Rp 8.400 (04/2026: Rp 8.400 (JKK Rp 5.000 + "
        "JKM Rp 3.400) — keringanan 50 % JKK/JKM, PP 50/2025). Bila jumlah itu memang yang dibayar, "
        "hubungi staf cabang."
    ]
    assert not participant.contributions.exists()


def test_branch_staff_record_another_amount_only_with_a_reason_kept_in_the_history(client, staff_user):
    participant = worker(enrolled_on=datetime.date(2026, 1, 5))
    url = reverse("participants:contribution_create", args=[participant.pk])
    with on(datetime.date(2026, 3, 2)):
        client.force_login(staff_user)
        assert 'name="override_reason"' in client.get(url).text
        refused = client.post(url, payment("03/2026", 3, "50.400", paid_on="02/03/2026"))
        assert "seharusnya Rp 33.600" in refused.context["form"].errors["amount"][0]
        assert "isi alasannya" in refused.context["form"].errors["amount"][0]
        assert not participant.contributions.exists()
        response = client.post(
            url, payment("03/2026", 3, "50.400", paid_on="02/03/2026", override_reason="Kuitansi bank: tarif lama")
        )
    assert response.status_code == 302
    contributions = participant.contributions.order_by("month")
    assert list(contributions.values_list("amount", flat=True)) == [16_800, 16_800, 16_800]
    reasons = set(Contribution.history.filter(participant_id=participant.pk).values_list("history_change_reason"))
    assert reasons == {("Beda dari aturan (seharusnya Rp 33.600): Kuitansi bank: tarif lama",)}


def test_the_service_refuses_an_officials_reason(official):
    participant = worker(enrolled_on=datetime.date(2026, 1, 5))
    with on(datetime.date(2026, 4, 2)), pytest.raises(ValidationError) as error:
        contribution_record(
            user=official,
            participant=participant,
            first_month=datetime.date(2026, 4, 1),
            months=1,
            amount=8_400,
            paid_on=datetime.date(2026, 4, 2),
            channel="online",
            funding_source=FundingSource.SELF,
            override_reason="apa saja",
        )
    assert error.value.message_dict["amount"] == [
        "Hanya staf cabang yang dapat mencatat jumlah yang berbeda dari aturan iuran."
    ]


def test_the_monthly_screen_prices_each_participant_and_records_it(client, official, django_assert_max_num_queries):
    people = {kind: worker(enrolled_on=datetime.date(2026, 1, 5), **fields) for kind, (fields, _e) in WORKERS.items()}
    url = reverse("participants:monthly")
    with on(datetime.date(2026, 4, 20)):
        client.force_login(official)
        page = client.get(url, {"month": "04/2026"})
        shown = {participant.pk: due for participant, due in page.context["rows"]}
        assert "Rp 8.400 — keringanan 50 % JKK/JKM, PP 50/2025" in page.text
        data = {"month": "04/2026", "paid_on": "20/04/2026", "channel": "bendahara"}
        client.post(url, {**data, "paid": [str(participant.pk) for participant in people.values()]})
    recorded = dict(Contribution.objects.values_list("participant_id", "amount"))
    for kind, participant in people.items():
        expected = WORKERS[kind][1][MONTHS.index("04/2026")]
        assert (shown[participant.pk].total, recorded[participant.pk]) == (expected, expected), kind


def test_a_month_without_a_rate_is_named_on_every_page_and_nothing_is_written(client, official):
    ContributionRate.objects.update(valid_to=datetime.date(2026, 12, 1))
    participant = worker(enrolled_on=datetime.date(2026, 10, 5), phone="081234567890")
    message = "Belum ada tarif iuran untuk bulan 01/2027; hubungi admin cabang."
    with on(datetime.date(2027, 1, 4)):
        client.force_login(official)
        assert message in proposal(client, participant, first_month="01/2027", months="1")
        refused = client.post(
            reverse("participants:contribution_create", args=[participant.pk]),
            payment("01/2027", 1, "16.800", paid_on="04/01/2027"),
        )
        assert message in refused.text
        monthly = client.get(reverse("participants:monthly"), {"month": "01/2027"})
        assert message in monthly.text and monthly.context["rows"] == []
        posted = client.post(
            reverse("participants:monthly"),
            {"month": "01/2027", "paid_on": "04/01/2027", "channel": "online", "paid": [str(participant.pk)]},
        )
        assert message in posted.text
        detail = client.get(reverse("participants:detail", args=[participant.pk]))
        assert message in detail.text
    assert not Contribution.objects.exists()


def contribution_rows(*rows) -> bytes:
    return xlsx([["NIK", "Bulan", "Jumlah", "Sumber Dana", "Alasan"], *rows])


def test_the_import_checks_each_rows_amount_against_its_month(official, staff_user):
    farmer = worker(enrolled_on=datetime.date(2026, 1, 5))
    driver = worker(enrolled_on=datetime.date(2026, 1, 5), occupation=Occupation.DRIVER)
    with on(datetime.date(2026, 4, 20)):
        batch = import_upload(
            user=official,
            kind=ImportBatch.Kind.CONTRIBUTIONS,
            name="iuran.xlsx",
            content=contribution_rows(
                [farmer.nik, "03/2026", "16.800", "", ""],
                [farmer.nik, "04/2026", "8.400", "", ""],
                [driver.nik, "03/2026", "16.800", "", ""],
                [driver.nik, "04/2026", "16.800", "APBD Pemda", ""],
                [farmer.nik, "02/2026", "8.400", "", "kuitansi"],
            ),
        )
    assert batch.summary["counts"] == {"new": 3, "updated": 0, "unchanged": 0, "error": 2}
    errors = [(row, column, message) for row, column, message in batch.summary["errors"]]
    assert errors[0][:2] == (4, "Jumlah")
    assert errors[0][2].startswith(
        "Jumlah Rp 16.800 tidak sesuai aturan iuran: seharusnya Rp 8.400 (03/2026: Rp 8.400 (JKK Rp 5.000 + JKM "
        "Rp 3.400) — keringanan 50 % JKK/JKM, PP 50/2025)"
    )
    assert errors[1][:2] == (6, "Alasan")
    with on(datetime.date(2026, 4, 20)):
        import_confirm(batch=batch, user=official)
        staff_batch = import_upload(
            user=staff_user,
            kind=ImportBatch.Kind.CONTRIBUTIONS,
            name="iuran.xlsx",
            content=contribution_rows([driver.nik, "03/2026", "16.800", "", "Kuitansi: tarif lama"]),
        )
        assert staff_batch.summary["counts"]["new"] == 1
        import_confirm(batch=staff_batch, user=staff_user)
    assert sorted(Contribution.objects.values_list("participant_id", "month", "amount")) == sorted(
        [
            (farmer.pk, datetime.date(2026, 3, 1), 16_800),
            (farmer.pk, datetime.date(2026, 4, 1), 8_400),
            (driver.pk, datetime.date(2026, 4, 1), 16_800),
            (driver.pk, datetime.date(2026, 3, 1), 16_800),
        ]
    )
    overridden = Contribution.history.get(participant_id=driver.pk, month=datetime.date(2026, 3, 1))
    assert overridden.history_change_reason == "Beda dari aturan (seharusnya Rp 8.400): Kuitansi: tarif lama"


def test_the_participant_page_and_the_whatsapp_reminder_name_the_amount_and_the_relief(client, official):
    participant = worker(enrolled_on=datetime.date(2026, 10, 5), phone="081234567890", name="Rahmat Koto")
    ContributionFactory(participant=participant, month=datetime.date(2026, 11, 1), amount=8_400)
    stats_refresh(village_ids=[participant.village_id])
    with on(datetime.date(2026, 12, 5)):
        client.force_login(official)
        detail = client.get(reverse("participants:detail", args=[participant.pk]))
        rows, _total = follow_up_list(village=participant.village, month=datetime.date(2026, 12, 1))
    text = " ".join(detail.text.split())
    assert "Rp 8.400 — keringanan 50 % JKK/JKM, PP 50/2025" in text and "JKK Rp 5.000 + JKM Rp 3.400" in text
    (row,) = rows
    reminder = urllib.parse.unquote(row.whatsapp_url.split("text=")[1])
    assert "Iuran per bulan: Rp 8.400 — keringanan 50 % JKK/JKM, PP 50/2025." in reminder
