"""Rubric scoring at the thresholds' edges, pillar means, overall score and categories."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluations.models import Category, Rubric, RubricItem
from evaluations.scoring import category_for, indicator_score, overall_score, weighted_mean
from tests.factories import RubricFactory

ASCENDING = [Decimal(10), Decimal(20), Decimal(30), Decimal(40)]
DESCENDING = [Decimal(40), Decimal(25), Decimal(15), Decimal(5)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("9.99"), 1),
        (Decimal(10), 2),
        (Decimal("19.9999"), 2),
        (Decimal(20), 3),
        (Decimal(30), 4),
        (Decimal("39.99"), 4),
        (Decimal(40), 5),
        (1000, 5),
        (-5, 1),
    ],
)
def test_higher_is_better_reaching_a_threshold_exactly_earns_its_score(value, expected):
    assert indicator_score(value=value, thresholds=ASCENDING, higher_is_better=True) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("40.01"), 1),
        (Decimal(40), 2),
        (Decimal("25.01"), 2),
        (Decimal(25), 3),
        (Decimal(15), 4),
        (Decimal("5.01"), 4),
        (Decimal(5), 5),
        (0, 5),
    ],
)
def test_lower_is_better_staying_at_a_threshold_exactly_earns_its_score(value, expected):
    assert indicator_score(value=value, thresholds=DESCENDING, higher_is_better=False) == expected


def test_an_undefined_value_gets_no_score():
    assert indicator_score(value=None, thresholds=ASCENDING) is None


def test_pillar_score_is_the_weighted_mean_of_defined_scores_only():
    scores = [(5, Decimal(2)), (2, Decimal(1)), (None, Decimal(3))]
    assert weighted_mean(scores=scores) == Decimal("4.00")
    assert weighted_mean(scores=[(4, Decimal(1)), (3, Decimal(2))]) == Decimal("3.33")
    assert weighted_mean(scores=[(1, Decimal(1)), (2, Decimal(1)), (2, Decimal(1))]) == Decimal("1.67")


def test_weights_of_zero_and_all_undefined_give_no_score():
    assert weighted_mean(scores=[(None, Decimal(1))]) is None
    assert weighted_mean(scores=[(5, Decimal(0))]) is None
    assert weighted_mean(scores=[]) is None


def test_overall_is_the_plain_mean_of_scored_pillars():
    assert overall_score(pillar_scores=[Decimal(4), Decimal(3), None, Decimal("2.5")]) == Decimal("3.17")
    assert overall_score(pillar_scores=[None, None]) is None


CATEGORIES = [
    ("Mandiri", Decimal(4)),
    ("Berkembang", Decimal(3)),
    ("Perlu Pembinaan", Decimal(2)),
    ("Perlu Revitalisasi", Decimal(0)),
]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (Decimal(5), "Mandiri"),
        (Decimal("4.00"), "Mandiri"),
        (Decimal("3.99"), "Berkembang"),
        (Decimal("3.00"), "Berkembang"),
        (Decimal("2.99"), "Perlu Pembinaan"),
        (Decimal("2.00"), "Perlu Pembinaan"),
        (Decimal("1.99"), "Perlu Revitalisasi"),
        (Decimal(1), "Perlu Revitalisasi"),
    ],
)
def test_category_by_minimum_score(score, expected):
    assert category_for(score=score, categories=CATEGORIES) == expected


def test_no_category_without_a_score_or_below_every_minimum():
    assert category_for(score=None, categories=CATEGORIES) == ""
    assert category_for(score=Decimal(1), categories=[("Mandiri", Decimal(4))]) == ""


@pytest.mark.django_db
def test_default_rubric_exists_after_migrate():
    rubric = Rubric.objects.get(name="Rubrik Standar Desa Sadar")
    assert rubric.items.count() == 12
    assert set(rubric.items.values_list("pillar", flat=True)) == {
        "pertumbuhan",
        "keberlanjutan",
        "pemahaman",
        "keterikatan",
    }
    assert list(Category.objects.filter(rubric=rubric).values_list("name", flat=True)) == [
        "Mandiri",
        "Berkembang",
        "Perlu Pembinaan",
        "Perlu Revitalisasi",
    ]
    for item in rubric.items.all():
        item.full_clean()


@pytest.mark.django_db
def test_rubric_item_refuses_thresholds_in_the_wrong_order_and_unknown_indicators():
    rubric = RubricFactory()
    item = RubricItem(
        rubric=rubric,
        indicator="lapse_rate",
        pillar="keberlanjutan",
        weight=1,
        higher_is_better=False,
        threshold_2=5,
        threshold_3=15,
        threshold_4=25,
        threshold_5=40,
    )
    with pytest.raises(ValidationError, match="Makin rendah makin baik"):
        item.full_clean()
    item.higher_is_better = True
    item.full_clean()
    item.indicator = "tidak_ada"
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert list(refused.value.message_dict) == ["indicator"]
