"""What every command shares: consoles, the --lang option, and the one error handler.

Kept light: importing this module must not pull in pydantic, pandas or numpy, so that
``kuntaprofiili --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import ExitCode, KuntaprofiiliError, OutputFileError
from kuntaprofiili.i18n import Lang, default_lang, help_message, message

HELP_LANG = default_lang()


def _(key: str, **params: object) -> str:
    """Help text in the language of the environment (KUNTAPROFIILI_LANG or the locale)."""
    return help_message(key, HELP_LANG, **params)


LangOption = Annotated[Lang, typer.Option("--lang", "-l", help=_("opt.lang"), case_sensitive=False)]
ForceOption = Annotated[bool, typer.Option("--force", help=_("opt.force"))]
DebugOption = Annotated[bool, typer.Option("--debug", help=_("opt.debug"), hidden=True)]
QuestionnaireOption = Annotated[
    Path | None,
    typer.Option("--questionnaire", "-q", help=_("opt.questionnaire")),
]


@dataclass(frozen=True, slots=True)
class Consoles:
    """stdout for results, stderr for messages; tests swap both."""

    out: Console
    err: Console


def consoles() -> Consoles:
    """The consoles of this run; width follows the terminal, colour obeys NO_COLOR."""
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return Consoles(Console(width=width), Console(stderr=True, width=width))


@contextlib.contextmanager
def handle_errors(err: Console, lang: str, debug: bool = False) -> Iterator[None]:
    """Turn a KuntaprofiiliError into its message on stderr and its exit code.

    Anything else is a bug and keeps its traceback.
    """
    try:
        yield
    except KuntaprofiiliError as error:
        if debug:
            raise
        err.print(f"[bold red]{message('cli.error_prefix', lang)}[/] ", end="")
        text = printable_lines(message(error.key, lang, **error.params))
        err.print(text, markup=False, highlight=False)
        raise typer.Exit(int(error.exit_code)) from None
    except (KeyboardInterrupt, EOFError):  # Ctrl-C or Ctrl-D at a prompt outside the interview
        err.print(message("cli.interrupted", lang))
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def printable_lines(text: str) -> str:
    """``text`` without control characters, its line breaks kept: a message names file
    contents, and an escape sequence in a file must never reach the terminal."""
    from kuntaprofiili.core.printable import printable

    return "\n".join(printable(line) for line in text.split("\n"))


def stdin_is_terminal() -> bool:
    """Whether someone can answer prompts."""
    return sys.stdin.isatty()


YES_WORDS = frozenset({"y", "yes", "k", "kylla", "j", "ja"})  # folded: "Kyllä" is "kylla"


def ask_yes(console: Console, question: str, default: bool = False) -> bool:
    """Ask a yes/no question in the terminal; an empty reply is ``default``, others a no."""
    reply = fold(console.input(Text(question + " ")))
    return default if reply == "" else reply in YES_WORDS


def allow_overwrite(paths: Iterable[Path | None], force: bool, console: Console, lang: str) -> bool:
    """Whether existing output files may be replaced: ``--force``, or a yes for each one.

    The question is only asked in a terminal; elsewhere an existing file is refused.
    Call it before any work is done. Raises OutputFileError on a refusal.
    """
    from kuntaprofiili.files.safeio import ensure_writable

    granted = force
    for path in (p for p in paths if p is not None):
        if force or not path.is_file() or not stdin_is_terminal():
            ensure_writable(path, force)
        elif ask_yes(console, message("safety.overwrite_prompt", lang, path=str(path))):
            granted = True
        else:
            raise OutputFileError("error.would_overwrite", path=str(path))
    return granted
