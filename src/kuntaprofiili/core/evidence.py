"""Evidence beside an answer: a note, a source and, for a published figure, its year.

In the answers file it sits beside ``answers`` (README, 'Answers file')::

    evidence:
      ghg_per_capita: {source: "SYKE, kuntien päästöt", year: 2023}
      climate_plan: {note: "Valtuusto 12.6.2024 § 45"}

Files without ``evidence`` keep loading as before. A batch sheet has the same three as
columns (``{item}_source``, ``{item}_note``, ``{item}_year``, see
:mod:`kuntaprofiili.sheets.evidence`), checked by the same rules: :func:`clean_text`,
:func:`is_year` and :func:`missing_year`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.printable import printable
from kuntaprofiili.i18n import Term

FIELDS = ("note", "source", "year")
MAX_TEXT = 500
YEARS = (1990, 2100)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why an answer is what it is; every field may be empty."""

    note: str | None = None
    source: str | None = None
    year: int | None = None

    def to_mapping(self) -> dict[str, object]:
        """The answers-file form: only the fields that are given."""
        pairs = (("note", self.note), ("source", self.source), ("year", self.year))
        return {key: value for key, value in pairs if value not in (None, "")}

    @property
    def empty(self) -> bool:
        """True when nothing is recorded."""
        return not self.to_mapping()


def parse_evidence(
    raw: object, questionnaire: Questionnaire
) -> tuple[dict[str, Evidence], list[Term]]:
    """The ``evidence`` mapping of an answers file, and its problems as terms."""
    if raw in (None, {}):
        return {}, []
    if not isinstance(raw, Mapping):
        return {}, [Term.of("evidence.shape")]
    found: dict[str, Evidence] = {}
    problems: list[Term] = []
    for key, item, value in questionnaire.match_items(raw):
        if item is None:
            problems.append(Term.of("answer.unknown_item", item=key))
            continue
        evidence, problem = _one(item.id, value, numeric=item.numeric)
        if problem is not None:
            problems.append(problem)
        elif not evidence.empty:
            found[item.id] = evidence
    return found, problems


def _one(item_id: str, value: Any, numeric: bool) -> tuple[Evidence, Term | None]:
    if not isinstance(value, Mapping) or set(map(str, value)) - set(FIELDS):
        return Evidence(), Term.of("evidence.fields", item=item_id)
    note, source = _text(value.get("note")), _text(value.get("source"))
    year = value.get("year")
    if year is not None and not (
        isinstance(year, int) and not isinstance(year, bool) and is_year(year)
    ):
        return Evidence(), Term.of("evidence.year", item=item_id, value=str(year))
    if missing_year(numeric, bool(source), year is not None):
        return Evidence(), Term.of("evidence.year_missing", item=item_id)
    return Evidence(note, source, year), None


def _text(value: object) -> str | None:
    return None if value is None else clean_text(str(value)) or None


def clean_text(text: str, limit: int | None = MAX_TEXT) -> str:
    """A note or source as kept: controls removed, spaces collapsed, at most ``limit`` long."""
    return " ".join(printable(text).split())[:limit]


def is_year(number: float) -> bool:
    """Whether ``number`` is a plausible year for a published figure (YEARS)."""
    return float(number).is_integer() and YEARS[0] <= number <= YEARS[1]


def missing_year(numeric: bool, has_source: bool, has_year: bool) -> bool:
    """Whether a figure names its source but not its year, which it must give.

    Only a numeric item's evidence needs the year: a statistic changes every year.
    """
    return numeric and has_source and not has_year


def evidence_mapping(evidence: Mapping[str, Evidence]) -> dict[str, dict[str, object]]:
    """The ``evidence`` block of an answers file (items without evidence left out)."""
    return {key: e.to_mapping() for key, e in evidence.items() if not e.empty}
