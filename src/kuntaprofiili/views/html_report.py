"""The HTML report: one self-contained file to attach to a council document.

Pure: an Assessment in, an HTML string out (``write_html_report`` is the one writer).
Everything is inline (CSS, SVG charts) and there is no URL of any kind, so the file
opens offline and makes no network request. Every text that comes from the user, the
questionnaire or the content goes through :func:`html.escape`: a municipality named
``<script>`` is shown, never run. A print stylesheet lays it out on A4, and bands are
written as words beside their colours so that a black-and-white print still reads.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from kuntaprofiili.core.model import Dimension, Item, MunicipalityType, Questionnaire
from kuntaprofiili.core.numbers import format_number, format_score_range, parse_number
from kuntaprofiili.core.scoring import BAND_LIMITS, MIN_COVERAGE, Band, ItemScore, band_of
from kuntaprofiili.core.whatif import Lift, Outcome, lift_of
from kuntaprofiili.files.safeio import ensure_writable, write_text_atomic
from kuntaprofiili.i18n import message
from kuntaprofiili.views.labels import band_with_range
from kuntaprofiili.views.whatif_view import change_text, lift_summary, measure_text

if TYPE_CHECKING:
    from kuntaprofiili.core.advice import Suggestion
    from kuntaprofiili.core.assessment import Assessment
    from kuntaprofiili.core.content import Content

RADAR_SIZE = (520, 380)
RADAR_CENTRE = (260.0, 190.0)
RADAR_RADIUS = 120.0
BAR_WIDTH = 200
BAND_COLOUR = {Band.RED: "#c0392b", Band.YELLOW: "#e0a800", Band.GREEN: "#2e8b57"}
ZONE_COLOUR = {Band.RED: "#f9dedc", Band.YELLOW: "#fdf1c7", Band.GREEN: "#d7efdf"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _m(key: str, lang: str, /, **params: object) -> str:
    """A message, escaped for HTML."""
    return _e(message(key, lang, **params))


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


# -- charts ---------------------------------------------------------------------------


def axis_angle(index: int, count: int = len(Dimension)) -> float:
    """The angle of an axis in radians: the first points up, the rest go clockwise."""
    return -math.pi / 2 + 2 * math.pi * index / count


def radar_points(
    scores: Sequence[float | None],
    centre: tuple[float, float] = RADAR_CENTRE,
    radius: float = RADAR_RADIUS,
) -> list[tuple[float, float]]:
    """SVG coordinates of each score on its axis: 0 at the centre, 100 on the outer ring."""
    points = []
    for index, value in enumerate(scores):
        share = max(0.0, min(value or 0.0, 100.0)) / 100.0
        angle = axis_angle(index, len(scores))
        points.append(
            (
                round(centre[0] + radius * share * math.cos(angle), 2),
                round(centre[1] + radius * share * math.sin(angle), 2),
            )
        )
    return points


def _polygon(points: Sequence[tuple[float, float]], css_class: str) -> str:
    coords = " ".join(f"{x:g},{y:g}" for x, y in points)
    return f'<polygon class="{css_class}" points="{coords}"/>'


def _radar_label(index: int, dimension: Dimension, value: float | None, lang: str) -> str:
    angle = axis_angle(index)
    x = RADAR_CENTRE[0] + (RADAR_RADIUS + 12) * math.cos(angle)
    y = RADAR_CENTRE[1] + (RADAR_RADIUS + 12) * math.sin(angle)
    anchor = "middle" if abs(math.cos(angle)) < 0.1 else ("start" if math.cos(angle) > 0 else "end")
    y += -22 if math.sin(angle) < -0.1 else (14 if math.sin(angle) > 0.1 else -6)
    score = _num(value, lang) if value is not None else message("html.no_score", lang)
    return (
        f'<text class="axis-label" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
        f'<tspan x="{x:.1f}">{_m(f"dimension.{dimension}", lang)}</tspan>'
        f'<tspan x="{x:.1f}" dy="1.25em" class="axis-score">{_e(score)}</tspan></text>'
    )


def radar_svg(scores: Sequence[float | None], peers: PeerMedians | None, lang: str) -> str:
    """The four dimensions as a radar chart over red/yellow/green zones."""
    dims = list(Dimension)
    zones = [(100.0, Band.GREEN), (BAND_LIMITS[1], Band.YELLOW), (BAND_LIMITS[0], Band.RED)]
    parts = [
        f'<polygon points="{" ".join(f"{x:g},{y:g}" for x, y in radar_points([level] * 4))}" '
        f'fill="{ZONE_COLOUR[band]}"/>'
        for level, band in zones
    ]
    for level in (25.0, 50.0, 75.0, 100.0):
        parts.append(_polygon(radar_points([level] * 4), "ring"))
        x, y = radar_points([level, 0, 0, 0])[0]
        parts.append(f'<text class="ring-label" x="{x + 4:g}" y="{y + 11:g}">{level:g}</text>')
    cx, cy = RADAR_CENTRE
    for x, y in radar_points([100.0] * 4):
        parts.append(f'<line class="axis" x1="{cx:g}" y1="{cy:g}" x2="{x:g}" y2="{y:g}"/>')
    if peers is not None and peers.count:
        parts.append(_polygon(radar_points([peers.scores[d] for d in dims]), "radar-peers"))
    own = radar_points(scores)
    parts.append(_polygon(own, "radar-municipality"))
    parts += [f'<circle class="radar-point" cx="{x:g}" cy="{y:g}" r="4"/>' for x, y in own]
    parts += [_radar_label(i, d, scores[i], lang) for i, d in enumerate(dims)]
    title = message("html.radar_title", lang)
    desc = message("html.radar_desc", lang, low=f"{BAND_LIMITS[0]:g}", high=f"{BAND_LIMITS[1]:g}")
    width, height = RADAR_SIZE
    return (
        f'<svg id="radar" class="radar-chart" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="radar-title radar-desc">'
        f'<title id="radar-title">{_e(title)}</title><desc id="radar-desc">{_e(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def bar_svg(
    value: float | None,
    peer: float | None = None,
    span: tuple[float | None, float | None] = (None, None),
) -> str:
    """One dimension's bar over the three band zones; a dashed tick marks the peer median,
    a thin line the honest range (unknown items at their worst and best)."""
    scale = BAR_WIDTH / 100
    low, high = BAND_LIMITS
    zones = [(0.0, low, Band.RED), (low, high, Band.YELLOW), (high, 100.0, Band.GREEN)]
    parts = [
        f'<rect x="{a * scale:g}" y="0" width="{(b - a) * scale:g}" height="18" '
        f'fill="{ZONE_COLOUR[band]}"/>'
        for a, b, band in zones
    ]
    band = band_of(value)
    if value is not None and band is not None:
        parts.append(
            f'<rect class="bar-value" x="0" y="4" width="{min(value, 100.0) * scale:.1f}" '
            f'height="10" fill="{BAND_COLOUR[band]}"/>'
        )
    low_end, high_end = span
    if low_end is not None and high_end is not None and high_end - low_end >= 0.05:
        parts.append(
            f'<line class="bar-range" x1="{low_end * scale:.1f}" y1="9" '
            f'x2="{high_end * scale:.1f}" y2="9"/>'
        )
    if peer is not None:
        peer = max(0.0, min(peer, 100.0))
        parts.append(
            f'<line class="bar-peer" x1="{peer * scale:.1f}" y1="0" '
            f'x2="{peer * scale:.1f}" y2="18"/>'
        )
    return (
        f'<svg class="bar" viewBox="0 0 {BAR_WIDTH} 18" '
        f'width="{BAR_WIDTH}" height="18" aria-hidden="true">' + "".join(parts) + "</svg>"
    )


# -- sections -------------------------------------------------------------------------


def _band_word(value: float | None, lang: str) -> str:
    band = band_of(value)
    word = message(f"band.{band}" if band else "band.none", lang)
    return f'<span class="band band-{band or "none"}">{_e(word)}</span>'


def _possible(band: Band | None, low: float | None, high: float | None, lang: str) -> str:
    """', red possible' when the honest range reaches other bands; empty otherwise."""
    words = band_with_range(band, low, high, lang).split(", ")[1:]
    return "".join(f", {_e(w)}" for w in words)


def _score_cell(value: float | None, lang: str) -> str:
    return _e(_num(value, lang)) if value is not None else "–"


def _bars_table(assessment: Assessment, peers: PeerMedians | None, lang: str) -> str:
    show_peers = peers is not None and peers.count > 0
    heads = [
        "report.col_dimension",
        "",
        "report.col_score",
        "report.col_band",
        "report.col_coverage",
    ]
    header = "".join(f'<th scope="col">{_e(message(k, lang)) if k else ""}</th>' for k in heads)
    if show_peers:
        header += f'<th scope="col">{_m("html.col_peers", lang)}</th>'
    rows = []
    for d in assessment.scores.dimensions:
        peer = peers.scores[d.dimension] if peers is not None and show_peers else None
        cells = (
            f'<th scope="row">{_m(f"dimension.{d.dimension}", lang)}</th>'
            f"<td>{bar_svg(d.score, peer, (d.low, d.high))}</td>"
            f'<td class="num">{_e(format_score_range(d.score, d.low, d.high, lang))}</td>'
            f"<td>{_band_word(d.score, lang)}{_possible(d.band, d.low, d.high, lang)}</td>"
            f'<td class="num">{d.coverage * 100:.0f} %</td>'
        )
        if show_peers:
            cells += f'<td class="num">{_score_cell(peer, lang)}</td>'
        rows.append(f"<tr>{cells}</tr>")
    body = "".join(rows)
    return f'<table class="bars"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def _legend(assessment: Assessment, peers: PeerMedians | None, lang: str) -> str:
    items = [f'<li><span class="key key-municipality"></span>{_e(assessment.name)}</li>']
    if peers is not None:
        type_name = message(f"type.{peers.municipality_type}", lang)
        if peers.count:
            text = message("html.legend_peers", lang, type=type_name, n=peers.count)
            items.append(f'<li><span class="key key-peers"></span>{_e(text)}</li>')
        else:
            items.append(f"<li>{_e(message('html.peers_none', lang, type=type_name))}</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'


def scores_section(assessment: Assessment, peers: PeerMedians | None, lang: str) -> str:
    """Radar, bars with bands and coverage, and the overall score."""
    s = assessment.scores
    overall = message(
        "report.overall",
        lang,
        score=_num(s.overall, lang) if s.overall is not None else "–",
        band=message(f"band.{band_of(s.overall)}" if s.overall is not None else "band.none", lang),
    )
    note = ""
    if any(d.score is None for d in s.dimensions):
        note = f'<p class="note">{_m("report.insufficient", lang)}</p>'
    return (
        f'<section id="scores"><h2>{_m("report.scores", lang)}</h2><div class="charts">'
        f'<figure class="radar">{radar_svg([d.score for d in s.dimensions], peers, lang)}'
        f"<figcaption>{_legend(assessment, peers, lang)}</figcaption></figure>"
        f"{_bars_table(assessment, peers, lang)}</div>"
        f'<p class="overall">{_e(overall)}</p>{note}</section>'
    )


def _list(lines: Iterable[str], tag: str = "ul", css_class: str = "") -> str:
    attr = f' class="{css_class}"' if css_class else ""
    return f"<{tag}{attr}>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + f"</{tag}>"


def type_section(assessment: Assessment, lang: str) -> str:
    """The type(s) and the reason, with the classifier's notes."""
    c = assessment.classification
    names = ", ".join(message(f"type.{t}", lang) for t in c.types)
    notes = c.notes(lang)
    return (
        f'<section id="type"><h2>{_m("html.heading_type", lang)}</h2>'
        f'<p class="types">{_e(message("report.type", lang, types=names))}</p>'
        f"<p>{_e(c.reason(lang))}</p>"
        + (_list(notes, css_class="notes") if notes else "")
        + "</section>"
    )


def items_section(assessment: Assessment, lang: str) -> str:
    """The strongest and weakest answered items."""
    q, s = assessment.questionnaire, assessment.scores

    def lines(items: Iterable[ItemScore]) -> list[str]:
        return [f"{q.item(i.item_id).text.get(lang)} ({_num(i.score, lang)})" for i in items]

    return (
        f'<section id="items"><h2>{_m("report.strongest", lang)}</h2>{_list(lines(s.strongest()))}'
        f"<h2>{_m('report.weakest', lang)}</h2>{_list(lines(s.weakest()))}</section>"
    )


def vision_section(assessment: Assessment, content: Content, lang: str) -> str:
    """The primary type's vision, and the bilingual one when that type applies too."""
    types = assessment.classification.types
    heading = message("report.vision", lang, type=message(f"type.{types[0]}", lang))
    vision = content.type_content(types[0]).vision.get(lang)
    html = f'<section id="vision"><h2>{_e(heading)}</h2><p>{_e(vision)}</p>'
    if MunicipalityType.SWEDISH_BILINGUAL in types[1:]:
        bilingual = content.type_content(MunicipalityType.SWEDISH_BILINGUAL).vision.get(lang)
        html += f"<h3>{_m('report.vision_bilingual', lang)}</h3><p>{_e(bilingual)}</p>"
    return html + "</section>"


def _reason(suggestion: Suggestion, questionnaire: Questionnaire, lang: str) -> str:
    """The suggestion's reason, naming its item by the question rather than the id."""
    item_id = suggestion.item_id
    known = item_id is not None and any(i.id == item_id for i in questionnaire.items)
    name = questionnaire.item(item_id).text.get(lang) if known and item_id else None
    return suggestion.reason(lang, name)


def measures_section(assessment: Assessment, content: Content, lang: str) -> str:
    """The suggested measures with why and why here; then what to ask of the state."""
    q = assessment.questionnaire
    items = "".join(
        f"<li><strong>{_e(s.measure.title.get(lang))}</strong><p>{_e(s.measure.why.get(lang))}</p>"
        f'<p class="reason">{_e(_reason(s, q, lang))}</p></li>'
        for s in assessment.suggestions
    )
    state = content.type_content(assessment.classification.primary).state_measures
    return (
        f'<section id="measures"><h2>{_m("report.measures", lang)}</h2>'
        f'<ol class="measures">{items}</ol>'
        f"<h3>{_m('report.state_measures', lang)}</h3>{_list(m.get(lang) for m in state)}</section>"
    )


def lift_section(lift: Lift, questionnaire: Questionnaire, lang: str) -> str:
    """What would lift the weakest dimension into the next band, and the measures."""
    changes = "".join(
        f"<li><strong>{_e(change_text(c, questionnaire, lang))}</strong>"
        f'<p class="measure">{_e(measure_text(c, lang))}</p></li>'
        for c in lift.changes
    )
    body = f'<ol class="lift">{changes}</ol>' if changes else ""
    if lift.outcome is Outcome.LIFTED:
        body += f'<p class="note">{_e(message("whatif.cost", lang, cost=lift.cost))}</p>'
    return (
        f'<section id="lift"><h2>{_m("whatif.heading", lang)}</h2>'
        f"<p>{_e(lift_summary(lift, lang))}</p>{body}</section>"
    )


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


def _source_cell(item: Item, lang: str) -> str:
    ind = item.indicator
    if ind is None or ind.source is None:
        return "–"
    rationale = f"<br>{_e(ind.rationale.get(lang))}" if ind.rationale is not None else ""
    return f"{_e(ind.source)}{rationale}"


def _method_table(questionnaire: Questionnaire, dimension: Dimension, lang: str) -> str:
    heads = ("html.col_question", "html.col_weight", "html.col_scoring", "html.col_source")
    header = "".join(f'<th scope="col">{_e(message(k, lang))}</th>' for k in heads)
    rows = "".join(
        f'<tr id="method-{_e(item.id)}"><td>{_e(item.text.get(lang))}</td>'
        f'<td class="num">{_e(_plain(item.weight, lang))}</td>'
        f"<td>{_e(scoring_text(item, lang))}</td><td>{_source_cell(item, lang)}</td></tr>"
        for item in questionnaire.scored_items(dimension)
    )
    return (
        f"<h3>{_m(f'dimension.{dimension}', lang)}</h3>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>"
    )


def appendix_section(questionnaire: Questionnaire, lang: str) -> str:
    """Bounds, weights, the coverage rule, the bands and the sources."""
    low, high = (f"{limit:g}" for limit in BAND_LIMITS)
    rules = [
        message("html.method_numeric", lang),
        message("html.method_choice", lang),
        message("html.method_weights", lang),
        message("html.method_coverage", lang, share=_num(MIN_COVERAGE * 100, lang, 0)),
        message("html.method_bands", lang, low=low, high=high),
        message("html.method_whatif", lang),
    ]
    sources = [message(f"html.source_{k}", lang) for k in ("programme", "method", "bands")]
    indicators = sorted(
        {
            i.indicator.source
            for i in questionnaire.scored_items()
            if i.indicator and i.indicator.source
        }
    )
    intro = message(
        "html.method_questionnaire", lang, id=questionnaire.id, version=questionnaire.version
    )
    return (
        f'<section id="methodology" class="appendix"><h2>{_m("html.heading_appendix", lang)}</h2>'
        f"<p>{_e(intro)}</p>{_list(rules)}"
        + "".join(_method_table(questionnaire, d, lang) for d in Dimension)
        + f"<h3>{_m('html.heading_sources', lang)}</h3>{_list([*sources, *indicators])}</section>"
    )


# -- the document ---------------------------------------------------------------------


@cache
def report_css() -> str:
    """The stylesheet, kept in report.css beside this module and inlined into every report."""
    return files("kuntaprofiili.views").joinpath("report.css").read_text(encoding="utf-8")


def _header(assessment: Assessment, lang: str) -> str:
    q = assessment.questionnaire
    dated = assessment.answer_set.timestamp[:10]
    meta = [message("report.questionnaire", lang, title=q.title.get(lang), version=q.version)]
    if dated:
        meta.append(message("html.dated", lang, date=dated))
    return (
        f'<header><a class="skip" href="#methodology">{_m("html.skip_link", lang)}</a>'
        f"<h1>{_e(message('report.title', lang, name=assessment.name))}</h1>"
        + "".join(f'<p class="meta">{_e(line)}</p>' for line in meta)
        + "</header>"
    )


def render_html(
    assessment: Assessment,
    content: Content,
    lang: str,
    peers: PeerMedians | None = None,
    generated: str | None = None,
    lift: Lift | None = None,
) -> str:
    """The whole report as one HTML document; ``generated`` is the date for the footer."""
    a = assessment
    if lift is None:
        lift = lift_of(a, content)
    footer = (
        f"<footer><p>{_e(message('html.generated', lang, date=generated))}</p></footer>"
        if generated
        else ""
    )
    body = "".join(
        (
            _header(a, lang),
            "<main>",
            scores_section(a, peers, lang),
            type_section(a, lang),
            items_section(a, lang),
            vision_section(a, content, lang),
            measures_section(a, content, lang),
            lift_section(lift, a.questionnaire, lang),
            appendix_section(a.questionnaire, lang),
            "</main>",
            footer,
        )
    )
    title = message("report.title", lang, name=a.name)
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{report_css()}</style></head>\n<body>{body}</body></html>\n"
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
