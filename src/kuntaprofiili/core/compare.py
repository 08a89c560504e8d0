"""Compare two assessments (e.g. two years): what changed, and whose change it was.

When the questionnaire changed between the two, a plain difference would mix what the
municipality did with what the method did. So the old answers are scored three ways:

- ``old``: old answers, old questionnaire (what was reported then);
- ``rescored``: old answers, new questionnaire (the same municipality, today's method);
- ``new``: new answers, new questionnaire.

Then ``total = new - old`` splits exactly into ``method = rescored - old`` and
``municipality = new - rescored``. With the same questionnaire ``rescored`` equals
``old`` and the whole change is the municipality's. Old answers that the new
questionnaire no longer knows (a removed item or choice) simply do not count there,
as the scoring engine treats them. A question asked of neither assessment (a follow-up
whose condition the municipality does not meet, such as bilingual services for a
unilingual one) is left out: it is neither new nor removed for this municipality.
"""

from __future__ import annotations

from dataclasses import dataclass

from kuntaprofiili.core.answers import Answers, AnswerValue, applicable_ids
from kuntaprofiili.core.model import Dimension, Questionnaire
from kuntaprofiili.core.scoring import Scores, score

EPSILON = 1e-9


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


@dataclass(frozen=True, slots=True)
class Split:
    """One score three ways; the differences are None where a score is missing."""

    old: float | None  # old answers, old method
    rescored: float | None  # old answers, new method
    new: float | None  # new answers, new method

    @property
    def total(self) -> float | None:
        """The whole change: new minus old."""
        return _minus(self.new, self.old)

    @property
    def method(self) -> float | None:
        """The part the questionnaire's change made."""
        return _minus(self.rescored, self.old)

    @property
    def municipality(self) -> float | None:
        """The part the municipality's own answers made."""
        return _minus(self.new, self.rescored)

    @property
    def changed(self) -> bool:
        """Whether any of the three differs from another."""
        values = (self.old, self.rescored, self.new)
        if any(v is None for v in values) and not all(v is None for v in values):
            return True
        return any(abs(d) > EPSILON for d in (self.method or 0.0, self.municipality or 0.0))


@dataclass(frozen=True, slots=True)
class DimensionChange:
    """A dimension's score and coverage, three ways."""

    dimension: Dimension
    score: Split
    coverage: Split
    old_range: tuple[float | None, float | None] = (None, None)  # the honest range, before
    new_range: tuple[float | None, float | None] = (None, None)  # and now


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item: both answers and its 0-100 item score three ways."""

    item_id: str
    dimension: Dimension
    old_answer: AnswerValue | None
    new_answer: AnswerValue | None
    score: Split
    in_old: bool = True  # the item is in the old questionnaire
    in_new: bool = True

    @property
    def changed(self) -> bool:
        """An answer or a score moved, or the item came or went."""
        return (
            self.old_answer != self.new_answer
            or self.score.changed
            or not (self.in_old and self.in_new)
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything ``kuntaprofiili compare`` shows."""

    questionnaire_id: str
    old_version: str
    new_version: str
    dimensions: tuple[DimensionChange, ...]
    overall: Split
    items: tuple[ItemChange, ...]
    overall_old_range: tuple[float | None, float | None] = (None, None)
    overall_new_range: tuple[float | None, float | None] = (None, None)

    @property
    def method_changed(self) -> bool:
        """Whether the two were scored with different questionnaire versions."""
        return self.old_version != self.new_version

    def dimension(self, dimension: Dimension) -> DimensionChange:
        """The change of one dimension."""
        return next(d for d in self.dimensions if d.dimension == dimension)

    def item(self, item_id: str) -> ItemChange:
        """The change of one item; KeyError if neither questionnaire has it."""
        for change in self.items:
            if change.item_id == item_id:
                return change
        raise KeyError(item_id)


def compare(
    old_questionnaire: Questionnaire,
    old_answers: Answers,
    new_questionnaire: Questionnaire,
    new_answers: Answers,
) -> Comparison:
    """Per-dimension and per-item changes, split into method and municipality."""
    old = score(old_questionnaire, old_answers)
    rescored = score(new_questionnaire, old_answers)
    new = score(new_questionnaire, new_answers)
    dimensions = tuple(
        DimensionChange(
            d,
            Split(old.dimension(d).score, rescored.dimension(d).score, new.dimension(d).score),
            Split(
                old.dimension(d).coverage, rescored.dimension(d).coverage, new.dimension(d).coverage
            ),
            (old.dimension(d).low, old.dimension(d).high),
            (new.dimension(d).low, new.dimension(d).high),
        )
        for d in Dimension
    )
    items = _item_changes(
        old_questionnaire, new_questionnaire, old_answers, new_answers, (old, rescored, new)
    )
    return Comparison(
        new_questionnaire.id,
        old_questionnaire.version,
        new_questionnaire.version,
        dimensions,
        Split(old.overall, rescored.overall, new.overall),
        items,
        (old.low, old.high),
        (new.low, new.high),
    )


def _item_scores(scores: Scores) -> dict[str, float]:
    return {i.item_id: i.score for i in scores.items}


def _item_changes(
    old_q: Questionnaire,
    new_q: Questionnaire,
    old_answers: Answers,
    new_answers: Answers,
    three: tuple[Scores, Scores, Scores],
) -> tuple[ItemChange, ...]:
    """Every scored item of either questionnaire that either assessment asked: the new
    one's order, then the removed."""
    old_s, rescored_s, new_s = (_item_scores(s) for s in three)
    old_ids = {i.id for i in old_q.scored_items()}
    new_ids = {i.id for i in new_q.scored_items()}
    asked = applicable_ids(old_q, old_answers) | applicable_ids(new_q, new_answers)
    removed = [i for i in old_q.scored_items() if i.id not in new_ids]
    changes = []
    for item in (*new_q.scored_items(), *removed):
        if item.id not in asked:
            continue
        source = new_q if item.id in new_ids else old_q
        split = Split(old_s.get(item.id), rescored_s.get(item.id), new_s.get(item.id))
        changes.append(
            ItemChange(
                item.id,
                Dimension(source.section_of(item.id).dimension),
                old_answers.get(item.id),
                new_answers.get(item.id),
                split,
                in_old=item.id in old_ids,
                in_new=item.id in new_ids,
            )
        )
    return tuple(changes)
