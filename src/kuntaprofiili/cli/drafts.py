"""``kuntaprofiili drafts``: list unfinished assessments and delete one."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from kuntaprofiili.cli._common import (
    DebugOption,
    LangOption,
    _,
    ask_yes,
    consoles,
    handle_errors,
    say,
    session_lang,
    stdin_is_terminal,
)
from kuntaprofiili.errors import InputFileError, OutputFileError
from kuntaprofiili.i18n import message

if TYPE_CHECKING:
    from rich.console import Console

    from kuntaprofiili.files.drafts import DraftInfo


def drafts(
    delete: Annotated[
        str | None,
        typer.Option(
            "--delete", "-d", help=_("drafts.opt_delete"), metavar=_("metavar.number_or_path")
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_("drafts.opt_yes"))] = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """List unfinished assessments (drafts) and delete one."""
    lang = session_lang(lang)
    from kuntaprofiili.files.drafts import home, list_drafts

    io = consoles()
    with handle_errors(io.err, lang, debug):
        folder = home() / "drafts"
        found = list_drafts(folder)
        if delete is None:
            _show(found, folder, io.out, lang)
            return
        target = _pick(delete, found)
        if _confirmed(target, yes, io.err, lang):
            _delete(target)
            io.err.print(message("drafts.deleted", lang, path=str(target)), markup=False)
        else:
            io.err.print(message("drafts.kept", lang), markup=False)


def _show(found: list[DraftInfo], folder: Path, out: Console, lang: str) -> None:
    if not found:
        out.print(message("drafts.none", lang, folder=str(folder)), markup=False)
        return
    out.print(drafts_table(found, folder, lang))
    # The file names the user types to --resume or --delete, each whole on its own line.
    out.print(Text(message("drafts.col_path", lang), style="bold"))
    for number, info in enumerate(found, start=1):
        out.print(Text(f"  {number}) {_where(info, folder)}"), soft_wrap=True, highlight=False)
    hint = message("drafts.hint", lang, folder=str(folder), sep=os.sep)
    say(out, hint, style="dim")


def _where(info: DraftInfo, folder: Path) -> str:
    """Paths in the listed folder by file name: full paths do not fit 80 columns."""
    return info.path.name if info.path.parent == folder else str(info.path)


def drafts_table(found: list[DraftInfo], folder: Path, lang: str) -> Table:
    """The drafts, numbered as ``--delete`` takes them."""
    table = Table(title=message("drafts.title", lang, folder=str(folder)), expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column(message("drafts.col_municipality", lang), overflow="fold")
    table.add_column(message("drafts.col_questionnaire", lang), overflow="fold")
    table.add_column(message("drafts.col_answers", lang), justify="right")
    table.add_column(message("drafts.col_time", lang), no_wrap=True)
    for number, info in enumerate(found, start=1):
        unreadable = info.questionnaire_id == "?"
        name = message("drafts.unreadable", lang) if unreadable else info.municipality or "-"
        # Text, not markup: a name like "[/]" in a draft must not break the table.
        cells = (name, info.questionnaire_id, str(info.answered), _when(info))
        table.add_row(str(number), *(Text(cell) for cell in cells))
    return table


def _when(info: DraftInfo) -> str:
    """The draft's own timestamp, or the file's time when it has none."""
    try:
        moment = datetime.fromisoformat(info.timestamp)
    except ValueError:
        try:
            moment = datetime.fromtimestamp(info.path.stat().st_mtime)
        except OSError:
            return "?"
    return moment.strftime("%Y-%m-%d %H:%M")


def _pick(choice: str, found: list[DraftInfo]) -> Path:
    """The draft meant by a list number or a path; only drafts may be deleted."""
    from kuntaprofiili.files.drafts import DRAFT_SUFFIX, home

    if choice.strip().isascii() and choice.strip().isdigit():  # not "²" or a full-width "１"
        number = int(choice)
        if not 1 <= number <= len(found):
            raise InputFileError("drafts.bad_number", number=number, count=len(found))
        return found[number - 1].path
    path = Path(choice).expanduser()
    if not path.exists() and path.name == choice:  # a file name as the list shows it
        path = home() / "drafts" / choice
    if not path.name.endswith(DRAFT_SUFFIX):
        raise OutputFileError("drafts.not_a_draft", path=str(path))
    if not path.is_file():
        raise InputFileError("drafts.not_found", path=str(path))
    return path


def _delete(path: Path) -> None:
    try:
        path.unlink()
    except OSError as error:
        raise OutputFileError(
            "drafts.cannot_delete", path=str(path), reason=error.strerror
        ) from None


def _confirmed(target: Path, yes: bool, err: Console, lang: str) -> bool:
    """``--yes``, or a yes at the prompt; without a terminal the deletion is refused."""
    if yes:
        return True
    if not stdin_is_terminal():
        raise OutputFileError("drafts.confirm_needed", path=str(target))
    from kuntaprofiili.files.drafts import list_drafts

    same = target.resolve()
    info = next((i for i in list_drafts(target.parent) if i.path.resolve() == same), None)
    question = message(
        "drafts.confirm",
        lang,
        path=str(target),
        municipality=(info.municipality if info else None) or "-",
        n=info.answered if info else "?",
    )
    return ask_yes(err, question)
