"""The command-line interface: a thin layer that parses options, calls the core, prints.

Each command lives in its own module; this one only assembles the app. Heavy modules
(pydantic, numpy, pandas) are imported inside the commands, never here.
"""

from __future__ import annotations

import typer

from kuntaprofiili.cli import assess as _assess
from kuntaprofiili.cli import batch as _batch
from kuntaprofiili.cli import data as _data
from kuntaprofiili.cli import drafts as _drafts
from kuntaprofiili.cli import municipalities as _municipalities
from kuntaprofiili.cli import questionnaire as _questionnaire
from kuntaprofiili.cli import report as _report
from kuntaprofiili.cli import robustness as _robustness
from kuntaprofiili.cli._common import _
from kuntaprofiili.cli.click_texts import install as _install_click_texts

_install_click_texts()

app = typer.Typer(
    name="kuntaprofiili",
    help=_("app.help"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.command("assess", help=_("cmd.assess"))(_assess.assess)
app.command("drafts", help=_("drafts.help"))(_drafts.drafts)
app.command("municipalities", help=_("municipalities.help"))(_municipalities.municipalities)
app.add_typer(_questionnaire.app, name="questionnaire", help=_("cmd.questionnaire"))
app.command("report", help=_("html.cmd"))(_report.report)
app.command("compare", help=_("compare.cmd"))(_report.compare)
app.command("whatif", help=_("whatif.cmd"))(_report.whatif)
app.command("template", help=_("template.help"))(_batch.template)
app.command("batch", help=_("batch.help"))(_batch.batch)
app.add_typer(_data.app, name="data", help=_("data.help"))
app.command("robustness", help=_("robustness.help"))(_robustness.robustness)


def main() -> None:
    """Entry point of the ``kuntaprofiili`` console script."""
    app()
