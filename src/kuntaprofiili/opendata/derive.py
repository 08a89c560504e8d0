"""From fetched series to the figure a question asks for: pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kuntaprofiili.core.model import FetchSpec, Transformation

DECIMALS = 2


@dataclass(frozen=True, slots=True)
class Derived:
    """A figure and the statistical year it describes."""

    value: float
    year: int


def derive(
    spec: FetchSpec, series: Mapping[str, float], population: float | None = None
) -> Derived | None:
    """The figure ``spec`` asks for from year -> value, or None when a year is missing.

    ``population`` is the municipality's fetched population (for per_resident).
    """
    years = sorted(int(y) for y in series)
    if not years:
        return None
    year = years[-1] if spec.year == "latest" else spec.year
    current = series.get(str(year))
    if current is None:
        return None
    value = _transform(spec, series, year, current * spec.scale, population)
    return None if value is None else Derived(round(value, DECIMALS), year)


def _transform(
    spec: FetchSpec,
    series: Mapping[str, float],
    year: int,
    current: float,
    population: float | None,
) -> float | None:
    kind = spec.transformation
    if kind is Transformation.NONE:
        return current
    if kind is Transformation.PERCENT:
        return current * 100
    if kind is Transformation.PER_RESIDENT:
        return current / population if population else None
    base_year = year - (spec.span or 0) if kind is Transformation.CHANGE_PERCENT else spec.base_year
    base = series.get(str(base_year))
    if not base:
        return None
    base *= spec.scale
    change = (current / base - 1) * 100
    return change if kind is Transformation.CHANGE_PERCENT else -change
