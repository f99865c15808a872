"""The follow-up list on the village page and in its export: those menunggak, then registrations awaiting
their first payment, labelled as such (not as "belum pernah" arrears)."""

from __future__ import annotations

import datetime
import io
import urllib.parse

from django.urls import reverse
from openpyxl import load_workbook

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
