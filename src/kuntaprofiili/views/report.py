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
from kuntaprofiili.core.numbers import format_number, format_score
from kuntaprofiili.core.scoring import BAND_LIMITS, Band, DimensionScore, ItemScore
from kuntaprofiili.i18n import message
from kuntaprofiili.views.labels import band_label

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
            format_score(dim.score, lang),
            Text(band_label(dim.band, lang), style=style),
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
        f"{questionnaire.item(i.item_id).text.get(lang)} ({format_score(i.score, lang)})"
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
        score=format_score(s.overall, lang),
        band=band_label(_band(s.overall), lang),
    )
    parts: list[RenderableType] = [
        _heading(message("report.scores", lang)),
        dimension_table(s.dimensions, lang),
    ]
    parts.append(legend(lang))
    parts.append(Text(overall, style="bold"))
    if any(d.score is None for d in s.dimensions):
        parts.append(Text(message("report.insufficient", lang), style="italic"))
    parts += [
        _heading(message("report.strongest", lang)),
        _bullets(_item_lines(assessment, s.strongest(), lang)),
        _heading(message("report.weakest", lang)),
        _bullets(_item_lines(assessment, s.weakest(), lang)),
    ]
    return Group(*parts)


def _band(score: float | None) -> Band | None:
    from kuntaprofiili.core.scoring import band_of

    return band_of(score)


def advice_block(assessment: Assessment, content: Content, lang: str) -> RenderableType:
    """The type's vision, the suggested measures and what to advocate for."""
    types = assessment.classification.types
    primary = content.type_content(types[0])
    parts: list[RenderableType] = [
        _heading(message("report.vision", lang, type=message(f"type.{types[0]}", lang)))
    ]
    parts.append(Padding(Text(primary.vision.get(lang)), (0, 0, 0, 2)))
    if MunicipalityType.SWEDISH_BILINGUAL in types[1:]:
        bilingual = content.type_content(MunicipalityType.SWEDISH_BILINGUAL)
        parts.append(_heading(message("report.vision_bilingual", lang)))
        parts.append(Padding(Text(bilingual.vision.get(lang)), (0, 0, 0, 2)))
    parts.append(_heading(message("report.measures", lang)))
    for number, suggestion in enumerate(assessment.suggestions, start=1):
        measure = suggestion.measure
        reason = suggestion.reason(lang, assessment.item_text(suggestion.item_id, lang))
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column()
        grid.add_row(f"{number}.", Text(measure.title.get(lang), style="bold"))
        grid.add_row("", Text(measure.why.get(lang)))
        grid.add_row("", Text(reason, style="italic"))
        parts.append(grid)
    parts.append(_heading(message("report.state_measures", lang)))
    parts.append(_bullets([m.get(lang) for m in primary.state_measures]))
    return Group(*parts)


def build_report(assessment: Assessment, content: Content, lang: str) -> RenderableType:
    """The whole report."""
    from kuntaprofiili.views.whatif_view import whatif_block

    return Group(
        header(assessment, lang),
        scores_block(assessment, lang),
        whatif_block(assessment, content, lang),
        advice_block(assessment, content, lang),
    )
