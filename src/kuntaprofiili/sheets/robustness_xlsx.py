"""The robustness report as an Excel workbook: ranks per municipality, shares per choice."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kuntaprofiili.core.robustness import Robustness
from kuntaprofiili.i18n import message
from kuntaprofiili.sheets.write import write_frames_xlsx


def robustness_frames(
    result: Robustness, names: Sequence[str], lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two tables: one row per municipality, one row per varied choice (stable column ids)."""
    ranks = pd.DataFrame(
        {
            "municipality": list(names),
            "rank": result.baseline_rank,
            "median_rank": result.median_rank,
            "rank_p5": result.rank_low,
            "rank_p95": result.rank_high,
            "band_change_share": result.band_change.round(3),
        }
    ).sort_values("rank")
    shares = result.shares()
    factors = pd.DataFrame(
        {
            "choice": [f for f, _, _ in shares],
            "label": [message(f"robustness.factor.{f}", lang) for f, _, _ in shares],
            "first_order": [round(first, 3) for _, first, _ in shares],
            "total": [round(total, 3) for _, _, total in shares],
        }
    )
    return ranks, factors


def write_robustness_xlsx(
    path: Path, result: Robustness, names: Sequence[str], lang: str, force: bool = False
) -> None:
    """Write the two tables as the sheets 'Sijat' and 'Valinnat' (in ``lang``), laid out
    as the batch workbook is: headers for people above the stable ids."""
    ranks, factors = robustness_frames(result, names, lang)
    sheets = [
        (message("robustness.sheet_ranks", lang), ranks),
        (message("robustness.sheet_choices", lang), factors),
    ]
    write_frames_xlsx(sheets, path, force, lang)
