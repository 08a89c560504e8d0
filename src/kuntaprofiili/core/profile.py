"""The facts a municipality is classified by, from answers or from the reference data.

An official's answer wins over the data (they confirmed or corrected the pre-filled
facts); a fact left unanswered falls back to the data; a fact nobody knows is None, and
the classifier works with what is known.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kuntaprofiili.core.municipality import (
    CENTRE_ROLES,
    LANGUAGE_STATUSES,
    Municipality,
    profile_answers,
)
from kuntaprofiili.core.numbers import parse_number


@dataclass(frozen=True, slots=True)
class Profile:
    """The facts the rules use; None means not known."""

    population: float | None
    language_status: str | None
    centre_role: str | None
    frame_region: bool | None
    is_aland: bool = False
    name: str | None = None
    subregion_name: str | None = None
    region_name: str | None = None
    region_name_sv: str | None = None

    def missing(self) -> tuple[str, ...]:
        """The names of the facts that are not known."""
        facts = ("population", "language_status", "centre_role", "frame_region")
        return tuple(f for f in facts if getattr(self, f) is None)


def profile_from_answers(
    answers: Mapping[str, object], municipality: Municipality | None = None
) -> Profile:
    """The facts from the profile answers; a municipality supplies Åland and the names.

    An answer given (even "don't know") wins over the data, because the official has
    confirmed or corrected the pre-filled facts; an item not answered at all falls back
    to the municipality's data, if there is a municipality.
    """
    m = municipality
    known: Mapping[str, object] = profile_answers(m) if m is not None else {}

    def value(key: str) -> object:
        return answers[key] if key in answers else known.get(key)

    return Profile(
        population=_population(value("population")),
        language_status=_code(value("language_status"), LANGUAGE_STATUSES),
        centre_role=_code(value("centre_role"), CENTRE_ROLES),
        frame_region=_yes_no(value("frame_region")),
        is_aland=m is not None and m.is_aland,
        name=m.name_fi if m else None,
        subregion_name=m.subregion_name_fi if m else None,
        region_name=m.region_name_fi if m else None,
        region_name_sv=m.region_name_sv if m else None,
    )


def profile_of(municipality: Municipality) -> Profile:
    """The facts of a municipality exactly as the reference data gives them."""
    return profile_from_answers({}, municipality)


def _population(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = parse_number(value)
    if isinstance(value, int | float) and math.isfinite(value) and value >= 0:
        return float(value)
    return None


def _code(value: object, allowed: frozenset[str]) -> str | None:
    return value if isinstance(value, str) and value in allowed else None


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False}.get(value) if isinstance(value, str) else None
