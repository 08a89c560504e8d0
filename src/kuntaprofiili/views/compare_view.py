"""The terminal view of a comparison: dimensions, items, and whose change it was."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kuntaprofiili.core.answers import AnswerValue, answer_text
from kuntaprofiili.core.compare import Comparison, ItemChange
from kuntaprofiili.core.model import Item, Questionnaire
from kuntaprofiili.core.numbers import format_score_range, format_signed
from kuntaprofiili.core.scoring import band_of
from kuntaprofiili.i18n import message
from kuntaprofiili.views.labels import band_with_range, score_with_band


def _score(value: float | None, lang: str, span: tuple[float | None, float | None]) -> str:
    """'54,0 keltainen', with the honest range when unknown answers leave one."""
    low, high = span
    if value is None or low is None or high is None or high - low < 0.05:
        return score_with_band(value, lang)
    ranged = format_score_range(value, low, high, lang)
    return f"{ranged} {band_with_range(band_of(value), low, high, lang)}"


def comparison_table(comparison: Comparison, lang: str) -> Table:
    """Dimensions and overall: before, now, change (and its split if the method changed)."""
    split = comparison.method_changed
    table = Table(box=None, show_header=True, pad_edge=False, padding=(0, 1))
    table.add_column(message("report.col_dimension", lang))
    table.add_column(message("compare.col_old", lang))
    table.add_column(message("compare.col_new", lang))
    table.add_column(message("compare.col_change", lang), justify="right")
    if split:
        table.add_column(message("compare.col_method", lang), justify="right")
        table.add_column(message("compare.col_municipality", lang), justify="right")
    rows = [
        (message(f"dimension.{d.dimension}", lang), d.score, d.old_range, d.new_range)
        for d in comparison.dimensions
    ]
    rows.append(
        (
            message("compare.overall", lang),
            comparison.overall,
            comparison.overall_old_range,
            comparison.overall_new_range,
        )
    )
    for name, s, old_range, new_range in rows:
        cells = [name, _score(s.old, lang, old_range), _score(s.new, lang, new_range)]
        cells.append(format_signed(s.total, lang))
        if split:
            cells += [format_signed(s.method, lang), format_signed(s.municipality, lang)]
        table.add_row(*cells)
    return table


def _answer(item: Item | None, value: AnswerValue | None, lang: str) -> str:
    if item is None:
        return "–"
    return answer_text(item, value, lang)


def items_table(
    comparison: Comparison,
    old_q: Questionnaire,
    new_q: Questionnaire,
    lang: str,
    every: bool = False,
) -> RenderableType:
    """The items whose answer or score changed (or all): answers and item-score change."""
    shown = [c for c in comparison.items if every or c.changed]
    key = "compare.all_items_heading" if every else "compare.items_heading"
    heading = Text("\n" + message(key, lang), style="bold underline")
    if not shown:
        return Group(heading, Text(message("compare.no_item_changes", lang)))
    table = Table(box=None, show_header=True, pad_edge=False, padding=(0, 1))
    table.add_column(message("compare.col_question", lang), overflow="fold", ratio=3)
    table.add_column(message("compare.col_answers", lang), overflow="fold", ratio=2)
    table.add_column(message("compare.col_change", lang), justify="right", no_wrap=True)
    if comparison.method_changed:
        table.add_column(message("compare.col_method", lang), justify="right", no_wrap=True)
        table.add_column(message("compare.col_municipality", lang), justify="right", no_wrap=True)
    for change in shown:
        cells = _item_cells(change, old_q, new_q, comparison.method_changed, lang)
        table.add_row(*(Text(cell) for cell in cells))  # question texts are not markup
    return Group(heading, table)


def _item_cells(
    change: ItemChange, old_q: Questionnaire, new_q: Questionnaire, split: bool, lang: str
) -> list[str]:
    old_item = _find(old_q, change.item_id)
    new_item = _find(new_q, change.item_id)
    shown_item = new_item or old_item
    question = shown_item.text.get(lang) if shown_item is not None else change.item_id
    if not change.in_new:
        question += f" ({message('compare.removed', lang)})"
    elif not change.in_old:
        question += f" ({message('compare.added', lang)})"
    before = _answer(old_item, change.old_answer, lang)
    answers = f"{before} → {_answer(new_item, change.new_answer, lang)}"
    cells = [question, answers, format_signed(change.score.total, lang)]
    if split:
        cells += [
            format_signed(change.score.method, lang),
            format_signed(change.score.municipality, lang),
        ]
    return cells


def _find(questionnaire: Questionnaire, item_id: str) -> Item | None:
    try:
        return questionnaire.item(item_id)
    except KeyError:
        return None


def build_comparison(
    comparison: Comparison,
    old_q: Questionnaire,
    new_q: Questionnaire,
    labels: tuple[str, str],
    lang: str,
    every: bool = False,
) -> RenderableType:
    """The whole terminal view: title, what the versions mean, dimensions, items."""
    if comparison.method_changed:
        note = message(
            "compare.method_changed", lang, old=comparison.old_version, new=comparison.new_version
        )
    else:
        note = message(
            "compare.same_method",
            lang,
            id=comparison.questionnaire_id,
            version=comparison.new_version,
        )
    return Group(
        Text(message("compare.title", lang, old=labels[0], new=labels[1]), style="bold"),
        Text(note, style="italic"),
        Text(""),
        comparison_table(comparison, lang),
        items_table(comparison, old_q, new_q, lang, every),
    )
