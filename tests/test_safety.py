"""Data safety: drafts, refused overwrites, atomic writes, hostile input, clean errors.

Everything here runs in-process through ``CliRunner``; the terminal-only paths (Ctrl-C,
a killed process, prompts) are in test_pty_resume.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from kuntaprofiili.cli import app
from kuntaprofiili.core.answers import AnswerSet, AnswerValue
from kuntaprofiili.errors import ExitCode, InputFileError, OutputFileError
from kuntaprofiili.files.drafts import DRAFT_SUFFIX, write_answers
from kuntaprofiili.files.export import format_cell, neutralise
from kuntaprofiili.files.safeio import read_yaml, write_atomic, write_text_atomic

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"

EN = ("--lang", "en")
# Keystrokes that answer every mini question and accept the review.
ALL_KEYS = "12000\n1\n4\n7\n2\n2\n4500\n1\n3\n55\n\n"


def run(*args: str | Path, input: str | None = None) -> Result:
    """Invoke the app in-process, as the shell would."""
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def assert_clean(result: Result, code: int) -> None:
    """Exit ``code`` with a short message on stderr; never a traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr


@pytest.fixture
def answers_file(tmp_path: Path, mini_answers: dict[str, AnswerValue]) -> Callable[..., Path]:
    """Write an answers file for mini, with the municipality given."""

    def write(municipality: str | None = "Testilä", **changes: object) -> Path:
        data = {
            "municipality": municipality,
            "questionnaire": {"id": "mini", "version": "1"},
            "answers": {**mini_answers, **changes},
        }
        path = tmp_path / "answers.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return write


# -- 1. drafts after every answer, resume ---------------------------------------------


def test_draft_saved_after_every_answer_and_eof_says_where(home: Path) -> None:
    result = run("assess", "-q", MINI, "-m", "Testilä", *EN, input="12000\n1\n4\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    draft = home / "drafts" / f"testila-mini{DRAFT_SUFFIX}"
    assert str(draft) in "".join(result.stderr.split())
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert saved["municipality"] == "Testilä"
    assert saved["answers"] == {"population": 12000, "climate_plan": "yes", "plan_monitored": "4"}
    assert not [p for p in draft.parent.iterdir() if p.name.endswith(".tmp")]


def test_resume_continues_at_first_unanswered(home: Path) -> None:
    run("assess", "-q", MINI, "-m", "Testilä", *EN, input="12000\n1\n4\n")
    result = run("assess", "-q", MINI, "-m", "Testilä", *EN, input="7\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    assert "Population?" not in result.stdout
    assert result.stdout.index("Emissions?") < result.stdout.index("Welfare report?")
    draft = home / "drafts" / f"testila-mini{DRAFT_SUFFIX}"
    answers = yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"]
    assert answers == {
        "population": 12000,
        "climate_plan": "yes",
        "plan_monitored": "4",
        "co2_per_capita": 7,
    }


def test_draft_goes_beside_save(tmp_path: Path, home: Path) -> None:
    save = tmp_path / "out" / "espoo.yaml"
    result = run("assess", "-q", MINI, "-m", "X", "--save", save, *EN, input="12000\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    assert (save.parent / f"espoo.yaml{DRAFT_SUFFIX}").is_file()
    assert not (home / "drafts").exists()
    assert not save.exists()


def test_resume_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    missing = tmp_path / f"nothing{DRAFT_SUFFIX}"
    result = run("assess", "-q", MINI, "--resume", missing, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert str(missing) in "".join(result.stderr.split())


def test_resume_keeps_the_municipality_of_the_draft(tmp_path: Path) -> None:
    draft = tmp_path / f"mine{DRAFT_SUFFIX}"
    write_answers(draft, AnswerSet("mini", "1", {"population": 5000.0}, "Pikkula"))
    result = run("assess", "-q", MINI, "--resume", draft, *EN, input="1\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    saved = yaml.safe_load(draft.read_text(encoding="utf-8"))
    assert saved["municipality"] == "Pikkula"
    assert saved["answers"] == {"population": 5000, "climate_plan": "yes"}


# -- the drafts command ---------------------------------------------------------------


@pytest.fixture
def home(_isolated_home: Path) -> Path:
    """The KUNTAPROFIILI_HOME of this test."""
    return _isolated_home


def make_draft(home: Path, name: str, municipality: str | None, n: int) -> Path:
    ids = ["population", "climate_plan", "co2_per_capita"][:n]
    values: dict[str, float | str] = {
        "population": 1.0,
        "climate_plan": "no",
        "co2_per_capita": 3.0,
    }
    path = home / "drafts" / f"{name}{DRAFT_SUFFIX}"
    write_answers(path, AnswerSet("mini", "1", {i: values[i] for i in ids}, municipality))
    return path


def test_drafts_lists_municipality_questionnaire_count_and_file(home: Path) -> None:
    make_draft(home, "espoo-mini", "Espoo", 2)
    broken = home / "drafts" / f"broken{DRAFT_SUFFIX}"
    broken.write_bytes(b"answers: [unclosed\n\xff")
    make_draft(home, "markup-mini", "[/] [bold]x", 1)
    result = run("drafts", *EN)
    assert_clean(result, ExitCode.OK)
    for text in ("Espoo", "mini", "espoo-mini.draft.yaml", "(unreadable)", "[/] [bold]x"):
        assert text in result.stdout
    assert "--resume" in result.stdout


def test_drafts_says_when_there_are_none() -> None:
    result = run("drafts", *EN)
    assert_clean(result, ExitCode.OK)
    assert "no drafts" in result.stdout


def test_drafts_delete_by_number_with_yes(home: Path) -> None:
    draft = make_draft(home, "espoo-mini", "Espoo", 2)
    result = run("drafts", "--delete", "1", "--yes", *EN)
    assert_clean(result, ExitCode.OK)
    assert not draft.exists()
    assert str(draft) in "".join(result.stderr.split())


def test_drafts_delete_by_file_name_or_path(home: Path) -> None:
    first = make_draft(home, "a-mini", "A", 1)
    second = make_draft(home, "b-mini", "B", 1)
    assert_clean(run("drafts", "-d", first.name, "-y", *EN), ExitCode.OK)
    assert_clean(run("drafts", "-d", second, "-y", *EN), ExitCode.OK)
    assert not first.exists() and not second.exists()


def test_drafts_delete_without_terminal_needs_yes(home: Path) -> None:
    draft = make_draft(home, "espoo-mini", "Espoo", 2)
    before = draft.read_bytes()
    result = run("drafts", "--delete", "1", *EN)
    assert_clean(result, ExitCode.ERROR)
    assert "--yes" in result.stderr
    assert draft.read_bytes() == before


@pytest.mark.parametrize("choice", ["2", "0", "pyproject.toml", f"nowhere{DRAFT_SUFFIX}"])
def test_drafts_delete_refuses_what_is_not_a_listed_draft(
    home: Path, tmp_path: Path, choice: str
) -> None:
    make_draft(home, "espoo-mini", "Espoo", 2)
    other = tmp_path / "pyproject.toml"
    other.write_text("keep me", encoding="utf-8")
    target = str(other) if choice == "pyproject.toml" else choice
    result = run("drafts", "--delete", target, "--yes", *EN)
    assert_clean(result, ExitCode.ERROR)
    assert other.read_text(encoding="utf-8") == "keep me"
    assert len(list((home / "drafts").iterdir())) == 1


# -- 2. files: never overwritten without --force, written atomically ------------------

KNOWN = b"municipality,overall\r\nold,1\r\n\xef\xbb\xbf keep these bytes\n"


@pytest.mark.parametrize("option", ["--csv", "--json", "--save"])
def test_refused_overwrite_leaves_file_byte_identical(
    tmp_path: Path, answers_file: Callable[..., Path], option: str
) -> None:
    target = tmp_path / "existing.out"
    target.write_bytes(KNOWN)
    result = run("assess", "-q", MINI, "--answers", answers_file(), option, target, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert target.read_bytes() == KNOWN
    assert "--force" in result.stderr and str(target) in "".join(result.stderr.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml", "existing.out"]


def test_refusal_comes_before_the_first_question(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    target.write_bytes(KNOWN)
    result = run("assess", "-q", MINI, "--save", target, *EN, input="12000\n")
    assert_clean(result, ExitCode.ERROR)
    assert "Population?" not in result.stdout
    assert target.read_bytes() == KNOWN
    assert not list(tmp_path.glob(f"*{DRAFT_SUFFIX}"))


@pytest.mark.parametrize("option", ["--csv", "--json", "--save"])
def test_force_replaces_the_file(
    tmp_path: Path, answers_file: Callable[..., Path], option: str
) -> None:
    target = tmp_path / "existing.out"
    target.write_bytes(KNOWN)
    result = run("assess", "-q", MINI, "-a", answers_file(), option, target, "--force", *EN)
    assert_clean(result, ExitCode.OK)
    assert target.read_bytes() != KNOWN
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_interview_answers_are_never_written_over_an_older_file(home: Path) -> None:
    for _ in range(2):
        assert_clean(run("assess", "-q", MINI, "-m", "Testilä", *EN, input=ALL_KEYS), 0)
    saved = sorted((home / "answers").iterdir())
    assert len(saved) == 2
    assert not list((home / "drafts").iterdir()), "the draft is removed once answers are saved"


def test_yes_at_the_prompt_allows_an_overwrite(
    tmp_path: Path, answers_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kuntaprofiili.cli import _common

    monkeypatch.setattr(_common, "stdin_is_terminal", lambda: True)
    target = tmp_path / "out.csv"
    target.write_bytes(KNOWN)
    refused = run("assess", "-q", MINI, "-a", answers_file(), "--csv", target, *EN, input="n\n")
    assert_clean(refused, ExitCode.ERROR)
    assert "Overwrite it?" in refused.stderr
    assert target.read_bytes() == KNOWN
    allowed = run("assess", "-q", MINI, "-a", answers_file(), "--csv", target, *EN, input="y\n")
    assert_clean(allowed, ExitCode.OK)
    assert target.read_bytes() != KNOWN


class Boom(Exception):
    """Raised half-way through a write."""


@pytest.mark.parametrize("stop", [Boom, KeyboardInterrupt])
def test_failed_write_leaves_old_file_and_no_temporary(tmp_path: Path, stop: type) -> None:
    target = tmp_path / "result.csv"
    target.write_bytes(KNOWN)

    def half(handle: IO[Any]) -> None:
        handle.write("municipality,overall\r\n" * 1000)
        raise stop

    with pytest.raises(stop):
        write_atomic(target, half)
    assert target.read_bytes() == KNOWN
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]


def test_atomic_write_into_missing_folder_and_unwritable_place(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "file.txt"
    write_text_atomic(target, "ok")
    assert target.read_text(encoding="utf-8") == "ok"
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(OutputFileError):
        write_text_atomic(blocker / "x.txt", "never")


# -- 3. untrusted input ---------------------------------------------------------------


def test_unsafe_yaml_tags_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(InputFileError):
        read_yaml(evil, 1000, "questionnaire")
    result = run("questionnaire", "validate", evil, *EN)
    assert_clean(result, ExitCode.ERROR)
    result = run("assess", "-q", MINI, "--answers", evil, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("command", "limit_text"),
    [
        (("questionnaire", "validate"), "questionnaire"),
        (("assess", "-q", str(MINI), "--answers"), "answers file"),
    ],
)
def test_huge_files_are_refused_before_reading(
    tmp_path: Path, command: tuple[str, ...], limit_text: str
) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:  # sparse: reading it whole would take seconds
        handle.truncate(3 * 1024**3)
    result = run(*command, huge, *EN)
    assert_clean(result, ExitCode.ERROR)
    said = " ".join(result.stderr.split())  # messages wrap at words
    assert "too large" in said and limit_text in said


def test_spreadsheet_limits_exist_for_batch() -> None:
    """Batch refuses sheets past a row or column limit (tested with batch in test_fuzz)."""
    from kuntaprofiili.sheets.read import MAX_COLUMNS, MAX_ROWS

    assert MAX_ROWS > 0 and MAX_COLUMNS > 0


# -- Excel safety: CSV injection ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Mäntsälä", "Mäntsälä"),
        (-3.5, "-3.5"),
        (12000.0, "12000"),
        (7, "7"),
    ],
)
def test_format_cell_neutralises_formulas_but_not_numbers(value: object, cell: str) -> None:
    assert format_cell(value) == cell


def test_neutralise_leaves_ordinary_text() -> None:
    assert neutralise("Espoo – Esbo") == "Espoo – Esbo"


def read_csv(path: Path, excel_fi: bool) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig" if excel_fi else "utf-8")
    if excel_fi:  # the first row has the headers for people, the second the ids
        text = text.split("\n", 1)[1]
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";" if excel_fi else ","))


@pytest.mark.parametrize("excel_fi", [False, True])
@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+cmd", "@SUM(1)", "-1+1"])
def test_csv_export_is_safe_in_excel(
    tmp_path: Path, answers_file: Callable[..., Path], name: str, excel_fi: bool
) -> None:
    out = tmp_path / "out.csv"
    extra: Sequence[str] = ("--excel-fi",) if excel_fi else ()
    result = run("assess", "-q", MINI, "-a", answers_file(name), "--csv", out, *extra, *EN)
    assert_clean(result, ExitCode.OK)
    if excel_fi:
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    (row,) = read_csv(out, excel_fi)
    assert row["municipality"] == "'" + name
    decimal = "," if excel_fi else "."
    for column in ("answer_population", "answer_co2_per_capita", "ecological_score", "overall"):
        value = row[column]
        assert not value.startswith("'"), (column, value)
        float(value.replace(decimal, "."))  # a number, in the dialect's decimal mark
    for column, value in row.items():
        assert not value.startswith(("=", "+", "@", "\t", "\r")), (column, value)


# -- every error path: short message, documented code, no traceback ------------------


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    """One broken input of each kind."""
    files = {
        "not_yaml": "a: [1, 2\n",
        "not_mapping": "- just\n- a list\n",
        "wrong_shape": "answers: [1, 2]\n",
        "wrong_questionnaire": "questionnaire: {id: other}\nanswers: {}\n",
        "bad_value": "answers: {population: lots, climate_plan: maybe}\n",
        "unknown_item": "answers: {no_such_question: 1}\n",
    }
    paths = {}
    for name, text in files.items():
        paths[name] = tmp_path / f"{name}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    paths["latin1"] = tmp_path / "latin1.yaml"
    paths["latin1"].write_bytes("municipality: Mäntsälä\n".encode("latin-1"))
    paths["missing"] = tmp_path / "missing.yaml"
    paths["folder"] = tmp_path / "folder.yaml"
    paths["folder"].mkdir()
    return paths


ERROR_CASES = [
    # (arguments with {name} for a bad file, expected code, words the message must have)
    (("questionnaire", "validate", "{missing}"), 1, "does not exist"),
    (("questionnaire", "validate", "{not_yaml}"), 1, "line"),
    (("questionnaire", "validate", "{not_mapping}"), 1, "mapping"),
    (("questionnaire", "validate", "{latin1}"), 1, "UTF-8"),
    (("questionnaire", "validate", str(MINI.parent / "invalid_unknown_key.yaml")), 1, "unknown"),
    (("assess", "-q", "{not_yaml}"), 1, "line"),
    (("assess", "-q", str(MINI), "-a", "{missing}"), 1, "does not exist"),
    (("assess", "-q", str(MINI), "-a", "{wrong_shape}"), 1, "answers:"),
    (("assess", "-q", str(MINI), "-a", "{wrong_questionnaire}"), 1, "--questionnaire"),
    (("assess", "-q", str(MINI), "-a", "{bad_value}"), 1, "population"),
    (("assess", "-q", str(MINI), "-a", "{unknown_item}"), 1, "no_such_question"),
    (("assess", "-q", str(MINI), "-a", "{latin1}"), 1, "UTF-8"),
    (("assess", "-q", str(MINI), "--resume", "{missing}"), 1, "does not exist"),
    (("drafts", "--delete", "7", "--yes"), 1, "kuntaprofiili drafts"),
    (("assess", "--no-such-option"), 2, "No such option"),
    (("questionnaire", "validate", "{folder}"), 1, "folder"),
]


@pytest.mark.parametrize(("args", "code", "words"), ERROR_CASES)
def test_every_error_is_a_short_message_and_a_documented_code(
    bad_files: dict[str, Path], args: tuple[str, ...], code: int, words: str
) -> None:
    filled = [a.format(**{k: str(v) for k, v in bad_files.items()}) for a in args]
    result = run(*filled, *EN)
    assert_clean(result, code)
    assert code in set(ExitCode)
    message = result.stderr.strip()
    assert words in " ".join(message.split()), message
    assert "\n\n" not in message and len(message.splitlines()) <= 15, "one short paragraph"
    if code == ExitCode.ERROR:
        assert message.startswith("Error:")


def test_debug_shows_the_traceback(bad_files: dict[str, Path]) -> None:
    result = run("assess", "-q", MINI, "-a", bad_files["missing"], "--debug", *EN)
    assert isinstance(result.exception, InputFileError)


def test_messages_of_this_feature_exist_in_every_language() -> None:
    import tomllib

    from kuntaprofiili import i18n

    path = Path(i18n.__file__).parent / "messages" / "safety.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"drafts", "safety"}
    for table in data.values():
        for key, texts in table.items():
            assert set(texts) == {"fi", "sv", "en"}, key
            assert all(t.strip() for t in texts.values()), key


@pytest.mark.parametrize("existing", ["results.csv", "results.errors.csv"])
def test_batch_refused_overwrite_leaves_file_byte_identical(
    tmp_path: Path, mini_answers: dict[str, AnswerValue], existing: str
) -> None:
    sheet = tmp_path / "sheet.csv"
    header = ["municipality", *mini_answers]
    rows = [header, ["Espoo", *(str(v) for v in mini_answers.values())]]
    errors_file = existing.endswith(".errors.csv")
    if errors_file:  # an errors file is only written, and so only refused, when rows fail
        rows.append(["Atlantis"] + [""] * len(mini_answers))
    sheet.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    target = tmp_path / existing
    target.write_bytes(KNOWN)
    result = run("batch", sheet, "-o", tmp_path / "results.csv", "-q", MINI, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert target.read_bytes() == KNOWN
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["sheet.csv", existing])
    forced = run("batch", sheet, "-o", tmp_path / "results.csv", "-q", MINI, "--force", *EN)
    assert_clean(forced, ExitCode.ROWS_REJECTED if errors_file else ExitCode.OK)
    assert (tmp_path / "results.csv").read_bytes() != KNOWN


# -- 3. reliability: resume, locks, changed questionnaires, corrupt drafts ------------
# Each of these was a way to lose answers or to be stuck (issue "Reliability and speed").


def draft_of(home: Path, name: str = "testila") -> Path:
    """The usual draft of ``name`` for mini."""
    return home / "drafts" / f"{name}-mini{DRAFT_SUFFIX}"


def answers_of(path: Path) -> dict[str, object]:
    """The answers saved in an answers file or draft."""
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    answers = loaded["answers"]
    assert isinstance(answers, dict)
    return answers


def test_resume_from_an_answers_file_never_changes_it(
    home: Path, tmp_path: Path, mini_answers: dict[str, object]
) -> None:
    source = tmp_path / "testila-2026.yaml"
    first_four = dict(list(mini_answers.items())[:4])
    text = "# Our comments stay.\n" + yaml.safe_dump(
        {"municipality": "Testilä", "questionnaire": {"id": "mini"}, "answers": first_four},
        allow_unicode=True,
    )
    source.write_text(text, encoding="utf-8")
    stopped = run("assess", "-q", MINI, "--resume", source, *EN, input="2\n")
    assert_clean(stopped, ExitCode.INTERRUPTED)
    assert source.read_text(encoding="utf-8") == text
    draft = draft_of(home)
    assert answers_of(draft) == {**first_four, "welfare_report": "partly"}
    assert str(source) in "".join(stopped.stderr.split())

    done = run("assess", "-q", MINI, "--resume", source, *EN, input=ALL_KEYS[11:])
    assert_clean(done, ExitCode.OK)
    assert source.read_text(encoding="utf-8") == text, "a finished resume leaves it too"
    assert draft.exists(), "the earlier draft is not this session's to remove"


def test_resume_from_an_answers_file_never_writes_over_another_draft(
    home: Path, tmp_path: Path
) -> None:
    existing = make_draft(home, "testila-mini", "Testilä", 3)
    before = existing.read_bytes()
    source = tmp_path / "a.yaml"
    write_answers(source, AnswerSet("mini", "1", {"population": 5.0}, "Testilä"))
    result = run("assess", "-q", MINI, "--resume", source, *EN, input="")
    assert_clean(result, ExitCode.INTERRUPTED)
    assert existing.read_bytes() == before
    assert answers_of(home / "drafts" / f"testila-mini-2{DRAFT_SUFFIX}") == {"population": 5}


@pytest.fixture
def live_pid() -> Any:
    """The pid of a running process that is not this one."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child.pid
    child.kill()
    child.wait()


def dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_lock(draft: Path, pid: int, host: str | None = None) -> Path:
    import os

    lock = draft.with_name(draft.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = {"pid": pid, "host": host or os.uname().nodename, "started": "2026-12-01T09:00"}
    lock.write_text("".join(f"{k}={v}\n" for k, v in holder.items()), encoding="utf-8")
    return lock


def test_a_draft_held_by_a_live_session_is_refused_and_the_holder_named(
    home: Path, live_pid: int
) -> None:
    draft = make_draft(home, "testila-mini", "Testilä", 2)
    before = draft.read_bytes()
    write_lock(draft, live_pid)
    result = run("assess", "-q", MINI, "-m", "Testilä", *EN, input="1\n2\n")
    assert_clean(result, ExitCode.ERROR)
    said = " ".join(result.stderr.split())
    assert f"process {live_pid}" in said and "another session" in said
    assert draft.read_bytes() == before


def test_a_second_session_can_continue_in_a_copy(
    home: Path, live_pid: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kuntaprofiili.cli._session as session

    draft = make_draft(home, "testila-mini", "Testilä", 2)
    before = draft.read_bytes()
    write_lock(draft, live_pid)
    monkeypatch.setattr(session, "stdin_is_terminal", lambda: True)
    result = run("assess", "-q", MINI, "-m", "Testilä", *EN, input="y\n4\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    assert draft.read_bytes() == before, "the holder's draft is not touched"
    copy = home / "drafts" / f"testila-mini-2{DRAFT_SUFFIX}"
    assert answers_of(copy) == {"population": 1, "climate_plan": "no", "co2_per_capita": 4}
    assert "copy" in result.stderr


def test_a_stale_lock_is_taken_over_and_released(home: Path) -> None:
    draft = make_draft(home, "testila-mini", "Testilä", 1)
    lock = write_lock(draft, dead_pid())
    result = run("assess", "-q", MINI, "-m", "Testilä", *EN, input="1\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    assert answers_of(draft) == {"population": 1, "climate_plan": "yes"}
    assert not lock.exists(), "the session's own lock goes when it ends"


def test_every_session_leaves_no_lock_behind(home: Path) -> None:
    assert_clean(run("assess", "-q", MINI, "-m", "Testilä", *EN, input="1\n"), 130)
    assert_clean(run("assess", "-q", MINI, "-m", "Testilä", *EN, input=ALL_KEYS[2:]), 0)
    drafts = home / "drafts"
    assert sorted(p.name for p in drafts.iterdir()) == []


def changed_mini(tmp_path: Path) -> Path:
    """mini with one item removed, one choice code renamed and one range narrowed."""
    text = MINI.read_text(encoding="utf-8")
    start = text.index("      - id: digital_roadmap")
    end = text.index("      - id: broadband_share")
    text = text[:start] + text[end:]
    text = text.replace("code: some,", "code: several,")
    text = text.replace("          max: 50000", "          max: 10000")
    path = tmp_path / "mini-changed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_resume_after_a_questionnaire_change_keeps_what_still_fits(
    home: Path, tmp_path: Path, mini_answers: dict[str, object]
) -> None:
    draft = draft_of(home)
    old: dict[str, Any] = {**mini_answers, "loan_per_capita": 20000}
    write_answers(draft, AnswerSet("mini", "1", old, "Testilä"))
    before = draft.read_bytes()
    changed = changed_mini(tmp_path)
    result = run("assess", "-q", changed, "-m", "Testilä", *EN, input="")
    assert_clean(result, ExitCode.INTERRUPTED)
    said = " ".join(result.stderr.split())
    assert "2 answers of the draft no longer fit" in said
    assert "digital_roadmap: the questionnaire has no such question" in said
    assert "loan_per_capita: 20000 is outside the allowed range" in said
    kept = home / "drafts" / f"testila-mini-earlier{DRAFT_SUFFIX}"
    assert kept.read_bytes() == before, "the old draft stays until the new one is complete"
    carried = {k: v for k, v in old.items() if k not in ("digital_roadmap", "loan_per_capita")}
    # A renamed code is carried by its label: "some" is still the label of "several".
    assert answers_of(draft) == {**carried, "participation": "several"}
    assert "question 7 of 9" in result.stdout, "the first question asked is the dropped one"

    done = run("assess", "-q", changed, "-m", "Testilä", *EN, input="4000\n\n\n\n")
    assert_clean(done, ExitCode.OK)
    assert sorted((home / "drafts").iterdir()) == [], "both drafts go once answers are saved"
    (saved,) = (home / "answers").iterdir()
    assert answers_of(saved)["loan_per_capita"] == 4000


def test_an_unreadable_draft_is_moved_aside_and_the_assessment_starts(home: Path) -> None:
    draft = draft_of(home)
    draft.parent.mkdir(parents=True)
    draft.write_bytes(b"answers: [unclosed\n\xff")
    result = run("assess", "-q", MINI, "-m", "Testilä", *EN, input="12000\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    (moved,) = draft.parent.glob(f"{draft.name}.corrupt-*")
    assert moved.read_bytes() == b"answers: [unclosed\n\xff"
    assert str(moved) in "".join(result.stderr.split())
    assert answers_of(draft) == {"population": 12000}
    assert "question 1 of" in result.stdout


def test_an_interrupt_during_a_draft_write_keeps_the_answer_and_no_temporary_file(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A closed terminal becomes KeyboardInterrupt; it may land in the middle of a write."""
    calls = []

    def cut_short(path: Path, text: str, encoding: str = "utf-8") -> None:
        calls.append(path)
        if len(calls) == 3:

            def stop(handle: IO[Any]) -> None:
                handle.write(text[:10])
                raise KeyboardInterrupt

            write_atomic(path, stop)
        write_text_atomic(path, text, encoding)

    monkeypatch.setattr("kuntaprofiili.files.drafts.write_text_atomic", cut_short)
    result = run("assess", "-q", MINI, "-m", "Testilä", *EN, input="12000\n1\n4\n7\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    draft = draft_of(home)
    assert answers_of(draft) == {"population": 12000, "climate_plan": "yes", "plan_monitored": "4"}
    assert sorted(p.name for p in draft.parent.iterdir()) == [draft.name]


def test_sighup_and_sigterm_become_an_interrupt_only_inside_the_interview() -> None:
    import os
    import signal

    from kuntaprofiili.cli._session import hangup_as_interrupt

    before = signal.getsignal(signal.SIGHUP)
    with pytest.raises(KeyboardInterrupt), hangup_as_interrupt():
        os.kill(os.getpid(), signal.SIGHUP)
    assert signal.getsignal(signal.SIGHUP) == before
    with pytest.raises(KeyboardInterrupt), hangup_as_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)


# -- 4. reliability: hostile input is refused fast and clearly -------------------------

ALIAS_BOMB = (
    "municipality: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"l{n}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(8))
    + "questionnaire: {id: mini}\nanswers: {population: *i}\n"
)
READERS = [
    ("report", "{f}"),
    ("whatif", "{f}"),
    ("compare", "{f}", "{f}"),
    ("assess", "-a", "{f}"),
    ("assess", "--resume", "{f}"),
]


def run_reader(args: Sequence[str], path: Path) -> Result:
    """A command that reads an answers file, on the mini questionnaire."""
    filled = [a.format(f=path) for a in args]
    return run(filled[0], "-q", MINI, *filled[1:], *EN, input="")


@pytest.mark.parametrize("args", READERS, ids=lambda a: "-".join(a[:2]))
def test_alias_bombs_are_refused_at_once(tmp_path: Path, args: Sequence[str]) -> None:
    import time

    path = tmp_path / f"bomb{DRAFT_SUFFIX}"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    start = time.perf_counter()
    result = run_reader(args, path)
    assert time.perf_counter() - start < 5
    assert_clean(result, ExitCode.ERROR)
    assert "alias" in result.stderr
    assert path.read_text(encoding="utf-8") == ALIAS_BOMB


def test_an_alias_bomb_in_the_usual_draft_does_not_block_the_municipality(home: Path) -> None:
    draft = draft_of(home)
    draft.parent.mkdir(parents=True)
    draft.write_text(ALIAS_BOMB, encoding="utf-8")
    result = run("assess", "-q", MINI, "-m", "Testilä", *EN, input="12000\n")
    assert_clean(result, ExitCode.INTERRUPTED)
    assert answers_of(draft) == {"population": 12000}


def test_questionnaires_may_share_blocks_but_not_explode(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8").replace(
        "help: {fi: Ohje., sv: Hjälp., en: Help.}", "help: &h {fi: Ohje., sv: Hjälp., en: Help.}", 1
    )
    shared = tmp_path / "shared.yaml"
    shared.write_text(text, encoding="utf-8")
    assert_clean(run("questionnaire", "validate", shared, *EN), ExitCode.OK)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB.replace("answers: {population: *i}", "x: *i"), encoding="utf-8")
    result = run("questionnaire", "validate", bomb, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert "too many" in result.stderr


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    import os

    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


SPECIAL_READERS = [
    ("report", "{f}"),
    ("whatif", "{f}"),
    ("compare", "{f}", "{f}"),
    ("assess", "-a", "{f}"),
    ("assess", "--resume", "{f}"),
    ("questionnaire", "validate", "{f}"),
    ("questionnaire", "show", "{f}"),
]


@pytest.mark.parametrize("args", SPECIAL_READERS, ids=lambda a: "-".join(a[:2]))
@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "folder"])
def test_only_regular_files_are_read(
    tmp_path: Path, fifo: Path, args: Sequence[str], kind: str
) -> None:
    import time

    target = {"fifo": fifo, "dev_zero": Path("/dev/zero"), "folder": tmp_path}[kind]
    filled = [a.format(f=target) for a in args]
    start = time.perf_counter()
    if filled[0] == "questionnaire":
        result = run(*filled, *EN)
    else:
        result = run(filled[0], "-q", MINI, *filled[1:], *EN, input="")
    assert time.perf_counter() - start < 5
    assert_clean(result, ExitCode.ERROR)
    assert str(target) in "".join(result.stderr.split())


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_special_questionnaire_file_is_a_clean_error(
    tmp_path: Path, fifo: Path, kind: str
) -> None:
    target = fifo if kind == "fifo" else tmp_path
    result = run("assess", "-q", target, "-m", "Testilä", *EN, input="")
    assert_clean(result, ExitCode.ERROR)


@pytest.mark.parametrize(
    ("value", "word"),
    [("10000000000000000000", "outside"), ("1" + "0" * 40, "digits"), ("1e999", "population")],
)
@pytest.mark.parametrize("args", READERS, ids=lambda a: "-".join(a[:2]))
def test_huge_numbers_are_a_clean_error(
    tmp_path: Path, args: Sequence[str], value: str, word: str, mini_answers: dict[str, object]
) -> None:
    path = tmp_path / "huge.yaml"
    body = yaml.safe_dump({"questionnaire": {"id": "mini"}, "answers": mini_answers})
    path.write_text(body.replace("population: 12000", f"population: {value}"), encoding="utf-8")
    result = run_reader(args, path)
    if args[1] == "--resume" and word != "digits":  # the answer is dropped and asked again
        assert_clean(result, ExitCode.INTERRUPTED)
        assert "population" in result.stderr
    else:
        assert_clean(result, ExitCode.ERROR)
        assert word in " ".join(result.stderr.split())


def test_a_huge_number_in_a_questionnaire_is_a_clean_error(tmp_path: Path) -> None:
    for old, new in [('version: "1"', "version: " + "1" * 5000), ("max: 100\n", "max: 1e400\n")]:
        path = tmp_path / "q.yaml"
        path.write_text(MINI.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        for command in ("validate", "show"):
            assert_clean(run("questionnaire", command, path, *EN), ExitCode.ERROR)


@pytest.mark.parametrize("bound", ["lower_bound: 12", "optimum: 2", "min: 0", "max: 100"])
@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_questionnaire_numbers_must_be_finite(tmp_path: Path, bound: str, value: str) -> None:
    text = MINI.read_text(encoding="utf-8")
    start = text.index("      - id: co2_per_capita")
    key = bound.split(":")[0]
    changed = text[:start] + text[start:].replace(bound, f"{key}: {value}", 1)
    path = tmp_path / "q.yaml"
    path.write_text(changed, encoding="utf-8")
    result = run("questionnaire", "validate", path, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert "finite" in result.stderr


def test_a_choice_coded_dont_know_fails_validation(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    text = MINI.read_text(encoding="utf-8").replace("code: none,", "code: dont_know,")
    path.write_text(text, encoding="utf-8")
    result = run("questionnaire", "validate", path, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert "reserved" in result.stderr


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize(
    "change",
    [("code: none,", "code: dont_know,"), ("max: 100\n", "max: .nan\n"), ("id: mini", "id: Mini")],
)
def test_show_reports_errors_like_validate(
    tmp_path: Path, lang: str, change: tuple[str, str]
) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    shown = run("questionnaire", "show", path, "--lang", lang)
    validated = run("questionnaire", "validate", path, "--lang", lang)
    assert_clean(shown, ExitCode.ERROR)
    assert shown.stderr == validated.stderr
    assert "Input should" not in shown.stderr and "must be" not in shown.stderr


def markup_mini(tmp_path: Path) -> Path:
    text = MINI.read_text(encoding="utf-8")
    text = text.replace('en: "Population?"', 'en: "Population [arvio] [/] [bold]?"')
    text = text.replace("en: Mini questionnaire", 'en: "Mini [/] questionnaire"')
    text = text.replace("en: none}", 'en: "[red]none[/red]"}')
    path = tmp_path / "markup.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_markup_in_a_custom_questionnaire_is_shown_as_written(tmp_path: Path) -> None:
    path = markup_mini(tmp_path)
    asked = run("assess", "-q", path, "-m", "Testilä", *EN, input="")
    assert_clean(asked, ExitCode.INTERRUPTED)
    assert "Population [arvio] [/] [bold]?" in asked.stdout
    shown = run("questionnaire", "show", path, *EN)
    assert_clean(shown, ExitCode.OK)
    flat = " ".join(shown.stdout.split())
    assert "[arvio]" in flat and "Mini [/] questionnaire" in flat
    answered = run("assess", "-q", path, "-m", "Testilä", *EN, input="100\n1\n4\n7\n2\n1\n")
    assert "[red]none[/red]" in answered.stdout


def test_control_characters_in_questionnaire_texts_fail_validation(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    text = MINI.read_text(encoding="utf-8").replace('en: "Population?"', 'en: "Pop\\e]0;x\\a?"')
    path.write_text(text, encoding="utf-8")
    result = run("questionnaire", "validate", path, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert "control characters" in result.stderr
    assert "\x1b" not in result.stderr


OSC_NAME = "Evil\x1b]0;owned\x07\x1b[2J\x9b31mtown"


def test_escape_sequences_from_files_never_reach_the_terminal(
    home: Path, tmp_path: Path, mini_answers: dict[str, object]
) -> None:
    path = tmp_path / "osc.yaml"
    data = {"municipality": OSC_NAME, "questionnaire": {"id": "mini"}, "answers": mini_answers}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    make_draft(home, "osc-mini", OSC_NAME, 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"answers": {"population": OSC_NAME}}), encoding="utf-8")
    results = [
        run("report", "-q", MINI, path, *EN),
        run("assess", "-q", MINI, "-a", path, *EN),
        run("whatif", "-q", MINI, path, *EN),
        run("drafts", *EN),
        run("assess", "-q", MINI, "-a", bad, *EN),
        run("assess", "-q", MINI, "-m", OSC_NAME, *EN, input=""),
    ]
    for result in results:
        assert result.exception is None or isinstance(result.exception, SystemExit)
        for control in ("\x1b", "\x07", "\x9b"):
            assert control not in result.stdout + result.stderr
    assert "Evil]0;owned[2J31mtown" in " ".join(results[3].stdout.split())


def test_a_dangling_symlink_in_the_drafts_folder_is_skipped(home: Path) -> None:
    make_draft(home, "espoo-mini", "Espoo", 1)
    (home / "drafts" / f"gone{DRAFT_SUFFIX}").symlink_to(home / "nowhere")
    result = run("drafts", *EN)
    assert_clean(result, ExitCode.OK)
    assert "Espoo" in result.stdout


def test_deeply_nested_peers_json_is_a_clean_error(tmp_path: Path, answers_file: Any) -> None:
    peers = tmp_path / "peers.json"
    peers.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    out = tmp_path / "r.html"
    result = run("report", "-q", MINI, answers_file(), "--peers", peers, "-o", out, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert "peers.json" in result.stderr


@pytest.mark.parametrize("args", READERS[:4], ids=lambda a: "-".join(a[:2]))
def test_every_command_applies_the_same_answers_size_limit(
    tmp_path: Path, args: Sequence[str], mini_answers: dict[str, object]
) -> None:
    from kuntaprofiili.files.drafts import MAX_ANSWERS_BYTES

    path = tmp_path / "big.yaml"
    body = yaml.safe_dump({"questionnaire": {"id": "mini"}, "answers": mini_answers})
    path.write_text(body + "#" * (MAX_ANSWERS_BYTES + 10), encoding="utf-8")
    result = run_reader(args, path)
    assert_clean(result, ExitCode.ERROR)
    assert "too large" in " ".join(result.stderr.split())  # the message may wrap


@pytest.mark.parametrize(
    "document", ["municipality: Testilä\n", "foo: 1\nbar: [2]\n", "answers:\n", "answers: 3\n"]
)
@pytest.mark.parametrize("args", READERS[:4], ids=lambda a: "-".join(a[:2]))
def test_a_file_without_answers_is_an_error_not_an_empty_report(
    tmp_path: Path, args: Sequence[str], document: str
) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(document, encoding="utf-8")
    result = run_reader(args, path)
    assert_clean(result, ExitCode.ERROR)
    assert "answers" in result.stderr


def test_a_very_long_municipality_name_is_refused_at_once(tmp_path: Path) -> None:
    import time

    name = "Espoo" * 10_000
    start = time.perf_counter()
    result = run("assess", "-q", MINI, "-m", name, *EN, input="")
    assert time.perf_counter() - start < 3
    assert_clean(result, ExitCode.ERROR)
    assert "50000 characters" in " ".join(result.stderr.split())
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump({"municipality": name, "answers": {}}), encoding="utf-8")
    start = time.perf_counter()
    assert_clean(run("report", "-q", MINI, path, *EN), ExitCode.ERROR)
    assert time.perf_counter() - start < 3


def test_a_questionnaire_with_very_many_keys_fails_fast(tmp_path: Path) -> None:
    import time

    path = tmp_path / "keys.yaml"
    extra = "".join(f"unknown_key_{n}: {n}\n" for n in range(60_000))
    path.write_text(MINI.read_text(encoding="utf-8") + extra, encoding="utf-8")
    start = time.perf_counter()
    result = run("questionnaire", "validate", path, *EN)
    assert time.perf_counter() - start < 10
    assert_clean(result, ExitCode.ERROR)
    assert "60" in result.stderr and len(result.stderr) < 2000


def test_very_many_problems_are_counted_not_all_listed(tmp_path: Path) -> None:
    items = "".join(
        f"      - {{id: x{n}, kind: likert, text: {{fi: a}}, help: {{fi: b}}}}\n"
        for n in range(500)
    )
    text = MINI.read_text(encoding="utf-8").replace("    items:\n", "    items:\n" + items, 1)
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("questionnaire", "validate", path, *EN)
    assert_clean(result, ExitCode.ERROR)
    assert "more problems" in result.stderr


@pytest.mark.parametrize("choice", ["²", "１", "¹²", "⑤"])
def test_drafts_delete_takes_only_plain_digits(home: Path, choice: str) -> None:
    draft = make_draft(home, "espoo-mini", "Espoo", 2)
    result = run("drafts", "--delete", choice, "--yes", *EN)
    assert_clean(result, ExitCode.ERROR)
    assert draft.exists()
