"""The charts of the HTML report: a radar and per-dimension bars, as inline SVG.

They are drawn from numbers; the few labels in them go through :func:`html.escape`, so
the template can take the SVG as markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from kuntaprofiili.core.model import Dimension
from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.core.scoring import BAND_LIMITS, Band, band_of
from kuntaprofiili.i18n import message

RADAR_SIZE = (520, 380)
RADAR_CENTRE = (260.0, 190.0)
RADAR_RADIUS = 120.0
BAR_WIDTH = 200
BAND_COLOUR = {Band.RED: "#c0392b", Band.YELLOW: "#e0a800", Band.GREEN: "#2e8b57"}
ZONE_COLOUR = {Band.RED: "#f9dedc", Band.YELLOW: "#fdf1c7", Band.GREEN: "#d7efdf"}


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _m(key: str, lang: str, /, **params: object) -> str:
    return _e(message(key, lang, **params))


def _num(value: float, lang: str, digits: int = 1) -> str:
    return format_number(value, lang, digits)


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


def radar_svg(
    scores: Sequence[float | None], peer_scores: Sequence[float | None] | None, lang: str
) -> str:
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
    if peer_scores is not None:
        parts.append(_polygon(radar_points(peer_scores), "radar-peers"))
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
