"""Words that every view shares: a band, a score with its band, a numeric item's statistic."""

from __future__ import annotations

from kuntaprofiili.core.model import Indicator
from kuntaprofiili.core.numbers import format_score
from kuntaprofiili.core.scoring import Band, band_of, bands_between
from kuntaprofiili.i18n import message


def band_label(band: Band | None, lang: str) -> str:
    """The band as a word, so the report reads the same without colour."""
    return message(f"band.{band}" if band else "band.none", lang)


def score_with_band(value: float | None, lang: str) -> str:
    """'74,5 keltainen'; the no-score word when there is no score."""
    if value is None:
        return band_label(None, lang)
    return f"{format_score(value, lang)} {band_label(band_of(value), lang)}"


def band_with_range(band: Band | None, low: float | None, high: float | None, lang: str) -> str:
    """'keltainen, punainen mahdollinen': the band and every other band the range reaches."""
    others = [b for b in bands_between(low, high) if b != band]
    words = [band_label(band, lang)]
    words += [message("range.possible", lang, band=band_label(b, lang)) for b in others]
    return ", ".join(words)


def statistic_text(indicator: Indicator, lang: str) -> str | None:
    """The statistic, its id or table and its year in ``lang``: "Statistic; table; year 2024"."""
    if indicator.statistic is None:
        return None
    return message(
        "questionnaire.statistic",
        lang,
        statistic=indicator.statistic.get(lang),
        table=indicator.table.get(lang) if indicator.table is not None else "–",
        year=indicator.year if indicator.year is not None else "–",
    )
