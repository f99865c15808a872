"""The participant list at any size: an estimated count for the branch-wide unfiltered list (PostgreSQL), exact
counts otherwise, the far pages read from the end, a fixed number of queries, the name search served by the
trigram index on PostgreSQL, and a whole NIK or KPJ looked up exactly."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from participants import selectors
from participants.models import Participant
from tests.factories import ParticipantFactory

URL = reverse("participants:list")


def _names(response) -> list[str]:
    return [participant.name for participant in response.context["page"]]


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params or {}).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("params", [{}, {"page": "2"}, {"page": "last"}, {"q": "peserta"}, {"status": "aktif"}])
def test_query_count_does_not_grow_with_the_participants(client, staff_user, params):
    ParticipantFactory.create_batch(3)
    client.force_login(staff_user)
    few = _queries(client, params)
    ParticipantFactory.create_batch(60)
    assert _queries(client, params) == few


def test_every_page_holds_the_rows_of_its_place_in_the_order(client, staff_user):
    # Same names on purpose: the id breaks the ties, so the pages read from the end mirror those from the start.
    ParticipantFactory.create_batch(40, name="Sama Nama")
    ParticipantFactory.create_batch(23)
    client.force_login(staff_user)
    expected = list(Participant.objects.order_by("name", "id").values_list("pk", flat=True))
    seen = []
    for number in (1, 2, 3):
        seen += [participant.pk for participant in client.get(URL, {"page": number}).context["page"]]
    assert seen == expected
    last = client.get(URL, {"page": 99})  # beyond the end: the last page, read from the end
    assert [participant.pk for participant in last.context["page"]] == expected[50:]
    assert all(participant.status is not None for participant in last.context["page"])


def test_branch_wide_unfiltered_list_shows_an_estimate_on_postgresql(client, staff_user, official, monkeypatch):
    ParticipantFactory.create_batch(30)
    monkeypatch.setattr(selectors, "PARTICIPANT_ESTIMATE_FROM", 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Participant._meta.db_table}")
    client.force_login(staff_user)
    page = client.get(URL)
    if connection.vendor == "postgresql":
        assert page.context["page"].paginator.approximate and page.context["page"].paginator.count == 30
        assert "sekitar 30 peserta" in page.text and "dari sekitar 30" in page.text
    else:  # SQLite counts: small installations
        assert not page.context["page"].paginator.approximate and "30 peserta" in page.text
    monkeypatch.setattr(selectors, "PARTICIPANT_ESTIMATE_FROM", 1_000)  # below it: counted exactly
    exact = client.get(URL).context["page"].paginator
    assert not exact.approximate and exact.count == 30
    # Filtered, the count is exact.
    filtered = client.get(URL, {"occupation": "petani"})
    assert not filtered.context["page"].paginator.approximate and "sekitar" not in filtered.text
    # A village official's list is counted exactly, whatever the table's size.
    client.force_login(official)
    assert not client.get(URL).context["page"].paginator.approximate


def test_whole_nik_and_kpj_are_looked_up_exactly(client, staff_user):
    ours = ParticipantFactory(name="Siti Rahma", kpj="12345678901")
    ParticipantFactory(name="Budi Santoso")
    client.force_login(staff_user)
    assert _names(client.get(URL, {"q": ours.nik})) == ["Siti Rahma"]
    assert _names(client.get(URL, {"q": f"{ours.nik[:6]}.{ours.nik[6:12]}.{ours.nik[12:]}"})) == ["Siti Rahma"]
    assert _names(client.get(URL, {"q": "123-456-789-01"})) == ["Siti Rahma"]
    assert _names(client.get(URL, {"q": "99999999999"})) == []
    assert _names(client.get(URL, {"q": "rahm"})) == ["Siti Rahma"]
    assert _names(client.get(URL, {"q": "SANTOSO"})) == ["Budi Santoso"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only")
def test_name_search_can_use_the_trigram_index(db):
    ParticipantFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Participant.objects.filter(name__icontains="rahma").order_by().explain()
    assert "participant_name_upper_trgm" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index use is PostgreSQL's plan")
def test_default_order_can_use_its_index(db):
    ParticipantFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    assert "participant_name_id" in Participant.objects.all()[:25].explain()


def test_village_choice_renders_as_djangos_own_select(rf, staff_user, batang_barus):
    from django import forms

    from participants.filters import ParticipantFilter, VillageSelect

    request = rf.get("/participants/", {"village": batang_barus.pk})
    request.user = staff_user
    field = ParticipantFilter(request.GET, queryset=Participant.objects.none(), request=request).form["village"]
    ours = field.as_widget(attrs={"class": "form-select"})
    assert isinstance(field.field.widget, VillageSelect)
    django_select = forms.Select(choices=field.field.choices, attrs=field.field.widget.attrs)
    theirs = django_select.render(field.html_name, field.value(), attrs={"class": "form-select", "id": field.auto_id})
    assert re.sub(r">\s+<", "><", theirs) == ours
    assert f'<option value="{batang_barus.pk}" selected>Nagari Batang Barus</option>' in ours
