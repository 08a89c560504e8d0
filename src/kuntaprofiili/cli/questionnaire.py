"""``kuntaprofiili questionnaire validate|show``: check and list questionnaires."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from kuntaprofiili.cli._common import DebugOption, LangOption, _, consoles, handle_errors
from kuntaprofiili.i18n import Lang, message

if TYPE_CHECKING:
    from kuntaprofiili.core.model import Item, Questionnaire

app = typer.Typer(no_args_is_help=True, add_completion=False)

FileArgument = Annotated[Path | None, typer.Argument(help=_("opt.questionnaire_file"))]


def _load(path: Path | None) -> Questionnaire:
    from kuntaprofiili.files.questionnaire_file import load_questionnaire
    from kuntaprofiili.files.resources import default_questionnaire

    return load_questionnaire(path or default_questionnaire())


@app.command("validate", help=_("cmd.validate"))
def validate(
    file: FileArgument = None, lang: LangOption = Lang.FI, debug: DebugOption = False
) -> None:
    """Check a questionnaire file and report every problem at once."""
    io = consoles()
    with handle_errors(io.err, lang, debug):
        q = _load(file)
        scored = len(q.scored_items())
        io.out.print(message("questionnaire.valid", lang, id=q.id, version=q.version, items=scored))


@app.command("show", help=_("cmd.show"))
def show(
    file: FileArgument = None,
    lang: LangOption = Lang.FI,
    as_json: Annotated[bool, typer.Option("--json", help=_("opt.show_json"))] = False,
    debug: DebugOption = False,
) -> None:
    """List the questions; --json prints them for machines."""
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
    """The questions as a table that fits 80 columns."""
    # Text, not markup: a custom questionnaire's "[/]" or "[arvio]" is shown as written.
    table = Table(title=Text(f"{q.title.get(lang)} ({q.id} {q.version})"), expand=False)
    table.add_column("id", no_wrap=True, style="cyan")
    table.add_column(message("questionnaire.col_dimension", lang))
    table.add_column(message("questionnaire.col_question", lang), overflow="fold")
    table.add_column(message("questionnaire.col_answers", lang), overflow="fold")
    for item in q.items:
        table.add_row(
            item.id,
            message(f"dimension.{_section_label(q, item)}", lang),
            Text(item.text.get(lang)),
            Text(_answers_hint(item, lang)),
        )
    return table


def _answers_hint(item: Item, lang: str) -> str:
    if item.indicator is not None:
        ind = item.indicator
        return f"{ind.min:g}–{ind.max:g} {ind.unit.get(lang)}"
    return " / ".join(c.code for c in item.choices)
