"""The error path as fast as the happy path; one number syntax; batch reads only files."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from kuntaprofiili.cli import app
from kuntaprofiili.core.place_search import search_municipalities, suggest_municipalities
from kuntaprofiili.errors import ExitCode, InputFileError
from kuntaprofiili.files.municipality_file import load_municipalities
from kuntaprofiili.files.safeio import parse_yaml

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"
EN = ("--lang", "en")
ALL = load_municipalities()


def run(*args: str | Path) -> Result:
    """Invoke the app in-process, as the shell would."""
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_clean(result: Result, code: int) -> None:
    """Exit ``code`` with a message on stderr; never a traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr


# -- unknown names: one vectorised pass -------------------------------------------------


def test_many_names_get_the_suggestions_of_one() -> None:
    queries = ["Helsinky", "Jyvaskyal", "kaupunki", "Grankulla", "49", "", "qqqqqqqq", "Espo"]
    many = suggest_municipalities(queries, ALL, 3)
    assert many == [search_municipalities(q, ALL, 3) for q in queries]
    assert [m.name_fi for m in many[0]][:1] == ["Helsinki"]
    assert many[4][0].name_fi == "Espoo"  # a code is an exact match
    assert many[6] == []


def test_unknown_names_are_matched_once_per_distinct_name_in_one_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 rows naming 1,000 unknown places: one vectorised matching of 1,000 names.

    How fast that is, is measured by ``benchmarks/bench_unknown_names.py``, not here."""
    from kuntaprofiili.sheets import rows as sheet_rows

    calls: list[list[str]] = []

    def spy(queries: list[str], *args: object) -> object:
        calls.append(list(queries))
        return suggest_municipalities(queries, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(sheet_rows, "suggest_municipalities", spy)
    source, output = tmp_path / "unknown.csv", tmp_path / "out.csv"
    lines = [f"Kunta {i % 1000} Helsinky;kyllä" for i in range(20_000)]
    source.write_text("kunta;climate_plan\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = run("batch", source, "-q", MINI, "-o", output, *EN)
    assert_clean(result, ExitCode.ROWS_REJECTED)
    assert len(calls) == 1 and sorted(calls[0]) == sorted({line[:-6] for line in lines})
    errors = (tmp_path / "out.errors.csv").read_text(encoding="utf-8").splitlines()
    unknown = [line for line in errors if "unknown municipality" in line]
    assert len(unknown) == 20_000  # every row, each with its own row number
    assert {int(line.split(",")[0]) for line in unknown} == set(range(2, 20_002))


# -- one number syntax in answers files and sheets --------------------------------------

NOT_DECIMAL = ["0x10", "0b11", "1_000", "0o17", "1:30"]


@pytest.mark.parametrize("text", NOT_DECIMAL)
def test_yaml_reads_only_decimal_numbers(text: str) -> None:
    assert parse_yaml(f"a: {text}", "x.yaml") == {"a": text}


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("012", 12), ("-3", -3), ("1.5", 1.5), ("1.0e+16", 1e16), (".5", 0.5)],
)
def test_yaml_decimal_numbers_stay_numbers(text: str, value: float) -> None:
    assert parse_yaml(f"a: {text}", "x.yaml") == {"a": value}


@pytest.mark.parametrize("text", ["!!int 0x10", "!!float 1_0.5"])
def test_an_explicit_tag_does_not_bring_hex_back(text: str) -> None:
    with pytest.raises(InputFileError):
        parse_yaml(f"a: {text}", "x.yaml")


@pytest.mark.parametrize("text", NOT_DECIMAL)
def test_an_answers_file_and_a_sheet_refuse_the_same_number(
    tmp_path: Path, text: str, mini_answers: dict[str, object]
) -> None:
    answers = tmp_path / "answers.yaml"
    body = yaml.safe_dump({"questionnaire": {"id": "mini"}, "answers": mini_answers})
    answers.write_text(body.replace("population: 12000", f"population: {text}"), "utf-8")
    from_file = run("report", "-q", MINI, answers, *EN)
    assert_clean(from_file, ExitCode.ERROR)
    assert f'"{text}" is not valid' in " ".join(from_file.stderr.split())

    sheet, output = tmp_path / "sheet.csv", tmp_path / "out.csv"
    sheet.write_text(f"kunta;population\nTestilä;{text}\n", encoding="utf-8")
    from_sheet = run("batch", sheet, "-q", MINI, "-o", output, *EN)
    assert_clean(from_sheet, ExitCode.ROWS_REJECTED)
    errors = (tmp_path / "out.errors.csv").read_text(encoding="utf-8")
    assert f"population,{text},not a valid answer" in errors


# -- batch reads only regular files -----------------------------------------------------


def _hung(*_: object) -> None:
    raise AssertionError("batch waited on an input that is not a regular file")


@pytest.mark.parametrize("kind", ["folder", "fifo", "dev_zero"])
def test_batch_input_must_be_a_regular_file(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        target = tmp_path / "pipe.csv"
        os.mkfifo(target)
    else:
        target = tmp_path / "folder.csv" if kind == "folder" else Path("/dev/zero")
        if kind == "folder":
            target.mkdir()
    signal.signal(signal.SIGALRM, _hung)
    signal.alarm(30)  # a watchdog, not a speed target: reading a FIFO would wait for ever
    try:
        result = run("batch", target, "-o", tmp_path / "out.csv", *EN)
    finally:
        signal.alarm(0)
    assert_clean(result, ExitCode.ERROR)
    said = " ".join(result.stderr.split())
    assert str(target) in "".join(result.stderr.split())
    assert ("folder" if kind == "folder" else "not a regular file") in said
    assert not (tmp_path / "out.csv").exists()
