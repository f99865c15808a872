"""The monthly screen on a phone (issue 15, item 4), server side: rows grouped by jorong with a filter of the
jorong and their counts, names linking to the participant, masked NIKs, and a refused save showing the same
boxes ticked. The search, the filter and the sticky bar are tested in Chromium (tests/e2e/test_phone_pages.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from participants.models import Contribution
from tests.factories import ContributionFactory, ParticipantFactory

URL = reverse("participants:monthly")


def test_rows_are_grouped_by_jorong_with_links_and_masked_niks(client, official, batang_barus):
    month = timezone.localdate().replace(day=1)
    koto = [ParticipantFactory(village=batang_barus, hamlet="Jorong Koto", name=f"Koto {n}") for n in range(2)]
    balai = ParticipantFactory(village=batang_barus, hamlet="Jorong Balai", name="Balai 0", kpj="12345678901")
    ContributionFactory(participant=koto[0], month=month)
    client.force_login(official)
    page = client.get(URL, {"month": f"{month:%m/%Y}"})
    assert page.context["jorongs"] == [
        {"name": "Jorong Balai", "listed": 1, "open": 1},
        {"name": "Jorong Koto", "listed": 2, "open": 1},
    ]
    text = page.text
    assert text.index('js-jorong-head" data-jorong="Jorong Balai"') < text.index(
        'js-jorong-head" data-jorong="Jorong Koto"'
    )
    assert reverse("participants:detail", kwargs={"pk": balai.pk}) in text
    assert balai.masked_nik.endswith(" · KPJ …8901")
    assert balai.masked_nik in text and balai.nik not in text
    assert "(1 dari 2 belum bayar)" in text


def test_a_refused_save_keeps_the_ticks(client, official, batang_barus):
    month = timezone.localdate().replace(day=1)
    workers = [ParticipantFactory(village=batang_barus, name=f"Warga {n}") for n in range(3)]
    client.force_login(official)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        URL,
        {
            "month": f"{month:%m/%Y}",
            "paid_on": f"{tomorrow:%d/%m/%Y}",
            "channel": Contribution.Channel.AGENT,
            "paid": [workers[0].pk, workers[2].pk],
        },
    )
    assert response.status_code == 200 and not Contribution.objects.exists()
    assert "Tanggal bayar tidak boleh di masa depan." in response.text
    for worker, ticked in zip(workers, (True, False, True), strict=True):
        assert (f'value="{worker.pk}" id="paid-{worker.pk}" checked' in response.text) is ticked
