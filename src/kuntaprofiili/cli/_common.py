"""What every command shares: consoles, the --lang option, and the one error handler.

Kept light: importing this module must not pull in pydantic, pandas or numpy, so that
``kuntaprofiili --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from kuntaprofiili.cli.click_texts import command_line_lang
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import ExitCode, Interrupted, KuntaprofiiliError, OutputFileError
from kuntaprofiili.i18n import Lang, default_lang, help_message, message

HELP_LANG = command_line_lang()


def _(key: str, **params: object) -> str:
    """Help text in the session's language (--lang, KUNTAPROFIILI_LANG or the locale)."""
    return help_message(key, HELP_LANG, **params)


LangOption = Annotated[
    Lang | None,
    typer.Option("--lang", "-l", help=_("opt.lang"), case_sensitive=False, show_default=False),
]


def session_lang(asked: Lang | str | None, stored: str | None = None) -> Lang:
    """The one language of this run: --lang, else ``stored`` (a draft's), else the default."""
    if asked:
        return Lang(asked)
    if stored in set(Lang):
        return Lang(stored)
    return Lang(default_lang())


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
    from kuntaprofiili.views.nobreak import keep_no_break_spaces

    keep_no_break_spaces()
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return Consoles(Console(width=width), Console(stderr=True, width=width))


_BULLET = re.compile(r"(?:[-•] |\d+[.)] )")


def wrap_lines(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width`` without ever breaking a word, a path or a command.

    A word longer than the line (a long path) gets a line of its own and stays whole;
    the continuation lines of a bullet are hang-indented under its text. A no-break
    space (as between a number and its unit) never breaks. A line indented by two
    spaces that is not a bullet is a path or a command to copy: it is kept whole.
    """
    lines: list[str] = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        bullet = _BULLET.match(body)
        if line.startswith("  ") and bullet is None:
            lines.append(line)
            continue
        hang = " " * (len(line) - len(body) + (bullet.end() if bullet else 0))
        wrapped = textwrap.wrap(
            line,
            max(width, 20),
            subsequent_indent=hang,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += wrapped or [""]
    return lines


def say(console: Console, text: str, style: str | None = None, prefix: str = "") -> None:
    """Print a message wrapped to the console (see :func:`wrap_lines`); never markup.

    ``prefix`` (e.g. "Error:") starts the first line in bold red.
    """
    joined = "\n".join(wrap_lines(f"{prefix} {text}" if prefix else text, console.width))
    shown = Text(joined, style=style or "")
    if prefix:
        shown.stylize("bold red", 0, len(prefix))
    console.print(shown, soft_wrap=True, highlight=False)


LangSource = str | Callable[[], str]


@contextlib.contextmanager
def handle_errors(err: Console, lang: LangSource, debug: bool = False) -> Iterator[None]:
    """Turn a KuntaprofiiliError into its message on stderr and its exit code.

    ``lang`` may be a function, for a command that settles its language on the way
    (assess: a Swedish-majority municipality). Anything else is a bug and keeps its
    traceback.
    """
    try:
        yield
    except KuntaprofiiliError as error:
        if debug:
            raise
        chosen = lang() if callable(lang) else lang
        text = printable_lines(message(error.key, chosen, **error.params))
        prefix = "" if isinstance(error, Interrupted) else message("cli.error_prefix", chosen)
        if isinstance(error, Interrupted):
            err.print()  # off the line of the prompt where ^C was typed
        say(err, text, prefix=prefix)
        raise typer.Exit(int(error.exit_code)) from None
    except (KeyboardInterrupt, EOFError):  # Ctrl-C or Ctrl-D at a prompt outside the interview
        err.print()
        say(err, message("cli.interrupted", lang() if callable(lang) else lang))
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
