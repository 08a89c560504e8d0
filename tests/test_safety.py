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
    (("questionnaire", "validate", "{folder}"), 2, "directory"),
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
