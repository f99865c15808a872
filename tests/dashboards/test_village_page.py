"""The village page: its standing first (active participants and trend, coverage, commitments, the anev), then
for staff the figures before the follow-up list; the jorong heat map; sparklines on the villages list."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.selectors import jorong_paid_shares
from evaluations import services
from evaluations.models import ActionItem, EvaluationCycle, Rubric
from participants.models import Contribution
from participants.months import add_months, month_start
from participants.stats import stats_refresh
from tests.factories import ContributionFactory, ParticipantFactory
from villages.models import Commitment

D = datetime.date
THIS_MONTH = month_start(timezone.localdate())
LAST = add_months(THIS_MONTH, -1)  # the default period ends with last month


def cycle(name: str, *, start: datetime.date, end: datetime.date, previous=None) -> EvaluationCycle:
    return EvaluationCycle.objects.create(
        name=name,
        start_month=start,
        end_month=end,
        baseline_date=start,
        rubric=Rubric.objects.get(name="Rubrik Standar Desa Sadar"),
        previous=previous,
    )


def pay(participant, *months):
    for month in months:
        ContributionFactory(participant=participant, month=month)


@pytest.fixture
def village(batang_barus):
    """Batang Barus: two jorongs over the last months, a lapsed agreement and an approved anev with a plan."""
    batang_barus.joined_on = D(2019, 3, 1)
    batang_barus.working_age_population = 100
    batang_barus.save()
    koto = [
        ParticipantFactory(village=batang_barus, hamlet="Koto Tuo", enrolled_on=add_months(LAST, -5), name=f"Koto {i}")
        for i in range(2)
    ]
    baruah = ParticipantFactory(village=batang_barus, hamlet="Baruah", enrolled_on=add_months(LAST, -1), name="Baruah")
    pay(koto[0], *[add_months(LAST, -offset) for offset in range(6)])
    pay(koto[1], add_months(LAST, -5), add_months(LAST, -4))
    pay(baruah, add_months(LAST, -1), LAST)
    stats_refresh(village_ids=[batang_barus.pk])
    Commitment.objects.create(
        village=batang_barus,
        kind=Commitment.Kind.AGREEMENT,
        number="PKS/BB/2019",
        signed_on=D(2019, 3, 20),
        valid_until=D(2022, 3, 19),
    )
    return batang_barus


@pytest.fixture
def anev(village, staff_user, head_user):
    """An earlier cycle approved with a three-action plan, and the current cycle opened (a draft)."""
    earlier = cycle("Anev lalu", start=D(2019, 1, 1), end=D(2021, 12, 1))
    services.cycle_open(cycle=earlier, user=staff_user)
    evaluation = earlier.evaluations.get(village=village)
    services.evaluation_notes_update(
        evaluation=evaluation, user=staff_user, findings="Cukup.", recommendations="Lanjut."
    )
    due = timezone.localdate() - datetime.timedelta(days=10)
    for index, status in enumerate([ActionItem.Status.DONE, ActionItem.Status.DONE, ActionItem.Status.IN_PROGRESS]):
        ActionItem.objects.create(
            evaluation=evaluation, action=f"Aksi {index}", pillar="pemahaman", owner="Wali", due_date=due, status=status
        )
    ActionItem.objects.create(
        evaluation=evaluation, action="Batal", pillar="pemahaman", owner="Wali", due_date=due, status="batal"
    )
    services.evaluation_submit(evaluation=evaluation, user=staff_user)
    services.evaluation_approve(evaluation=evaluation, user=head_user)
    current = cycle(
        "Anev sekarang", start=add_months(THIS_MONTH, -11), end=add_months(THIS_MONTH, 24), previous=earlier
    )
    services.cycle_open(cycle=current, user=staff_user)
    return current


def url(village) -> str:
    return reverse("dashboard:village_detail", kwargs={"code": village.code})


def positions(text: str, *markers: str) -> list[int]:
    found = [text.index(marker) for marker in markers]
    assert all(index >= 0 for index in found)
    return found


def test_staff_see_the_villages_standing_and_figures_before_the_follow_up_list(client, staff_user, village, anev):
    client.force_login(staff_user)
    response = client.get(url(village))
    status, headlines, follow_up = positions(
        response.text, 'data-testid="village-status"', 'data-testid="headlines"', 'data-testid="follow-up"'
    )
    assert status < headlines < follow_up
    standing = response.context["standing"]
    assert standing.cycle.name == "Anev sekarang" and standing.label == "Draf"
    assert standing.approved.cycle.name == "Anev lalu"
    plan = standing.plan
    assert (plan.total, plan.done, plan.in_progress, plan.overdue) == (3, 2, 1, 1)  # the cancelled one not counted
    assert "Rencana revitalisasi: 2 dari 3 aksi selesai" in response.text and "1 lewat tenggat" in response.text
    assert reverse("evaluations:evaluation_detail", args=[standing.evaluation.pk]) in response.text
    assert response.context["renewal"]["berakhir"] == 1
    assert "1 berakhir" in response.text
    # Active participants at the end of the period: Koto 0 and Baruah; before the period, only Koto 0.
    assert 'data-testid="status-active">2<' in response.text
    assert "naik" in response.text


def test_officials_still_see_their_follow_up_list_first(client, official, village):
    client.force_login(official)
    response = client.get(url(village))
    status, follow_up, headlines = positions(
        response.text, 'data-testid="village-status"', 'data-testid="follow-up"', 'data-testid="headlines"'
    )
    assert status < follow_up < headlines
    assert response.context["standing"].label == "Belum ada siklus anev"


def test_heat_map_holds_the_paid_share_of_each_jorong_and_month(client, staff_user, village):
    client.force_login(staff_user)
    response = client.get(url(village))
    months = response.context["heat_months"]
    assert len(months) == 12 and months[-1] == LAST
    rows = {hamlet: {cell.month: cell for cell in cells} for hamlet, cells in response.context["heat_rows"]}
    assert list(rows) == ["Baruah", "Koto Tuo"]
    koto, baruah = rows["Koto Tuo"], rows["Baruah"]
    assert (koto[add_months(LAST, -5)].paid, koto[add_months(LAST, -5)].enrolled) == (2, 2)
    assert (koto[LAST].paid, koto[LAST].enrolled, koto[LAST].share, koto[LAST].level) == (1, 2, 50, 2)
    assert koto[add_months(LAST, -6)].share is None  # nobody enrolled yet
    assert (baruah[LAST].share, baruah[LAST].level) == (100, 4)
    assert baruah[add_months(LAST, -2)].enrolled == 0
    assert 'class="text-center heat heat-4"' in response.text
    assert "style=" not in response.text


def test_village_page_query_count_does_not_grow(client, staff_user, village, anev, django_assert_num_queries):
    client.force_login(staff_user)
    client.get(url(village))
    with CaptureQueriesContext(connection) as small:
        client.get(url(village))
    # A fixed budget: session and user (5 with the menu's permissions), the period's and the previous period's
    # facts, the series, the follow-up list, claims, commitments, the anev standing (3), the jorong heat map (1),
    # the profile lists, the last reconciliation with the core system (1), the session's save.
    assert len(small) <= VILLAGE_QUERY_BUDGET
    evaluation = anev.previous.evaluations.get(village=village)
    for index in range(5):
        ActionItem.objects.create(
            evaluation=evaluation, action=f"Lagi {index}", pillar="keterikatan", owner="Wali", due_date=LAST
        )
        person = ParticipantFactory(village=village, hamlet=f"Jorong {index}", enrolled_on=add_months(LAST, -3))
        pay(person, LAST)
        person.claims.create(programme="JKK", event_date=LAST, paid_on=LAST, amount=1_000_000)
    stats_refresh(village_ids=[village.pk])
    with django_assert_num_queries(len(small)):
        response = client.get(url(village))
    assert len(response.context["heat_rows"]) == 7
    assert response.context["claim_totals"]["paid"] == 5


VILLAGE_QUERY_BUDGET = 39  # 2 of them measure the village against the programme's bar


def test_villages_list_draws_a_sparkline_per_village(client, staff_user, village):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:village_list") + f"?q={village.name}")
    row = next(row for row in response.context["ranking_shown"] if row.village["code"] == village.code)
    points = [tuple(map(float, point.split(","))) for point in row.spark["points"].split()]
    assert len(points) == 12
    # Active: 0 … then 2, 1 (Koto 0 only), 1, 1, 2, 2: the last point is the highest (lowest y).
    assert points[-1][1] == min(y for _, y in points)
    assert "dari 0 ke 2" in row.spark["label"]
    assert '<svg class="sparkline"' in response.text and "<polyline points=" in response.text


def test_heat_map_counts_as_the_rule_does_on_varied_participants(batang_barus):
    """Payments before the enrolment month or after the exit month do not count; an exit during a month leaves
    the person enrolled in it. Compared with the rule worked out in Python for every jorong and month."""
    months = [add_months(LAST, offset) for offset in range(-11, 1)]
    rng = random.Random(11)
    paid: dict[int, set] = {}
    for _person in range(40):
        enrolled_on = add_months(LAST, -rng.randrange(0, 16)) + datetime.timedelta(days=rng.randrange(0, 27))
        exit_date = None
        if rng.random() < 0.3:
            exit_date = add_months(LAST, -rng.randrange(0, 10)) + datetime.timedelta(days=rng.randrange(0, 27))
            exit_date = max(exit_date, enrolled_on)
        person = ParticipantFactory(
            village=batang_barus,
            hamlet=rng.choice(["", "Koto Tuo", "Baruah"]),
            enrolled_on=enrolled_on,
            exit_date=exit_date,
            exit_reason="pindah" if exit_date else "",
        )
        paid[person.pk] = {add_months(LAST, -offset) for offset in range(-1, 18) if rng.random() < 0.6}
        Contribution.objects.bulk_create(
            ContributionFactory.build(participant=person, month=m) for m in paid[person.pk]
        )

    # Written around the writes' differences (bulk): the jorong table as the rebuild makes it.
    stats_refresh(village_ids=[batang_barus.pk])
    expected: dict[str, list[tuple[int, int]]] = {}
    for person in batang_barus.participants.all():
        cells = expected.setdefault(person.hamlet or "(tanpa jorong)", [(0, 0)] * len(months))
        for index, month in enumerate(months):
            enrolled = month_start(person.enrolled_on) <= month and (
                person.exit_date is None or person.exit_date >= month
            )
            enrolled_count, paid_count = cells[index]
            cells[index] = (enrolled_count + enrolled, paid_count + (enrolled and month in paid[person.pk]))
    expected = {hamlet: cells for hamlet, cells in expected.items() if any(enrolled for enrolled, _ in cells)}

    rows = jorong_paid_shares(village=batang_barus, months=months)
    assert {hamlet: [(cell.enrolled, cell.paid) for cell in cells] for hamlet, cells in rows} == expected
    assert [hamlet for hamlet, _cells in rows] == sorted(expected)
