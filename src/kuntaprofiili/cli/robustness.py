"""`kuntaprofiili robustness`: how far ranks and bands depend on the method's choices.

``batch --robustness`` runs the same analysis on the batch's rows through
:func:`print_robustness`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kuntaprofiili.cli._common import (
    Consoles,
    DebugOption,
    ForceOption,
    LangOption,
    QuestionnaireOption,
    _,
    consoles,
    handle_errors,
    session_lang,
)
from kuntaprofiili.i18n import message

if TYPE_CHECKING:
    from kuntaprofiili.core.robustness import Robustness
    from kuntaprofiili.sheets.context import BatchContext, BatchOutcome

RunsOption = Annotated[
    int, typer.Option("--runs", min=50, max=100_000, help=_("robustness.opt_runs"))
]
SeedOption = Annotated[int, typer.Option("--seed", help=_("robustness.opt_seed"))]
ShowOption = Annotated[int, typer.Option("--show", min=1, help=_("robustness.opt_show"))]


def robustness(
    input_file: Annotated[
        Path,
        typer.Argument(metavar=_("metavar.input"), help=_("batch.arg.input"), dir_okay=False),
    ],
    lang: LangOption = None,
    questionnaire: QuestionnaireOption = None,
    runs: RunsOption = 1000,
    seed: SeedOption = 0,
    show: ShowOption = 20,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help=_("robustness.opt_xlsx"), dir_okay=False)
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help=_("robustness.opt_html"), dir_okay=False)
    ] = None,
    force: ForceOption = False,
    debug: DebugOption = False,
) -> None:
    """Vary weights, aggregation, goalposts and items over a batch; print rank intervals."""
    lang = session_lang(lang)
    io = consoles()
    with handle_errors(io.err, lang, debug):
        from kuntaprofiili.files.safeio import ensure_writable
        from kuntaprofiili.sheets.read import read_sheet
        from kuntaprofiili.sheets.run import load_batch_context, score_sheet

        for target in (xlsx, html):
            if target is not None:
                ensure_writable(target, force)
        context = load_batch_context(questionnaire, 0)
        outcome = score_sheet(read_sheet(input_file), context, lang)
        result, names = print_robustness(input_file, outcome, context, io, lang, (runs, seed), show)
        if xlsx is not None:
            from kuntaprofiili.sheets.robustness_xlsx import write_robustness_xlsx

            write_robustness_xlsx(xlsx, result, names, lang, force)
            io.err.print(message("robustness.wrote", lang, path=str(xlsx)), markup=False)
        if html is not None:
            from kuntaprofiili.views.robustness_html import write_robustness_html

            write_robustness_html(html, result, names, context.questionnaire, lang, seed, force)
            io.err.print(message("robustness.wrote", lang, path=str(html)), markup=False)


def print_robustness(
    source: Path,
    outcome: BatchOutcome,
    context: BatchContext,
    io: Consoles,
    lang: str,
    runs_seed: tuple[int, int] = (1000, 0),
    show: int = 20,
) -> tuple[Robustness, list[str]]:
    """Analyse the scored rows of ``outcome`` (read from ``source``), print the terminal
    report, return the result and the municipalities' names (InputFileError when fewer
    than two have a score)."""
    import numpy as np

    from kuntaprofiili.core.robustness import analyse
    from kuntaprofiili.errors import InputFileError
    from kuntaprofiili.views.robustness_view import robustness_report

    scored = int((~np.isnan(outcome.table.overall)).sum())
    if scored < 2:
        raise InputFileError("robustness.too_few", path=str(source), n=scored)
    runs, seed = runs_seed
    result = analyse(context.questionnaire, outcome.table, runs=runs, seed=seed)
    names = [str(outcome.results["municipality"].iloc[r]) for r in result.rows]
    io.out.print(robustness_report(result, names, lang, show))
    return result, names
