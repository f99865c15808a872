"""The follow-up list on the village page and in its export: those menunggak, then registrations awaiting
their first payment, labelled as such (not as "belum pernah" arrears)."""

from __future__ import annotations

import datetime
import io
import urllib.parse

import factory
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from participants.models import Contribution, Participant
from participants.months import add_months, month_range, month_start
from participants.stats import stats_refresh
from tests.factories import ContributionFactory, ParticipantFactory


def test_village_page_and_export_label_those_awaiting_a_first_payment(client, official, batang_barus):
    this_month = month_start(datetime.date.today())
    late = ParticipantFactory(village=batang_barus, name="Siti Menunggak", enrolled_on=datetime.date(2024, 1, 5))
    for month in month_range(datetime.date(2024, 1, 1), add_months(this_month, -2)):
        ContributionFactory(participant=late, month=month)
    ParticipantFactory(
        village=batang_barus,
        name="Budi Baru",
        phone="0813 1111 2222",
        enrolled_on=add_months(this_month, -4) + datetime.timedelta(days=9),
    )
    stats_refresh(village_ids=[batang_barus.pk])
    client.force_login(official)

    page = client.get(reverse("dashboard:village_detail", kwargs={"code": batang_barus.code}))
    assert page.context["follow_up_total"] == 2
    assert [item.participant.name for item in page.context["follow_ups"]] == ["Siti Menunggak", "Budi Baru"]
    table = page.text[page.text.index('data-testid="follow-up"') :]
    budi = table[table.index("Budi Baru") : table.index("</tr>", table.index("Budi Baru"))]
    assert "belum aktif" in budi and "menunggu iuran pertama, 4 bulan" in budi and "belum pernah" not in budi
    text = urllib.parse.unquote(page.context["follow_ups"][1].whatsapp_url.split("text=")[1])
    assert "iuran pertama belum tercatat" in text and "nonaktif" not in text

    kwargs = {"code": batang_barus.code, "table": "tindak-lanjut", "fmt": "xlsx"}
    url = reverse("dashboard:village_export", kwargs=kwargs)
    rows = [list(row) for row in load_workbook(io.BytesIO(client.get(url).content)).active.iter_rows(values_only=True)]
    notes = {row[0]: row[-1] for row in rows if row and row[0] in ("Siti Menunggak", "Budi Baru")}
    assert notes == {"Siti Menunggak": "menunggak", "Budi Baru": "belum aktif: menunggu iuran pertama"}


# --- a page at a time, with a search, at a cost that does not grow with the village -------------------------------

THIS_MONTH = month_start(datetime.date.today())


def people(village, count: int, *, paid_last_month: bool, start: int = 0, hamlet: str = "Koto"):
    """`count` participants of `village` enrolled two months ago: menunggak (last month paid) or belum aktif."""
    made = ParticipantFactory.build_batch(
        count,
        village=village,
        hamlet=hamlet,
        enrolled_on=add_months(THIS_MONTH, -2),
        name=factory.Iterator([f"Warga {start + index:04d}" for index in range(count)]),
    )
    created = Participant.objects.bulk_create(made)
    if paid_last_month:
        Contribution.objects.bulk_create(
            ContributionFactory.build(participant=person, month=add_months(THIS_MONTH, -1)) for person in created
        )
    return created


def follow_up_url(village, **query) -> str:
    return reverse("dashboard:village_detail", kwargs={"code": village.code}) + (
        "?" + urllib.parse.urlencode(query) if query else ""
    )


def names(response) -> list[str]:
    return [item.participant.name for item in response.context["follow_ups"]]


def test_the_follow_up_list_is_paged_in_its_order(client, official, batang_barus):
    people(batang_barus, 20, paid_last_month=True)  # menunggak first
    people(batang_barus, 10, paid_last_month=False, start=20)  # then belum aktif
    stats_refresh(village_ids=[batang_barus.pk])
    client.force_login(official)

    first = client.get(follow_up_url(batang_barus))
    assert first.context["follow_up_total"] == 30
    assert names(first) == [f"Warga {index:04d}" for index in range(25)]
    assert 'data-testid="pagination"' in first.text and "Baris 1–25 dari 30" in first.text
    second = client.get(follow_up_url(batang_barus, page=2))
    assert names(second) == [f"Warga {index:04d}" for index in range(25, 30)]
    assert all(item.awaiting_first_payment for item in second.context["follow_ups"])
    # Beyond the last page: the last page; not a number: the first (a bookmark never fails).
    assert names(client.get(follow_up_url(batang_barus, page=99))) == names(second)
    assert names(client.get(follow_up_url(batang_barus, page="x"))) == names(first)


def test_the_follow_up_list_is_searched_by_name_jorong_nik_or_kpj(client, official, batang_barus):
    people(batang_barus, 3, paid_last_month=True)
    [lain] = people(batang_barus, 1, paid_last_month=True, start=3, hamlet="Baruah")
    stats_refresh(village_ids=[batang_barus.pk])
    client.force_login(official)

    response = client.get(follow_up_url(batang_barus, q="warga 0001"))
    assert names(response) == ["Warga 0001"] and response.context["follow_up_total"] == 1
    assert "cocok dengan “warga 0001”" in response.text
    assert names(client.get(follow_up_url(batang_barus, q="baruah"))) == ["Warga 0003"]
    assert names(client.get(follow_up_url(batang_barus, q=lain.nik))) == ["Warga 0003"]
    assert names(client.get(follow_up_url(batang_barus, q=lain.nik[:6]))) == []  # part of a NIK: no match
    nobody = client.get(follow_up_url(batang_barus, q="Tidak Ada"))
    assert "Tidak ada peserta yang perlu diingatkan dengan nama, jorong, NIK atau KPJ itu." in nobody.text
    # Too long a search: said so, and the whole list shown.
    long = client.get(follow_up_url(batang_barus, q="x" * 101))
    assert long.status_code == 200 and len(names(long)) == 4
    assert "Pencarian diabaikan; perpendek teksnya." in long.text


def test_the_village_page_query_count_does_not_grow_with_its_participants(
    client, official, batang_barus, django_assert_num_queries
):
    """5 participants to remind, then 200 (and 100 paying): the same queries, a page of the list."""
    people(batang_barus, 3, paid_last_month=True)
    people(batang_barus, 2, paid_last_month=False, start=3)
    stats_refresh(village_ids=[batang_barus.pk])
    client.force_login(official)
    client.get(follow_up_url(batang_barus))
    with CaptureQueriesContext(connection) as small:
        client.get(follow_up_url(batang_barus))

    people(batang_barus, 150, paid_last_month=True, start=5, hamlet="Baruah")
    people(batang_barus, 45, paid_last_month=False, start=155, hamlet="Koto Tuo")
    paying = people(batang_barus, 100, paid_last_month=True, start=200, hamlet="Lubuk")
    Contribution.objects.bulk_create(
        ContributionFactory.build(participant=person, month=THIS_MONTH) for person in paying
    )
    stats_refresh(village_ids=[batang_barus.pk])
    with django_assert_num_queries(len(small)):
        response = client.get(follow_up_url(batang_barus))
    assert response.context["follow_up_total"] == 200 and len(response.context["follow_ups"]) == 25
    assert [hamlet for hamlet, _cells in response.context["heat_rows"]] == ["Baruah", "Koto", "Koto Tuo", "Lubuk"]
