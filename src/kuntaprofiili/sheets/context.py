"""What a batch run works with (questionnaire, reference data, content) and what it gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from kuntaprofiili.core.content import Content
from kuntaprofiili.core.model import MunicipalityType, Questionnaire
from kuntaprofiili.core.municipality import Municipality
from kuntaprofiili.core.scoring import ScoreTable
from kuntaprofiili.sheets.columns import RowError

Progress = Callable[[int, int], None]  # (steps done, steps in all)

DEFAULT_MEASURES = 3


@dataclass(frozen=True, slots=True)
class BatchContext:
    """What every row is scored against."""

    questionnaire: Questionnaire
    municipalities: tuple[Municipality, ...]
    content: Content | None = None  # None: no suggested measures
    measures: int = DEFAULT_MEASURES


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """The scored rows, the summary by type, and every problem found."""

    results: pd.DataFrame  # one row per scored municipality (see README, "batch")
    summary: pd.DataFrame  # count, mean and median per dimension, by primary type
    problems: tuple[RowError, ...]
    rows_read: int
    table: ScoreTable  # the scores behind ``results``, row for row
    types: tuple[tuple[MunicipalityType, ...], ...] = field(repr=False)
    # (id, title, source kind, source, triggered_by) per pick
    measures: tuple[tuple[tuple[str, str, str, str, tuple[str, ...]], ...], ...] = field(repr=False)

    @property
    def rows_rejected(self) -> int:
        """How many rows were left out because of a bad cell."""
        return len({p.row for p in self.problems if p.rejects})
