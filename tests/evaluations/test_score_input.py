"""The anev score inputs read "3,5" as Indonesians write it (issue 15, item 5), with an English browser too.

The field is `core.forms.DecimalField`: a text box with the phone's decimal keypad, never the
browser's number input (whose step check answers in the browser's language), and Indonesian
refusals whatever language the browser asks for.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.forms import DecimalField
from evaluations import services
from evaluations.forms import PillarAdjustForm
from tests.builders import join, paying
from tests.factories import EvaluationCycleFactory

ENGLISH = {"accept-language": "en"}


@pytest.mark.parametrize("typed", ["3,5", "3.5", " 3,5 ", "３,５", "3,50"])
def test_a_decimal_is_read_with_a_comma_or_a_point(typed):
    with translation.override("en"):
        assert DecimalField(min_value=Decimal(1), max_value=Decimal(5), max_digits=3, decimal_places=2).clean(
            typed
        ) == Decimal("3.5")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("3,5,1", "Tulis satu angka dengan koma desimal, misalnya 3,5."),
        ("3.5,1", "Tulis satu angka dengan koma desimal, misalnya 3,5."),
        ("tiga", "Tulis satu angka dengan koma desimal, misalnya 3,5."),
        ("1e2", "Tulis satu angka dengan koma desimal, misalnya 3,5."),
        ("NaN", "Tulis satu angka dengan koma desimal, misalnya 3,5."),
        ("5,5", "Isi angka antara 1 dan 5."),
        ("0,5", "Isi angka antara 1 dan 5."),
        ("3,125", "Angka terlalu panjang; tulis paling banyak 2 angka di belakang koma."),
    ],
)
def test_anything_else_is_refused_in_indonesian(typed, message):
    field = DecimalField(min_value=Decimal(1), max_value=Decimal(5), max_digits=3, decimal_places=2)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert message in refused.value.messages


def test_the_score_box_is_a_decimal_text_box_showing_a_comma():
    html = str(PillarAdjustForm(initial={"score": Decimal("3.50")}, prefix="keterikatan")["score"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="3,5"' in html
    assert "step=" not in html and 'type="number"' not in html


@pytest.fixture
def evaluation(batang_barus, sikalang):
    join(batang_barus, sikalang)
    paying(batang_barus, 2, first=datetime.date(2021, 1, 1), last=datetime.date(2022, 12, 1))
    cycle = EvaluationCycleFactory()
    services.cycle_open(cycle=cycle, user=None)
    return cycle.evaluations.get(village=batang_barus)


def test_an_english_browser_saves_3_comma_5_as_three_and_a_half(client, evaluation, staff_user):
    client.force_login(staff_user)
    adjust = reverse("evaluations:pillar_adjust", kwargs={"pk": evaluation.pk, "pillar": "keterikatan"})
    response = client.post(
        adjust, {"keterikatan-score": "3,5", "keterikatan-justification": "Agen PERISAI aktif."}, headers=ENGLISH
    )
    assert response.status_code == 302
    assert evaluation.pillar_scores.get(pillar="keterikatan").adjusted_score == Decimal("3.5")
    page = client.get(reverse("evaluations:evaluation_detail", kwargs={"pk": evaluation.pk}), headers=ENGLISH)
    assert page.headers["Content-Language"] == "en"
    assert 'name="keterikatan-score" value="3,5"' in page.text


def test_an_english_browser_is_told_in_indonesian_what_to_fix(client, evaluation, staff_user):
    client.force_login(staff_user)
    adjust = reverse("evaluations:pillar_adjust", kwargs={"pk": evaluation.pk, "pillar": "pertumbuhan"})
    response = client.post(
        adjust,
        {"pertumbuhan-score": "3,5,1", "pertumbuhan-justification": "Salah ketik."},
        headers=ENGLISH,
        follow=True,
    )
    assert "Tulis satu angka dengan koma desimal, misalnya 3,5." in response.text
    assert evaluation.pillar_scores.get(pillar="pertumbuhan").adjusted_score is None
