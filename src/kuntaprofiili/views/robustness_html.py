"""The robustness report as one self-contained HTML page, in the HTML report's style.

Pure: a :class:`~kuntaprofiili.core.robustness.Robustness` in, an HTML string out
(``write_robustness_html`` is the one writer). It uses the HTML report's templates
environment (autoescape on: a municipality named ``<script>`` is shown, never run), its
stylesheet and its chart helpers; the texts are the terminal report's, from
``messages/robustness.toml``. No script and no URL: the file opens offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.core.robustness import FACTORS, Robustness
from kuntaprofiili.files.safeio import ensure_writable, write_text_atomic
from kuntaprofiili.i18n import message
from kuntaprofiili.views.charts import rank_axis_svg, rank_interval_svg, share_svg
from kuntaprofiili.views.html_report import report_css, template_environment
from kuntaprofiili.views.robustness_view import noise_texts, not_varied, title

Context = dict[str, Any]


def _percent(share: float, lang: str) -> str:
    return f"{format_number(share * 100, lang, 0)} %"


def ranks_context(result: Robustness, names: Sequence[str], lang: str) -> Context:
    """One row per municipality in order of median rank, each with its interval bar."""
    from markupsafe import Markup

    count = len(result.rows)
    heads = (
        "robustness.col_municipality",
        "robustness.col_median",
        "robustness.col_interval",
        "robustness.col_rank",
        "robustness.col_band_change",
    )
    rows = []
    for k in result.by_median():
        low, median, high = result.rank_low[k], result.median_rank[k], result.rank_high[k]
        interval = f"{format_number(low, lang, 0)}–{format_number(high, lang, 0)}"
        rows.append(
            {
                "name": names[k],
                "bar": Markup(rank_interval_svg(low, median, high, count)),
                "median": format_number(median, lang, 1),
                "interval": interval,
                "rank": format_number(result.baseline_rank[k], lang, 0),
                "band_change": _percent(float(result.band_change[k]), lang),
            }
        )
    return {
        "heading": message("robustness.html.heading_ranks", lang),
        "intro": message("robustness.html.ranks_intro", lang),
        "heads": [message(key, lang) for key in heads],
        "chart_head": message("robustness.html.col_chart", lang),
        "axis": Markup(rank_axis_svg(count, lang)),
        "rows": rows,
        "note": message("robustness.html.band_change_note", lang),
    }


def sensitivity_context(result: Robustness, lang: str) -> Context:
    """Each choice's first-order and total share, largest first, with a bar."""
    from markupsafe import Markup

    return {
        "heading": message("robustness.sensitivity", lang),
        "intro": message("robustness.html.sensitivity_intro", lang),
        "heads": [
            message(key, lang)
            for key in ("robustness.col_factor", "robustness.col_first", "robustness.col_total")
        ],
        "rows": [
            {
                "name": message(f"robustness.factor.{factor}", lang),
                "bar": Markup(share_svg(first, total)),
                "first": _percent(first, lang),
                "total": _percent(total, lang),
            }
            for factor, first, total in result.shares()
        ],
    }


def render_robustness_html(
    result: Robustness,
    names: Sequence[str],
    questionnaire: Questionnaire,
    lang: str,
    seed: int,
    generated: str | None = None,
) -> str:
    """The whole page; ``generated`` is the date for the footer."""
    from markupsafe import Markup

    meta = message(
        "robustness.html.meta",
        lang,
        title=questionnaire.title.get(lang),
        version=questionnaire.version,
        seed=seed,
    )
    return (
        template_environment()
        .get_template("robustness.html.j2")
        .render(
            lang=lang,
            title=title(result, lang),
            css=Markup(report_css()),
            meta=meta,
            conclusion={
                "heading": message("robustness.html.heading_conclusion", lang),
                "lines": noise_texts(result, lang),
            },
            ranks=ranks_context(result, names, lang),
            sensitivity=sensitivity_context(result, lang),
            method={
                "heading": message("robustness.html.heading_method", lang),
                "varied_heading": message("robustness.html.varied", lang),
                "varied": [message(f"robustness.factor.{f}", lang) for f in FACTORS],
                "fixed_heading": message("robustness.not_varied", lang),
                "fixed": not_varied(lang),
                "unanswered": message("robustness.unanswered", lang),
            },
            generated=message("html.generated", lang, date=generated) if generated else None,
        )
    )


def write_robustness_html(
    dest: Path,
    result: Robustness,
    names: Sequence[str],
    questionnaire: Questionnaire,
    lang: str,
    seed: int,
    force: bool = False,
) -> None:
    """Write the page atomically; refuse to overwrite without ``force``."""
    ensure_writable(dest, force)
    today = date.today().isoformat()
    write_text_atomic(dest, render_robustness_html(result, names, questionnaire, lang, seed, today))
