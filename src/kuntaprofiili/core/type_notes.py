"""Near-threshold notes: a fact close to a limit, and what the other side would change.

Pure. A note is given only when the fact is within NEAR of the limit *and* the rule, run
again with the fact just across it, gives other network memberships or another primary.
"""

from __future__ import annotations

from dataclasses import replace

from kuntaprofiili.core.classify_rules import (
    FRAME_MIN_POPULATION,
    LARGE_CITY_ABOVE,
    NEAR,
    SIZE_TYPES,
    SMALL_BELOW,
    TOWN_RURAL_MIN_POPULATION,
    Held,
    RuleFacts,
    classify_facts,
    frame_max_km,
)
from kuntaprofiili.core.geography import PAIR_SHARE
from kuntaprofiili.core.type_facts import Fact
from kuntaprofiili.core.typecodes import MunicipalityType


def near_notes(f: RuleFacts, base: Held) -> tuple[Fact, ...]:
    """Facts within NEAR of a threshold where the other side gives other types."""
    if f.is_aland:
        return ()
    notes: list[Fact] = []
    for fact, values, changed in _trials(f):
        other = classify_facts(changed)
        gain = [t for t in _members(other) if t not in _members(base)]
        lose = [t for t in _members(base) if t not in _members(other)]
        primary = other.types[0] if other.types[0] is not base.types[0] else None
        if not (gain or lose or primary):
            continue
        # A type it would gain as its new primary, or as the definition of its present
        # nearest-fit primary, is said once, in those words.
        fits = base.types[0] if base.fallback and base.types[0] in gain else None
        gain = [t for t in gain if t is not primary and t is not fits]
        notes.append(
            Fact.of(
                "near_threshold",
                fact=fact,
                **values,
                gain=" ".join(gain),
                lose=" ".join(lose),
                fits=fits.value if fits else None,
                primary_would_be=primary.value if primary else None,
                no_size_network=not any(t in _members(other) for t in SIZE_TYPES),
            )
        )
    return tuple(dict.fromkeys(notes))


def _members(h: Held) -> tuple[MunicipalityType, ...]:
    return h.types[1:] if h.fallback else h.types


def _near(value: float, limit: float) -> bool:
    return abs(value - limit) <= NEAR * limit


_POPULATION_LIMITS = (
    (LARGE_CITY_ABOVE, True),  # True: the limit itself is below the line ("over")
    (SMALL_BELOW, False),
    (FRAME_MIN_POPULATION, False),
    (TOWN_RURAL_MIN_POPULATION, False),
)


_Values = dict[str, float | str | None]


def _trials(f: RuleFacts) -> list[tuple[str, _Values, RuleFacts]]:
    """(fact, values for the note, the facts moved just across the limit)."""
    trials: list[tuple[str, _Values, RuleFacts]] = []
    p = f.population
    for limit, over in _POPULATION_LIMITS if p is not None else ():
        assert p is not None
        if _near(p, limit):
            inside = p > limit if over else p >= limit
            crossed = (limit if over else limit - 1) if inside else (limit + 1 if over else limit)
            trials.append(("population", {"n": p, "limit": limit}, replace(f, population=crossed)))
    if f.share is not None and f.centre_basis in (None, "pair") and _near(f.share, PAIR_SHARE):
        role = "none" if f.centre_basis == "pair" else "subregion_centre"
        basis = None if f.centre_basis == "pair" else "pair"
        values: _Values = {"percent": round(100 * f.share), "limit": round(100 * PAIR_SHARE)}
        values |= {k: f.names.get(k) for k in ("largest_fi", "largest_sv")}
        trials.append(("share", values, replace(f, centre_role=role, centre_basis=basis)))
    for i, link in enumerate(f.links):
        reach = frame_max_km(link.code)
        if link.km is not None and _near(link.km, reach):
            km = reach + 0.1 if link.km <= reach else reach
            links = (*f.links[:i], replace(link, km=km), *f.links[i + 1 :])
            at: _Values = {"km": round(link.km), "limit": reach}
            at |= {"city_fi": link.name_fi, "city_sv": link.name_sv}
            trials.append(("km", at, replace(f, links=links)))
    return trials
