"""``kuntaprofiili assess``: from the first question to a printed and exported result."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from kuntaprofiili.cli._common import (
    Consoles,
    DebugOption,
    ForceOption,
    QuestionnaireOption,
    _,
    allow_overwrite,
    consoles,
    handle_errors,
    say,
    session_lang,
)
from kuntaprofiili.core.typecodes import MunicipalityType
from kuntaprofiili.i18n import LANGS, Lang, env_lang, locale_lang, message

if TYPE_CHECKING:
    from kuntaprofiili.cli._session import Session
    from kuntaprofiili.core.answers import AnswerSet, AnswerValue
    from kuntaprofiili.core.model import Questionnaire
    from kuntaprofiili.core.municipality import Municipality
    from kuntaprofiili.opendata.cache import CachedValue


@dataclass(frozen=True, slots=True)
class Outputs:
    """Where the result goes besides the terminal."""

    save: Path | None
    csv: Path | None
    json: Path | None
    excel_fi: bool
    force: bool
    full: bool = False  # the programme's whole text in the terminal report


def assess(
    municipality: Annotated[
        str | None, typer.Option("--municipality", "-m", help=_("opt.municipality"))
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", "-l", help=_("opt.lang_assess"), case_sensitive=False),
    ] = None,
    questionnaire: QuestionnaireOption = None,
    answers: Annotated[Path | None, typer.Option("--answers", "-a", help=_("opt.answers"))] = None,
    resume: Annotated[Path | None, typer.Option("--resume", help=_("opt.resume"))] = None,
    save: Annotated[
        Path | None, typer.Option("--save", "-s", help=_("opt.save"), dir_okay=False)
    ] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help=_("opt.csv"), dir_okay=False)] = None,
    json: Annotated[Path | None, typer.Option("--json", help=_("opt.json"), dir_okay=False)] = None,
    excel_fi: Annotated[bool, typer.Option("--excel-fi", help=_("opt.excel_fi"))] = False,
    type_: Annotated[
        MunicipalityType | None,
        typer.Option("--type", "-t", help=_("opt.type"), metavar=_("metavar.type")),
    ] = None,
    force: ForceOption = False,
    full: Annotated[bool, typer.Option("--full", help=_("programme.opt_full"))] = False,
    debug: DebugOption = False,
) -> None:
    """Answer the questionnaire and get scores, the municipality type and advice."""
    io = consoles()
    outputs = Outputs(save, csv, json, excel_fi, force, full)
    # the municipality an answers file or draft names finds its reference data (Åland, the
    # statistical group, the Swedish name) just as --municipality would
    named, stored = _named_in(resume or answers)
    run_lang = RunLanguage(_first_guess(lang, stored))
    with handle_errors(io.err, run_lang.get, debug):
        municipality = _checked_name(municipality) or named
        place = _find_place(municipality, io, run_lang.lang)
        run_lang.lang = _language_for(lang, stored, place, io)
        chosen = run_lang.lang
        outputs = _check_outputs(outputs, io, chosen)
        q = _load_questionnaire(questionnaire)
        session: Session | None = None
        if answers is not None:
            answer_set = _read_answers(answers, q, municipality)
        else:
            again = _resume_command(outputs, questionnaire, type_, chosen)
            answer_set, session = _interview(
                q, municipality, place, io, chosen, outputs, resume, again
            )
        override = type_ or _override_in(answer_set)
        _finish(q, answer_set, place, override, io, chosen, outputs, session)


@dataclass(slots=True)
class RunLanguage:
    """The language of this run, settled once the municipality is known."""

    lang: str

    def get(self) -> str:
        """The language now (for messages of errors that may come before it is settled)."""
        return self.lang


# Language statuses whose municipalities get Swedish by default, and the notice saying so.
SWEDISH_MAJORITY = {
    "bilingual_swedish_majority": "assess.swedish_default",
    "unilingual_swedish": "assess.swedish_default_unilingual",
}


def _first_guess(asked: Lang | None, stored: str | None) -> str:
    """The language before the municipality is known: --lang, the draft's, the default."""
    return str(session_lang(asked, stored))


def _language_for(
    asked: Lang | None, stored: str | None, place: Municipality | None, io: Consoles
) -> str:
    """--lang; else the draft's language; else KUNTAPROFIILI_LANG; else Swedish for a
    Swedish-majority municipality; else the locale; else Finnish."""
    if asked is not None:
        return str(asked)
    if stored in LANGS:
        return str(stored)
    explicit = env_lang()
    if explicit:
        return explicit
    notice = SWEDISH_MAJORITY.get(place.language_status) if place is not None else None
    if place is not None and notice is not None:
        say(io.err, message(notice, "sv", name=place.name_sv))
        return "sv"
    return locale_lang() or "fi"


def _resume_command(
    outputs: Outputs, questionnaire: Path | None, type_: MunicipalityType | None, lang: str
) -> Callable[[Path], str]:
    """The command that continues this interview from its draft, options included."""
    import shlex

    def command(draft: Path) -> str:
        words = ["kuntaprofiili", "assess", "--resume", str(draft), "--lang", lang]
        for option, value in (
            ("--questionnaire", questionnaire),
            ("--save", outputs.save),
            ("--csv", outputs.csv),
            ("--json", outputs.json),
            ("--type", type_.value if type_ else None),
        ):
            if value is not None:
                words += [option, str(value)]
        if outputs.excel_fi:
            words.append("--excel-fi")
        return shlex.join(words)

    return command


def _check_outputs(outputs: Outputs, io: Consoles, lang: str) -> Outputs:
    """Refuse an overwrite before the first question, not after the last one.

    In a terminal the user may say yes instead of giving --force.
    """
    from dataclasses import replace

    paths = (outputs.save, outputs.csv, outputs.json)
    return replace(outputs, force=allow_overwrite(paths, outputs.force, io.err, lang))


def _load_questionnaire(path: Path | None) -> Questionnaire:
    from kuntaprofiili.files.questionnaire_file import load_questionnaire_or_default

    return load_questionnaire_or_default(path)


def _named_in(draft: Path | None) -> tuple[str | None, str | None]:
    """The municipality and the language a draft (--resume) or answers file (--answers)
    names, so that neither is lost; (None, None) when there is no draft or it cannot be read yet
    (reading it properly later says what is wrong, in the session's language)."""
    if draft is None or not draft.is_file():
        return None, None
    from kuntaprofiili.errors import KuntaprofiiliError
    from kuntaprofiili.files.drafts import MAX_ANSWERS_BYTES
    from kuntaprofiili.files.safeio import read_yaml

    try:
        raw = read_yaml(draft, MAX_ANSWERS_BYTES, "draft")
    except KuntaprofiiliError:
        return None, None
    if not isinstance(raw, dict):
        return None, None
    name, language = raw.get("municipality"), raw.get("language")
    try:
        checked = _checked_name(name, str(draft)) if isinstance(name, str) else None
    except KuntaprofiiliError:
        checked = None  # reading the file properly says what is wrong with the name
    return checked, (str(language) if language in LANGS else None)


def _checked_name(name: str | None, source: str = "--municipality") -> str | None:
    """A municipality name without control characters, refused when absurdly long."""
    from kuntaprofiili.core.printable import MAX_NAME_LENGTH, printable

    if name is None:
        return None
    if len(name) > MAX_NAME_LENGTH:
        from kuntaprofiili.errors import InputFileError

        raise InputFileError(
            "reliability.name_too_long", path=source, length=len(name), limit=MAX_NAME_LENGTH
        )
    return printable(name).strip() or None


def _find_place(name: str | None, io: Consoles, lang: str) -> Municipality | None:
    """The municipality in the reference data; an unknown name is allowed, with a hint."""
    if not name:
        return None
    from kuntaprofiili.files.municipality_file import load_municipalities, load_municipality

    found = load_municipality(name)
    if found is None:
        # numpy and rapidfuzz only for an unknown name: the first question needs neither
        from kuntaprofiili.core.place_search import search_municipalities

        everyone = load_municipalities()
        close = ", ".join(m.name(lang) for m in search_municipalities(name, everyone, limit=5))
        say(io.err, message("assess.unknown_municipality", lang, name=name, close=close or "-"))
    return found


def _override_in(answer_set: AnswerSet) -> MunicipalityType | None:
    code = answer_set.type_override
    return MunicipalityType(code) if code in set(MunicipalityType) else None


def _read_answers(path: Path, q: Questionnaire, name: str | None) -> AnswerSet:
    from dataclasses import replace

    from kuntaprofiili.files.drafts import read_answers

    answer_set = read_answers(path, q)
    return replace(answer_set, municipality=name) if name else answer_set


def _interview(
    q: Questionnaire,
    name: str | None,
    place: Municipality | None,
    io: Consoles,
    lang: str,
    outputs: Outputs,
    resume: Path | None,
    again: Callable[[Path], str],
) -> tuple[AnswerSet, Session]:
    """Ask the questions, saving a draft after every answer; returns answers and session.

    Interrupted or crashed, the user is told the command that continues from the draft.
    """
    from kuntaprofiili.cli._session import open_session

    municipality = name or (place.name_fi if place else None)
    session = open_session(q, municipality, outputs.save, resume, io, lang)
    try:
        answers = _ask(q, municipality, place, io, lang, session, again)
    finally:
        session.close()
    return answers, session


def _ask(
    q: Questionnaire,
    municipality: str | None,
    place: Municipality | None,
    io: Consoles,
    lang: str,
    session: Session,
    again: Callable[[Path], str],
) -> AnswerSet:
    """The interview itself; a stop (Ctrl-C, end of input, closed terminal) saves the draft."""
    from kuntaprofiili.cli._session import hangup_as_interrupt
    from kuntaprofiili.core.answers import AnswerSet
    from kuntaprofiili.errors import Interrupted
    from kuntaprofiili.files.drafts import write_answers
    from kuntaprofiili.views.interview import Interview

    evidence = dict(session.evidence)

    def save_draft(answers: Mapping[str, AnswerValue]) -> None:
        write_answers(
            session.draft,
            AnswerSet(
                q.id, q.version, dict(answers), municipality, evidence=evidence, language=lang
            ),
        )

    draft = session.draft
    say(io.out, message("assess.intro", lang, draft=str(draft)), style="dim")
    fetched = _fetched(q, place, io, lang)
    interview = Interview(
        q,
        io.out,
        lambda prompt: io.out.input(Text(prompt)),
        lang,
        answers=dict(session.earlier),
        defaults={**_prefill(place), **{k: v.value for k, v in fetched.items()}},
        default_notes={k: v.label for k, v in fetched.items()},
        on_change=save_draft,
        evidence=evidence,
        aland=place is not None and place.is_aland,
    )
    try:
        with hangup_as_interrupt():
            answers = interview.run()
    except Interrupted as stop:
        if not stop.answers:
            raise Interrupted({}) from None
        save_draft(interview.answers)  # once more: a signal may have cut the last write short
        raise Interrupted(stop.answers, str(draft), again(draft)) from None
    except Exception:
        if draft.is_file():
            say(io.err, message("assess.crashed", lang, draft=str(draft), command=again(draft)))
        raise
    from kuntaprofiili.opendata.prefill import provenance

    record = provenance(q, answers, fetched)
    return AnswerSet(
        q.id, q.version, answers, municipality, provenance=record, evidence=evidence, language=lang
    )


def _fetched(
    q: Questionnaire, place: Municipality | None, io: Consoles, lang: str
) -> dict[str, CachedValue]:
    """Values from ``data update`` for this municipality; without a cache, say once how."""
    if place is None:
        return {}
    from kuntaprofiili.opendata.prefill import read_prefill

    fetched = read_prefill(q, place.code)
    if fetched is None:
        say(io.err, message("opendata.no_cache", lang))
    return fetched or {}


def _prefill(place: Municipality | None) -> dict[str, AnswerValue]:
    if place is None:
        return {}
    from kuntaprofiili.core.municipality import profile_answers

    return dict(profile_answers(place))


def _finish(
    q: Questionnaire,
    answer_set: AnswerSet,
    place: Municipality | None,
    type_override: MunicipalityType | None,
    io: Consoles,
    lang: str,
    outputs: Outputs,
    session: Session | None,
) -> None:
    """Save the answers, then print and export the result."""
    from kuntaprofiili.core.assessment import build_assessment
    from kuntaprofiili.files.content_file import load_content
    from kuntaprofiili.views.report import build_report

    _store_answers(answer_set, io, lang, outputs, session)
    content = load_content()
    result = build_assessment(q, answer_set, content, place, type_override)
    io.out.print(build_report(result, content, lang, outputs.full))
    _export(result, io, lang, outputs)


def _store_answers(
    answer_set: AnswerSet, io: Consoles, lang: str, outputs: Outputs, session: Session | None
) -> None:
    """Write the answers file; an interview's drafts are removed only once that succeeded.

    Interview answers are always kept: in --save, else in the data directory.
    """
    from kuntaprofiili.files.drafts import answers_path, write_answers
    from kuntaprofiili.files.safeio import ensure_writable

    if outputs.save is not None:
        ensure_writable(outputs.save, outputs.force)
        target = outputs.save
    elif session is not None:
        target = answers_path(answer_set.municipality, answer_set.questionnaire_id)
    else:
        return
    write_answers(target, answer_set)
    for done in (session.draft, *session.retire) if session is not None else ():
        if done != target:
            done.unlink(missing_ok=True)
    say(io.err, message("assess.saved", lang, path=str(target)))


def _export(result: object, io: Consoles, lang: str, outputs: Outputs) -> None:
    from kuntaprofiili.core.results import result_json, result_row
    from kuntaprofiili.files.export import CsvDialect, write_csv, write_json

    if outputs.csv is not None:
        dialect = CsvDialect.EXCEL_FI if outputs.excel_fi else CsvDialect.PLAIN
        write_csv([result_row(result, lang)], outputs.csv, dialect, outputs.force, lang)  # type: ignore[arg-type]
        say(io.err, message("assess.wrote", lang, path=str(outputs.csv)))
    if outputs.json is not None:
        write_json(result_json(result, lang), outputs.json, outputs.force)  # type: ignore[arg-type]
        say(io.err, message("assess.wrote", lang, path=str(outputs.json)))
