"""`kuntaprofiili robustness`: how far ranks and bands depend on the method's choices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kuntaprofiili.cli._common import (
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


def robustness(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help=_("batch.arg.input"), dir_okay=False)
    ],
    lang: LangOption = None,
    questionnaire: QuestionnaireOption = None,
    runs: Annotated[
        int, typer.Option("--runs", min=50, max=100_000, help=_("robustness.opt_runs"))
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help=_("robustness.opt_seed"))] = 0,
    show: Annotated[int, typer.Option("--show", min=1, help=_("robustness.opt_show"))] = 20,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help=_("robustness.opt_xlsx"), dir_okay=False)
    ] = None,
    force: ForceOption = False,
    debug: DebugOption = False,
) -> None:
    """Vary weights, aggregation, goalposts and items over a batch; print rank intervals."""
    lang = session_lang(lang)
    io = consoles()
    with handle_errors(io.err, lang, debug):
        import numpy as np

        from kuntaprofiili.core.robustness import analyse
        from kuntaprofiili.errors import InputFileError
        from kuntaprofiili.files.safeio import ensure_writable
        from kuntaprofiili.sheets.read import read_sheet
        from kuntaprofiili.sheets.run import load_batch_context, score_sheet
        from kuntaprofiili.views.robustness_view import robustness_report

        if xlsx is not None:
            ensure_writable(xlsx, force)
        context = load_batch_context(questionnaire, 0)
        outcome = score_sheet(read_sheet(input_file), context, lang)
        scored = int((~np.isnan(outcome.table.overall)).sum())
        if scored < 2:
            raise InputFileError("robustness.too_few", n=scored)
        result = analyse(context.questionnaire, outcome.table, runs=runs, seed=seed)
        names = [str(outcome.results["municipality"].iloc[r]) for r in result.rows]
        io.out.print(robustness_report(result, names, lang, show))
        if xlsx is not None:
            from kuntaprofiili.sheets.robustness_xlsx import write_robustness_xlsx

            write_robustness_xlsx(xlsx, result, names, lang)
            io.err.print(message("robustness.wrote", lang, path=str(xlsx)), markup=False)
