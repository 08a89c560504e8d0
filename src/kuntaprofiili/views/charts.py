"""The charts of the HTML reports as inline SVG: a radar and per-dimension bars, and for
the robustness report one rank-interval bar per municipality and a bar per choice.

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


# -- the robustness report ----------------------------------------------------------------

RANK_WIDTH = 280
RANK_HEIGHT = 14
RANK_PAD = 6  # room for the median mark at rank 1 and at the last rank


def rank_x(rank: float, count: int, width: int = RANK_WIDTH) -> float:
    """Where ``rank`` (1 = best, on the left) sits on a scale of ``count`` ranks."""
    share = (rank - 1) / (count - 1) if count > 1 else 0.0
    return RANK_PAD + max(0.0, min(share, 1.0)) * (width - 2 * RANK_PAD)


def rank_interval_svg(low: float, median: float, high: float, count: int) -> str:
    """One municipality's 5–95 % rank interval as a bar, with its median rank as a mark."""
    x_low, x_high, x_median = (rank_x(r, count) for r in (low, high, median))
    width = max(x_high - x_low, 2.0)  # a rank that never moves is still a visible bar
    return (
        f'<svg class="rank-bar" viewBox="0 0 {RANK_WIDTH} {RANK_HEIGHT}" '
        f'width="{RANK_WIDTH}" height="{RANK_HEIGHT}" aria-hidden="true">'
        f'<rect class="rank-track" x="0" y="6" width="{RANK_WIDTH}" height="2"/>'
        f'<rect class="rank-interval" x="{x_low - (width - (x_high - x_low)) / 2:.1f}" y="2" '
        f'width="{width:.1f}" height="10"/>'
        f'<line class="rank-median" x1="{x_median:.1f}" y1="0" x2="{x_median:.1f}" '
        f'y2="{RANK_HEIGHT}"/></svg>'
    )


def rank_ticks(count: int) -> list[int]:
    """About five round ranks from 1 to ``count`` for the axis, the last one ``count``
    (a round rank too close to it is dropped, so that their numbers do not overlap)."""
    if count <= 1:
        return [1]
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if count / s <= 6)
    kept = [r for r in range(step, count, step) if r > 1 and count - r >= step * 0.75]
    return [1, *kept, count]


def rank_axis_svg(count: int, lang: str) -> str:
    """The rank scale above the bars: a tick and a number at each of ``rank_ticks``."""
    parts = []
    for rank in rank_ticks(count):
        x = rank_x(rank, count)
        parts.append(f'<line class="rank-tick" x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="18"/>')
        anchor = "end" if rank == count > 1 else "middle"  # the last number inside the box
        parts.append(
            f'<text class="rank-label" x="{x:.1f}" y="11" text-anchor="{anchor}">'
            f"{_e(_num(rank, lang, 0))}</text>"
        )
    return (
        f'<svg class="rank-axis" viewBox="0 0 {RANK_WIDTH} 18" width="{RANK_WIDTH}" '
        f'height="18" aria-hidden="true">' + "".join(parts) + "</svg>"
    )


def share_svg(first: float, total: float) -> str:
    """A choice's total share (light) with its first-order share (dark) inside it."""
    scale = BAR_WIDTH

    def bar(css: str, share: float, y: int, height: int) -> str:
        share = max(0.0, min(share, 1.0))
        return f'<rect class="{css}" x="0" y="{y}" width="{share * scale:.1f}" height="{height}"/>'

    return (
        f'<svg class="share-bar" viewBox="0 0 {BAR_WIDTH} 18" width="{BAR_WIDTH}" height="18" '
        f'aria-hidden="true"><rect class="share-track" x="0" y="0" width="{BAR_WIDTH}" '
        f'height="18"/>{bar("share-total", total, 2, 14)}{bar("share-first", first, 6, 6)}</svg>'
    )
