"""Compare two assessments (e.g. two years): what changed, and whose change it was.

When the questionnaire changed between the two, a plain difference would mix what the
municipality did with what the method did. So the old answers are scored three ways:

- ``old``: old answers, old questionnaire (what was reported then);
- ``rescored``: old answers, new questionnaire (the same municipality, today's method);
- ``new``: new answers, new questionnaire.

Then ``total = new - old`` splits exactly into ``method = rescored - old`` and
``municipality = new - rescored``. With the same questionnaire ``rescored`` equals
``old`` and the whole change is the municipality's. Old answers that the new
questionnaire no longer knows (a removed item or choice) simply do not count there,
as the scoring engine treats them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kuntaprofiili.core.answers import Answers, AnswerValue
from kuntaprofiili.i18n import message
from kuntaprofiili.core.model import Dimension, Item, Questionnaire
from kuntaprofiili.core.scoring import Scores, band_of, score

EPSILON = 1e-9


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


@dataclass(frozen=True, slots=True)
class Split:
    """One score three ways; the differences are None where a score is missing."""

    old: float | None  # old answers, old method
    rescored: float | None  # old answers, new method
    new: float | None  # new answers, new method

    @property
    def total(self) -> float | None:
        """The whole change: new minus old."""
        return _minus(self.new, self.old)

    @property
    def method(self) -> float | None:
        """The part the questionnaire's change made."""
        return _minus(self.rescored, self.old)

    @property
    def municipality(self) -> float | None:
        """The part the municipality's own answers made."""
        return _minus(self.new, self.rescored)

    @property
    def changed(self) -> bool:
        """Whether any of the three differs from another."""
        values = (self.old, self.rescored, self.new)
        if any(v is None for v in values) and not all(v is None for v in values):
            return True
        return any(abs(d) > EPSILON for d in (self.method or 0.0, self.municipality or 0.0))


@dataclass(frozen=True, slots=True)
class DimensionChange:
    """A dimension's score and coverage, three ways."""

    dimension: Dimension
    score: Split
    coverage: Split


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item: both answers and its 0-100 item score three ways."""

    item_id: str
    dimension: Dimension
    old_answer: AnswerValue | None
    new_answer: AnswerValue | None
    score: Split
    in_old: bool = True  # the item is in the old questionnaire
    in_new: bool = True

    @property
    def changed(self) -> bool:
        """An answer or a score moved, or the item came or went."""
        return (
            self.old_answer != self.new_answer
            or self.score.changed
            or not (self.in_old and self.in_new)
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything ``kuntaprofiili compare`` shows."""

    questionnaire_id: str
    old_version: str
    new_version: str
    dimensions: tuple[DimensionChange, ...]
    overall: Split
    items: tuple[ItemChange, ...]

    @property
    def method_changed(self) -> bool:
        """Whether the two were scored with different questionnaire versions."""
        return self.old_version != self.new_version

    def dimension(self, dimension: Dimension) -> DimensionChange:
        """The change of one dimension."""
        return next(d for d in self.dimensions if d.dimension == dimension)

    def item(self, item_id: str) -> ItemChange:
        """The change of one item; KeyError if neither questionnaire has it."""
        for change in self.items:
            if change.item_id == item_id:
                return change
        raise KeyError(item_id)


def compare(
    old_questionnaire: Questionnaire,
    old_answers: Answers,
    new_questionnaire: Questionnaire,
    new_answers: Answers,
) -> Comparison:
    """Per-dimension and per-item changes, split into method and municipality."""
    old = score(old_questionnaire, old_answers)
    rescored = score(new_questionnaire, old_answers)
    new = score(new_questionnaire, new_answers)
    dimensions = tuple(
        DimensionChange(
            d,
            Split(old.dimension(d).score, rescored.dimension(d).score, new.dimension(d).score),
            Split(
                old.dimension(d).coverage, rescored.dimension(d).coverage, new.dimension(d).coverage
            ),
        )
        for d in Dimension
    )
    items = _item_changes(
        old_questionnaire, new_questionnaire, old_answers, new_answers, (old, rescored, new)
    )
    return Comparison(
        new_questionnaire.id,
        old_questionnaire.version,
        new_questionnaire.version,
        dimensions,
        Split(old.overall, rescored.overall, new.overall),
        items,
    )


def _item_scores(scores: Scores) -> dict[str, float]:
    return {i.item_id: i.score for i in scores.items}


def _item_changes(
    old_q: Questionnaire,
    new_q: Questionnaire,
    old_answers: Answers,
    new_answers: Answers,
    three: tuple[Scores, Scores, Scores],
) -> tuple[ItemChange, ...]:
    """Every scored item of either questionnaire: the new one's order, then the removed."""
    old_s, rescored_s, new_s = (_item_scores(s) for s in three)
    old_ids = {i.id for i in old_q.scored_items()}
    new_ids = {i.id for i in new_q.scored_items()}
    removed = [i for i in old_q.scored_items() if i.id not in new_ids]
    changes = []
    for item in (*new_q.scored_items(), *removed):
        source = new_q if item.id in new_ids else old_q
        split = Split(old_s.get(item.id), rescored_s.get(item.id), new_s.get(item.id))
        changes.append(
            ItemChange(
                item.id,
                Dimension(source.section_of(item.id).dimension),
                old_answers.get(item.id),
                new_answers.get(item.id),
                split,
                in_old=item.id in old_ids,
                in_new=item.id in new_ids,
            )
        )
    return tuple(changes)


# -- terminal -------------------------------------------------------------------------


def signed(value: float | None, lang: str) -> str:
    """'+5,0', '−3,2' or '±0,0' (decimal comma in fi/sv); '–' when unknown."""
    if value is None:
        return "–"
    if abs(value) < 0.05:
        text = "±0.0"
    else:
        text = f"{value:+.1f}".replace("-", "−")
    return text.replace(".", ",") if lang in ("fi", "sv") else text


def _score(value: float | None, lang: str) -> str:
    from kuntaprofiili.views.report import band_label, fmt_score

    if value is None:
        return band_label(None, lang)
    return f"{fmt_score(value, lang)} {band_label(band_of(value), lang)}"


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
    rows = [(message(f"dimension.{d.dimension}", lang), d.score) for d in comparison.dimensions]
    rows.append((message("compare.overall", lang), comparison.overall))
    for name, s in rows:
        cells = [name, _score(s.old, lang), _score(s.new, lang), signed(s.total, lang)]
        if split:
            cells += [signed(s.method, lang), signed(s.municipality, lang)]
        table.add_row(*cells)
    return table


def _answer(item: Item | None, value: AnswerValue | None, lang: str) -> str:
    from kuntaprofiili.core.whatif import answer_text

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
        table.add_row(*_item_cells(change, old_q, new_q, comparison.method_changed, lang))
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
    cells = [question, answers, signed(change.score.total, lang)]
    if split:
        cells += [signed(change.score.method, lang), signed(change.score.municipality, lang)]
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
