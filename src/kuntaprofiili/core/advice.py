"""Advice: the measures that suit a municipality and address its weakest results.

:func:`suggest_measures` is pure: it ranks the measures of the content against the
municipality's :class:`~kuntaprofiili.core.scoring.Scores`. The ranking rules (which
measures suit, need, ties) are in :mod:`kuntaprofiili.core.ranking`, which ``batch`` uses
too, so one assessment and a sheet of a million rank alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kuntaprofiili.core.content import Content, Measure
from kuntaprofiili.core.model import Dimension, MunicipalityType
from kuntaprofiili.core.ranking import RankedItem, one_row, rank_measures, unanswered_item
from kuntaprofiili.core.scoring import Scores
from kuntaprofiili.i18n import message

# -- suggestions ------------------------------------------------------------------------


def _points(score: float) -> str:
    return str(round(score))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A measure chosen for a municipality, and the result that put it there.

    ``item_id`` with ``item_score``: the weakest answered item the measure improves.
    ``item_id`` without a score: an item the questionnaire asks that has no answer.
    No ``item_id``: chosen for ``dimension`` alone, whose ``dimension_score`` is None
    when there were too few answers to score it.
    """

    measure: Measure
    dimension: Dimension
    dimension_score: float | None
    item_id: str | None = None
    item_score: float | None = None

    def reason(self, lang: str, item_name: str | None = None) -> str:
        """One sentence linking the measure to the answer that triggered it.

        ``item_name`` replaces the item id in the sentence, e.g. with the question text.
        """
        dimension = message(f"advice.dimension.{self.dimension.value}", lang)
        if self.item_id is not None:
            item = item_name or self.item_id
            if self.item_score is None:
                return message("advice.reason.unanswered", lang, item=item)
            score = _points(self.item_score)
            return message("advice.reason.item", lang, item=item, score=score, dimension=dimension)
        if self.dimension_score is None:
            return message("advice.reason.no_data", lang, dimension=dimension)
        score = _points(self.dimension_score)
        return message("advice.reason.dimension", lang, dimension=dimension, score=score)


def suggest_measures(
    content: Content,
    scores: Scores,
    types: Sequence[MunicipalityType],
    count: int = 5,
    known_items: frozenset[str] | None = None,
) -> tuple[Suggestion, ...]:
    """The ``count`` measures that suit ``types`` and address the weakest results first.

    Args:
        content: the measure library (see :func:`load_content`).
        scores: the municipality's scores.
        types: its municipality types, the primary type first.
        count: how many to return; fewer only when fewer measures suit the types.
        known_items: the item ids of the questionnaire in use. A measure item that is
            known but unanswered is named in the reason as having no answer; without
            it, only answered items count and other measures match by dimension.

    Raises:
        ValueError: no type was given, or ``count`` is negative.
    """
    if not types:
        raise ValueError("suggest_measures needs at least one municipality type")
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    known = known_items or frozenset()
    table, items = one_row(scores)
    one_group = (np.zeros(1, dtype=np.intp), [tuple(types)])
    ranking = rank_measures(content.measures, items, table, one_group, count, known)
    picked = [int(j) for j in ranking.measures[0] if j >= 0]
    return tuple(
        _suggestion(content.measures[j], ranking.trigger(0, slot), scores, known)
        for slot, j in enumerate(picked)
    )


def _suggestion(
    measure: Measure,
    trigger: tuple[RankedItem | None, Dimension],
    scores: Scores,
    known: frozenset[str],
) -> Suggestion:
    """The pick with the result behind it, as the reason will name it."""
    item, dimension = trigger
    dimension_score = next((d.score for d in scores.dimensions if d.dimension == dimension), None)
    if item is None:
        return Suggestion(measure, dimension, dimension_score, unanswered_item(measure, known))
    item_score = {s.item_id: s.score for s in scores.items}[item.id]
    return Suggestion(measure, dimension, dimension_score, item.id, item_score)
