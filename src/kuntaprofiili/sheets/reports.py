"""``batch --reports DIR``: one HTML report per scored row of a sheet.

A report needs the whole :class:`Assessment` of a row (answers, scores, type, advice),
which the column-wise batch engine does not keep per row. So each scored row's cells are
read again through the same :func:`coerce_answer` and scored through the same
:func:`build_assessment` as ``assess``; the numbers therefore match the batch results.
The type's median in the batch results is drawn as the peer outline, and the row's
sources and notes (its evidence columns, as the results carry them) are listed as
``assess`` lists an answers file's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kuntaprofiili.core.answers import AnswerSet, AnswerValue, coerce_answer
from kuntaprofiili.core.assessment import Assessment, build_assessment
from kuntaprofiili.core.content import Content
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.municipality import find_municipality, profile_answers
from kuntaprofiili.errors import AnswerError
from kuntaprofiili.files.drafts import slug
from kuntaprofiili.files.municipality_file import load_municipalities
from kuntaprofiili.files.safeio import ensure_writable
from kuntaprofiili.sheets.columns import find_layout
from kuntaprofiili.sheets.evidence import evidence_keys, evidence_of
from kuntaprofiili.sheets.read import Sheet
from kuntaprofiili.views.html_report import peer_medians, write_html_report

MAX_NAME = 80  # characters of a report's file name taken from the municipality's name


@dataclass(frozen=True, slots=True)
class RowReport:
    """Where one row's report goes, and what it shows."""

    dest: Path
    assessment: Assessment


def _row_answers(
    questionnaire: Questionnaire, cells: Any, items: Mapping[str, int]
) -> dict[str, AnswerValue]:
    """The row's valid answers; bad cells were reported and rejected by the batch already."""
    answers: dict[str, AnswerValue] = {}
    for item_id, position in items.items():
        text = cells.iat[position]
        if text is None or str(text).strip() == "":
            continue  # blank: unanswered, as in the batch
        try:
            answers[item_id] = coerce_answer(questionnaire.item(item_id), text)
        except AnswerError:
            continue
    return answers


def _file_name(name: str, year: object, taken: set[str]) -> str:
    """``espoo-2026.html``; a number is added rather than reuse a name.

    A long name is cut, so that the name and its temporary forms fit every file system.
    """
    base = slug(name)[:MAX_NAME] + (f"-{year}" if str(year or "").strip() else "")
    candidate, counter = f"{base}.html", 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}.html", counter + 1
    taken.add(candidate)
    return candidate


def plan_reports(
    sheet: Sheet,
    results: Sequence[Mapping[Any, Any]],
    questionnaire: Questionnaire,
    content: Content,
    folder: Path,
    lang: str,
) -> Iterator[RowReport]:
    """One report per result row, built from the row's cells."""
    layout = find_layout(sheet, questionnaire, lang)
    everyone = load_municipalities()
    taken: set[str] = set()
    keys = evidence_keys(results[0] if results else (), questionnaire)
    for record in results:
        cells = sheet.frame.iloc[sheet.position(int(record["row"]))]
        name = str(cells.iat[layout.municipality]).strip()
        place = find_municipality(name, everyone)
        answers = _row_answers(questionnaire, cells, layout.items)
        for key, value in (profile_answers(place) if place else {}).items():
            answers.setdefault(key, value)
        shown = place.name(lang) if place else name
        evidence = evidence_of(record, keys)  # checked and cleaned when scored
        answer_set = AnswerSet(
            questionnaire.id, questionnaire.version, answers, shown, evidence=evidence
        )
        year = cells.iat[layout.year] if layout.year is not None else None
        dest = folder / _file_name(shown, year, taken)
        yield RowReport(dest, build_assessment(questionnaire, answer_set, content, place))


def write_reports(
    plans: Sequence[RowReport],
    results: Sequence[Mapping[Any, Any]],
    content: Content,
    lang: str,
    force: bool,
) -> None:
    """Write every report; all targets are checked before the first is written."""
    for plan in plans:
        ensure_writable(plan.dest, force)
    for plan in plans:
        peers = peer_medians(results, plan.assessment.classification.primary)
        write_html_report(plan.assessment, content, lang, plan.dest, force, peers=peers)
