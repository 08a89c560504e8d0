"""The robustness report as an Excel workbook: ranks per municipality, shares per choice."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kuntaprofiili.core.robustness import FACTORS, Robustness
from kuntaprofiili.i18n import message


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
    factors = pd.DataFrame(
        {
            "choice": list(FACTORS),
            "label": [message(f"robustness.factor.{f}", lang) for f in FACTORS],
            "first_order": [round(result.first_order[f], 3) for f in FACTORS],
            "total": [round(result.total[f], 3) for f in FACTORS],
        }
    )
    return ranks, factors


def write_robustness_xlsx(path: Path, result: Robustness, names: Sequence[str], lang: str) -> None:
    """Write the two tables as sheets 'ranks' and 'choices'."""
    ranks, factors = robustness_frames(result, names, lang)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        ranks.to_excel(writer, sheet_name="ranks", index=False)
        factors.to_excel(writer, sheet_name="choices", index=False)
