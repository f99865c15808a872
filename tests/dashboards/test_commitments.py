"""Regulations and agreements that lapse: their state, the branch list of what to renew, the village page, and
a commitment score that counts only what is in force at the end of the period (dashboards and anev alike)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services
from indicators import Period, indicators_compute
from tests.builders import join
from tests.factories import CommitmentFactory, EvaluationCycleFactory
from villages.models import Commitment, CommitmentState, Village

D = datetime.date
TODAY = D(2026, 12, 1)
AGREEMENT = Commitment.Kind.AGREEMENT
REGULATION = Commitment.Kind.REGULATION


def commit(village, kind, signed_on, valid_until=None, number=""):
    return CommitmentFactory(village=village, kind=kind, number=number, signed_on=signed_on, valid_until=valid_until)


def states(today=TODAY) -> dict[str, str]:
    return {c.number: c.state for c in Commitment.objects.with_state(today=today)}


def test_state_of_each_commitment(batang_barus, sikalang):
    commit(batang_barus, REGULATION, D(2020, 1, 1), None, "perna-tanpa-batas")
    commit(batang_barus, AGREEMENT, D(2019, 3, 20), D(2022, 3, 19), "pks-lama")
    commit(batang_barus, AGREEMENT, D(2022, 3, 1), D(2025, 3, 1), "pks-pengganti-berakhir")
    commit(sikalang, AGREEMENT, D(2024, 1, 1), TODAY + datetime.timedelta(days=90), "pks-90-hari")
    commit(sikalang, REGULATION, D(2024, 1, 1), TODAY + datetime.timedelta(days=91), "perna-91-hari")
    commit(sikalang, REGULATION, D(2018, 1, 1), TODAY - datetime.timedelta(days=1), "perna-kemarin")
    assert states() == {
        "perna-tanpa-batas": CommitmentState.IN_FORCE,
        # Renewed by the 2022 agreement, which itself has lapsed and was not renewed.
        "pks-lama": CommitmentState.RENEWED,
        "pks-pengganti-berakhir": CommitmentState.LAPSED,
        "pks-90-hari": CommitmentState.LAPSING,
        "perna-91-hari": CommitmentState.IN_FORCE,
        # Sikalang's older regulation is outlived by the 2024 one: renewed, not lapsed.
        "perna-kemarin": CommitmentState.RENEWED,
    }
    assert states(today=D(2022, 1, 1))["pks-lama"] == CommitmentState.RENEWED
    renew = {c.number for c in Commitment.objects.needing_renewal(today=TODAY)}
    assert renew == {"pks-pengganti-berakhir", "pks-90-hari"}


@pytest.fixture
def lapsing(batang_barus, sikalang):
    today = timezone.localdate()
    commit(batang_barus, AGREEMENT, D(2019, 3, 20), D(2022, 3, 19), "PKS/BB/2019")
    commit(batang_barus, REGULATION, D(2020, 1, 1), None, "PERNA/BB/2020")
    commit(sikalang, REGULATION, D(2021, 5, 1), today + datetime.timedelta(days=30), "PERDES/SK/2021")
    commit(sikalang, AGREEMENT, D(2023, 1, 1), today + datetime.timedelta(days=400), "PKS/SK/2023")


def test_branch_list_shows_what_to_renew(client, staff_user, lapsing):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:commitment_list"))
    assert response.status_code == 200
    shown = [c.number for c in response.context["page"].object_list]
    assert shown == ["PKS/BB/2019", "PERDES/SK/2021"]  # the earliest end date first
    assert response.context["counts"] == {CommitmentState.LAPSED: 1, CommitmentState.LAPSING: 1}
    assert 'data-state="berakhir"' in response.text and 'data-state="segera_berakhir"' in response.text
    assert "PERNA/BB/2020" not in response.text and "PKS/SK/2023" not in response.text
    response = client.get(reverse("dashboard:commitment_list") + "?state=segera_berakhir")
    assert [c.number for c in response.context["page"].object_list] == ["PERDES/SK/2021"]
    response = client.get(reverse("dashboard:commitment_list") + f"?kind={AGREEMENT}")
    assert [c.number for c in response.context["page"].object_list] == ["PKS/BB/2019"]


def test_official_sees_only_their_villages_commitments(client, official, lapsing):
    client.force_login(official)
    response = client.get(reverse("dashboard:commitment_list"))
    assert [c.number for c in response.context["page"].object_list] == ["PKS/BB/2019"]
    assert "PERDES/SK/2021" not in response.text
    assert response.context["counts"] == {CommitmentState.LAPSED: 1, CommitmentState.LAPSING: 0}


def test_a_bad_filter_says_so_and_lists_everything(client, staff_user, lapsing):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:commitment_list") + "?state=entah&regency=999999")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    assert "Masukkan pilihan yang valid" in response.text


def test_commitment_list_query_count_does_not_grow(client, staff_user, lapsing, django_assert_num_queries):
    client.force_login(staff_user)
    url = reverse("dashboard:commitment_list")
    client.get(url)
    with django_assert_num_queries(QUERIES):
        client.get(url)
    for index, village in enumerate(Village.objects.exclude(commitments__isnull=False).order_by("code")[:40]):
        commit(village, AGREEMENT, D(2020, 1, 1), D(2023, 1, 1) + datetime.timedelta(days=index), f"PKS/{index}")
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.context["page"].paginator.count == 42


# Session, user, its groups, its permissions (2, for the menu), page count, page rows, the counts of both
# states, the regencies of the filter, and the session's save (3 with its savepoint).
QUERIES = 12


def test_village_page_flags_a_lapsed_agreement(client, staff_user, lapsing, batang_barus):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:village_detail", kwargs={"code": batang_barus.code}))
    commitments = {c.number: c.state for c in response.context["commitments"]}
    assert commitments == {"PKS/BB/2019": CommitmentState.LAPSED, "PERNA/BB/2020": CommitmentState.IN_FORCE}
    assert "s.d. 19/03/2022" in response.text and 'data-state="berakhir"' in response.text


def test_commitment_score_counts_only_what_is_in_force_at_the_end_of_the_period(batang_barus):
    commit(batang_barus, AGREEMENT, D(2019, 3, 20), D(2022, 3, 19), "PKS/BB/2019")
    villages = Village.objects.filter(pk=batang_barus.pk)
    before = indicators_compute(villages=villages, period=Period(start=D(2021, 1, 1), end=D(2021, 12, 1)))
    after = indicators_compute(villages=villages, period=Period(start=D(2022, 1, 1), end=D(2022, 12, 1)))
    # Ends in the period's last month: in force up to its last day only.
    ending = indicators_compute(villages=villages, period=Period(start=D(2021, 4, 1), end=D(2022, 3, 1)))
    assert before["commitment"].numerator == 1
    assert after["commitment"].numerator == 0
    assert ending["commitment"].numerator == 0
    commit(batang_barus, AGREEMENT, D(2022, 3, 1), D(2025, 3, 1), "PKS/BB/2022")
    after = indicators_compute(villages=villages, period=Period(start=D(2022, 1, 1), end=D(2022, 12, 1)))
    assert after["commitment"].numerator == 1


def test_anev_commitment_uses_what_is_in_force_at_the_cycles_end(batang_barus, staff_user):
    join(batang_barus)
    commit(batang_barus, AGREEMENT, D(2019, 3, 20), D(2022, 3, 19), "PKS/BB/2019")
    commit(batang_barus, REGULATION, D(2019, 6, 1), None, "PERNA/BB/2019")
    cycle = EvaluationCycleFactory()  # 2019–2022, baseline 01/2019
    services.cycle_open(cycle=cycle, user=staff_user)
    evaluation = cycle.evaluations.get(village=batang_barus)
    assert evaluation.values["commitment"]["numerator"] == 1  # the regulation; the agreement lapsed in 03/2022
    assert evaluation.baseline_values["commitment"]["numerator"] == 0  # neither was signed by 01/2019
