"""``kuntaprofiili report``, ``compare`` and ``whatif``: see a result, track it, act on it.

Each takes an answers file (YAML, as ``assess`` saves it) or a result JSON (``assess
--json``), which carries the answers, the questionnaire's id and version and the
municipality; the result is rebuilt by scoring those answers again, so a report never
shows numbers that the questionnaire in use would not give.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kuntaprofiili.cli._common import (
    Consoles,
    DebugOption,
    ForceOption,
    LangOption,
    QuestionnaireOption,
    _,
    allow_overwrite,
    consoles,
    handle_errors,
    session_lang,
)
from kuntaprofiili.core.typecodes import MunicipalityType
from kuntaprofiili.i18n import message

if TYPE_CHECKING:
    from kuntaprofiili.core.answers import AnswerSet
    from kuntaprofiili.core.assessment import Assessment
    from kuntaprofiili.core.content import Content
    from kuntaprofiili.core.model import Questionnaire
    from kuntaprofiili.core.municipality import Municipality
    from kuntaprofiili.views.html_report import PeerMedians

# Answers files and result JSONs have one limit in every command: drafts.MAX_ANSWERS_BYTES.
# Batch results are bigger: a row per municipality.
MAX_PEERS_BYTES = 100_000_000

# No dir_okay=False on inputs: a folder gets our own message and exit 1, not a usage box.
InputArgument = Annotated[Path, typer.Argument(help=_("html.opt_input"), metavar=_("metavar.file"))]
FullOption = Annotated[bool, typer.Option("--full", help=_("programme.opt_full"))]


@dataclass(frozen=True, slots=True)
class Loaded:
    """An input file read and validated: the answers and what identifies the municipality."""

    path: Path
    questionnaire: Questionnaire
    answer_set: AnswerSet
    place: Municipality | None
    type_override: MunicipalityType | None

    @property
    def label(self) -> str:
        """The answers' date, else the file's name: what the compare title shows."""
        return self.answer_set.timestamp[:10] or self.path.name


def report(
    input_file: InputArgument,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=_("html.opt_output"), dir_okay=False)
    ] = None,
    peers: Annotated[Path | None, typer.Option("--peers", help=_("html.opt_peers"))] = None,
    questionnaire: QuestionnaireOption = None,
    lang: LangOption = None,
    force: ForceOption = False,
    full: FullOption = False,
    debug: DebugOption = False,
) -> None:
    """The HTML report of an answers file or result JSON (the terminal report without -o)."""
    lang = session_lang(lang)
    from kuntaprofiili.files.content_file import load_content
    from kuntaprofiili.views.html_report import write_html_report

    io = consoles()
    with handle_errors(io.err, lang, debug):
        force = allow_overwrite([output], force, io.err, lang)
        loaded = read_input(input_file, load_questionnaire(questionnaire))
        content = load_content()
        result = rebuild(loaded, content)
        if output is None:
            _print_report(result, content, io, lang, full)
            return
        medians = read_peers(peers, result.classification.primary) if peers else None
        write_html_report(result, content, lang, output, force, medians)
        io.err.print(message("html.wrote", lang, path=str(output)), markup=False)


def compare(
    old: Annotated[Path, typer.Argument(help=_("compare.opt_old"), metavar=_("metavar.old"))],
    new: Annotated[Path, typer.Argument(help=_("compare.opt_new"), metavar=_("metavar.new"))],
    questionnaire: QuestionnaireOption = None,
    old_questionnaire: Annotated[
        Path | None,
        typer.Option("--old-questionnaire", help=_("compare.opt_old_questionnaire")),
    ] = None,
    every: Annotated[bool, typer.Option("--all", help=_("compare.opt_all"))] = False,
    lang: LangOption = None,
    debug: DebugOption = False,
) -> None:
    """What changed between two assessments, and how much was the method's doing."""
    lang = session_lang(lang)
    from kuntaprofiili.core.compare import compare as compare_answers
    from kuntaprofiili.views.compare_view import build_comparison

    io = consoles()
    with handle_errors(io.err, lang, debug):
        new_q = load_questionnaire(questionnaire)
        old_q = load_questionnaire(old_questionnaire) if old_questionnaire else new_q
        before = read_input(old, old_q, io, lang)
        after = read_input(new, new_q)
        result = compare_answers(old_q, before.answer_set.answers, new_q, after.answer_set.answers)
        labels = (before.label, after.label)
        io.out.print(build_comparison(result, old_q, new_q, labels, lang, every))


def whatif(
    input_file: InputArgument,
    questionnaire: QuestionnaireOption = None,
    json: Annotated[
        Path | None,
        typer.Option("--json", help=_("programme.opt_whatif_json"), dir_okay=False),
    ] = None,
    lang: LangOption = None,
    force: ForceOption = False,
    debug: DebugOption = False,
) -> None:
    """The one to three answer changes that lift the weakest dimension a band, cheapest first."""
    lang = session_lang(lang)
    from kuntaprofiili.core.whatif import lift_of
    from kuntaprofiili.files.content_file import load_content
    from kuntaprofiili.files.export import write_json
    from kuntaprofiili.views.whatif_view import lift_block, lift_json

    io = consoles()
    with handle_errors(io.err, lang, debug):
        force = allow_overwrite([json], force, io.err, lang)
        loaded = read_input(input_file, load_questionnaire(questionnaire))
        content = load_content()
        result = rebuild(loaded, content)
        lift = lift_of(result, content)
        io.out.print(lift_block(lift, result.questionnaire, lang))
        if json is not None:
            write_json(lift_json(lift, result.questionnaire, lang), json, force)
            io.err.print(message("assess.wrote", lang, path=str(json)), markup=False)


# -- shared steps -----------------------------------------------------------------------


def _print_report(
    result: Assessment, content: Content, io: Consoles, lang: str, full: bool = False
) -> None:
    from kuntaprofiili.views.report import build_report

    io.out.print(build_report(result, content, lang, full))


def load_questionnaire(path: Path | None) -> Questionnaire:
    """The questionnaire at ``path``, else the bundled default."""
    from kuntaprofiili.files.questionnaire_file import load_questionnaire_or_default

    return load_questionnaire_or_default(path)


def answers_form(raw: Mapping[str, Any], path: Path) -> tuple[dict[str, Any], str | None]:
    """A result JSON (``assess --json``) as an answers file, plus its municipality code.

    An answers file comes back as it is. Anything with no ``answers`` is neither.
    """
    from kuntaprofiili.errors import InputFileError

    if "answers" not in raw:
        raise InputFileError("html.input_unreadable", path=str(path), problem="no 'answers'")
    place = raw.get("municipality")
    if not isinstance(place, Mapping):
        return dict(raw), None
    types = raw.get("types") if isinstance(raw.get("types"), Mapping) else {}
    name = place.get("name")
    form: dict[str, Any] = {
        "municipality": name if name not in (None, "", "-") else None,
        "questionnaire": raw.get("questionnaire"),
        "timestamp": raw.get("timestamp"),
        "answers": raw.get("answers"),
    }
    if isinstance(types, Mapping) and types.get("overridden"):
        form["type"] = types.get("primary")
    code = place.get("code")
    return form, str(code) if code else None


def read_input(
    path: Path, questionnaire: Questionnaire, io: Consoles | None = None, lang: str = "fi"
) -> Loaded:
    """Read an answers file or result JSON and validate its answers against ``questionnaire``."""
    from kuntaprofiili.core.answers import parse_answers
    from kuntaprofiili.errors import InputFileError
    from kuntaprofiili.files.drafts import MAX_ANSWERS_BYTES
    from kuntaprofiili.files.safeio import read_yaml

    raw = read_yaml(path, MAX_ANSWERS_BYTES, "answers_file")  # JSON is YAML too
    if not isinstance(raw, Mapping):
        raise InputFileError("html.input_unreadable", path=str(path), problem="not a mapping")
    form, code = answers_form(raw, path)
    if io is not None:
        _warn_version(form, questionnaire, path, io, lang)
    answer_set = parse_answers(form, questionnaire, str(path))
    place = _place(code or answer_set.municipality)
    override = answer_set.type_override
    known = override if override in set(MunicipalityType) else None
    return Loaded(
        path, questionnaire, answer_set, place, MunicipalityType(known) if known else None
    )


def _warn_version(
    form: Mapping[str, Any], q: Questionnaire, path: Path, io: Consoles, lang: str
) -> None:
    """Say so when answers are scored with another version than they were given to."""
    meta = form.get("questionnaire")
    declared = (
        str(meta.get("version")) if isinstance(meta, Mapping) and meta.get("version") else None
    )
    if declared is not None and declared != q.version:
        text = message(
            "compare.version_mismatch", lang, path=str(path), declared=declared, used=q.version
        )
        io.err.print(text, markup=False)


def _place(query: str | None) -> Municipality | None:
    if not query:
        return None
    from kuntaprofiili.core.municipality import find_municipality
    from kuntaprofiili.files.municipality_file import load_municipalities

    return find_municipality(query, load_municipalities())


def rebuild(loaded: Loaded, content: Content) -> Assessment:
    """Score, classify and advise the loaded answers again."""
    from kuntaprofiili.core.assessment import build_assessment

    return build_assessment(
        loaded.questionnaire, loaded.answer_set, content, loaded.place, loaded.type_override
    )


def read_peers(path: Path, municipality_type: MunicipalityType) -> PeerMedians:
    """The median scores of ``municipality_type`` in a batch result (CSV, XLSX or JSON)."""
    from kuntaprofiili.views.html_report import peer_medians

    rows = _peer_rows_json(path) if path.suffix.lower() == ".json" else _peer_rows_sheet(path)
    return peer_medians(rows, municipality_type)


def _peer_rows_sheet(path: Path) -> list[dict[str, object]]:
    from kuntaprofiili.errors import InputFileError
    from kuntaprofiili.sheets.read import read_sheet

    sheet = read_sheet(path)
    if "primary_type" not in sheet.header:
        raise InputFileError("html.peers_unreadable", path=str(path), problem="primary_type")
    columns = list(sheet.header)
    return [dict(zip(columns, row, strict=False)) for row in sheet.frame.itertuples(index=False)]


def _peer_rows_json(path: Path) -> list[dict[str, object]]:
    """A batch JSON (``{"results": [...]}``) or a list of result JSONs, as result rows."""
    import json

    from kuntaprofiili.errors import InputFileError
    from kuntaprofiili.files.safeio import read_text

    try:
        data = json.loads(read_text(path, MAX_PEERS_BYTES, "batch_result"))
    except json.JSONDecodeError as error:
        raise InputFileError("html.peers_unreadable", path=str(path), problem=error.msg) from None
    except RecursionError:
        problem = "nesting too deep"
        raise InputFileError("html.peers_unreadable", path=str(path), problem=problem) from None
    results = data.get("results") if isinstance(data, Mapping) else data
    if not isinstance(results, list):
        raise InputFileError("html.peers_unreadable", path=str(path), problem="no list of results")
    return [_json_row(r) for r in results if isinstance(r, Mapping)]


def _json_row(result: Mapping[str, Any]) -> dict[str, object]:
    """A batch record is already a result row; a nested result JSON is flattened."""
    if "primary_type" in result:
        return dict(result)
    types = result.get("types")
    scores = result.get("scores")
    row: dict[str, object] = {
        "primary_type": types.get("primary") if isinstance(types, Mapping) else None
    }
    for name, value in (scores if isinstance(scores, Mapping) else {}).items():
        row[f"{name}_score"] = value.get("score") if isinstance(value, Mapping) else value
    return row
