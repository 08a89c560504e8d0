"""The terminal report, built as Rich renderables; the CLI prints them.

Readable without colour (NO_COLOR) and at 80 columns: every band is also written as a
word, and the bars are Unicode blocks whose length carries the score.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from kuntaprofiili.core.assessment import Assessment
from kuntaprofiili.core.content import Content
from kuntaprofiili.core.model import MunicipalityType
from kuntaprofiili.core.numbers import format_number, format_score, format_score_range
from kuntaprofiili.core.scoring import BAND_LIMITS, Band, DimensionScore, ItemScore
from kuntaprofiili.i18n import message
from kuntaprofiili.views.labels import band_with_range

BAR_WIDTH = 24
BAND_STYLE = {Band.RED: "red", Band.YELLOW: "yellow", Band.GREEN: "green"}
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(score: float | None, width: int = BAR_WIDTH) -> str:
    """A bar of Unicode blocks, ``width`` cells for 100; light shade for the rest."""
    if score is None:
        return "·" * width
    eighths = round(max(0.0, min(score, 100.0)) / 100 * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text + "░" * (width - len(text))


def dimension_table(dimensions: tuple[DimensionScore, ...], lang: str) -> Table:
    """One row per dimension: name, bar, score, band, coverage."""
    table = Table(box=None, show_header=True, pad_edge=False, padding=(0, 1))
    table.add_column(message("report.col_dimension", lang))
    table.add_column("0" + " " * (BAR_WIDTH - 4) + "100", no_wrap=True)
    table.add_column(message("report.col_score", lang), justify="right")
    table.add_column(message("report.col_band", lang))
    table.add_column(message("report.col_coverage", lang), justify="right")
    for dim in dimensions:
        style = BAND_STYLE.get(dim.band, "dim") if dim.band else "dim"
        table.add_row(
            message(f"dimension.{dim.dimension}", lang),
            Text(bar(dim.score), style=style),
            format_score_range(dim.score, dim.low, dim.high, lang),
            Text(band_with_range(dim.band, dim.low, dim.high, lang), style=style),
            f"{format_number(dim.coverage * 100, lang, 0)}\u00a0%",
        )
    return table


def legend(lang: str) -> Text:
    """One line on what the bands and the coverage mean."""
    low, high = (format_number(limit, lang) for limit in BAND_LIMITS)
    return Text(message("report.legend", lang, low=low, high=high), style="dim")


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def _bullets(lines: Iterator[str] | list[str]) -> RenderableType:
    """A bulleted list whose wrapped lines hang under the text, not under the bullet."""
    return _hanging((("•", line) for line in lines), indent=2)


def _hanging(rows: Iterator[tuple[str, str]], indent: int = 0) -> RenderableType:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column()
    for mark, text in rows:
        grid.add_row(mark, Text(text))
    return Padding(grid, (0, 0, 0, indent))


def _item_lines(assessment: Assessment, items: tuple[ItemScore, ...], lang: str) -> list[str]:
    questionnaire = assessment.questionnaire
    return [
        message(
            "report.item_score",
            lang,
            item=questionnaire.item(i.item_id).text.get(lang),
            score=format_score(i.score, lang),
        )
        for i in items
    ]


def header(assessment: Assessment, lang: str) -> RenderableType:
    """Municipality, questionnaire, and the type with its reason."""
    c = assessment.classification
    q = assessment.questionnaire
    lines = [
        Text(message("report.title", lang, name=display_name(assessment, lang)), style="bold"),
        Text(message("report.questionnaire", lang, title=q.title.get(lang), version=q.version)),
        Text(
            message("report.type", lang, types=", ".join(type_names(c.types, lang))),
            style="bold",
        ),
        Text(c.reason(lang)),
        *(Text(note, style="italic") for note in c.notes(lang)),
    ]
    return Group(*lines)


def display_name(assessment: Assessment, lang: str) -> str:
    """The municipality's name in ``lang`` when the data knows it (Raseborg in Swedish,
    Raasepori in Finnish); otherwise the name as the user wrote it."""
    place = assessment.municipality
    written = assessment.answer_set.municipality
    known = place is not None and written in (None, place.code, place.name_fi, place.name_sv)
    return place.name(lang) if known and place is not None else assessment.name


def type_names(types: tuple[MunicipalityType, ...], lang: str) -> list[str]:
    """Type names in ``lang``."""
    return [message(f"type.{t}", lang) for t in types]


def scores_block(assessment: Assessment, lang: str) -> RenderableType:
    """Dimension bars, overall score, strongest and weakest items."""
    s = assessment.scores
    overall = message(
        "report.overall",
        lang,
        score=format_score_range(s.overall, s.low, s.high, lang),
        band=band_with_range(_band(s.overall), s.low, s.high, lang),
    )
    parts: list[RenderableType] = [
        _heading(message("report.scores", lang)),
        dimension_table(s.dimensions, lang),
    ]
    parts.append(legend(lang))
    parts.append(Text(overall, style="bold"))
    if any(d.score is None for d in s.dimensions):
        parts.append(Text(message("report.insufficient", lang), style="italic"))
    parts += open_block(assessment, lang)
    parts += [
        _heading(message("report.strongest", lang)),
        _bullets(_item_lines(assessment, s.strongest(), lang)),
        _heading(message("report.weakest", lang)),
        _bullets(_item_lines(assessment, s.weakest(), lang)),
    ]
    return Group(*parts)


OPEN_SHOWN = 3


def open_block(assessment: Assessment, lang: str) -> list[RenderableType]:
    """The range explained and the unknown items that could move the score most."""
    s = assessment.scores
    if not s.open:
        return []
    lines = [
        message(
            "range.open_line",
            lang,
            item=assessment.questionnaire.item(o.item_id).text.get(lang),
            span=format_score(o.span, lang),
        )
        for o in s.open[:OPEN_SHOWN]
    ]
    return [
        Text(message("range.explained", lang), style="italic"),
        _heading(message("range.open_heading", lang)),
        _bullets(lines),
    ]


def _band(score: float | None) -> Band | None:
    from kuntaprofiili.core.scoring import band_of

    return band_of(score)


COMPACT_LINES = 3  # list entries per programme heading in the compact report


def _programme_list(title: str, lines: list[str], lang: str, full: bool) -> list[RenderableType]:
    shown = lines if full else lines[:COMPACT_LINES]
    parts: list[RenderableType] = [Padding(Text(title, style="bold"), (0, 0, 0, 2))]
    parts.append(Padding(_bullets(shown), (0, 0, 0, 2)))
    if len(shown) < len(lines):
        more = message("programme.more", lang, n=len(lines) - len(shown))
        parts.append(Padding(Text(more, style="italic"), (0, 0, 0, 6)))
    return parts


def programme_block(
    assessment: Assessment, content: Content, lang: str, full: bool = False
) -> RenderableType:
    """Kuntaliitto's programme for each of the municipality's types: vision, challenges,
    opportunities, what the municipality can do and goals towards the state."""
    parts: list[RenderableType] = []
    for municipality_type in assessment.classification.types:
        tc = content.type_content(municipality_type)
        name = message(f"type.{municipality_type}", lang)
        parts.append(_heading(message("programme.heading", lang, type=name)))
        parts.append(Padding(Text(message("programme.vision", lang), style="bold"), (0, 0, 0, 2)))
        parts.append(Padding(Text(tc.vision.get(lang)), (0, 0, 0, 4)))
        sections = [
            ("programme.challenges", tc.challenges),
            ("programme.opportunities", tc.opportunities),
            ("programme.municipal", tc.municipal_measures),
            ("programme.state", tc.state_measures),
        ]
        for key, texts in sections:
            lines = [t.get(lang) for t in texts]
            parts += _programme_list(message(key, lang), lines, lang, full)
    if full:
        parts.append(_heading(message("programme.general", lang)))
        parts.append(Padding(Text(content.general_vision.get(lang)), (0, 0, 0, 2)))
    return Group(*parts)


def aland_lines(assessment: Assessment, content: Content, lang: str) -> list[str]:
    """Why the advice of an Åland municipality differs, and the questions that read
    differently there; empty elsewhere."""
    if not assessment.in_aland:
        return []
    types = assessment.classification.types
    left_out = [m.title.get(lang) for m in content.measures if m.mainland_only and m.suits(types)]
    lines = [message("aland.intro", lang, name=assessment.name)]
    if left_out:
        lines.append(message("aland.left_out", lang, titles="; ".join(left_out)))
    notes = [i for i in assessment.questionnaire.items if i.aland_note is not None]
    if notes:
        lines.append(message("aland.questions", lang))
        lines += [
            message(
                "aland.question_note", lang, question=i.text.get(lang), note=i.aland_note.get(lang)
            )
            for i in notes
            if i.aland_note
        ]
    return lines


def advice_block(
    assessment: Assessment, content: Content, lang: str, full: bool = False
) -> RenderableType:
    """The programme per type, the suggested measures with their sources and the answers
    behind them, and what Åland changes."""
    parts: list[RenderableType] = [programme_block(assessment, content, lang, full)]
    parts.append(_heading(message("report.measures", lang)))
    for number, suggestion in enumerate(assessment.suggestions, start=1):
        measure = suggestion.measure
        reason = suggestion.reason(lang, lambda i: assessment.item_text(i, lang))
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column()
        grid.add_row(f"{number}.", Text(measure.title.get(lang), style="bold"))
        grid.add_row("", Text(measure.why.get(lang)))
        grid.add_row("", Text(reason, style="italic"))
        grid.add_row("", Text(measure.source.text(lang), style="dim"))
        parts.append(grid)
    aland = aland_lines(assessment, content, lang)
    if aland:
        parts.append(_heading(message("aland.heading", lang)))
        parts.append(_bullets(aland))
    return Group(*parts)


def evidence_lines(assessment: Assessment, lang: str) -> list[str]:
    """The sources and notes recorded beside the answers, one line per item in
    questionnaire order; the terminal and the HTML report both list these."""
    from kuntaprofiili.core.answers import answer_text

    evidence = assessment.answer_set.evidence
    lines = []
    for item in assessment.questionnaire.items:
        if item.id not in evidence:
            continue
        e = evidence[item.id]
        parts = [message("evidence.line_source", lang, source=e.source)] if e.source else []
        parts += [message("evidence.line_year", lang, year=e.year)] if e.year else []
        parts += [message("evidence.line_note", lang, note=e.note)] if e.note else []
        answer = answer_text(item, assessment.answer_set.answers.get(item.id), lang)
        lines.append(f"{item.text.get(lang)} ({answer}) – " + "; ".join(parts))
    return lines


def evidence_block(assessment: Assessment, lang: str) -> list[RenderableType]:
    """The sources and notes under their heading; nothing when none were recorded."""
    lines = evidence_lines(assessment, lang)
    if not lines:
        return []
    return [_heading(message("evidence.heading", lang)), _bullets(lines)]


def build_report(
    assessment: Assessment, content: Content, lang: str, full: bool = False
) -> RenderableType:
    """The whole report; ``full`` shows the programme's whole text."""
    from kuntaprofiili.views.whatif_view import whatif_block

    return Group(
        header(assessment, lang),
        scores_block(assessment, lang),
        whatif_block(assessment, content, lang),
        advice_block(assessment, content, lang, full),
        *evidence_block(assessment, lang),
    )
