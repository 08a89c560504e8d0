"""The questionnaire in a real pseudo-terminal: answer, help, don't know, back, review.

Then the saved answers file reproduces exactly the same scores with --answers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pexpect
import pytest
import yaml

from helpers import spawn_cli

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"


def _spawn(args: list[str], home: Path) -> pexpect.spawn[str]:
    return spawn_cli(home, *args)


def _answer(child: pexpect.spawn[str], question: str, reply: str) -> None:
    child.expect_exact(question)
    child.expect_exact("> ")
    child.sendline(reply)


@pytest.fixture
def pty_home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_full_interactive_session(tmp_path: Path, pty_home: Path) -> None:
    saved = tmp_path / "answers.yaml"
    result = tmp_path / "result.json"
    child = _spawn(
        [
            "assess",
            "--questionnaire",
            str(MINI),
            "--lang",
            "en",
            "--save",
            str(saved),
            "--json",
            str(result),
        ],
        pty_home,
    )
    child.expect_exact("question 1 of")
    child.expect_exact("Population?")
    child.expect_exact("> ")
    child.sendline("?")  # help is one key away
    child.expect_exact("Statistics Finland.")
    child.expect_exact("> ")
    child.sendline("12 000")
    _answer(child, "Climate plan?", "1")  # yes -> the follow-up becomes applicable
    child.expect_exact("Is it monitored?")
    child.expect_exact("> ")
    child.sendline("<")  # go back and change the plan to "no"
    child.expect_exact("Climate plan?")
    child.expect_exact("[yes] > ")  # the earlier answer is offered
    child.sendline("3")
    _answer(child, "Emissions?", "-")  # don't know, one key
    _answer(child, "Welfare report?", "partly")
    _answer(child, "Participation?", "many")
    _answer(child, "Loans?", "4 500")
    _answer(child, "Balanced?", "kyllä")  # a label in another language is understood
    _answer(child, "Digital roadmap?", "maybe")
    child.expect_exact("is not valid")  # a bad answer is explained and asked again
    child.expect_exact("> ")
    child.sendline("2")
    _answer(child, "Fibre share?", "55")
    child.expect_exact("Your answers")
    child.expect_exact("score:")
    child.sendline("2")  # change question 2, the climate plan, back to yes
    child.expect_exact("Climate plan?")
    child.expect_exact("> ")
    child.sendline("yes")
    child.expect_exact("Is it monitored?")  # switched on by the change, so asked now
    child.expect_exact("> ")
    child.sendline("5")
    child.expect_exact("score:")
    child.sendline("")
    child.expect_exact("Sustainability profile")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    answers = yaml.safe_load(saved.read_text(encoding="utf-8"))["answers"]
    assert answers == {
        "population": 12000,
        "climate_plan": "yes",
        "plan_monitored": "5",
        "co2_per_capita": "dont_know",
        "welfare_report": "partly",
        "participation": "many",
        "loan_per_capita": 4500,
        "budget_balanced": "yes",
        "digital_roadmap": "partly",
        "broadband_share": 55,
    }
    first = json.loads(result.read_text(encoding="utf-8"))
    assert first["scores"]["ecological"]["coverage"] == pytest.approx(0.75)

    # The saved file reproduces the same scores without any questions.
    again = tmp_path / "again.json"
    rerun = _spawn(
        [
            "assess",
            "--questionnaire",
            str(MINI),
            "--answers",
            str(saved),
            "--json",
            str(again),
            "--lang",
            "en",
        ],
        pty_home,
    )
    rerun.expect(pexpect.EOF)
    rerun.close()
    assert rerun.exitstatus == 0
    second = json.loads(again.read_text(encoding="utf-8"))
    assert second["scores"] == first["scores"]
    assert second["overall"] == first["overall"]
