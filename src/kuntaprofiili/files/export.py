"""Exports: result rows for CSV and the nested JSON form, plus safe CSV writing.

``result_row`` and ``result_json`` are pure; ``write_csv`` and ``write_json`` write
atomically. Every text cell goes through :func:`neutralise` so that a municipality name
like ``=HYPERLINK(...)`` is shown as text in Excel, never run as a formula (OWASP CSV
injection); numbers stay numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from kuntaprofiili.files.safeio import ensure_writable, write_atomic

if TYPE_CHECKING:
    from kuntaprofiili.core.advice import TypeContent
    from kuntaprofiili.core.assessment import Assessment

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CsvDialect(StrEnum):
    """Plain CSV for machines, or what Finnish Excel opens directly."""

    PLAIN = "plain"  # comma, decimal point, UTF-8
    EXCEL_FI = "excel-fi"  # semicolon, decimal comma, UTF-8 with BOM


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """The concrete separators and encoding of a dialect."""

    delimiter: str
    decimal: str
    encoding: str


CSV_FORMATS = {
    CsvDialect.PLAIN: CsvFormat(",", ".", "utf-8"),
    CsvDialect.EXCEL_FI: CsvFormat(";", ",", "utf-8-sig"),
}


def neutralise(text: str) -> str:
    """Prefix a text that Excel would read as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def format_cell(value: object, decimal: str = ".") -> str:
    """One CSV cell: numbers with the dialect's decimal mark, texts neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.10g}" if value != int(value) or abs(value) >= 1e15 else str(int(value))
        return text.replace(".", decimal)
    return neutralise(str(value))


def write_csv(
    rows: Sequence[Mapping[str, object]],
    dest: Path,
    dialect: CsvDialect = CsvDialect.PLAIN,
    force: bool = False,
) -> None:
    """Write rows (all with the same keys, in order) as CSV, atomically."""
    ensure_writable(dest, force)
    fmt = CSV_FORMATS[dialect]
    header = list(rows[0]) if rows else []

    def write(handle: IO[Any]) -> None:
        writer = csv.writer(handle, delimiter=fmt.delimiter, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([format_cell(row.get(h), fmt.decimal) for h in header])

    write_atomic(dest, write, encoding=fmt.encoding, newline="")


def write_json(data: object, dest: Path, force: bool = False) -> None:
    """Write JSON (UTF-8, readable) atomically."""
    ensure_writable(dest, force)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomic(dest, lambda handle: handle.write(text))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def result_row(assessment: Assessment, lang: str = "en") -> dict[str, object]:
    """One CSV row: identity, types, every dimension, overall, advice, then every answer."""
    a = assessment
    row: dict[str, object] = {
        "municipality": a.name,
        "municipality_code": a.municipality.code if a.municipality else None,
        "date": a.answer_set.timestamp[:10] or None,
        "questionnaire_id": a.questionnaire.id,
        "questionnaire_version": a.questionnaire.version,
        "primary_type": str(a.classification.primary),
        "types": " ".join(str(t) for t in a.classification.types),
        "type_overridden": a.classification.overridden,
    }
    for dim in a.scores.dimensions:
        row[f"{dim.dimension}_score"] = _round(dim.score)
        row[f"{dim.dimension}_coverage"] = round(dim.coverage, 3)
        row[f"{dim.dimension}_band"] = str(dim.band) if dim.band else None
    row["overall"] = _round(a.scores.overall)
    row["measures"] = " ".join(s.measure.id for s in a.suggestions)
    row["measure_titles"] = " | ".join(s.measure.title.get(lang) for s in a.suggestions)
    row["vision"] = _primary(a).vision.get(lang)
    row["state_measures"] = " | ".join(m.get(lang) for m in _primary(a).state_measures)
    for item in a.questionnaire.items:
        value = a.answer_set.answers.get(item.id)
        row[f"answer_{item.id}"] = value
    return row


def _primary(assessment: Assessment) -> TypeContent:
    """The content of the primary type (vision, goals towards the state)."""
    from kuntaprofiili.core.advice import load_content

    return load_content().type_content(assessment.classification.primary)


def _item_text(assessment: Assessment, item_id: str | None, lang: str) -> str | None:
    from kuntaprofiili.views.report import item_name

    return item_name(assessment, item_id, lang)


def result_json(assessment: Assessment, lang: str = "en") -> dict[str, Any]:
    """The nested JSON form (README, 'JSON export')."""
    from kuntaprofiili.core.advice import load_content

    a = assessment
    content = load_content()
    primary = content.type_content(a.classification.primary)
    return {
        "municipality": {
            "name": a.name,
            "code": a.municipality.code if a.municipality else None,
        },
        "questionnaire": {"id": a.questionnaire.id, "version": a.questionnaire.version},
        "timestamp": a.answer_set.timestamp,
        "scores": {
            str(d.dimension): {
                "score": _round(d.score),
                "coverage": round(d.coverage, 3),
                "band": str(d.band) if d.band else None,
            }
            for d in a.scores.dimensions
        },
        "overall": _round(a.scores.overall),
        "types": {
            "primary": str(a.classification.primary),
            "all": [str(t) for t in a.classification.types],
            "overridden": a.classification.overridden,
            "reason": a.classification.reason(lang),
            "notes": list(a.classification.notes(lang)),
        },
        "strongest_items": [i.item_id for i in a.scores.strongest()],
        "weakest_items": [i.item_id for i in a.scores.weakest()],
        "vision": primary.vision.get(lang),
        "measures": [
            {
                "id": s.measure.id,
                "title": s.measure.title.get(lang),
                "why": s.measure.why.get(lang),
                "reason": s.reason(lang, _item_text(a, s.item_id, lang)),
            }
            for s in a.suggestions
        ],
        "state_measures": [m.get(lang) for m in primary.state_measures],
        "language": lang,
        "answers": dict(a.answer_set.answers),
    }
