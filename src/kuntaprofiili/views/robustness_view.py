"""The terminal view of the robustness report: rank intervals, choices, noise in words."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.core.robustness import NOT_VARIED, Robustness
from kuntaprofiili.i18n import message


def _percent(share: float, lang: str) -> str:
    return f"{format_number(share * 100, lang, 0)} %"


def ranks_table(result: Robustness, names: Sequence[str], lang: str, show: int) -> Table:
    """The ``show`` best municipalities by the published method, with their rank interval."""
    table = Table(box=None, show_header=True, pad_edge=False, padding=(0, 1))
    table.add_column(message("robustness.col_municipality", lang))
    for key in (
        "robustness.col_rank",
        "robustness.col_median",
        "robustness.col_interval",
        "robustness.col_band_change",
    ):
        table.add_column(message(key, lang), justify="right")
    for k in np.argsort(result.baseline_rank, kind="stable")[:show]:
        low, high = (
            format_number(result.rank_low[k], lang, 0),
            format_number(result.rank_high[k], lang, 0),
        )
        table.add_row(
            names[k],
            str(result.baseline_rank[k]),
            format_number(result.median_rank[k], lang, 1),
            f"{low}–{high}",
            _percent(float(result.band_change[k]), lang),
        )
    return table


def sensitivity_table(result: Robustness, lang: str) -> Table:
    """Each choice's first-order and total share of the variance of rank shifts."""
    table = Table(box=None, show_header=True, pad_edge=False, padding=(0, 1))
    table.add_column(message("robustness.col_factor", lang))
    table.add_column(message("robustness.col_first", lang), justify="right")
    table.add_column(message("robustness.col_total", lang), justify="right")
    for factor, first, total in result.shares():
        table.add_row(
            message(f"robustness.factor.{factor}", lang),
            _percent(first, lang),
            _percent(total, lang),
        )
    return table


def overlapping(result: Robustness) -> int:
    """How many municipalities' rank intervals overlap the next-ranked one's."""
    order = np.argsort(result.baseline_rank, kind="stable")
    low, high = result.rank_low[order], result.rank_high[order]
    return int(np.sum(low[1:] <= high[:-1]))


def not_varied(lang: str) -> list[str]:
    """What the analysis keeps fixed, one text per choice."""
    return [message(f"robustness.fixed.{name}", lang) for name in NOT_VARIED]


def title(result: Robustness, lang: str) -> str:
    """'Menetelmän herkkyys: 1 000 ajoa, 308 kuntaa'."""
    runs, n = (format_number(k, lang, 0) for k in (result.runs, len(result.rows)))
    return message("robustness.title", lang, runs=runs, n=n)


def noise_texts(result: Robustness, lang: str) -> list[str]:
    """In words: which rank gaps are noise, and how many neighbours' intervals overlap."""
    places = format_number(max(result.noise_places, 1.0), lang, 0)
    n = format_number(len(result.rows), lang, 0)
    k = format_number(overlapping(result), lang, 0)
    return [
        message("robustness.noise", lang, places=places),
        message("robustness.overlap", lang, k=k, n=n),
    ]


def robustness_report(
    result: Robustness, names: Sequence[str], lang: str, show: int = 20
) -> RenderableType:
    """The whole report for the terminal."""
    fixed = f"{message('robustness.not_varied', lang)}: {', '.join(not_varied(lang))}."
    return Group(
        Text(title(result, lang), style="bold"),
        Text(""),
        ranks_table(result, names, lang, show),
        Text(""),
        Text(message("robustness.sensitivity", lang), style="bold underline"),
        sensitivity_table(result, lang),
        Text(""),
        *(Text(line) for line in noise_texts(result, lang)),
        Text(f"{fixed} {message('robustness.unanswered', lang)}", style="italic"),
    )
