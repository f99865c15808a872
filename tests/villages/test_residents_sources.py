"""Every coverage figure names its denominator: the ranking (villages list, dashboard), the regency page
(its kecamatan table and its resident-list totals, which add only the regency's villages that have a
list) and the anev, where a stale list is marked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from tests.builders import join, paying
from tests.factories import DenominatorFactory, EvaluationCycleFactory, ResidentListFactory
from villages.models import ResidentList

pytestmark = pytest.mark.django_db

D = datetime.date


def sources(html: str) -> list[str]:
    return [" ".join(found.split()) for found in re.findall(r'data-testid="coverage-source"[^>]*>([^<]*)<', html)]


@pytest.fixture
def listed(batang_barus, sikalang):
    """Both villages in the programme; Batang Barus (Kab. Solok) has a resident list of 40 informal workers."""
    join(batang_barus, sikalang, working_age=100)
    paying(batang_barus, 4, first=D(2021, 1, 1), last=D(2022, 12, 1))
    ResidentListFactory(village=batang_barus)
    DenominatorFactory(village=batang_barus, informal=40, as_of=timezone.localdate())
    return batang_barus


def test_the_ranking_names_each_villages_denominator(client, staff_user, listed, sikalang):
    client.force_login(staff_user)
    today = f"{timezone.localdate():%d/%m/%Y}"
    for url in (reverse("dashboard:village_list"), reverse("home")):
        html = client.get(url).content.decode()
        ranking = html[
            html.index('data-testid="ranking"') : html.index("</table>", html.index('data-testid="ranking"'))
        ]
        rows = dict(re.findall(r'data-village="([\d.]+)".*?data-testid="coverage-source"[^>]*>([^<]*)<', ranking, re.S))
        assert rows[listed.code] == f"sumber: data penduduk OpenSID {today}"
        assert rows[sikalang.code] == "perkiraan"


def test_the_regency_page_names_the_denominator_and_adds_only_its_listed_villages(client, staff_user, listed, sikalang):
    ResidentListFactory(village=sikalang)  # another regency's list: not in Kab. Solok's totals
    client.force_login(staff_user)
    html = client.get(reverse("dashboard:region_detail", args=[listed.district.regency.code])).content.decode()
    today = f"{timezone.localdate():%d/%m/%Y}"
    assert f"sumber: data penduduk OpenSID {today}" in sources(html)  # the headline, the kecamatan and the ranking
    assert sources(html).count(f"sumber: data penduduk OpenSID {today}") >= 3
    section = html[html.index('data-testid="resident-lists"') :]
    assert "Jumlah ini hanya menjumlahkan 1 desa yang punya data penduduk." in section
    assert sikalang.name not in section


def test_the_anev_names_the_denominator_and_marks_a_stale_list(client, staff_user, listed, sikalang, settings):
    ResidentList.objects.filter(village=listed).update(imported_at=timezone.now() - datetime.timedelta(days=70))
    old = timezone.localdate() - datetime.timedelta(days=70)
    DenominatorFactory(village=listed, informal=40, as_of=old)
    settings.RESIDENT_LIST_STALE_MONTHS = 2
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=None)
    client.force_login(staff_user)
    stale_page = client.get(reverse("evaluations:evaluation_detail", args=[cycle.evaluations.get(village=listed).pk]))
    html = stale_page.content.decode()
    assert sources(html) == [f"sumber: data penduduk OpenSID {old:%d/%m/%Y} (data lama)"]
    status = html[html.index('data-testid="resident-status"') :]
    assert "alert-warning" in html[: html.index('data-testid="resident-status"')].rsplit("<div", 1)[1]
    assert "(data lama: perbarui)" in status[: status.index("</div>")]
    estimate = client.get(reverse("evaluations:evaluation_detail", args=[cycle.evaluations.get(village=sikalang).pk]))
    assert sources(estimate.content.decode()) == ["perkiraan"]
