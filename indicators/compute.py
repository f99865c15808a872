"""Computing indicators of the registry for a scope and a period: one, several, or each village's.

The facts of every indicator asked for are read together (`indicators.facts`), so several indicators cost
the queries of their groups once.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from indicators.facts import Facts
from indicators.periods import Period
from indicators.registry import REGISTRY, Result
from villages.models import Village


def _keys(keys: Iterable[str] | None) -> list[str]:
    keys = list(REGISTRY) if keys is None else list(keys)
    unknown = [key for key in keys if key not in REGISTRY]
    if unknown:
        raise KeyError(f"Unknown indicator(s): {', '.join(unknown)}")
    return keys


def _facts_for(*, villages: QuerySet[Village], period: Period, keys: list[str]) -> Facts:
    groups = {group for key in keys for group in REGISTRY[key].groups}
    # Load in a stable order: village facts read the stats and the village rows.
    ordered = [name for name in Facts.GROUPS if name in groups]
    return Facts(villages=villages, period=period).need(*ordered)


def indicator_compute(*, key: str, villages: QuerySet[Village], period: Period) -> Result:
    return REGISTRY[_keys([key])[0]].compute(villages=villages, period=period)


def indicators_compute(
    *, villages: QuerySet[Village], period: Period, keys: Iterable[str] | None = None
) -> dict[str, Result]:
    keys = _keys(keys)
    facts = _facts_for(villages=villages, period=period, keys=keys).scope()
    return {key: REGISTRY[key].from_facts(facts, period) for key in keys}


def indicators_by_village(
    *, villages: QuerySet[Village], period: Period, keys: Iterable[str] | None = None
) -> dict[int, dict[str, Result]]:
    """The same indicators for each village of the scope (for rankings and maps), same queries."""
    keys = _keys(keys)
    facts = _facts_for(villages=villages, period=period, keys=keys).need("village_facts")
    return {
        pk: {key: REGISTRY[key].from_facts(numbers, period) for key in keys}
        for pk, numbers in facts.by_village().items()
    }
