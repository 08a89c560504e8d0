"""What the reports of four real kinds of municipality tell a municipal manager.

Helsinki (a large bilingual city), Hyrynsalmi (a small Kainuu municipality), Raasepori (a
bilingual coastal town) and Jomala (Åland), read in Finnish and Swedish as an official would.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.views.nobreak import keep_no_break_spaces
from test_language import _leaks

CASES = Path(__file__).parent / "fixtures" / "cases"
FOUR = ("helsinki", "hyrynsalmi", "raasepori", "jomala")
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout + result.stderr


def _html_text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"(?s)<style.*?</style>|<script.*?</script>|<svg.*?</svg>", "", html)
    return re.sub(r"<[^>]+>", "\n", html)


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("case", FOUR)
def test_reports_of_the_four_cases_read_cleanly(tmp_path: Path, case: str, lang: str) -> None:
    answers = str(CASES / f"{case}.yaml")
    html = tmp_path / "r.html"
    _run("report", answers, "-o", str(html), "--lang", lang)
    texts = [
        _run("assess", "--answers", answers, "--lang", lang, "--full"),
        _run("whatif", answers, "--lang", lang),
        _html_text(html),
    ]
    for text in texts:
        assert not _leaks(text, lang)
        assert "?: " not in text  # a question is quoted, never glued to a colon
        bands = r"(punainen|keltainen|vihreä|röd|gul|grön)"
        assert not re.search(rf"{bands}\s+(mahdollinen|möjlig)\b", text)  # 'keltainen mahdollinen'
        assert not re.search(rf"\b(tasolle|till) {bands}\b", text)
        assert not re.search(r"\b(on|är) (Ekologi|Sosiaali|Taloudelli|Teknologi|Ekonomisk)", text)
        assert not re.search(r"\? \(\d+,\d\)", text)  # an item's score says '/100'
        assert "ja 1 muuta" not in text


def test_swedish_reports_use_swedish_place_names() -> None:
    for case, name in (("helsinki", "Helsingfors"), ("raasepori", "Raseborg")):
        text = _run("assess", "--answers", str(CASES / f"{case}.yaml"), "--lang", "sv")
        assert f"Hållbarhetsprofil: {name}\n" in text


def test_an_answers_file_from_aland_gets_alands_advice() -> None:
    """The municipality named in the answers file is looked up like --municipality: Jomala is
    in Åland, so no mainland-law measure and no size type from the mainland networks."""
    text = _run("assess", "--answers", str(CASES / "jomala.yaml"), "--lang", "fi")
    assert "Kuntatyyppi: ruotsin- tai kaksikielinen kunta\n" in text
    assert "\nAhvenanmaa\n" in text and "Ilmastolaki" not in text
    assert "Laki velvoittaa" not in text  # the welfare report is not mainland law's there
    assert "Puuttuvat tiedot" not in text  # the statistical group comes from reference data


def test_a_no_break_space_never_ends_a_line() -> None:
    keep_no_break_spaces()
    for n in range(60, 80):
        console = Console(file=io.StringIO(), width=80)
        console.print(Text("x" * n + " 10\u00a0000 asukasta ja 5\u202f% lisää"))
        for line in console.file.getvalue().splitlines():  # type: ignore[attr-defined]
            assert not re.search(r"\b(10|5)\s*$", line), line
