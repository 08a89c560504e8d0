"""The measure ranking written out plainly, one municipality at a time: the oracle that
``test_ranking_oracle.py`` compares with the columnar ``core.ranking.rank_measures``.

It follows the rules as the README states them ("How measures are chosen"), with no
arrays and no tricks, so that reading it is the way to check what the rules mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kuntaprofiili.core.content import Measure
from kuntaprofiili.core.model import Dimension, MunicipalityType
from kuntaprofiili.core.ranking import RankedItem

GREEN, RED, KEY, UNKNOWN = 75.0, 25.0, 2.0, 50.0
DIMS = list(Dimension)


def oracle_rank(  # noqa: C901 - the rules in one readable place, on purpose
    measures: Sequence[Measure],
    items: Sequence[RankedItem],
    scores: Mapping[str, float | None],  # None: unanswered
    asked: set[str],  # the items that apply (are asked)
    dimension_scores: Mapping[Dimension, float | None],
    types: tuple[MunicipalityType, ...],
    count: int,
    aland: bool = False,
) -> list[str]:
    """The ids of the measures picked for one municipality, in order."""
    by_id = {i.id: i for i in items}

    def weak(i: RankedItem) -> bool:
        score = scores.get(i.id)
        if score is None:
            return i.weight >= KEY and i.id in asked
        return score < GREEN

    def red_key(i: RankedItem) -> bool:
        score = scores.get(i.id)
        return i.weight >= KEY and weak(i) and (score is None or score < RED)

    def done(m: Measure) -> bool:
        if not m.done_when:
            return False
        for condition in m.done_when:
            item = by_id.get(condition.item)
            if item is None:
                return False
            held = {item.choice_scores[a] for a in condition.answers if a in item.choice_scores}
            if scores.get(item.id) not in held:
                return False
        return True

    candidates = {}  # measure id -> (need, trigger, trigger dimension, place, red keys)
    for m in measures:
        if not m.suits(types) or (aland and m.mainland_only) or done(m):
            continue
        listed = [by_id[i] for i in m.items if i in by_id]
        if listed:
            weak_ones = [(place, i) for place, i in enumerate(listed) if weak(i)]
            if not weak_ones:
                continue
            need, place, trigger = min(
                ((scores.get(i.id) or 0.0), place, i) for place, i in weak_ones
            )
            reds = {i.id for _, i in weak_ones if red_key(i)}
            candidates[m.id] = (need, trigger.id, trigger.dimension, place, reds)
        else:  # the questionnaire asks none of its items: match by dimension
            open_dims = []
            for d in DIMS:
                score = dimension_scores.get(d)
                if d in m.dimensions and (score is None or score < GREEN):
                    open_dims.append((UNKNOWN if score is None else score, DIMS.index(d), d))
            if open_dims:
                need, _, d = min(open_dims)
                candidates[m.id] = (need, f"dimension:{d}", d, 0, set())

    measure = {m.id: m for m in measures}

    def fixed_key(mid: str) -> tuple[object, ...]:
        need, _, _, place, _ = candidates[mid]
        m = measure[mid]
        return (
            need >= RED,  # a red need first
            place > 0,  # written for the trigger item
            not m.type_specific,
            m.source.kind != "programme",
            need,
            place,
            m.effort.rank,
            types[0] not in m.types,
            len(m.types),
            m.id,
        )

    picked: list[str] = []
    covered: set[str] = set()
    triggers: set[str] = set()
    dims: set[Dimension] = set()
    width = count + sum(1 for i in items if i.weight >= KEY) if count > 0 else 0
    for k in range(width):
        left = [mid for mid in candidates if mid not in picked]
        if k >= count:  # past count only to give a red key item its measure
            left = [mid for mid in left if candidates[mid][4] - covered]
        if not left:
            break
        specific_picked = any(measure[mid].type_specific for mid in picked)

        def key(
            mid: str,
            k: int = k,
            specific: bool = specific_picked,
            done: frozenset[str] = frozenset(covered),
        ) -> tuple[object, ...]:
            _, trigger, dim, _, reds = candidates[mid]
            return (
                k == count - 1 and not specific and not measure[mid].type_specific,
                len(dims) == 1 and dim in dims,
                not (reds - done),
                trigger in triggers,
                fixed_key(mid),
            )

        best = min(left, key=key)
        picked.append(best)
        covered |= candidates[best][4]
        triggers.add(candidates[best][1])
        dims.add(candidates[best][2])
    return picked
