"""What would lift the score: the least-effort one to three answer changes, realistic
within one council term, that move the weakest dimension into its next band, each tied
to a measure that addresses it.

The rule (README, "What would lift the score"):

- The target is the weakest dimension that has a score; it should reach the next band
  (red -> yellow at 25, yellow -> green at 75). When every scored dimension is green
  there is nothing to lift.
- An answer change moves one item to a better answer. Choice items move to a choice
  with a higher score; a *step* is one level of the item's distinct choice scores
  (no -> partly is one step, no -> yes two). A numeric item moves towards its optimum
  by at most its ``term_change`` per council term (the questionnaire states how far a
  municipality can realistically move it in four years, with a rationale); a step is a
  quarter of that. An unanswered or "don't know" item starts below its lowest level:
  answering it is at least one step.
- Only items that a measure addresses as its first or second item can change, and the
  measure must suit the municipality (its types, not a mainland-only measure in Åland):
  a proposal without a measure behind it gives the official nothing to do. Of those, a
  measure whose ``done_when`` is that very answer wins, then one written for the item
  (listed first), one that fits the type, the lighter effort (small=1, medium=2,
  large=3), and the id.
- The effort of a change is steps x the measure's effort weight; a set's effort is the
  sum. Every set of one to three changes to different items is scored with the real
  engine (so ``when`` follow-ups, coverage and weights all count), and the least-effort
  set that crosses the band limit wins; ties go to fewer changes, then the higher result.
- When no set crosses within one term, the plan is the set that gets furthest (ties:
  less effort), and a second search, starting from the answers that plan reaches, finds
  up to three more changes for a second council term, to show what it would add.
- Numeric changes are then trimmed to the smallest value (rounded to a readable
  precision) that still crosses, so the advice asks for no more than is needed.
- A stale answer to a follow-up question that is not asked counts as no answer, as in
  scoring: adopting a plan then means answering its follow-up too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import combinations, product
from typing import TYPE_CHECKING

import numpy as np

from kuntaprofiili.core.answers import Answers, AnswerValue, applicable_ids
from kuntaprofiili.core.content import Content, Measure
from kuntaprofiili.core.model import DONT_KNOW, Dimension, Item, Questionnaire
from kuntaprofiili.core.scoring import (
    BAND_LIMITS,
    Band,
    FloatArray,
    Scores,
    band_of,
    encode_answers,
    encode_value,
    score_columns,
)

if TYPE_CHECKING:
    from kuntaprofiili.core.assessment import Assessment

MAX_CHANGES = 3
NUMERIC_STEP = 25.0  # item points per step of a numeric item without a term_change
STEPS_PER_TERM = 4  # a numeric step is a quarter of a term's realistic change


class Outcome(StrEnum):
    """Why a lift has, or has no, changes."""

    LIFTED = "lifted"
    ALL_GREEN = "all_green"
    NO_SCORE = "no_score"  # no dimension has enough answers for a score
    OUT_OF_REACH = "out_of_reach"  # not within one term: the best plan, and a second term
    NOTHING = "nothing"  # no answer of the dimension can be improved by a measure


@dataclass(frozen=True, slots=True)
class Change:
    """One answer change and the measure that brings it about."""

    item_id: str
    before: AnswerValue | None  # None: not answered
    after: AnswerValue
    steps: int
    measure: Measure

    @property
    def cost(self) -> int:
        """Steps times the measure's effort weight."""
        return self.steps * effort_weight(self.measure)


@dataclass(frozen=True, slots=True)
class Lift:
    """The result of the search; ``changes`` is empty unless ``outcome`` is LIFTED."""

    outcome: Outcome
    dimension: Dimension | None = None
    before: float | None = None
    after: float | None = None
    target: Band | None = None
    changes: tuple[Change, ...] = ()  # the plan within one term
    second_term: tuple[Change, ...] = ()  # OUT_OF_REACH: the plan over two terms
    second_after: float | None = None
    before_range: tuple[float | None, float | None] = (None, None)  # unknown items worst/best

    @property
    def cost(self) -> int:
        """The summed effort of the changes."""
        return sum(c.cost for c in self.changes)


def effort_weight(measure: Measure) -> int:
    """small=1, medium=2, large=3."""
    return measure.effort.rank + 1


def weakest_dimension(scores: Scores) -> tuple[Dimension, float] | None:
    """The scored dimension with the lowest score (questionnaire order on ties)."""
    scored = [(d.dimension, d.score) for d in scores.dimensions if d.score is not None]
    if not scored:
        return None
    return min(scored, key=lambda pair: pair[1])


def next_limit(score: float) -> tuple[float, Band] | None:
    """The score the next band starts at, and that band; None when already green."""
    band = band_of(score)
    if band is Band.RED:
        return BAND_LIMITS[0], Band.YELLOW
    if band is Band.YELLOW:
        return BAND_LIMITS[1], Band.GREEN
    return None


def find_lift(
    questionnaire: Questionnaire,
    answers: Answers,
    scores: Scores,
    measures: Sequence[Measure],
    types: Sequence[str] = (),
    aland: bool = False,
) -> Lift:
    """The least-effort one to three changes within a term that lift the weakest dimension."""
    weakest = weakest_dimension(scores)
    if weakest is None:
        return Lift(Outcome.NO_SCORE)
    dimension, before = weakest
    span = (scores.dimension(dimension).low, scores.dimension(dimension).high)
    goal = next_limit(before)
    if goal is None:
        return Lift(Outcome.ALL_GREEN, dimension, before, before_range=span)
    limit, target = goal
    # A stale answer to a follow-up that is not asked is no answer: it must not make a
    # change to the question above it look better than it is.
    asked = applicable_ids(questionnaire, answers)
    answers = {key: value for key, value in answers.items() if key in asked}
    usable = [m for m in measures if not (aland and m.mainland_only) and not m.is_done(answers)]
    search = _Search(questionnaire, answers, dimension, limit)
    one_term = _candidates(questionnaire, answers, dimension, usable, types, 1)
    if not one_term:
        return Lift(Outcome.NOTHING, dimension, before, target=target, before_range=span)
    best = search.cheapest(one_term)
    if best is not None:
        trimmed = _trim(questionnaire, answers, dimension, limit, best)
        after = search.score(trimmed)
        return Lift(Outcome.LIFTED, dimension, before, after, target, trimmed, before_range=span)
    plan, after = search.furthest(one_term)
    # the second term starts where the first ended: up to three more changes
    moved = dict(change_map(answers, plan))
    later = _Search(questionnaire, moved, dimension, limit)
    next_term = _candidates(questionnaire, moved, dimension, usable, types, 1)
    second = later.cheapest(next_term) if next_term else None
    if second is not None:
        second = _trim(questionnaire, moved, dimension, limit, second)
        second_after = later.score(second)
    elif next_term:
        second, second_after = later.furthest(next_term)
    else:
        second, second_after = (), after
    return Lift(
        Outcome.OUT_OF_REACH,
        dimension,
        before,
        after,
        target,
        plan,
        second,
        second_after,
        before_range=span,
    )


def lift_of(assessment: Assessment, content: Content) -> Lift:
    """:func:`find_lift` for an assessment, with the content's measures and its types."""
    a = assessment
    types = a.classification.types
    return find_lift(
        a.questionnaire, a.answer_set.answers, a.scores, content.measures, types, a.in_aland
    )


# -- candidates -----------------------------------------------------------------------


def measure_for(
    item_id: str, dimension: Dimension, measures: Sequence[Measure], types: Sequence[str]
) -> Measure | None:
    """The measure that addresses ``item_id`` (as its first or second item): one whose
    ``done_when`` is that very answer, then written for it, fitting type, lightest, own
    dimension, by id."""
    linked = [m for m in measures if item_id in m.items[:2]]
    if not linked:
        return None

    def rank(m: Measure) -> tuple[bool, int, bool, int, bool, str]:
        fits = any(str(t) in m.types for t in types)
        place = m.items.index(item_id)
        turns = any(d.item == item_id for d in m.done_when)  # puts exactly this answer right
        return (not turns, place, not fits, effort_weight(m), dimension not in m.dimensions, m.id)

    return min(linked, key=rank)


def _candidates(
    questionnaire: Questionnaire,
    answers: Answers,
    dimension: Dimension,
    measures: Sequence[Measure],
    types: Sequence[str],
    terms: int,
) -> list[Change]:
    """For every item a measure can move, its best answer at each number of steps."""
    out: list[Change] = []
    suiting = [m for m in measures if not types or any(str(t) in m.types for t in types)]
    for item in questionnaire.scored_items(dimension):
        measure = measure_for(item.id, dimension, suiting, types)
        if measure is None:
            continue
        before = _known(answers.get(item.id))
        options = (
            _numeric_options(item, before, terms) if item.numeric else _choice_options(item, before)
        )
        out += [Change(item.id, before, after, steps, measure) for after, steps in options]
    return out


def _known(value: AnswerValue | None) -> AnswerValue | None:
    return None if value is None or value == DONT_KNOW else value


def item_score(item: Item, value: AnswerValue | None) -> float | None:
    """The 0-100 score an answer gives on its own; None when unanswered."""
    if value is None:
        return None
    if item.indicator is not None:
        ind = item.indicator
        low, best = ind.lower_bound or 0.0, ind.optimum or 0.0
        return float(np.clip((float(value) - low) / (best - low), 0.0, 1.0) * 100.0)
    choice = item.choice(str(value))
    return choice.score if choice is not None else None


def _choice_options(item: Item, before: AnswerValue | None) -> list[tuple[AnswerValue, int]]:
    """Each better choice with the number of score levels it climbs."""
    levels = sorted({c.score for c in item.choices if c.score is not None})
    start_score = item_score(item, before)
    start = levels.index(start_score) if start_score in levels else -1
    return [
        (c.code, levels.index(c.score) - start)
        for c in item.choices
        if c.score is not None and levels.index(c.score) > start
    ]


def _numeric_options(
    item: Item, before: AnswerValue | None, terms: int = 1
) -> list[tuple[AnswerValue, int]]:
    """The values reached with each step, up to ``terms`` council terms' realistic change."""
    start = item_score(item, before)
    if start is not None and start >= 100.0:
        return []
    assert item.indicator is not None
    ind = item.indicator
    if ind.term_change is None or before is None:
        base = start or 0.0
        return _point_options(item, base, STEPS_PER_TERM * terms)
    low, best = ind.lower_bound or 0.0, ind.optimum or 0.0
    towards = 1.0 if best > low else -1.0
    options: list[tuple[AnswerValue, int]] = []
    for steps in range(1, STEPS_PER_TERM * terms + 1):
        value = float(before) + towards * ind.term_change * steps / STEPS_PER_TERM
        value = float(np.clip(value, ind.min, ind.max))
        options.append((value, steps))
        if (item_score(item, value) or 0.0) >= 100.0:
            break
    return options


def _point_options(item: Item, base: float, most: int) -> list[tuple[AnswerValue, int]]:
    """Steps of 25 item points, for an item without a term_change or an answer."""
    options: list[tuple[AnswerValue, int]] = []
    for steps in range(1, most + 1):
        reach = min(100.0, base + steps * NUMERIC_STEP)
        options.append((value_for(item, reach), steps))
        if reach >= 100.0:
            break
    return options


def value_for(item: Item, item_points: float) -> float:
    """The numeric answer that scores ``item_points``, within the item's input range."""
    assert item.indicator is not None
    ind = item.indicator
    low, best = ind.lower_bound or 0.0, ind.optimum or 0.0
    return float(np.clip(low + item_points / 100.0 * (best - low), ind.min, ind.max))


def numeric_steps(item: Item, before: AnswerValue | None, after: AnswerValue) -> int:
    """Steps from ``before`` to ``after``: quarters of a term's realistic change (25 item
    points without one or without an answer); at least one."""
    ind = item.indicator
    if ind is not None and ind.term_change is not None and before is not None:
        moved = abs(float(after) - float(before)) / (ind.term_change / STEPS_PER_TERM)
        return max(1, math.ceil(moved - 1e-9))
    gain = (item_score(item, after) or 0.0) - (item_score(item, before) or 0.0)
    return max(1, math.ceil(gain / NUMERIC_STEP - 1e-9))


# -- search ---------------------------------------------------------------------------


def _sets(candidates: list[Change]) -> list[tuple[Change, ...]]:
    """Every set of one to three candidates that change different items."""
    by_item: dict[str, list[Change]] = {}
    for change in candidates:
        by_item.setdefault(change.item_id, []).append(change)
    groups = list(by_item.values())
    sets: list[tuple[Change, ...]] = []
    for size in range(1, MAX_CHANGES + 1):
        for chosen in combinations(groups, size):
            sets += list(product(*chosen))
    return sets


def _dimension_scores(
    questionnaire: Questionnaire,
    answers: Answers,
    dimension: Dimension,
    sets: Sequence[Sequence[Change]],
) -> FloatArray:
    """The dimension's score with each set applied: one columnar scoring for all sets."""
    base = encode_answers(questionnaire, [answers])
    columns = {key: np.repeat(column, len(sets)) for key, column in base.items()}
    for row, changes in enumerate(sets):
        for change in changes:
            item = questionnaire.item(change.item_id)
            columns[item.id][row] = encode_value(item, change.after)
    return score_columns(questionnaire, columns).dimensions[dimension]


@dataclass(frozen=True, slots=True)
class _Search:
    """Scores sets of changes for one dimension against one band limit."""

    questionnaire: Questionnaire
    answers: Answers
    dimension: Dimension
    limit: float

    def results(self, sets: Sequence[Sequence[Change]]) -> FloatArray:
        return _dimension_scores(self.questionnaire, self.answers, self.dimension, sets)

    def score(self, changes: Sequence[Change]) -> float:
        return float(self.results([changes])[0])

    def cheapest(self, candidates: list[Change]) -> tuple[Change, ...] | None:
        """The least-effort set that crosses the limit; None when none does."""
        sets = _sets(candidates)
        if not sets:
            return None
        results = self.results(sets)
        crossing = [
            (sum(c.cost for c in changes), len(changes), -float(result), index)
            for index, (changes, result) in enumerate(zip(sets, results, strict=True))
            if not np.isnan(result) and result >= self.limit
        ]
        return sets[min(crossing)[3]] if crossing else None

    def furthest(self, candidates: list[Change]) -> tuple[tuple[Change, ...], float]:
        """The set that gets the dimension furthest (ties: less effort, fewer changes)."""
        sets = _sets(candidates)
        results = self.results(sets)
        ranked = [
            (-float(result), sum(c.cost for c in changes), len(changes), index)
            for index, (changes, result) in enumerate(zip(sets, results, strict=True))
            if not np.isnan(result)
        ]
        if not ranked:
            return (), self.score(())
        best = min(ranked)
        return sets[best[3]], -best[0]


def _trim(
    questionnaire: Questionnaire,
    answers: Answers,
    dimension: Dimension,
    limit: float,
    changes: tuple[Change, ...],
) -> tuple[Change, ...]:
    """Lower each numeric change to the least readable value that still crosses."""
    for index, change in enumerate(changes):
        item = questionnaire.item(change.item_id)
        tries = (
            [replace(change, after=v) for v in _smaller_values(item, change)]
            if item.numeric
            else []
        )
        if not tries:
            continue
        sets = [changes[:index] + (t,) + changes[index + 1 :] for t in tries]
        results = _dimension_scores(questionnaire, answers, dimension, sets)
        first = next((i for i, r in enumerate(results) if r >= limit), None)
        if first is not None:
            steps = numeric_steps(item, change.before, tries[first].after)
            changes = (
                sets[first][:index] + (replace(tries[first], steps=steps),) + changes[index + 1 :]
            )
    return changes


def _smaller_values(item: Item, change: Change) -> list[float]:
    """Values between the old answer and the proposed one, one item point apart, rounded."""
    start = item_score(item, change.before) or 0.0
    end = item_score(item, change.after) or 0.0
    points = np.arange(math.floor(start) + 1, math.ceil(end) + 1, 1.0)
    values = [readable(item, value_for(item, float(p))) for p in points]
    return sorted(set(values), key=lambda v: item_score(item, v) or 0.0)


def readable(item: Item, value: float) -> float:
    """Round towards the better end, to three significant digits of the scoring range."""
    assert item.indicator is not None
    ind = item.indicator
    low, best = ind.lower_bound or 0.0, ind.optimum or 0.0
    quantum = 10.0 ** (math.floor(math.log10(abs(best - low))) - 2)
    scaled = value / quantum
    whole = math.ceil(scaled - 1e-9) if best > low else math.floor(scaled + 1e-9)
    rounded = round(whole * quantum, 10)
    return float(np.clip(rounded, ind.min, ind.max))


def change_map(answers: Answers, changes: Sequence[Change]) -> Mapping[str, AnswerValue]:
    """``answers`` with ``changes`` applied (to re-score and show the result)."""
    return {**answers, **{c.item_id: c.after for c in changes}}


def plan_json(lift: Lift) -> dict[str, object]:
    """The plan with stable keys, for the JSON exports."""

    def changes(plan: tuple[Change, ...]) -> list[dict[str, object]]:
        return [
            {
                "item": c.item_id,
                "before": c.before,
                "after": c.after,
                "steps": c.steps,
                "effort": c.cost,
                "measure": c.measure.id,
            }
            for c in plan
        ]

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "outcome": str(lift.outcome),
        "dimension": str(lift.dimension) if lift.dimension else None,
        "before": rounded(lift.before),
        "after": rounded(lift.after),
        "target": str(lift.target) if lift.target else None,
        "changes": changes(lift.changes),
        "effort": lift.cost,
        "second_term": changes(lift.second_term),
        "second_term_after": rounded(lift.second_after),
    }
