"""``kuntaprofiili municipalities``: list, search and classify the 308 municipalities.

Only typer, rich and the message catalogue are imported at module level; the data,
the classifier and the CSV writer are imported when the command runs, so that
``kuntaprofiili --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from kuntaprofiili.cli._common import (
    ForceOption,
    LangOption,
    _,
    consoles,
    handle_errors,
    session_lang,
)
from kuntaprofiili.i18n import message

if TYPE_CHECKING:
    from kuntaprofiili.core.municipality import Municipality

SearchArgument = Annotated[
    str | None,
    typer.Argument(
        help=_("municipalities.opt.search"), show_default=False, metavar=_("metavar.search")
    ),
]
TypesOption = Annotated[bool, typer.Option("--types", help=_("municipalities.opt.types"))]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help=_("municipalities.opt.output"), dir_okay=False),
]
ExcelOption = Annotated[bool, typer.Option("--excel-fi", help=_("municipalities.opt.excel_fi"))]


def municipalities(
    search: SearchArgument = None,
    types: TypesOption = False,
    output: OutputOption = None,
    lang: LangOption = None,
    force: ForceOption = False,
    excel_fi: ExcelOption = False,
) -> None:
    """List and search the municipalities; --types shows their types and why."""
    lang = session_lang(lang)
    from kuntaprofiili.core.place_search import select_municipalities
    from kuntaprofiili.core.type_table import type_rows
    from kuntaprofiili.files.export import CsvDialect, write_csv
    from kuntaprofiili.files.municipality_file import load_municipalities

    io = consoles()
    with handle_errors(io.err, lang.value):
        found = select_municipalities(search, load_municipalities())
        show_types = types or search is not None
        io.out.print(municipality_table(found, lang.value, show_types))
        if show_types and len(found) == 1:
            io.out.print(reason_text(found[0], lang.value), markup=False, highlight=False)
        if output is not None:
            dialect = CsvDialect.EXCEL_FI if excel_fi else CsvDialect.PLAIN
            write_csv(type_rows(found, lang.value), output, dialect, force, lang.value)
            io.err.print(
                message("municipalities.written", lang.value, count=len(found), path=output),
                markup=False,
                highlight=False,
            )


def municipality_table(found: Sequence[Municipality], lang: str, show_types: bool) -> Table:
    """Code, name, population, and the region or (with types) the types; fits 80 columns."""
    from kuntaprofiili.core.classify import classify, type_label
    from kuntaprofiili.core.municipality import official_names
    from kuntaprofiili.core.numbers import format_number
    from kuntaprofiili.core.profile import profile_of

    table = Table(caption=message("municipalities.caption", lang, count=len(found)))
    table.add_column(message("municipalities.column.code", lang), no_wrap=True)
    table.add_column(message("municipalities.column.name", lang), ratio=2)
    table.add_column(
        message("municipalities.column.population", lang), justify="right", no_wrap=True
    )
    last = "municipalities.column.types" if show_types else "municipalities.column.region"
    table.add_column(message(last, lang), ratio=3)
    for m in found:
        if show_types:
            kinds = classify(profile_of(m)).types
            detail = ", ".join(type_label(kind, lang) for kind in kinds)
        else:
            detail = m.region_name(lang)
        table.add_row(m.code, official_names(m, lang), format_number(m.population, lang), detail)
    return table


def reason_text(m: Municipality, lang: str) -> str:
    """The reason and notes of one municipality's type, as plain lines."""
    from kuntaprofiili.core.classify import classify
    from kuntaprofiili.core.profile import profile_of

    c = classify(profile_of(m))
    lines = [f"{message('municipalities.reason', lang)}: {c.reason(lang)}", *c.notes(lang)]
    return "\n".join(lines)
