"""The HTML report: one self-contained file to attach to a council document.

Pure: an Assessment in, an HTML string out (``write_html_report`` is the one writer).
The page is a set of Jinja2 templates (``views/templates/``) with autoescape on, so
every text that comes from the user, the questionnaire or the content is escaped: a
municipality named ``<script>`` is shown, never run. This module only gathers the
texts each template shows; the charts come from :mod:`~kuntaprofiili.views.charts`.
Everything is inline (CSS, SVG charts) and there is no URL of any kind, so the file
opens offline and makes no network request. A print stylesheet lays it out on A4,
and bands are written as words beside their colours so that a black-and-white print
still reads. Jinja2 is imported only when a report is rendered, so that the commands
start fast.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kuntaprofiili.core.model import Dimension, Item, MunicipalityType, Questionnaire
from kuntaprofiili.core.numbers import format_number, format_score_range, parse_number
from kuntaprofiili.core.scoring import BAND_LIMITS, MIN_COVERAGE, Band, ItemScore, band_of
from kuntaprofiili.core.whatif import Change, Lift, lift_of
from kuntaprofiili.files.safeio import ensure_writable, write_text_atomic
from kuntaprofiili.i18n import message
from kuntaprofiili.views.charts import bar_svg, radar_svg
from kuntaprofiili.views.labels import band_with_range, statistic_text
from kuntaprofiili.views.whatif_view import (
    change_text,
    lift_summary,
    measure_text,
    second_term_summary,
)

if TYPE_CHECKING:
    from jinja2 import Environment

    from kuntaprofiili.core.assessment import Assessment
    from kuntaprofiili.core.content import Content

Context = dict[str, Any]


def _num(value: float, lang: str, digits: int = 1) -> str:
    return format_number(value, lang, digits)


def _plain(value: float, lang: str) -> str:
    return format_number(value, lang)


# -- peers ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeerMedians:
    """The median score per dimension of one municipality type in a batch result."""

    municipality_type: MunicipalityType
    count: int
    scores: Mapping[Dimension, float | None]


def _cell_number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return None if math.isnan(value) else float(value)
    return parse_number(str(value))


def peer_medians(
    rows: Iterable[Mapping[str, object]], municipality_type: MunicipalityType
) -> PeerMedians:
    """Medians of the rows whose ``primary_type`` is ``municipality_type`` (result-row columns)."""
    same = [r for r in rows if str(r.get("primary_type", "")).strip() == municipality_type.value]
    medians: dict[Dimension, float | None] = {}
    for d in Dimension:
        values = [v for r in same if (v := _cell_number(r.get(f"{d}_score"))) is not None]
        medians[d] = statistics.median(values) if values else None
    return PeerMedians(municipality_type, len(same), medians)


# -- sections: what each template shows ------------------------------------------------


def _band(value: float | None, lang: str) -> Context:
    band = band_of(value)
    return {"css": band or "none", "word": message(f"band.{band}" if band else "band.none", lang)}


def _possible(band: Band | None, low: float | None, high: float | None, lang: str) -> str:
    """', red possible' when the honest range reaches other bands; empty otherwise."""
    words = band_with_range(band, low, high, lang).split(", ")[1:]
    return "".join(f", {w}" for w in words)


def _score_cell(value: float | None, lang: str) -> str:
    return _num(value, lang) if value is not None else "–"


def _legend(assessment: Assessment, peers: PeerMedians | None, lang: str) -> list[Context]:
    entries: list[Context] = [{"key": "municipality", "text": assessment.name}]
    if peers is not None:
        type_name = message(f"type.{peers.municipality_type}", lang)
        if peers.count:
            key = "html.legend_peers_one" if peers.count == 1 else "html.legend_peers"
            text = message(key, lang, type=type_name, n=peers.count)
            entries.append({"key": "peers", "text": text})
        else:
            entries.append({"key": None, "text": message("html.peers_none", lang, type=type_name)})
    return entries


def scores_context(assessment: Assessment, peers: PeerMedians | None, lang: str) -> Context:
    """Radar, bars with bands and coverage, and the overall score."""
    from markupsafe import Markup

    s = assessment.scores
    show_peers = peers is not None and peers.count > 0
    heads = ["report.col_dimension", "", "report.col_score", "report.col_band"]
    heads.append("report.col_coverage")
    peer_of = {d: peers.scores[d] if peers is not None and show_peers else None for d in Dimension}
    overall_band = band_of(s.overall) if s.overall is not None else None
    return {
        "heading": message("report.scores", lang),
        "radar": Markup(
            radar_svg(
                [d.score for d in s.dimensions],
                [peer_of[d] for d in Dimension] if show_peers else None,
                lang,
            )
        ),
        "legend": _legend(assessment, peers, lang),
        "heads": [message(k, lang) if k else "" for k in heads]
        + ([message("html.col_peers", lang)] if show_peers else []),
        "show_peers": show_peers,
        "rows": [
            {
                "name": message(f"dimension.{d.dimension}", lang),
                "bar": Markup(bar_svg(d.score, peer_of[d.dimension], (d.low, d.high))),
                "score": format_score_range(d.score, d.low, d.high, lang),
                "band": _band(d.score, lang),
                "possible": _possible(d.band, d.low, d.high, lang),
                "coverage": f"{d.coverage * 100:.0f} %",
                "peer": _score_cell(peer_of[d.dimension], lang),
            }
            for d in s.dimensions
        ],
        "overall": message(
            "report.overall",
            lang,
            score=_num(s.overall, lang) if s.overall is not None else "–",
            band=message(f"band.{overall_band}" if overall_band else "band.none", lang),
        ),
        "note": message("report.insufficient", lang)
        if any(d.score is None for d in s.dimensions)
        else None,
    }


def type_context(assessment: Assessment, lang: str) -> Context:
    """The type(s) and the reason, with the classifier's notes."""
    c = assessment.classification
    names = ", ".join(message(f"type.{t}", lang) for t in c.types)
    return {
        "heading": message("html.heading_type", lang),
        "types": message("report.type", lang, types=names),
        "reason": c.reason(lang),
        "notes": list(c.notes(lang)),
    }


def items_context(assessment: Assessment, lang: str) -> Context:
    """The strongest and weakest answered items."""
    q, s = assessment.questionnaire, assessment.scores

    def lines(items: Iterable[ItemScore]) -> list[str]:
        return [
            message(
                "report.item_score",
                lang,
                item=q.item(i.item_id).text.get(lang),
                score=_num(i.score, lang),
            )
            for i in items
        ]

    return {
        "strongest_heading": message("report.strongest", lang),
        "strongest": lines(s.strongest()),
        "weakest_heading": message("report.weakest", lang),
        "weakest": lines(s.weakest()),
    }


def evidence_context(assessment: Assessment, lang: str) -> Context:
    """The sources and notes beside the answers (the terminal report's lines)."""
    from kuntaprofiili.views.report import evidence_lines

    return {"heading": message("evidence.heading", lang), "lines": evidence_lines(assessment, lang)}


def programme_context(assessment: Assessment, content: Content, lang: str) -> Context:
    """Kuntaliitto's programme for each of the municipality's types, in full."""
    from kuntaprofiili.views.report import aland_lines

    sections = []
    for municipality_type in assessment.classification.types:
        tc = content.type_content(municipality_type)
        name = message(f"type.{municipality_type}", lang)
        sections.append(
            {
                "id": f"programme-{municipality_type}",
                "heading": message("programme.heading", lang, type=name),
                "vision": tc.vision.get(lang),
                "lists": [
                    (message(key, lang), [t.get(lang) for t in texts])
                    for key, texts in (
                        ("programme.challenges", tc.challenges),
                        ("programme.opportunities", tc.opportunities),
                        ("programme.municipal", tc.municipal_measures),
                        ("programme.state", tc.state_measures),
                    )
                ],
            }
        )
    return {
        "vision_heading": message("programme.vision", lang),
        "types": sections,
        "general_heading": message("programme.general", lang),
        "general": content.general_vision.get(lang),
        "aland_heading": message("aland.heading", lang),
        "aland": aland_lines(assessment, content, lang),
    }


def measures_context(assessment: Assessment, lang: str) -> Context:
    """The suggested measures with why, the answers behind them and where they come from."""
    a = assessment
    return {
        "heading": message("report.measures", lang),
        "entries": [
            {
                "title": s.measure.title.get(lang),
                "why": s.measure.why.get(lang),
                "reason": s.reason(lang, lambda i: a.item_text(i, lang)),
                "source": s.measure.source.text(lang),
            }
            for s in a.suggestions
        ],
    }


def lift_context(lift: Lift, questionnaire: Questionnaire, lang: str) -> Context:
    """What would lift the weakest dimension into the next band, and the measures."""

    def changes(plan: tuple[Change, ...]) -> list[Context]:
        return [
            {"change": change_text(c, questionnaire, lang), "measure": measure_text(c, lang)}
            for c in plan
        ]

    return {
        "heading": message("whatif.heading", lang),
        "summary": lift_summary(lift, lang),
        "changes": changes(lift.changes),
        "cost": message("whatif.effort", lang, cost=lift.cost) if lift.changes else None,
        "second": second_term_summary(lift, lang),
        "second_changes": changes(lift.second_term),
    }


# -- methodology appendix -------------------------------------------------------------


def scoring_text(item: Item, lang: str) -> str:
    """How an item is scored: its bounds and direction, or its choices' scores."""
    ind = item.indicator
    if ind is not None and ind.lower_bound is not None and ind.optimum is not None:
        bounds = message(
            "html.scoring_numeric",
            lang,
            low=_plain(ind.lower_bound, lang),
            best=_plain(ind.optimum, lang),
            unit=ind.unit.get(lang),
        )
        return f"{bounds}; {message(f'html.{ind.direction}', lang)}" if ind.direction else bounds
    return " · ".join(
        f"{c.label.get(lang)} {c.score:g}" for c in item.choices if c.score is not None
    )


def _method_row(item: Item, lang: str) -> Context:
    ind = item.indicator
    source = ind.source if ind is not None else None
    rationale = ind.rationale if ind is not None and source is not None else None
    return {
        "id": item.id,
        "text": item.text.get(lang),
        "weight": _plain(item.weight, lang),
        "scoring": scoring_text(item, lang),
        "source": source.get(lang) if source is not None else None,
        "statistic": statistic_text(ind, lang) if ind is not None and source else None,
        "rationale": rationale.get(lang) if rationale is not None else None,
    }


def appendix_context(questionnaire: Questionnaire, lang: str) -> Context:
    """Bounds, weights, the coverage rule, the bands and the sources."""
    low, high = (f"{limit:g}" for limit in BAND_LIMITS)
    indicators = sorted(
        {
            i.indicator.source.get(lang)
            for i in questionnaire.scored_items()
            if i.indicator and i.indicator.source
        }
    )
    heads = ("html.col_question", "html.col_weight", "html.col_scoring", "html.col_source")
    return {
        "heading": message("html.heading_appendix", lang),
        "intro": message(
            "html.method_questionnaire", lang, id=questionnaire.id, version=questionnaire.version
        ),
        "rules": [
            message("html.method_numeric", lang),
            message("html.method_choice", lang),
            message("html.method_weights", lang),
            message("html.method_coverage", lang, share=_num(MIN_COVERAGE * 100, lang, 0)),
            message("html.method_bands", lang, low=low, high=high),
            message("html.method_whatif", lang),
        ],
        "heads": [message(k, lang) for k in heads],
        "tables": [
            {
                "heading": message(f"dimension.{d}", lang),
                "rows": [_method_row(i, lang) for i in questionnaire.scored_items(d)],
            }
            for d in Dimension
        ],
        "sources_heading": message("html.heading_sources", lang),
        "sources": [
            *(message(f"html.source_{k}", lang) for k in ("programme", "method", "bands")),
            *indicators,
        ],
    }


# -- the document ---------------------------------------------------------------------


@cache
def report_css() -> str:
    """The stylesheet, kept in report.css beside this module and inlined into every report."""
    return files("kuntaprofiili.views").joinpath("report.css").read_text(encoding="utf-8")


@cache
def template_environment() -> Environment:
    """The templates, read from the package, with autoescape on for every one."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("kuntaprofiili.views", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _header(assessment: Assessment, lang: str) -> Context:
    q = assessment.questionnaire
    dated = assessment.answer_set.timestamp[:10]
    meta = [message("report.questionnaire", lang, title=q.title.get(lang), version=q.version)]
    if dated:
        meta.append(message("html.dated", lang, date=dated))
    return {"skip": message("html.skip_link", lang), "meta": meta}


def render_html(
    assessment: Assessment,
    content: Content,
    lang: str,
    peers: PeerMedians | None = None,
    generated: str | None = None,
    lift: Lift | None = None,
) -> str:
    """The whole report as one HTML document; ``generated`` is the date for the footer."""
    from markupsafe import Markup

    a = assessment
    if lift is None:
        lift = lift_of(a, content)
    template = template_environment().get_template("report.html.j2")
    return template.render(
        lang=lang,
        title=message("report.title", lang, name=a.name),
        css=Markup(report_css()),
        generated=message("html.generated", lang, date=generated) if generated else None,
        header=_header(a, lang),
        scores=scores_context(a, peers, lang),
        type=type_context(a, lang),
        items=items_context(a, lang),
        programme=programme_context(a, content, lang),
        measures=measures_context(a, lang),
        lift=lift_context(lift, a.questionnaire, lang),
        evidence=evidence_context(a, lang),
        appendix=appendix_context(a.questionnaire, lang),
    )


def write_html_report(
    assessment: Assessment,
    content: Content,
    lang: str,
    dest: Path,
    force: bool = False,
    peers: PeerMedians | None = None,
) -> None:
    """Write the HTML report atomically; refuse to overwrite without ``force``."""
    ensure_writable(dest, force)
    write_text_atomic(dest, render_html(assessment, content, lang, peers, date.today().isoformat()))
