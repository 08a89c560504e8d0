"""The facts a municipality is classified by, from answers or from the reference data.

An official's answer wins over the data (they confirmed or corrected the pre-filled
facts); a fact left unanswered falls back to the data; a fact nobody knows is None, and
the classifier works with what is known. When an answer is the same as the data, the
data's fuller facts are kept (which of a centre pair, the sub-region and employment
area behind a tie), so the reason can name them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kuntaprofiili.core.geography import FRAME_CENTRAL_CITIES
from kuntaprofiili.core.municipality import (
    CENTRE_ROLES,
    LANGUAGE_STATUSES,
    STAT_GROUPS,
    Municipality,
    profile_answers,
)
from kuntaprofiili.core.numbers import parse_number

# The profile items whose answers make the frame-network tie.
_TIE_ITEMS = ("frame_region", "frame_city", "frame_city_km")


@dataclass(frozen=True, slots=True)
class Profile:
    """The facts the rules use; None means not known.

    ``frame_region`` is the tie to a frame-network central city: the municipality is in
    its sub-region or employment area; ``frame_city`` is that city's code and
    ``frame_city_km`` the distance between the centres. ``place`` is the municipality
    of the reference data, if any; ``centre_from_data`` and ``tie_from_data`` say that
    the answers agree with it, so its derived facts apply.
    """

    population: float | None
    language_status: str | None
    centre_role: str | None
    frame_region: bool | None
    stat_group: str | None = None
    frame_city: str | None = None
    frame_city_km: float | None = None
    is_aland: bool = False
    place: Municipality | None = None
    centre_from_data: bool = False
    tie_from_data: bool = False

    def missing(self) -> tuple[str, ...]:
        """The names of the facts that are not known (a distance only where it is needed)."""
        facts = ["population", "language_status", "stat_group", "centre_role", "frame_region"]
        missing = [f for f in facts if getattr(self, f) is None]
        if self.frame_region and not self._tie_known():
            missing += [f for f in ("frame_city", "frame_city_km") if getattr(self, f) is None]
        return tuple(missing)

    def _tie_known(self) -> bool:
        if not self.tie_from_data or self.place is None:
            return False
        links = self.place.geography.central_links
        return bool(links) and links[0].km is not None


def profile_from_answers(
    answers: Mapping[str, object], municipality: Municipality | None = None
) -> Profile:
    """The facts from the profile answers; a municipality supplies the data's facts.

    An answer given (even "don't know") wins over the data, because the official has
    confirmed or corrected the pre-filled facts; an item not answered at all falls back
    to the municipality's data, if there is a municipality.
    """
    m = municipality
    known: Mapping[str, object] = profile_answers(m) if m is not None else {}

    def value(key: str) -> object:
        return answers[key] if key in answers else known.get(key)

    def same(key: str) -> bool:
        return m is not None and _same(value(key), known.get(key))

    city = _code(value("frame_city"), frozenset(FRAME_CENTRAL_CITIES))
    return Profile(
        population=_number(value("population")),
        language_status=_code(value("language_status"), LANGUAGE_STATUSES),
        centre_role=_code(value("centre_role"), CENTRE_ROLES),
        frame_region=_yes_no(value("frame_region")),
        stat_group=_code(value("stat_group"), STAT_GROUPS),
        frame_city=city,
        frame_city_km=_number(value("frame_city_km")),
        is_aland=m is not None and m.is_aland,
        place=m,
        centre_from_data=same("centre_role"),
        tie_from_data=all(same(key) for key in _TIE_ITEMS),
    )


def profile_of(municipality: Municipality) -> Profile:
    """The facts of a municipality exactly as the reference data gives them."""
    return profile_from_answers({}, municipality)


def _same(answer: object, data: object) -> bool:
    if isinstance(answer, str) and isinstance(data, float):
        return _number(answer) == data
    return answer == data


def _number(value: object) -> float | None:
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
