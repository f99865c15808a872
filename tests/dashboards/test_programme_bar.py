"""The programme's own bar: each village against the designation criteria (data), on its page and in the list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.designation import needed_for, programme_bar
from participants.models import Occupation
from participants.months import month_range
from participants.stats import stats_refresh
from tests.factories import ContributionFactory, ParticipantFactory
from villages.designation import ApparatusHeadcount, DesignationCriterion
from villages.models import Village

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2024, 6, 1)
PERIOD_QUERY = "?period=custom&start=01/2024&end=06/2024"


def paying(village, count: int, *, occupation=Occupation.FARMER, until=JUNE) -> None:
    for _index in range(count):
        participant = ParticipantFactory(village=village, occupation=occupation, enrolled_on=datetime.date(2024, 1, 5))
        for month in month_range(datetime.date(2024, 1, 1), until):
            ContributionFactory(participant=participant, month=month)


@pytest.fixture
def bar_village(batang_barus):
    """16 working-age residents; 3 apparatus paying in 06/2024, 1 who stopped in 01/2024; 10 farmers paying."""
    batang_barus.working_age_population = 16
    batang_barus.joined_on = datetime.date(2019, 3, 1)
    batang_barus.save()
    paying(batang_barus, 3, occupation=Occupation.APPARATUS)
    paying(batang_barus, 1, occupation=Occupation.APPARATUS, until=datetime.date(2024, 1, 1))
    paying(batang_barus, 10)
    stats_refresh(village_ids=[batang_barus.pk])
    return batang_barus


def states(village) -> dict[str, object]:
    bar = programme_bar(villages=Village.objects.filter(pk=village.pk), month=JUNE)[village.pk]
    return {state.criterion.measure: state for state in bar}


@pytest.mark.parametrize(
    ("threshold", "strictly_above", "out_of", "needed"),
    [(80, True, 100, 81), (80, False, 100, 80), (100, False, 12, 12), (80, True, 7, 6), (80, False, 5, 4)],
)
def test_needed_for(threshold, strictly_above, out_of, needed):
    criterion = DesignationCriterion(threshold=Decimal(threshold), strictly_above=strictly_above)
    assert needed_for(criterion, out_of) == needed


def test_the_criteria_of_2019_are_shipped_as_data():
    criteria = [(c.measure, c.threshold, c.strictly_above, c.bar_text) for c in DesignationCriterion.objects.all()]
    assert criteria == [
        (DesignationCriterion.Measure.APPARATUS, Decimal(100), False, "≥ 100 %"),
        (DesignationCriterion.Measure.WORKERS, Decimal(80), True, "> 80 %"),
    ]


def test_a_village_against_the_bar_with_and_without_its_apparatus_headcount(bar_village):
    ApparatusHeadcount.objects.create(village=bar_village, count=5, source="SOTK nagari", year=2024)
    measured = states(bar_village)
    apparatus, workers = measured["perangkat"], measured["pekerja"]
    assert (apparatus.protected, apparatus.out_of, apparatus.missing, apparatus.met) == (3, 5, 2, False)
    assert apparatus.out_of_label == "perangkat (data desa)"
    # 13 aktif of 16: more than 80 % (12,8) needs 13.
    assert (workers.protected, workers.out_of, workers.missing, workers.met) == (13, 16, 0, True)
    ApparatusHeadcount.objects.all().delete()
    apparatus = states(bar_village)["perangkat"]
    assert (apparatus.protected, apparatus.out_of, apparatus.missing) == (3, 4, 1)
    assert "belum diisi" in apparatus.out_of_label


def test_thresholds_are_data(bar_village):
    DesignationCriterion.objects.filter(measure="pekerja").update(threshold=90)
    workers = states(bar_village)["pekerja"]
    assert (workers.met, workers.missing) == (False, 2)  # more than 14,4 needs 15


def test_without_a_denominator_the_bar_cannot_be_judged(bar_village):
    Village.objects.filter(pk=bar_village.pk).update(working_age_population=None)
    bar_village.participants.filter(occupation=Occupation.APPARATUS).delete()
    stats_refresh(village_ids=[bar_village.pk])
    measured = states(bar_village)
    assert (measured["pekerja"].met, measured["pekerja"].missing) == (None, None)
    assert (measured["perangkat"].met, measured["perangkat"].protected) == (None, 0)


def test_the_village_page_shows_each_criterion_and_what_is_missing(client, staff_user, bar_village):
    ApparatusHeadcount.objects.create(village=bar_village, count=5, source="SOTK nagari", year=2024)
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:village_detail", kwargs={"code": bar_village.code}) + PERIOD_QUERY)
    text = " ".join(response.text.split())
    assert "Syarat Desa Sadar per 06/2024" in text
    assert "3 dari 5 perangkat (data desa) terlindungi (60,0%); kurang <strong>2 perangkat</strong>" in text
    assert "13 dari 16 penduduk usia kerja terlindungi (81,3%)." in text
    assert 'data-measure="pekerja" data-met="ya"' in text
    assert 'data-measure="perangkat" data-met="tidak"' in text


def test_the_villages_list_shows_the_bar_per_village(client, staff_user, bar_village, sikalang):
    client.force_login(staff_user)
    url = reverse("dashboard:village_list") + PERIOD_QUERY + "&q=batang"
    response = client.get(url)
    row = response.text.split(f'data-village="{bar_village.code}"')[1].split("</tr>")[0]
    assert "kurang 1 perangkat" in row
    assert 'data-measure="pekerja"' in row and "bi-check-lg" in row


def test_the_villages_list_reads_the_bar_in_a_fixed_number_of_queries(client, staff_user, bar_village, sikalang):
    client.force_login(staff_user)
    url = reverse("dashboard:village_list") + PERIOD_QUERY
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    sikalang.working_age_population = 50
    sikalang.save()
    paying(sikalang, 4, occupation=Occupation.APPARATUS)
    ApparatusHeadcount.objects.create(village=sikalang, count=9, source="SOTK desa", year=2024)
    stats_refresh(village_ids=[sikalang.pk])
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert len(more) == len(few)
    row = response.text.split(f'data-village="{sikalang.code}"')[1].split("</tr>")[0]
    assert "kurang 5 perangkat" in row


def test_the_admin_refuses_an_unreachable_bar(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:villages_designationcriterion_add"),
        {"name": "Uji", "measure": "pekerja", "threshold": "100", "strictly_above": "on", "order": "3"},
    )
    assert "Lebih dari 100 % tidak mungkin dicapai" in response.text.replace("&laquo;", "«").replace("&raquo;", "»")
    assert DesignationCriterion.objects.count() == 2
