"""``kuntaprofiili data update|show``: fetch open statistics into the cache, and inspect it.

The open-data layer (httpx and the providers) is imported inside the commands, so
``kuntaprofiili --help`` stays fast.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from kuntaprofiili.cli._common import (
    Consoles,
    DebugOption,
    LangOption,
    QuestionnaireOption,
    _,
    consoles,
    handle_errors,
    session_lang,
)
from kuntaprofiili.errors import ExitCode, KuntaprofiiliError
from kuntaprofiili.i18n import message

if TYPE_CHECKING:
    from kuntaprofiili.core.model import Questionnaire
    from kuntaprofiili.core.municipality import Municipality
    from kuntaprofiili.opendata.update import Outcome

app = typer.Typer(no_args_is_help=True, add_completion=False)

MunicipalityOption = Annotated[
    str | None, typer.Option("--municipality", "-m", help=_("data.opt_municipality"))
]


@app.command("update", help=_("data.update"))
def update(
    municipality: MunicipalityOption = None,
    questionnaire: QuestionnaireOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Fetch every mapped statistic into the cache; resumes an interrupted update."""
    lang = session_lang(lang)
    io = consoles()
    with handle_errors(io.err, lang, debug):
        from kuntaprofiili.files.municipality_file import load_municipalities
        from kuntaprofiili.opendata.cache import cache_path

        q = _load(questionnaire)
        places = load_municipalities()
        only = named_municipality(municipality, places, lang)
        outcome = _run(q, places, only, io, lang)
        _report(q, outcome, io, lang)
        if outcome.fetched == 0 and outcome.failures:
            io.err.print(message("opendata.nothing", lang), markup=False)
            raise typer.Exit(int(ExitCode.ERROR))
        count = 1 if only else len(places)
        io.err.print(
            message("opendata.done", lang, values=outcome.values, places=count, path=cache_path()),
            markup=False,
        )


def _load(path: Path | None) -> Questionnaire:
    from kuntaprofiili.files.questionnaire_file import load_questionnaire_or_default

    return load_questionnaire_or_default(path)


def named_municipality(
    name: str | None, places: tuple[Municipality, ...], lang: str
) -> Municipality | None:
    if not name:
        return None
    from kuntaprofiili.core.municipality import find_municipality

    found = find_municipality(name, places)
    if found is None:
        # numpy and rapidfuzz only for an unknown name: the first question needs neither
        from kuntaprofiili.core.place_search import search_municipalities

        close = ", ".join(m.name(lang) for m in search_municipalities(name, places, limit=5))
        raise KuntaprofiiliError("opendata.unknown_municipality", name=name, close=close or "-")
    return found


def _run(
    q: Questionnaire,
    places: tuple[Municipality, ...],
    only: Municipality | None,
    io: Consoles,
    lang: str,
) -> Outcome:
    """Run the update under a progress bar; Ctrl-C saves what was fetched and says so."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kuntaprofiili.core.model import Provider
    from kuntaprofiili.opendata.cache import PROVIDER_NAMES
    from kuntaprofiili.opendata.http import Http
    from kuntaprofiili.opendata.update import Updater

    columns = (TextColumn("{task.description:14}"), BarColumn(), MofNCompleteColumn())
    http = Http()
    with Progress(*columns, console=io.err) as bar:
        rows = {p: bar.add_task(PROVIDER_NAMES[str(p)], total=None) for p in Provider}

        def on_progress(provider: Provider, done: int, total: int) -> None:
            bar.update(rows[provider], completed=done, total=total)

        updater = Updater(q, places, only, http, on_progress)
        if updater.resumed:
            io.err.print(message("opendata.resuming", lang, n=updater.resumed), markup=False)
        try:
            return updater.run()
        except KeyboardInterrupt:
            bar.stop()
            io.err.print(message("opendata.interrupted", lang), markup=False)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        finally:
            http.close()


def _report(q: Questionnaire, outcome: Outcome, io: Consoles, lang: str) -> None:
    """Which provider failed and why, which values are missing, what is not published."""
    from kuntaprofiili.opendata.cache import PROVIDER_NAMES

    for provider, error in outcome.failures.items():
        reason = message(error.key, lang, **error.params)
        text = message(
            "opendata.provider_failed", lang, provider=PROVIDER_NAMES[provider], reason=reason
        )
        io.err.print(f"[bold red]{message('cli.error_prefix', lang)}[/] ", end="")
        io.err.print(text, markup=False, highlight=False)
    for provider, counts in outcome.missing.items():
        items = "; ".join(f"{q.item(i).text.get(lang)} ({n})" for i, n in counts.items())
        io.err.print(
            message("opendata.missing", lang, provider=PROVIDER_NAMES[provider], items=items),
            markup=False,
        )
    for what in outcome.not_published[:5]:
        io.err.print(message("opendata.not_published", lang, what=what), markup=False)


@app.command("show", help=_("data.show"))
def show(
    municipality: MunicipalityOption = None,
    questionnaire: QuestionnaireOption = None,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """Show the cache's age, and its values for one municipality or per question."""
    lang = session_lang(lang)
    io = consoles()
    with handle_errors(io.err, lang, debug):
        from kuntaprofiili.files.municipality_file import load_municipalities
        from kuntaprofiili.opendata.cache import cache_path, read_cache

        cache = read_cache()
        if cache is None:
            io.err.print(message("opendata.no_cache", lang), markup=False)
            raise typer.Exit(int(ExitCode.ERROR))
        q = _load(questionnaire)
        io.out.print(_summary(cache, cache_path(), lang), markup=False, highlight=False)
        if cache.get("progress"):
            io.out.print(message("opendata.cache_unfinished", lang), markup=False)
        place = named_municipality(municipality, load_municipalities(), lang)
        if place is None:
            io.out.print(_overview_table(q, cache, lang))
        else:
            io.out.print(_place_table(q, cache, place, lang))


def _summary(cache: dict[str, Any], path: Path, lang: str) -> str:
    updated = str(cache.get("updated") or "?")
    try:
        age = (datetime.now().astimezone() - datetime.fromisoformat(updated)).days
    except ValueError:
        age = "?"  # type: ignore[assignment]
    places = sum(1 for values in cache["values"].values() if values)
    return message(
        "opendata.cache_info", lang, path=path, updated=updated[:16], age=age, places=places
    )


def _overview_table(q: Questionnaire, cache: dict[str, Any], lang: str) -> Table:
    from kuntaprofiili.opendata.update import fetched_items

    table = Table(show_lines=False)
    for key in (
        "opendata.col_question",
        "opendata.col_source",
        "opendata.col_year",
        "opendata.col_places",
    ):
        table.add_column(message(key, lang))
    for item in fetched_items(q):
        rows = [v[item.id] for v in cache["values"].values() if item.id in v]
        years = sorted({int(r["year"]) for r in rows})
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "–")
        source = rows[0]["attribution"] if rows else "–"
        table.add_row(item.text.get(lang), source, span, str(len(rows)))
    return table


def _place_table(q: Questionnaire, cache: dict[str, Any], place: Municipality, lang: str) -> Table:
    from kuntaprofiili.core.numbers import format_number
    from kuntaprofiili.opendata.cache import cached_values
    from kuntaprofiili.opendata.update import fetched_items

    values = cached_values(cache, place.code)
    if not values:
        raise KuntaprofiiliError("opendata.nothing_for", name=place.name(lang))
    table = Table(title=place.name(lang))
    for key in (
        "opendata.col_question",
        "opendata.col_value",
        "opendata.col_source",
        "opendata.col_year",
        "opendata.col_fetched",
    ):
        table.add_column(message(key, lang))
    for item in fetched_items(q):
        got = values.get(item.id)
        if got is None:
            table.add_row(item.text.get(lang), "–", "", "", "")
            continue
        source = f"{got.attribution} ({got.source})"
        number = format_number(got.value, lang)
        table.add_row(item.text.get(lang), number, source, str(got.year), got.fetched[:10])
    return table
