"""``kuntaprofiili template`` and ``kuntaprofiili batch``: a sheet out, a sheet in, scores out.

Only typer, rich and the shared CLI helpers are imported here; pandas, openpyxl and the
questionnaire model are imported inside the commands so ``kuntaprofiili --help`` stays
fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

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
from kuntaprofiili.cli.robustness import RunsOption, SeedOption
from kuntaprofiili.core.numbers import format_number, format_score
from kuntaprofiili.errors import ExitCode
from kuntaprofiili.i18n import message

if TYPE_CHECKING:
    from rich.console import Group

    from kuntaprofiili.sheets.context import BatchContext, BatchOutcome
    from kuntaprofiili.sheets.prefill import Filled
    from kuntaprofiili.sheets.read import Sheet
    from kuntaprofiili.sheets.write import Staging

PROGRESS_FROM_ROWS = 10_000  # a bar only where the wait is noticeable
PROGRESS_FROM_BYTES = 5 << 20  # about as many rows of the template's CSV
SHOWN_PROBLEMS = 50  # the rest are in the errors file
SHOWN_MISSING = 10  # municipalities named without cached figures

ExcelFiOption = Annotated[bool, typer.Option("--excel-fi", help=_("batch.opt.excel_fi"))]


def template(
    output: Annotated[
        Path, typer.Option("--output", "-o", help=_("template.opt_output"), dir_okay=False)
    ],
    lang: LangOption = None,
    questionnaire: QuestionnaireOption = None,
    excel_fi: ExcelFiOption = False,
    prefill: Annotated[bool, typer.Option("--prefill", help=_("template.opt_prefill"))] = False,
    municipality: Annotated[
        list[str] | None,
        typer.Option(
            "--municipality",
            "-m",
            help=_("template.opt_municipality"),
            metavar=_("metavar.municipality"),
        ),
    ] = None,
    force: ForceOption = False,
    debug: DebugOption = False,
) -> None:
    """Write a spreadsheet template to fill in for the batch command."""
    lang = session_lang(lang)
    io = consoles()
    with handle_errors(io.err, lang, debug):
        from kuntaprofiili.sheets.template import build_template, write_template

        _check_template_name(output)
        q = _load_questionnaire(questionnaire)
        sheet = build_template(q, lang)
        if prefill or municipality:
            sheet = _prefilled_template(sheet, q, municipality or [], output, io, lang)
        write_template(sheet, output, _dialect(excel_fi), force)
        io.err.print(
            message("template.wrote", lang, path=str(output), columns=len(sheet.columns)),
            markup=False,
        )


def _prefilled_template(
    sheet: Any, q: Any, names: list[str], output: Path, io: Consoles, lang: str
) -> Any:
    """The template with a row per municipality (all in the cache, or ``names``)."""
    from kuntaprofiili.cli.data import named_municipality
    from kuntaprofiili.errors import KuntaprofiiliError
    from kuntaprofiili.files.municipality_file import load_municipalities
    from kuntaprofiili.sheets.prefill import prefilled_template

    cache = _prefill_cache()
    everyone = load_municipalities()
    chosen = [named_municipality(name, everyone, lang) for name in names]
    places = list(dict.fromkeys(p for p in chosen if p is not None)) if names else everyone
    sheet = prefilled_template(sheet, q, places, cache)
    written = {str(row[0].value) for row in sheet.rows if row[0] is not None}
    for place in places if names else ():
        if place.name(lang) not in written:
            io.err.print(message("opendata.nothing_for", lang, name=place.name(lang)), markup=False)
    if not sheet.rows:
        raise KuntaprofiiliError("prefill.template_empty")
    values = sum(1 for row in sheet.rows for cell in row[1:] if cell is not None and cell.source)
    key = (
        "prefill.template_rows" if output.suffix.lower() == ".xlsx" else "prefill.template_rows_csv"
    )
    updated = str(cache.get("updated") or "?")[:10]
    io.err.print(
        message(key, lang, places=len(sheet.rows), values=values, updated=updated), markup=False
    )
    return sheet


def _prefill_cache() -> dict[str, Any]:
    """The open-data cache; without one, a message saying how to get one (exit 1)."""
    from kuntaprofiili.errors import KuntaprofiiliError
    from kuntaprofiili.opendata.cache import read_cache

    cache = read_cache()
    if cache is None or not cache["values"]:
        raise KuntaprofiiliError("prefill.no_cache")
    return cache


def batch(
    input_file: Annotated[
        # No dir_okay=False: a folder gets our own message and exit 1, not a usage box.
        Path, typer.Argument(metavar=_("metavar.input"), help=_("batch.arg.input"))
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help=_("batch.opt.output"), dir_okay=False)
    ],
    lang: LangOption = None,
    questionnaire: QuestionnaireOption = None,
    strict: Annotated[bool, typer.Option("--strict", help=_("batch.opt.strict"))] = False,
    excel_fi: ExcelFiOption = False,
    measures: Annotated[
        int, typer.Option("--measures", min=0, max=20, help=_("batch.opt.measures"))
    ] = 3,
    reports: Annotated[
        Path | None, typer.Option("--reports", help=_("batch_reports.opt"), file_okay=False)
    ] = None,
    prefill: Annotated[bool, typer.Option("--prefill", help=_("batch.opt.prefill"))] = False,
    robustness: Annotated[
        bool, typer.Option("--robustness", help=_("batch.opt.robustness"))
    ] = False,
    runs: RunsOption = 1000,
    seed: SeedOption = 0,
    force: ForceOption = False,
    debug: DebugOption = False,
) -> None:
    """Score many municipalities from a spreadsheet (XLSX, ODS, XLS or CSV)."""
    lang = session_lang(lang)
    io = consoles()
    with handle_errors(io.err, lang, debug):
        from kuntaprofiili.sheets.run import load_batch_context

        errors = _check_paths(input_file, output, force)
        cache = _prefill_cache() if prefill else None
        context = load_batch_context(questionnaire, measures)
        if cache is not None:
            sheet, filled = _prefill(_read(input_file, io, lang), context, cache, lang)
            outcome = _score(sheet, context, io, lang)
            outcome = _marked(outcome, filled, cache, io, lang)
        else:
            outcome = _score_file(input_file, context, io, lang, robustness)
        failed = outcome.rows_rejected > 0
        _print_outcome(outcome, io, lang, errors if failed else None)
        _write_all(
            input_file,
            outcome,
            context,
            (output, errors),
            reports,
            io,
            lang,
            excel_fi,
            strict,
            force,
            cache,
        )
        io.err.print(message("batch.wrote", lang, path=str(output)), markup=False)
        if not failed and errors.exists():
            io.err.print(message("sheets.stale_errors", lang, path=str(errors)), markup=False)
        if robustness:
            from kuntaprofiili.cli.robustness import print_robustness

            io.out.print()
            print_robustness(input_file, outcome, context, io, lang, (runs, seed))
    if outcome.rows_rejected:
        io.err.print(message("batch.rejected_exit", lang, n=outcome.rows_rejected), markup=False)
        raise typer.Exit(int(ExitCode.ROWS_REJECTED))


def _write_all(
    input_file: Path,
    outcome: BatchOutcome,
    context: BatchContext,
    targets: tuple[Path, Path],
    reports: Path | None,
    io: Consoles,
    lang: str,
    excel_fi: bool,
    strict: bool,
    force: bool,
    cache: dict[str, Any] | None = None,
) -> None:
    """Every output under a temporary name, renamed into place only when all are written:
    Ctrl-C or a full disk changes no earlier file. The errors file only when rows failed."""
    from kuntaprofiili.files.safeio import ensure_writable
    from kuntaprofiili.sheets.write import staged_outputs

    output, errors = targets
    failed = outcome.rows_rejected > 0
    if failed:
        ensure_writable(errors, force)
    with staged_outputs() as stage:
        if failed:
            _write_errors(outcome, stage.path(errors), lang, excel_fi)
        if strict and failed:
            stage.commit()
            from kuntaprofiili.errors import InputFileError

            raise InputFileError("batch.strict_failed", n=outcome.rows_rejected)
        _write_results(outcome, context, output, stage.path(output), lang, excel_fi)
        if reports is not None:
            _write_reports(input_file, outcome, context, reports, io, lang, force, stage, cache)


# -- steps --------------------------------------------------------------------------------


def _load_questionnaire(path: Path | None) -> Any:
    from kuntaprofiili.files.questionnaire_file import load_questionnaire_or_default

    return load_questionnaire_or_default(path)


def _dialect(excel_fi: bool) -> Any:
    from kuntaprofiili.files.export import CsvDialect

    return CsvDialect.EXCEL_FI if excel_fi else CsvDialect.PLAIN


def _check_template_name(output: Path) -> None:
    if output.suffix.lower() not in (".xlsx", ".csv"):
        from kuntaprofiili.errors import OutputFileError

        raise OutputFileError("template.bad_format", path=str(output), suffix=output.suffix or "-")


def errors_path(output: Path) -> Path:
    """The errors file beside the output: ``results.xlsx`` -> ``results.errors.csv``."""
    return output.with_name(f"{output.stem}.errors.csv")


def _check_paths(input_file: Path, output: Path, force: bool) -> Path:
    """Refuse a bad name or an overwrite before any work; the input is never a target."""
    from kuntaprofiili.errors import OutputFileError
    from kuntaprofiili.files.safeio import check_regular_file, ensure_writable
    from kuntaprofiili.sheets.read import CSV_SUFFIXES, sheet_format
    from kuntaprofiili.sheets.write import output_format

    # A folder, a FIFO or /dev/zero is refused before its name's extension is looked at.
    csv = input_file.suffix.lower() in CSV_SUFFIXES
    check_regular_file(input_file, "csv" if csv else "xlsx")
    sheet_format(input_file)
    output_format(output)
    errors = errors_path(output)
    for target in (output, errors):
        if target.resolve() == input_file.resolve():
            raise OutputFileError("batch.same_as_input", path=str(input_file))
    if output.resolve() == errors_path(input_file).resolve():
        raise OutputFileError("sheets.errors_file_as_output", path=str(output))
    ensure_writable(output, force)
    return errors


def _read(path: Path, io: Consoles, lang: str) -> Sheet:
    from kuntaprofiili.sheets.read import read_sheet

    waiting = (
        io.err.status(message("batch.reading", lang, path=str(path)))
        if io.err.is_terminal
        else nullcontext()
    )
    with waiting:
        return read_sheet(path)


def _score(sheet: Sheet, context: BatchContext, io: Consoles, lang: str) -> BatchOutcome:
    """Score a sheet read whole, with a progress bar on the terminal when it is long."""
    from kuntaprofiili.sheets.run import score_sheet

    shown = io.err.is_terminal and sheet.rows >= PROGRESS_FROM_ROWS
    with _progress(io, message("batch.scoring", lang, rows=sheet.rows), shown) as moved:
        return score_sheet(sheet, context, lang, moved)


def _score_file(
    path: Path, context: BatchContext, io: Consoles, lang: str, keep_scores: bool
) -> BatchOutcome:
    """Read and score the sheet a block at a time (a million CSV rows stay within memory),
    with a progress bar on the terminal when the file is big. A CSV found irregular
    after some blocks is read again whole."""
    from kuntaprofiili.sheets.read import NotRegular, read_sheet_blocks
    from kuntaprofiili.sheets.run import score_sheets

    shown = io.err.is_terminal and path.stat().st_size >= PROGRESS_FROM_BYTES
    with _progress(io, message("batch.scoring_file", lang, path=str(path)), shown) as moved:
        try:
            return score_sheets(read_sheet_blocks(path), context, lang, moved, keep_scores)
        except NotRegular:
            whole = [(_read(path, io, lang), 1.0)]
            return score_sheets(whole, context, lang, moved, keep_scores)


@contextmanager
def _progress(io: Consoles, title: str, shown: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on standard error, and what moves it: ``moved(done, total)``."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=io.err, transient=True, disable=not shown) as bar:
        task = bar.add_task(title, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _prefill(
    sheet: Sheet, context: BatchContext, cache: dict[str, Any], lang: str
) -> tuple[Sheet, Filled]:
    from kuntaprofiili.sheets.prefill import prefill_sheet

    return prefill_sheet(sheet, context.questionnaire, context.municipalities, cache, lang)


def _marked(
    outcome: BatchOutcome, filled: Filled, cache: dict[str, Any], io: Consoles, lang: str
) -> BatchOutcome:
    """The results with what was prefilled marked, and a word on the terminal about it."""
    from dataclasses import replace

    from kuntaprofiili.sheets.prefill import mark_results

    updated = str(cache.get("updated") or "?")[:10]
    counts = {"values": filled.values, "rows": filled.rows}
    io.err.print(message("prefill.filled", lang, updated=updated, **counts), markup=False)
    if filled.missing:
        names = ", ".join(filled.missing[:SHOWN_MISSING])
        if len(filled.missing) > SHOWN_MISSING:
            n = len(filled.missing) - SHOWN_MISSING
            names = message("prefill.more", lang, names=names, n=n)
        io.err.print(message("prefill.missing", lang, names=names), markup=False)
    return replace(outcome, results=mark_results(outcome.results, filled))


def _write_errors(outcome: BatchOutcome, dest: Path, lang: str, excel_fi: bool) -> None:
    """The errors file, written only when rows failed (see ``_write_all``)."""
    from kuntaprofiili.sheets.results import problems_frame
    from kuntaprofiili.sheets.write import write_frame_csv

    frame = problems_frame(outcome.problems, lang)
    write_frame_csv(frame, dest, _dialect(excel_fi), True, lang)


def _write_results(
    outcome: BatchOutcome, context: BatchContext, name: Path, dest: Path, lang: str, excel_fi: bool
) -> None:
    """The results in the format ``name`` asks for, written to ``dest``."""
    from kuntaprofiili.sheets.write import output_format, write_frame_csv, write_frames_xlsx

    kind = output_format(name)
    if kind == "csv":  # measure ids only, as in assess's CSV; the titles are in XLSX and JSON
        results = outcome.results.drop(columns=["measure_titles"], errors="ignore")
        write_frame_csv(results, dest, _dialect(excel_fi), True, lang)
    elif kind == "xlsx":
        sheets = [
            (message("batch.sheet.results", lang), outcome.results),
            (message("batch.sheet.summary", lang), outcome.summary),
        ]
        write_frames_xlsx(sheets, dest, True, lang)
    else:
        from kuntaprofiili.files.export import write_json
        from kuntaprofiili.sheets.results import outcome_json

        write_json(outcome_json(outcome, context.questionnaire, lang), dest, True)


def _write_reports(
    input_file: Path,
    outcome: BatchOutcome,
    context: BatchContext,
    folder: Path,
    io: Consoles,
    lang: str,
    force: bool,
    stage: Staging,
    cache: dict[str, Any] | None = None,
) -> None:
    """One HTML report per scored row (the sheet is read again: scoring let go of its text;
    with ``--prefill`` it is prefilled again, so each report has the fetched values)."""
    from dataclasses import replace

    from kuntaprofiili.files.content_file import load_content
    from kuntaprofiili.files.safeio import ensure_writable
    from kuntaprofiili.sheets.reports import plan_reports, write_reports

    results = outcome.results.to_dict("records")
    content = load_content()
    sheet = _read(input_file, io, lang)
    if cache is not None:
        sheet = _prefill(sheet, context, cache, lang)[0]
    plans = list(plan_reports(sheet, results, context.questionnaire, content, folder, lang))
    for plan in plans:
        ensure_writable(plan.dest, force)
    staged = [replace(plan, dest=stage.path(plan.dest)) for plan in plans]
    write_reports(staged, results, content, lang, True)
    io.err.print(message("batch_reports.wrote", lang, n=len(plans), path=str(folder)), markup=False)


# -- what the terminal shows ----------------------------------------------------------------


def _print_outcome(outcome: BatchOutcome, io: Consoles, lang: str, errors: Path | None) -> None:
    """The problems (first ones), the summary and the counts; ``errors`` is the errors
    file when one is written."""
    if outcome.problems:
        io.err.print(problems_table(outcome, lang))
        hidden = len(outcome.problems) - SHOWN_PROBLEMS
        if hidden > 0 and errors is not None:
            io.err.print(
                message("batch.more_problems", lang, n=hidden, path=str(errors)), markup=False
            )
        if errors is not None:
            io.err.print(message("batch.wrote_errors", lang, path=str(errors)), markup=False)
    io.out.print(summary_table(outcome, lang))
    notices = sum(not p.rejects for p in outcome.problems)
    counts = {
        "read": outcome.rows_read,
        "scored": len(outcome.results),
        "rejected": outcome.rows_rejected,
    }
    io.out.print(message("batch.counts", lang, notices=notices, **counts), markup=False)


def problems_table(outcome: BatchOutcome, lang: str) -> Table:
    """The first problems, as Excel would point at them."""
    table = Table(title=message("batch.problems_title", lang), title_justify="left")
    for key in (
        "batch.column.row",
        "batch.column.column",
        "batch.column.value",
        "batch.column.problem",
        "batch.column.expected",
    ):
        table.add_column(
            message(key, lang), justify="right" if key == "batch.column.row" else "left"
        )
    for p in outcome.problems[:SHOWN_PROBLEMS]:
        cells = (str(p.row), p.column, p.value, p.problem, p.expected)
        table.add_row(*(Text(c) for c in cells), style="red" if p.rejects else "yellow")
    return table


def summary_table(outcome: BatchOutcome, lang: str) -> Group:
    """Mean (median) score per dimension and in all, for every row and by primary type.

    One column per type and one row per dimension, so the table fits 80 columns; a
    legend under it says what the numbers in brackets are.
    """
    from rich import box
    from rich.console import Group

    from kuntaprofiili.core.model import Dimension

    records = outcome.summary.to_dict("records")
    table = Table(
        title=message("batch.summary_title", lang),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 0),
    )
    table.add_column("", no_wrap=True)
    for row in records:
        kind, group = str(row["type"]), str(row["group"])
        name = message("batch.column.all", lang) if kind == "all" else message(f"type.{kind}", lang)
        if group == "further":
            name = message("sheets.further_type", lang, type=name)
        # as narrow as its longest word, so that type names wrap instead of being cut
        table.add_column(name, justify="right", width=max(6, *(len(w) for w in name.split())))
    table.add_row(message("batch.column.count", lang), *(_counted(r, lang) for r in records))
    parts = [(f"dimension.{d.value}", d.value) for d in Dimension]
    for key, part in [*parts, ("batch.column.overall", "overall")]:
        cells = [_mean_median(r[f"{part}_mean"], r[f"{part}_median"], lang) for r in records]
        table.add_row(message(key, lang), *cells)
    legend = Text(message("batch.summary.legend", lang), style="dim")
    return Group(table, legend)


def _counted(row: Mapping[Any, Any], lang: str) -> str:
    """'12', or '12 (2 ilman pisteitä)' when some rows have no overall score."""
    count = format_number(row["count"], lang)
    if not row["unscored"]:
        return count
    unscored = format_number(row["unscored"], lang)
    return message("sheets.count_unscored", lang, count=count, unscored=unscored)


def _mean_median(mean: float, median: float, lang: str) -> str:
    if mean != mean:  # NaN: no row of the type has a score
        return "–"
    return f"{format_score(mean, lang)}\n({format_score(median, lang)})"
