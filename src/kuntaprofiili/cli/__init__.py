"""The command-line interface: a thin layer that parses options, calls the core, prints.

Each command lives in its own module; this one only assembles the app. Heavy modules
(pydantic, numpy, pandas) are imported inside the commands, never here.
"""

from __future__ import annotations

import typer

from kuntaprofiili.cli import assess as _assess
from kuntaprofiili.cli import questionnaire as _questionnaire
from kuntaprofiili.cli._common import _

app = typer.Typer(
    name="kuntaprofiili",
    help=_("app.help"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.command("assess", help=_("cmd.assess"))(_assess.assess)
app.add_typer(_questionnaire.app, name="questionnaire", help=_("cmd.questionnaire"))


def main() -> None:
    """Entry point of the ``kuntaprofiili`` console script."""
    app()
