"""Computing indicators of the registry for a scope and a period: one, several, or each village's.

The facts of every indicator asked for are read together (`indicators.facts`), so several indicators cost
the queries of their groups once. A village's indicators are worked out when first read (`ResultsOf`): a
ranking of 277 villages sorts on one indicator and shows the others for the 25 rows of its page, so it
builds a few hundred results instead of thousands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

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


class ResultsOf(Mapping):
    """The indicators `keys` of one set of facts (a village's, a group's), each computed when first read."""

    __slots__ = ("_cache", "_facts", "_keys", "_period")

    def __init__(self, facts: Counter, period: Period, keys: Iterable[str]) -> None:
        self._facts, self._period, self._keys, self._cache = facts, period, tuple(keys), {}

    def __getitem__(self, key: str) -> Result:
        try:
            return self._cache[key]
        except KeyError:
            if key not in self._keys:
                raise
        result = self._cache[key] = REGISTRY[key].from_facts(self._facts, self._period)
        return result

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


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
) -> dict[int, ResultsOf]:
    """The same indicators for each village of the scope (for rankings and maps), same queries; each village's
    indicators are computed when read."""
    keys = _keys(keys)
    facts = _facts_for(villages=villages, period=period, keys=keys).need("village_facts")
    return {pk: ResultsOf(numbers, period, keys) for pk, numbers in facts.by_village().items()}
