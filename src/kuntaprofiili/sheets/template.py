"""The batch template: the sheet an official fills in Excel, one row per municipality.

``build_template`` is pure: it decides the columns (``municipality``, ``year``, then one
per question, the item id as header), the second header row (question text and unit),
the cell comments (help and the allowed answers) and the drop-downs. ``write_template``
writes it as XLSX (with data validation) or CSV. The second header row starts with a
fixed text, so ``batch`` recognises it and numbers rows as Excel shows them.

After the answer columns come the evidence columns, per item in questionnaire order:
``{item}_source``, for a figure ``{item}_year``, and ``{item}_note`` (what
:mod:`kuntaprofiili.core.evidence` keeps beside an answer). They come last so that the
answers stay side by side and keep the places they had; in the XLSX they are one outline
group, greyed, which a click folds away.
"""

from __future__ import annotations

import math
from collections.abc import Container, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kuntaprofiili.core.evidence import FIELDS, YEARS
from kuntaprofiili.core.model import Item, Questionnaire
from kuntaprofiili.core.numbers import plain_number
from kuntaprofiili.core.text import fold
from kuntaprofiili.files.export import (
    CSV_FORMATS,
    CsvDialect,
    format_cell,
    neutralise,
    strip_controls,
)
from kuntaprofiili.files.safeio import ensure_writable, write_atomic
from kuntaprofiili.i18n import LANGS, message
from kuntaprofiili.views.labels import statistic_text

MUNICIPALITY = "municipality"
YEAR = "year"
MUNICIPALITY_HEADERS = frozenset({MUNICIPALITY, "kunta", "kommun"})  # folded
YEAR_HEADERS = frozenset({YEAR, "vuosi", "ar"})
VALIDATED_ROWS = 5_000  # drop-downs reach this far down the sheet
LISTS_SHEET = "lists"
_WIDTHS = (28, 24)  # characters: the municipality column, a question's column
_LINE_CHARS = (30, 26)  # about as many characters fit a line of those widths (italic)
_EVIDENCE_GREY = "595959"


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    """One column of the template."""

    header: str  # the item id, or municipality / year
    description: str  # the second header row: question text and unit
    note: str  # the header cell's comment: help and the allowed answers
    choices: tuple[str, ...] = ()  # the drop-down: the template's language first, then
    # every other form batch accepts (codes, other languages' labels), so none is flagged
    number_range: tuple[float, float] | None = None
    dont_know: bool = False
    evidence: bool = False  # a source, year or note column rather than an answer


@dataclass(frozen=True, slots=True)
class TemplateCell:
    """A data cell written into the template (``template --prefill``), with its note."""

    value: str | float
    note: str = ""  # the cell's comment in the XLSX
    source: str = ""  # for a fetched value: its attribution and statistical year
    year: int = 0


@dataclass(frozen=True, slots=True)
class Template:
    """The whole template in one language; ``rows`` are data rows already filled in
    (one cell or None per column), written under the two header rows."""

    lang: str
    sheet_title: str
    columns: tuple[TemplateColumn, ...]
    rows: tuple[tuple[TemplateCell | None, ...], ...] = ()


def build_template(questionnaire: Questionnaire, lang: str) -> Template:
    """The template's columns for ``questionnaire``, texts in ``lang``."""
    fixed = (
        TemplateColumn(
            MUNICIPALITY,
            message("template.municipality_text", lang),
            message("template.municipality_note", lang),
        ),
        TemplateColumn(
            YEAR,
            message("template.year_text", lang),
            message("template.year_note", lang),
            number_range=(1900, 2100),
        ),
    )
    profile = {item.id for item in questionnaire.profile_items()}
    items = tuple(_item_column(item, lang, item.id in profile) for item in questionnaire.items)
    evidence = tuple(
        _evidence_column(item, part, lang)
        for item in questionnaire.items
        for part in evidence_parts(item)
    )
    return Template(lang, message("template.sheet_title", lang), fixed + items + evidence)


# -- evidence columns ---------------------------------------------------------------------


def evidence_parts(item: Item) -> tuple[str, ...]:
    """The template's evidence columns of an item: a year only for a figure."""
    return ("source", "year", "note") if item.numeric else ("source", "note")


def evidence_header(item_id: str, part: str) -> str:
    """The header of an item's evidence column: ``ghg_per_capita_source``."""
    return f"{item_id}_{part}"


def evidence_column_of(header: str, ids: Container[str]) -> tuple[str, str] | None:
    """(item id, part) when a folded header is an evidence column of a known item.

    Any of ``FIELDS`` is read for any item, as in an answers file.
    """
    item, sep, part = header.rpartition("_")
    return (item, part) if sep and part in FIELDS and item in ids else None


def _evidence_column(item: Item, part: str, lang: str) -> TemplateColumn:
    """A source, year or note column: what to write, beside which question."""
    description = message(f"template.evidence_{part}_text", lang, question=item.text.get(lang))
    note = message(f"template.evidence_{part}_note", lang, item=item.id)
    bounds = (float(YEARS[0]), float(YEARS[1])) if part == "year" else None
    header = evidence_header(item.id, part)
    return TemplateColumn(header, description, note, number_range=bounds, evidence=True)


def _item_column(item: Item, lang: str, profile: bool) -> TemplateColumn:
    """A question's column; a number gets a range check, a choice a drop-down of labels."""
    text = item.text.get(lang)
    dont_know = message("template.dont_know", lang)
    choices: tuple[str, ...] = ()
    if item.indicator is not None:
        unit = item.indicator.unit.get(lang)
        low, high = item.indicator.min, item.indicator.max
        allowed = message(
            "template.allowed_number",
            lang,
            min=plain_number(low),
            max=plain_number(high),
            unit=unit,
        )
        description, bounds = f"{text} ({unit})", (low, high)
    else:
        labels = tuple(c.label.get(lang) for c in item.choices)
        allowed = message("template.allowed_choices", lang, choices=", ".join(labels))
        description, choices, bounds = text, _accepted(item, lang), None
    if profile:
        description += " " + message("template.profile_hint", lang)
    if item.dont_know:
        allowed += message("template.or_dont_know", lang, word=dont_know)
    statistic = statistic_text(item.indicator, lang) if item.indicator is not None else None
    note = "\n".join(part for part in (item.help.get(lang), statistic, allowed) if part)
    return TemplateColumn(item.id, description, note, choices, bounds, item.dont_know)


def _accepted(item: Item, lang: str) -> tuple[str, ...]:
    """Every answer batch reads for a choice item: labels in ``lang`` and "don't know"
    first (what the drop-down is for), then the other languages' labels and the codes."""
    forms = [c.label.get(lang) for c in item.choices]
    if item.dont_know:
        forms.append(message("template.dont_know", lang))
    for other in LANGS:
        forms += [c.label.get(other) for c in item.choices]
        if item.dont_know:
            forms.append(message("template.dont_know", other))
    forms += [c.code for c in item.choices]
    seen: dict[str, str] = {}
    for form in forms:
        seen.setdefault(fold(form), form)
    return tuple(seen.values())


def description_markers() -> frozenset[str]:
    """The folded first texts of a second header row, in every language."""
    return frozenset(fold(message("template.municipality_text", lang)) for lang in LANGS)


def is_description_row(municipality_cell: str) -> bool:
    """Whether a row is the template's second header row (question texts), not data."""
    return fold(municipality_cell) in description_markers()


# -- writing --------------------------------------------------------------------------


def write_template(
    template: Template, dest: Path, dialect: CsvDialect, force: bool = False
) -> None:
    """Write the template as XLSX (by the extension) or as CSV in ``dialect``."""
    ensure_writable(dest, force)
    if dest.suffix.lower() == ".xlsx":
        book = _workbook(template)
        write_atomic(dest, book.save, binary=True)
    else:
        _write_csv(template, dest, dialect)


def _write_csv(template: Template, dest: Path, dialect: CsvDialect) -> None:
    import csv

    fmt = CSV_FORMATS[dialect]

    def write(handle: Any) -> None:
        writer = csv.writer(handle, delimiter=fmt.delimiter, lineterminator="\r\n")
        writer.writerow([c.header for c in template.columns])
        writer.writerow([neutralise(c.description) for c in template.columns])
        for row in template.rows:
            writer.writerow([_csv_cell(cell, fmt.decimal) for cell in row])

    write_atomic(dest, write, encoding=fmt.encoding, newline="")


def _csv_cell(cell: TemplateCell | None, decimal: str) -> str:
    if cell is None:
        return ""
    if isinstance(cell.value, str):
        return neutralise(cell.value)
    return format_cell(cell.value, decimal)


def _workbook(template: Template) -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.create_sheet(template.sheet_title, 0)
    book.remove(book.worksheets[1])  # the empty default sheet
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for index, column in enumerate(template.columns, start=1):
        _header_cells(sheet, index, column, Font, Alignment)
        _validation(sheet, lists, index, column, template.lang)
    _data_rows(sheet, template.rows)
    _group_evidence(sheet, template.columns)
    sheet.freeze_panes = "B3"
    sheet.row_dimensions[2].height = description_height(template.columns)
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return book


def description_height(columns: Sequence[TemplateColumn]) -> float:
    """Points for the row of question texts: enough lines for the longest wrapped text."""
    lines = max(
        sum(max(1, math.ceil(len(part) / _LINE_CHARS[i > 0])) for part in c.description.split("\n"))
        for i, c in enumerate(columns)
    )
    return float(min(409, 15 * lines + 6))  # 409 points is the most Excel allows


def _text_cell(sheet: Any, row: int, column: int, text: str) -> Any:
    """A string cell holding ``text`` as it is: never a formula, whatever it starts with."""
    cell = sheet.cell(row=row, column=column, value=strip_controls(text))
    cell.data_type = "s"
    return cell


def _header_cells(
    sheet: Any, index: int, column: TemplateColumn, font: Any, alignment: Any
) -> None:
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    grey = _EVIDENCE_GREY if column.evidence else None
    head = _text_cell(sheet, 1, index, column.header)
    head.font = font(bold=True, color=grey)
    head.comment = Comment(strip_controls(column.note), "kuntaprofiili", width=320, height=160)
    text = _text_cell(sheet, 2, index, column.description)
    text.font = font(italic=True, color=grey)
    text.alignment = alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[index > 1]


def _group_evidence(sheet: Any, columns: Sequence[TemplateColumn]) -> None:
    """The evidence columns as one outline group, open; its button folds them away."""
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(columns, start=1):
        if column.evidence:
            sheet.column_dimensions[get_column_letter(index)].outlineLevel = 1


def _data_rows(sheet: Any, rows: Sequence[Sequence[TemplateCell | None]]) -> None:
    """Filled-in data rows from the third row on: names as text, numbers as numbers,
    each with its note as a cell comment."""
    from openpyxl.comments import Comment

    for at, row in enumerate(rows, start=3):
        for index, cell in enumerate(row, start=1):
            if cell is None:
                continue
            if isinstance(cell.value, str):
                written = _text_cell(sheet, at, index, cell.value)
            else:
                written = sheet.cell(row=at, column=index, value=cell.value)
            if cell.note:
                note = strip_controls(cell.note)
                written.comment = Comment(note, "kuntaprofiili", width=300, height=110)


def _validation(sheet: Any, lists: Any, index: int, column: TemplateColumn, lang: str) -> None:
    """A drop-down of every accepted answer, or a number range that lets text through
    ("en tiedä", "12 345 €": batch reads those); a warning, not a block."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(index)
    if column.choices:
        for row, label in enumerate(column.choices, start=1):
            _text_cell(lists, row, index, label)
        formula = f"{LISTS_SHEET}!${letter}$1:${letter}${len(column.choices)}"
        check = DataValidation(type="list", formula1=formula, allow_blank=True)
        error = message("template.validation_error", lang)
    elif column.number_range is not None:
        low, high = (plain_number(v) for v in column.number_range)
        cell = f"{letter}3"
        check = DataValidation(
            type="custom",
            formula1=f"OR(NOT(ISNUMBER({cell})),AND({cell}>={low},{cell}<={high}))",
            allow_blank=True,
        )
        dont_know = message("template.dont_know", lang) if column.dont_know else ""
        error = message("sheets.validation_number", lang, min=low, max=high, word=dont_know) + (
            message("sheets.validation_dont_know", lang, word=dont_know) if dont_know else ""
        )
    else:
        return
    check.errorStyle = "warning"
    check.showErrorMessage = True
    check.error = error
    check.errorTitle = column.header
    sheet.add_data_validation(check)
    check.add(f"{letter}3:{letter}{VALIDATED_ROWS + 2}")
