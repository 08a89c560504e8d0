"""Advice: the measures that suit a municipality and address its weak answers.

:func:`suggest_measures` is pure: it scores the answers as a table of one row and ranks
the measures of the content with :func:`~kuntaprofiili.core.ranking.rank_measures`, which
``batch`` uses too, so one assessment and a sheet of a million rows rank alike. The rules
are in :mod:`kuntaprofiili.core.ranking`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kuntaprofiili.core.answers import Answers
from kuntaprofiili.core.content import Content, Measure
from kuntaprofiili.core.model import Dimension, MunicipalityType, Questionnaire
from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.core.ranking import questionnaire_items, rank_measures
from kuntaprofiili.core.scoring import encode_answers, score_columns
from kuntaprofiili.i18n import message

NameOf = Callable[[str], "str | None"]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A measure chosen for a municipality, and the answers that put it there.

    ``triggered_by``: the weak items the measure addresses, each with its score (None:
    a key item without an answer). Empty when the questionnaire asks none of the
    measure's items and it matched ``dimension`` alone, whose ``dimension_score`` is
    None when there were too few answers to score it.
    """

    measure: Measure
    dimension: Dimension
    dimension_score: float | None
    triggered_by: tuple[tuple[str, float | None], ...] = ()

    @property
    def item_id(self) -> str | None:
        """The weakest item behind the suggestion (its trigger)."""
        return self.triggered_by[0][0] if self.triggered_by else None

    @property
    def item_score(self) -> float | None:
        """The trigger's score; None when it has no answer."""
        return self.triggered_by[0][1] if self.triggered_by else None

    def reason(self, lang: str, name_of: NameOf | None = None) -> str:
        """One sentence naming the answers behind the measure.

        ``name_of`` turns an item id into the words to show, e.g. the question text.
        """
        if not self.triggered_by:
            dimension = message(f"advice.dimension.{self.dimension.value}", lang)
            if self.dimension_score is None:
                return message("advice.reason.no_data", lang, dimension=dimension)
            score = format_number(round(self.dimension_score), lang)
            return message("advice.reason.dimension", lang, dimension=dimension, score=score)
        parts = [self._answer(item, score, lang, name_of) for item, score in self.triggered_by]
        return message("advice.reason.answers", lang, answers="; ".join(parts))

    @staticmethod
    def _answer(item: str, score: float | None, lang: str, name_of: NameOf | None) -> str:
        name = (name_of(item) if name_of else None) or item
        if score is None:
            return message("advice.reason.no_answer", lang, item=name)
        return message(
            "advice.reason.scored", lang, item=name, score=format_number(round(score), lang)
        )


def suggest_measures(
    content: Content,
    questionnaire: Questionnaire,
    answers: Answers,
    types: Sequence[MunicipalityType],
    count: int = 5,
    aland: bool = False,
) -> tuple[Suggestion, ...]:
    """The measures that suit ``types`` and address the weak answers, best first.

    ``count`` of them, fewer when fewer address a weak answer, more when red key items
    would otherwise be left without one (see :mod:`~kuntaprofiili.core.ranking`).

    Raises:
        ValueError: no type was given, or ``count`` is negative.
    """
    if not types:
        raise ValueError("suggest_measures needs at least one municipality type")
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    table = score_columns(questionnaire, encode_answers(questionnaire, [answers]))
    items = questionnaire_items(questionnaire)
    one_group = (np.zeros(1, dtype=np.intp), [tuple(types)])
    ranking = rank_measures(content.measures, items, table, one_group, count, [aland])
    scores = {i.id: float(table.items[i.id][0]) for i in items}
    out = []
    for slot, j in enumerate(ranking.picks(0)):
        _, dimension = ranking.trigger(0, slot)
        dim_score = float(table.dimensions[dimension][0])
        triggered = tuple(
            (i, None if np.isnan(scores[i]) else scores[i]) for i in ranking.triggered_by(0, slot)
        )
        triggered = tuple(sorted(triggered, key=lambda t: t[1] if t[1] is not None else -1.0))
        out.append(
            Suggestion(
                content.measures[j],
                dimension,
                None if np.isnan(dim_score) else dim_score,
                triggered,
            )
        )
    return tuple(out)
