"""What ``batch`` writes: the results table, the summary by type, the problems, the JSON.

Built from columns at once, never row by row: bands through one lookup, ranks and
percentiles through pandas' grouped ranking. Numbers are rounded here, for people; the
unrounded scores stay in ``BatchOutcome.table``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kuntaprofiili.core.model import Dimension, MunicipalityType, Questionnaire
from kuntaprofiili.core.scoring import BoolArray, FloatArray, ScoreTable, bands_of
from kuntaprofiili.i18n import message
from kuntaprofiili.sheets.columns import IntArray, RowError
from kuntaprofiili.sheets.evidence import evidence_records
from kuntaprofiili.sheets.places import ObjectArray

if TYPE_CHECKING:
    from kuntaprofiili.sheets.context import BatchOutcome
    from kuntaprofiili.sheets.rows import Cells

SCORE_COLUMNS = tuple(f"{d}_score" for d in Dimension) + ("overall",)


def results_frame(
    cells: Cells,
    keep: BoolArray,
    table: ScoreTable,
    classes: tuple[IntArray, Sequence[tuple[MunicipalityType, ...]]],
    measures: tuple[ObjectArray, ObjectArray],
    with_year: bool,
) -> pd.DataFrame:
    """The output table: one row per scored municipality, numbers rounded for people.

    ``classes`` is each row's number into the distinct tuples of types, and those tuples;
    ``measures`` each row's suggested measures' ids and titles as text.
    """
    group, types = classes
    data: dict[str, Any] = {
        "row": cells.rows[keep],
        "municipality": cells.places.names[keep],
        # text whatever the rows hold: all unknown municipalities would make it objects
        "municipality_code": pd.array(cells.places.codes[keep], dtype="str"),
    }
    if with_year and cells.years is not None:
        data["year"] = pd.Series(cells.years[keep]).astype("Int64").array
    data["primary_type"] = repeated(np.array([t[0].value for t in types], dtype=object)[group])
    data["types"] = repeated(np.array([" ".join(t) for t in types], dtype=object)[group])
    for dimension in Dimension:
        data[f"{dimension}_score"] = table.dimensions[dimension].round(1)
        data[f"{dimension}_coverage"] = table.coverage[dimension].round(3)
        data[f"{dimension}_band"] = repeated(bands(table.dimensions[dimension]))
    data["overall"] = table.overall.round(1)
    data["overall_band"] = repeated(bands(table.overall))
    for dimension in Dimension:  # the honest range (README, Methodology)
        if dimension in table.low:
            data[f"{dimension}_low"] = table.low[dimension].round(1)
            data[f"{dimension}_high"] = table.high[dimension].round(1)
    if len(table.overall_low):
        data["overall_low"] = table.overall_low.round(1)
        data["overall_high"] = table.overall_high.round(1)
    frame = pd.DataFrame(data)
    frame = frame.assign(**peer_ranks(table.overall, frame["primary_type"]))
    ids, titles = measures
    if len(ids) and ids.any():
        frame["measures"] = repeated(ids)  # as in assess's CSV
        frame["measure_titles"] = repeated(titles)
    return frame


def repeated(texts: ObjectArray) -> pd.Categorical:
    """A column of few distinct texts (types, bands, measures) stored once per distinct
    text: a million rows of measure titles take 4 MB of codes instead of 200 MB."""
    column = pd.Categorical(texts)
    return column.set_categories(column.categories.astype("str"))  # also when all missing


def bands(scores: FloatArray) -> ObjectArray:
    """``scoring.band_of`` for a whole column (None where there is no score)."""
    return bands_of(scores)


def peer_ranks(overall: FloatArray, types: pd.Series) -> dict[str, pd.Series]:
    """Rank (1 = best overall score) and percentile among all rows and within the type.

    The percentile is the share of compared rows scoring the same or lower, so the
    best row has 100. Rows without an overall score are not ranked.
    """
    scores = pd.Series(overall, index=types.index)
    by_type = scores.groupby(pd.factorize(types)[0])  # codes: no Python string per row
    return {
        "rank_in_type": by_type.rank(ascending=False, method="min").astype("Int64"),
        "percentile_in_type": (by_type.rank(method="max", pct=True) * 100).round(1),
        "rank_overall": scores.rank(ascending=False, method="min").astype("Int64"),
        "percentile_overall": (scores.rank(method="max", pct=True) * 100).round(1),
    }


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Rows, scored and unscored rows, mean and median of every score: by primary type,
    for all rows, then by each further type (a bilingual town counted again there).

    ``group`` says which: "primary", "all" or "further". A row is scored when it has an
    overall score; the means and medians are over the rows with that score. Only the
    score columns are taken, never the whole table: a million rows stay cheap.
    """
    scores = {column: results[column].to_numpy(dtype=float) for column in SCORE_COLUMNS}
    primary, kinds = pd.factorize(results["primary_type"])  # no Python string per row
    present = kinds.tolist()
    order = [t.value for t in MunicipalityType if t.value in present]
    parts = [_stats(scores, primary == present.index(t), t, "primary") for t in order]
    parts.append(_stats(scores, np.ones(len(results), dtype=bool), "all", "all"))
    codes, combos = pd.factorize(results["types"])  # a handful of distinct sets of types
    further = [str(types).split()[1:] for types in combos]
    for kind in MunicipalityType:
        held = np.array([kind.value in types for types in further] + [False], dtype=bool)
        mask = held[codes]  # code -1 (no types) takes the last: False
        if mask.any():
            parts.append(_stats(scores, mask, kind.value, "further"))
    return pd.DataFrame(parts)


def _stats(scores: dict[str, FloatArray], mask: BoolArray, kind: str, group: str) -> dict[str, Any]:
    count = int(mask.sum())
    scored = int((~np.isnan(scores["overall"][mask])).sum())
    stats: dict[str, Any] = {
        "type": kind,
        "group": group,
        "count": count,
        "scored": scored,
        "unscored": count - scored,
    }
    for column in SCORE_COLUMNS:
        name = column.removesuffix("_score")
        values = pd.Series(scores[column][mask])
        stats[f"{name}_mean"] = round(float(values.mean()), 1) if values.notna().any() else np.nan
        stats[f"{name}_median"] = (
            round(float(values.median()), 1) if values.notna().any() else np.nan
        )
    return stats


def problems_frame(problems: Sequence[RowError], lang: str) -> pd.DataFrame:
    """The errors file: one line per problem, in sheet order."""
    kinds = {
        True: message("batch.severity.error", lang),
        False: message("batch.severity.notice", lang),
    }
    return pd.DataFrame(
        {
            "row": [p.row for p in problems],
            "column": [p.column for p in problems],
            "value": [p.value for p in problems],
            "problem": [p.problem for p in problems],
            "expected": [p.expected for p in problems],
            "severity": [kinds[p.rejects] for p in problems],
        },
        columns=["row", "column", "value", "problem", "expected", "severity"],
    )


def outcome_json(outcome: BatchOutcome, questionnaire: Questionnaire, lang: str) -> dict[str, Any]:
    """The JSON form: results with types and measures as lists, the summary, the problems."""
    results = _records(
        outcome.results.drop(columns=["types", "measures", "measure_titles"], errors="ignore")
    )
    evidence = evidence_records(outcome.results, questionnaire)
    rows = zip(results, outcome.types, outcome.measures, evidence, strict=True)
    for record, types, measures, found in rows:
        record["evidence"] = found  # as in assess's JSON
        record["types"] = [t.value for t in types]
        record["measures"] = [
            {"id": i, "title": t, "source": {"kind": k, "text": src}, "triggered_by": list(by)}
            for i, t, k, src, by in measures
        ]
    return {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "rows_read": outcome.rows_read,
        "rows_rejected": outcome.rows_rejected,
        "results": results,
        "summary": _records(outcome.summary),
        "problems": _records(problems_frame(outcome.problems, lang)),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts: numpy numbers as Python numbers, missing values as None."""
    plain = frame.astype(object).where(frame.notna(), None)
    return [
        {
            str(key): value.item() if isinstance(value, np.generic) else value
            for key, value in row.items()
        }
        for row in plain.to_dict("records")
    ]
