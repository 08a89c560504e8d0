"""Finnish and Swedish all the way through.

- every message key the code uses exists in fi, sv and en, also keys built at run time;
- every command (help, results and error paths) in fi and sv prints no internal code, no
  English word of ours or click's, and no decimal point in a number meant for people;
- at 80 columns no line is cut and no path is broken.
"""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from helpers import spawn_cli
from kuntaprofiili.cli import app
from kuntaprofiili.cli._common import wrap_lines
from kuntaprofiili.cli.click_texts import argv_lang, catalogue_entries, translate
from kuntaprofiili.core.answers import choice_number, is_odd_digit
from kuntaprofiili.core.content import Effort
from kuntaprofiili.core.model import Dimension, MunicipalityType
from kuntaprofiili.core.municipality import LANGUAGE_STATUSES
from kuntaprofiili.core.questionnaire import STANDARD_SCALES
from kuntaprofiili.core.robustness import FACTORS, NOT_VARIED
from kuntaprofiili.core.scoring import Band
from kuntaprofiili.i18n import LANGS, message_keys

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src" / "kuntaprofiili"
EXAMPLE = ROOT / "examples" / "forssa-2026.yaml"
SHEET = ROOT / "examples" / "kunnat-2026.csv"
MINI = Path(__file__).parent / "fixtures" / "mini.yaml"

# -- 1. every key exists --------------------------------------------------------------

_KEY = re.compile(r"^[a-z][a-z_]*(\.[a-z0-9_]+)+$")
_FILE_NAME = re.compile(r"\.(css|yaml|yml|toml|csv|json|html|j2|xlsx|py|txt|js)$")

# Keys built at run time: the f-string's fixed start, and every value its hole can take.
RUNTIME_KEYS: dict[str, set[str]] = {
    "dimension.": {d.value for d in Dimension} | {"profile"},
    "type.": {t.value for t in MunicipalityType},
    "band.": {b.value for b in Band},
    "advice.effort.": {e.value for e in Effort},
    "advice.dimension.": {d.value for d in Dimension},
    "scale.": {f"{kind}.{code}" for kind, scale in STANDARD_SCALES.items() for code, _ in scale},
    "classify.language.": set(LANGUAGE_STATUSES),
    "robustness.factor.": set(FACTORS),
    "robustness.fixed.": set(NOT_VARIED),
    "export.part.": {
        "score",
        "coverage",
        "band",
        "mean",
        "median",
        "low",
        "high",
        "answer",
        "overall",
    },
    "export.group.": {"primary", "all", "further"},
    "sheets.problem.": {"uncached_formula", "too_long"},
    "sheets.expected.": {"uncached_formula", "too_long"},
    "qerr.": set(
        re.findall(r'PydanticCustomError\(\s*"(q_\w+)"', (SRC / "core/model.py").read_text())
    ),
}
# f-string keys in files other helpers are rewriting (the HTML report, the classifier's
# fact names); their values are checked by those modules' own tests.
PENDING = {
    "views/html_report.py": ("html.", "band."),
    # looked up only after checking that the key exists (a column without a name keeps its id)
    "files/export.py": ("export.column.",),
    "core/type_reasons.py": (
        "classify.fact.",
        "classify.group.",
        "classify.near.",
        "classify.fact_name.",
    ),
}


def _source_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_literal_message_key_exists() -> None:
    keys = message_keys()
    prefixes = {key.split(".")[0] for key in keys}
    missing = []
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in parts
            ):
                text = node.value
                if _KEY.match(text) and not _FILE_NAME.search(text):
                    if text.split(".")[0] in prefixes and text not in keys:
                        missing.append(f"{path.relative_to(SRC)}: {text}")
    # a few strings look like keys but are not (dotted module paths, JSON keys)
    missing = [m for m in missing if "kuntaprofiili." not in m]
    assert not missing, missing


def _fstring_keys(path: Path) -> list[str]:
    """The fixed start of every f-string passed as a message key."""
    starts = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and _KEY.match(str(first.value).rstrip(".") + ".x"):
                start = str(first.value)
                if start.endswith(".") and start.split(".")[0] in {
                    k.split(".")[0] for k in message_keys()
                }:
                    starts.append(start)
    return starts


def test_every_key_built_at_run_time_exists_for_every_value() -> None:
    keys = message_keys()
    unknown = []
    for path in _source_files():
        name = str(path.relative_to(SRC))
        for start in _fstring_keys(path):
            family = next((f for f in RUNTIME_KEYS if start.startswith(f)), None)
            if family is not None:
                rest = start.removeprefix(family)
                values = {v.removeprefix(rest) for v in RUNTIME_KEYS[family] if v.startswith(rest)}
                absent = sorted(f"{start}{v}" for v in values if f"{start}{v}" not in keys)
                assert not absent, f"{name}: {absent}"
                assert values, f"{name}: no value of {family} fits {start}"
            elif not start.startswith(PENDING.get(name, ("\0",))):
                unknown.append(f"{name}: {start}…")
    assert not unknown, f"keys built at run time with no key map in RUNTIME_KEYS: {unknown}"


def test_click_catalogue_has_every_language() -> None:
    for entry in catalogue_entries():
        assert set(entry) >= set(LANGS), entry


# -- small rules ----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["²", "¹²", "⑤", "１", "٣"])
def test_odd_digits_are_never_a_number(typed: str) -> None:
    assert choice_number(typed, 9) is None
    assert is_odd_digit(typed)


def test_plain_digits_pick_a_choice() -> None:
    assert choice_number("2", 3) == 2
    assert choice_number("4", 3) is None
    assert not is_odd_digit("2")


def test_wrapping_never_breaks_a_path_and_hangs_bullets() -> None:
    path = "/home/virkailija/.local/share/kuntaprofiili/answers/" + "x" * 40 + ".yaml"
    lines = wrap_lines(f"Vastaukset tallennettu tiedostoon {path} nyt.", 80)
    assert path in lines
    bullet = wrap_lines("  - " + "sana " * 30, 40)
    assert all(line.startswith("    ") for line in bullet[1:])
    assert wrap_lines("3\u00a0400 €/asukas " * 6, 30)[0].endswith("€/asukas")


def test_lang_on_the_command_line_is_found() -> None:
    assert argv_lang(["assess", "--lang", "sv"]) == "sv"
    assert argv_lang(["assess", "-l", "SV"]) == "sv"
    assert argv_lang(["assess", "--lang=en"]) == "en"
    assert argv_lang(["assess", "-m", "Lahti"]) is None
    assert translate("No such option: --bogus", "sv") == "Okänd flagga: --bogus"


# -- 2. no leak in fi and sv ------------------------------------------------------------

INTERNAL_CODES = [
    *(t.value for t in MunicipalityType),
    *LANGUAGE_STATUSES,
    "dont_know",
    "regional_centre",
    "subregion_centre",
    "yes, partly",
    "red",
    "yellow",
    "green",
]
ENGLISH = (
    "Usage Options Arguments Commands Error Show message exit default required Try Invalid "
    "Missing expected allowed answers question the and of is not found saved written draft "
    "score rows yes partly Interrupted Aborted bool str TEXT PATH FILE INPUT OPTIONS COMMAND "
    "ARGS None True False Did mean such option"
).split()
_ENGLISH = re.compile(r"(?<![\w/.-])(" + "|".join(ENGLISH) + r")(?![\w/.-])")
_DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
# versions and dates are not numbers for people
_VERSION = re.compile(
    r"(versio\w*|version\w*|kestava-kunta|mini|CC BY)\s*\d+\.\d+|\b\d{1,2}\.\d{1,2}\.\d{4}\b",
    re.IGNORECASE,
)
TYPE_CODES = tuple(t.value for t in MunicipalityType)


def _leaks(text: str, lang: str, allow: tuple[str, ...] = ()) -> list[str]:
    found = []
    for line in text.splitlines():
        words = " ".join(w for w in line.split() if "/" not in w and not w.startswith("--"))
        for code in (c for c in INTERNAL_CODES if c not in allow):
            if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", words):
                found.append(f"code {code!r}: {line}")
        for match in _ENGLISH.finditer(words):
            found.append(f"English {match.group(0)!r}: {line}")
    # a version may wrap onto the next line ("version" / "1.0"), so drop versions first
    for line in _VERSION.sub("", text).splitlines():
        kept = (w for w in line.split() if "/" not in w and not w.startswith("--"))
        if _DECIMAL_POINT.search(" ".join(kept)):
            found.append(f"decimal point: {line}")
    return [f"[{lang}] {f}" for f in found]


def _bad_answers(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "answers:\n  language_status: '7'\n  population: lots\n  climate_plan: perhaps\n",
        encoding="utf-8",
    )
    return path


def _commands(tmp: Path) -> list[list[str]]:
    out = tmp / "out"
    return [
        ["assess", "-a", str(EXAMPLE), "-m", "Raasepori"],
        ["assess", "-a", str(_bad_answers(tmp))],
        ["assess", "--bogus"],
        ["assess", "--type", "metropolis", "-a", str(EXAMPLE)],
        ["report", str(EXAMPLE)],
        ["report", str(tmp / "missing.yaml")],
        ["whatif", str(EXAMPLE)],
        ["compare", str(EXAMPLE), str(EXAMPLE)],
        ["compare", str(EXAMPLE)],
        ["municipalities", "Raasepori"],
        ["municipalities", "Maarianhamina"],
        ["questionnaire", "show"],
        ["questionnaire", "validate"],
        ["questionnaire", "validate", str(tmp / "missing.yaml")],
        ["drafts"],
        ["drafts", "--delete", "9"],
        ["template", "-o", f"{out}-template.xlsx"],
        ["batch", str(SHEET), "-o", f"{out}-batch.xlsx"],
        ["batch", str(SHEET), "-o", f"{out}-batch.xlsx", "--measures", "99"],
        ["batch", str(SHEET), "-o", f"{out}-robust.csv", "--robustness", "--runs", "50"],
        [
            "robustness",
            str(SHEET),
            "--runs",
            "50",
            "--html",
            f"{out}.html",
            "--xlsx",
            f"{out}.xlsx",
        ],
        ["robustness", str(SHEET), "--runs", "50", "--html", f"{out}.html"],
        ["batch", str(SHEET), "-o", str(tmp)],  # an output that is a folder (click's words)
        ["robustness", str(SHEET), "--html", str(tmp)],
        ["nosuchcommand"],
    ]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_code_or_english_word_reaches_a_finnish_or_swedish_user(
    tmp_path: Path, lang: str
) -> None:
    runner = CliRunner()
    problems = []
    for args in _commands(tmp_path):
        result = runner.invoke(app, [*args, "--lang", lang], env={"COLUMNS": "80"})
        assert "Traceback" not in result.output, (args, result.output)
        text = (result.stdout + result.stderr).replace(str(tmp_path), "<tmp>")
        # --type takes these codes, so its own error may name them
        allow = TYPE_CODES if "--type" in args else ()
        problems += [f"{' '.join(args)}: {p}" for p in _leaks(text, lang, allow)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_robustness_page_and_workbook_leak_nothing(tmp_path: Path, lang: str) -> None:
    """The files robustness writes for people: the page's text, the workbook's headers
    and choices (row 2 holds the stable ids, as in the batch workbook, and is left out)."""
    import openpyxl

    page, book = tmp_path / "r.html", tmp_path / "r.xlsx"
    args = ["robustness", str(SHEET), "--runs", "50", "--html", str(page), "--xlsx", str(book)]
    done = CliRunner().invoke(app, [*args, "--lang", lang])
    assert done.exit_code == 0, done.output
    html = page.read_text(encoding="utf-8")
    body = html[html.index("<body>") :]
    text = re.sub(r"<[^>]+>", "\n", body).replace("&#39;", "'")
    cells = []
    for sheet in openpyxl.load_workbook(book):
        rows = list(sheet.iter_rows(values_only=True))
        cells += [str(c) for c in rows[0]]
        cells += [str(c) for row in rows[2:] for c in row if isinstance(c, str)]
    codes = {*FACTORS, *NOT_VARIED}
    ids_column = [c for c in cells if c in codes]  # the choices' id column, by design
    assert len(ids_column) == len(FACTORS)
    shown = "\n".join([text, *(c for c in cells if c not in codes)])
    assert not _leaks(shown, lang)
    assert not [c for c in codes if re.search(rf"\b{c}\b", text)]


HELP_COMMANDS = [
    [],
    ["assess"],
    ["report"],
    ["compare"],
    ["whatif"],
    ["municipalities"],
    ["questionnaire"],
    ["questionnaire", "show"],
    ["drafts"],
    ["template"],
    ["batch"],
    ["robustness"],
]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_help_is_in_the_session_language(lang: str) -> None:
    """--help in a real process: its texts are chosen when the program starts."""
    env = {**os.environ, "COLUMNS": "80", "KUNTAPROFIILI_LANG": lang, "NO_COLOR": "1"}
    problems = []
    for args in HELP_COMMANDS:
        done = subprocess.run(
            [sys.executable, "-m", "kuntaprofiili", *args, "--help"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        # the --type help lists the codes that --type takes
        problems += _leaks(
            done.stdout,
            lang,
            allow=TYPE_CODES,
        )
        problems += [f"{args}: cut off: {line}" for line in done.stdout.splitlines() if "…" in line]
        problems += [
            f"{args}: too wide: {line}" for line in done.stdout.splitlines() if len(line) > 80
        ]
    assert not problems, "\n".join(problems)
    sv = subprocess.run(
        [sys.executable, "-m", "kuntaprofiili", "assess", "--lang", "sv", "--help"],
        capture_output=True,
        text=True,
        env={**env, "KUNTAPROFIILI_LANG": "fi"},
        check=False,
    )
    assert "Användning" in sv.stdout and "Visa den här hjälpen" in sv.stdout


# -- 3. a real terminal at 80 columns ------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _lines(child_log: str) -> list[str]:
    text = _ANSI.sub("", child_log).replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_interview_at_80_columns_in_a_terminal(tmp_path: Path, lang: str) -> None:
    home = tmp_path / "a-rather-long-folder-name-for-the-home-of-kuntaprofiili" / "data"
    child = spawn_cli(home, "assess", "-m", "Raasepori", "--lang", lang, columns=80)
    child.expect("> ")
    child.sendline("")  # the population comes from the data: keep it
    child.expect("> ")
    child.sendline("7")  # language status has four choices
    child.expect("> ")
    child.sendline("²")
    child.expect("> ")
    child.sendline("-")  # don't know is not allowed here
    child.expect("> ")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    lines = _lines(_log(child))
    transcript = "\n".join(lines)
    assert child.exitstatus == 130 or child.signalstatus is not None
    # only a path or the command to copy may be longer than the line, and stays whole
    wide = [
        line
        for line in lines
        if len(line) > 80 and len(line.split()) > 1 and not line.startswith("  kuntaprofiili ")
    ]
    assert not wide, wide
    drafts = list((home / "drafts").glob("*.draft.yaml"))
    assert len(drafts) == 1
    assert str(drafts[0]) in lines or f"  {drafts[0]}" in lines  # the path on its own line
    command = next(line.strip() for line in lines if "kuntaprofiili assess --resume" in line)
    assert command.split()[3] == str(drafts[0]) and f"--lang {lang}" in command
    assert ("Keskeytetty" if lang == "fi" else "Avbrutet") in transcript
    assert "Virhe: Keskeytetty" not in transcript and "Fel: Avbrutet" not in transcript
    assert "unilingual" not in transcript and "dont_know" not in transcript
    assert "ValueError" not in transcript and "Traceback" not in transcript
    expected = "numero 1–4" if lang == "fi" else "ett nummer 1–4"
    assert expected in " ".join(transcript.split())
    assert "language: " + lang in drafts[0].read_text(encoding="utf-8")


def _log(child: pexpect.spawn[str]) -> str:
    log = child.logfile_read
    assert isinstance(log, io.StringIO)
    return log.getvalue()


def test_resume_keeps_the_draft_language(tmp_path: Path) -> None:
    home = tmp_path / "home"
    child = spawn_cli(home, "assess", "-q", MINI, "-m", "Testilä", "--lang", "en", columns=80)
    child.expect("> ")
    child.sendline("12000")
    child.expect("> ")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    draft = next((home / "drafts").glob("*.draft.yaml"))
    again = spawn_cli(home, "assess", "-q", MINI, "--resume", draft, columns=80)
    again.expect("> ")
    again.sendcontrol("c")
    again.expect(pexpect.EOF)
    again.close()
    said = " ".join(_ANSI.sub("", _log(again)).split())
    assert "Interrupted" in said and "Continue where you left off" in said
