"""Every indicator of the programme, defined once: periods, per-village facts and the registry."""

from indicators.compute import indicator_compute, indicators_by_village, indicators_compute
from indicators.periods import Period
from indicators.pillars import Pillar
from indicators.registry import REGISTRY, Indicator, Result, format_value

__all__ = [
    "REGISTRY",
    "Indicator",
    "Period",
    "Pillar",
    "Result",
    "format_value",
    "indicator_compute",
    "indicators_by_village",
    "indicators_compute",
]
