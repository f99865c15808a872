"""Rubric scoring: pure functions, no database. Explained in docs/anev.md.

An indicator scores 1 to 5 against four thresholds (for scores 2, 3, 4 and 5). Reaching a
threshold exactly earns its score: higher-is-better scores s when value >= threshold_s,
lower-is-better scores s when value <= threshold_s. An undefined value (zero denominator)
gets no score and is left out of its pillar's mean rather than counted as 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def indicator_score(
    *, value: Decimal | int | None, thresholds: Sequence[Decimal], higher_is_better: bool = True
) -> int | None:
    """1–5 for `value` against the thresholds of scores 2, 3, 4 and 5; None when the value is undefined."""
    if value is None:
        return None
    value = Decimal(value)
    score = 1
    for earned, threshold in enumerate(thresholds, start=2):
        reached = value >= threshold if higher_is_better else value <= threshold
        if reached:
            score = earned
    return score


def weighted_mean(*, scores: Iterable[tuple[int | Decimal | None, Decimal]]) -> Decimal | None:
    """Mean of the defined scores weighted by their weights, two decimals; None when nothing counts."""
    total = Decimal(0)
    weights = Decimal(0)
    for score, weight in scores:
        if score is None or not weight:
            continue
        total += Decimal(score) * Decimal(weight)
        weights += Decimal(weight)
    if not weights:
        return None
    return _rounded(total / weights)


def overall_score(*, pillar_scores: Iterable[Decimal | None]) -> Decimal | None:
    """The plain mean of the pillars that have a score: every pillar weighs the same."""
    return weighted_mean(scores=((score, Decimal(1)) for score in pillar_scores))


def category_for(*, score: Decimal | None, categories: Iterable[tuple[str, Decimal]]) -> str:
    """The name of the category with the highest minimum that `score` reaches; "" when none."""
    if score is None:
        return ""
    reached = [(min_score, name) for name, min_score in categories if score >= min_score]
    if not reached:
        return ""
    return max(reached)[1]
