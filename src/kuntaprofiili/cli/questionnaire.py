"""``kuntaprofiili questionnaire validate|show``: check and list questionnaires."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from kuntaprofiili.cli._common import (
    DebugOption,
    LangOption,
    _,
    consoles,
    handle_errors,
    session_lang,
)
from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.i18n import message

if TYPE_CHECKING:
    from kuntaprofiili.core.model import Item, Questionnaire

app = typer.Typer(no_args_is_help=True, add_completion=False)

FileArgument = Annotated[
    Path | None,
    typer.Argument(help=_("opt.questionnaire_file"), metavar=_("metavar.file")),
]


def _load(path: Path | None) -> Questionnaire:
    from kuntaprofiili.files.questionnaire_file import load_questionnaire
    from kuntaprofiili.files.resources import default_questionnaire

    return load_questionnaire(path or default_questionnaire())


@app.command("validate", help=_("cmd.validate"))
def validate(
    file: FileArgument = None, lang: LangOption = None, debug: DebugOption = False
) -> None:
    """Check a questionnaire file and report every problem at once."""
    lang = session_lang(lang)
    io = consoles()
    with handle_errors(io.err, lang, debug):
        q = _load(file)
        scored = len(q.scored_items())
        io.out.print(message("questionnaire.valid", lang, id=q.id, version=q.version, items=scored))


@app.command("show", help=_("cmd.show"))
def show(
    file: FileArgument = None,
    lang: LangOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("opt.show_json"))] = False,
    debug: DebugOption = False,
) -> None:
    """List the questions; --json prints them for machines."""
    lang = session_lang(lang)
    io = consoles()
    with handle_errors(io.err, lang, debug):
        q = _load(file)
        if as_json:
            import json

            print(json.dumps(questions_json(q, lang), ensure_ascii=False, indent=2))
        else:
            io.out.print(questions_table(q, lang))


def _section_label(q: Questionnaire, item: Item) -> str:
    section = q.section_of(item.id)
    return str(section.dimension)


def questions_json(q: Questionnaire, lang: str) -> dict[str, Any]:
    """Every question with its id, dimension, kind, choices and input range."""
    return {
        "id": q.id,
        "version": q.version,
        "questions": [_item_json(q, item, lang) for item in q.items],
    }


def _item_json(q: Questionnaire, item: Item, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "dimension": _section_label(q, item),
        "kind": str(item.kind),
        "text": item.text.get(lang),
        "weight": item.weight,
        "dont_know": item.dont_know,
        "choices": [c.code for c in item.choices] or None,
        "input_range": None,
    }
    if item.indicator is not None:
        ind = item.indicator
        data["input_range"] = [ind.min, ind.max]
        data["unit"] = ind.unit.get(lang)
    if item.when is not None:
        data["when"] = item.when.model_dump(by_alias=True, exclude_none=True)
    return data


def questions_table(q: Questionnaire, lang: str) -> Table:
    """The questions as a table that fits 80 columns, one section per dimension.

    The question's id (the answers-file key) goes under its text, so no column has to
    break a word; the answers are the labels people see at the prompt.
    """
    # Text, not markup: a custom questionnaire's "[/]" or "[arvio]" is shown as written.
    table = Table(title=Text(f"{q.title.get(lang)} ({q.id} {q.version})"), expand=True)
    table.add_column("#", justify="right", no_wrap=True, style="dim")
    table.add_column(message("questionnaire.col_question", lang), ratio=3)
    table.add_column(message("questionnaire.col_answers", lang), ratio=2)
    previous = None
    for number, item in enumerate(q.items, start=1):
        dimension = _section_label(q, item)
        if dimension != previous:
            heading = Text(message(f"dimension.{dimension}", lang), style="bold")
            table.add_row("", heading, "", end_section=False)
            previous = dimension
        question = Text(item.text.get(lang))
        question.append(f"\n{item.id}", style="cyan")
        table.add_row(str(number), question, Text(_answers_hint(item, lang)))
    return table


def _answers_hint(item: Item, lang: str) -> str:
    if item.indicator is not None:
        ind = item.indicator
        low, high = format_number(ind.min, lang), format_number(ind.max, lang)
        return f"{low}–{high}\u00a0{ind.unit.get(lang)}"
    return "\n".join(f"{n}) {c.label.get(lang)}" for n, c in enumerate(item.choices, 1))
