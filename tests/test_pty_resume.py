"""Never lose an answer: interrupt ``assess`` in a real pseudo-terminal, then resume.

Ctrl-C (SIGINT), end of input, a killed process (SIGKILL) and a closed terminal (SIGHUP)
all leave a draft with every answer given so far; the next run offers to continue from
the first unanswered question, and the finished answers contain every earlier answer.
The prompts that only a terminal gets (resume, overwrite, delete) are tested here too.
"""

from __future__ import annotations

import io
import re
import signal
from pathlib import Path

import pexpect
import pytest
import yaml

from helpers import MINI_ANSWERS, spawn_cli
from kuntaprofiili.files.drafts import DRAFT_SUFFIX, read_answers
from kuntaprofiili.files.questionnaire_file import load_questionnaire

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"
# Each question of mini in order, with the keys typed to answer it.
SESSION = [
    ("Population?", "12000"),
    ("Climate plan?", "1"),
    ("Is it monitored?", "4"),
    ("Emissions?", "7"),
    ("Welfare report?", "2"),
    ("Participation?", "2"),
    ("Loans?", "4500"),
    ("Balanced?", "1"),
    ("Digital roadmap?", "3"),
    ("Fibre share?", "55"),
]
EXPECTED = MINI_ANSWERS
FIRST = dict(list(EXPECTED.items())[:4])


def spawn(home: Path, *args: str | Path) -> pexpect.spawn[str]:
    """``python -m kuntaprofiili ARGS`` in a pseudo-terminal, its output logged for ``output``."""
    return spawn_cli(home, *args)


def output(child: pexpect.spawn[str]) -> str:
    """All the output of ``child`` so far."""
    log = child.logfile_read
    assert isinstance(log, io.StringIO)
    return log.getvalue()


def transcript(child: pexpect.spawn[str]) -> str:
    """All the output so far, with the terminal's line wrapping removed."""
    return "".join(output(child).split())


def answer(child: pexpect.spawn[str], first: int, last: int) -> None:
    """Answer questions ``first``..``last - 1`` of SESSION, checking each is the one asked."""
    for question, keys in SESSION[first:last]:
        child.expect_exact(question)
        child.expect_exact("> ")
        child.sendline(keys)


def wait_for_question(child: pexpect.spawn[str], number: int) -> None:
    """Wait until question ``number`` (0-based) is on screen and waiting for input.

    By then the draft with every earlier answer is on disk: it is written before the
    next question is shown.
    """
    child.expect_exact(SESSION[number][0])
    child.expect_exact("> ")


def finish(child: pexpect.spawn[str]) -> None:
    """Accept the review, let the report print, and expect a clean exit."""
    child.expect_exact("score:")
    child.sendline("")
    child.expect_exact("Sustainability profile")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, output(child)


def ended(child: pexpect.spawn[str]) -> pexpect.spawn[str]:
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in output(child)
    return child


def assess(home: Path, *extra: str | Path) -> pexpect.spawn[str]:
    return spawn(home, "assess", "-q", MINI, "-m", "Testila", "--lang", "en", *extra)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def resume_and_check_start(child: pexpect.spawn[str], number: int) -> None:
    """Accept the offer to resume; the first question shown is the first unanswered one."""
    child.expect_exact("Continue from it? [Y/n]")
    child.sendline("y")
    wait_for_question(child, number)
    shown = output(child).split("Continue from it?")[1]
    assert f"question {number + 1} of" in shown
    assert not any(q in shown for q, _ in SESSION[:number]), "an answered question was asked again"


def test_ctrl_c_then_resume_keeps_every_answer(tmp_path: Path, home: Path) -> None:
    saved = tmp_path / "testila.yaml"
    draft = tmp_path / f"testila.yaml{DRAFT_SUFFIX}"
    child = assess(home, "--save", saved)
    answer(child, 0, 4)
    wait_for_question(child, 4)
    child.sendintr()
    ended(child)
    assert child.exitstatus == 130
    assert "Interrupted" in transcript(child)
    assert str(draft) in transcript(child), "the message says where the draft is"
    assert yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"] == FIRST
    assert not saved.exists()

    again = assess(home, "--save", saved)
    resume_and_check_start(again, 4)
    again.sendline(SESSION[4][1])
    answer(again, 5, len(SESSION))
    finish(again)
    stored = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert stored["answers"] == EXPECTED
    assert stored["municipality"] == "Testila"
    assert not draft.exists(), "the draft goes once the answers are saved"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP], ids=["SIGKILL", "SIGHUP"])
def test_killed_process_leaves_an_intact_draft(home: Path, sig: signal.Signals) -> None:
    draft = home / "drafts" / f"testila-mini{DRAFT_SUFFIX}"
    child = assess(home)
    answer(child, 0, 4)
    wait_for_question(child, 4)
    child.kill(sig)
    ended(child)
    assert read_answers(draft, load_questionnaire(MINI)).answers == FIRST
    left = sorted(p.name for p in draft.parent.iterdir())
    if sig == signal.SIGHUP:  # a closed terminal stops like Ctrl-C: saved, nothing left over
        assert child.exitstatus == 130
        assert left == [draft.name], "no temporary files and no lock"
    else:  # nothing runs after SIGKILL: its lock stays, and is stale
        assert child.signalstatus == sig
        assert left == [draft.name, draft.name + ".lock"], "no temporary files"

    again = assess(home)
    resume_and_check_start(again, 4)
    again.sendline(SESSION[4][1])
    answer(again, 5, len(SESSION))
    finish(again)
    (saved,) = (home / "answers").iterdir()
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["answers"] == EXPECTED
    assert sorted(draft.parent.iterdir()) == [], "draft and stale lock are gone"


def test_a_second_session_is_told_who_holds_the_draft_and_may_copy_it(home: Path) -> None:
    draft = home / "drafts" / f"testila-mini{DRAFT_SUFFIX}"
    first = assess(home)
    answer(first, 0, 4)
    wait_for_question(first, 4)

    second = assess(home)
    second.expect_exact("Continue in a copy of the draft? [y/N]")
    assert f"process {first.pid}" in " ".join(output(second).split())
    second.sendline("y")
    wait_for_question(second, 4)
    second.sendline("2")
    wait_for_question(second, 5)
    second.sendintr()
    ended(second)
    copy = home / "drafts" / f"testila-mini-2{DRAFT_SUFFIX}"
    assert read_answers(copy, load_questionnaire(MINI)).answers == {
        **FIRST,
        "welfare_report": "partly",
    }

    first.sendline(SESSION[4][1])
    answer(first, 5, 8)
    wait_for_question(first, 8)
    first.sendintr()
    ended(first)
    assert read_answers(draft, load_questionnaire(MINI)).answers == dict(list(EXPECTED.items())[:8])

    refused = assess(home)
    refused.expect_exact("Continue from it? [Y/n]")  # the first session is gone: no lock
    refused.sendintr()
    ended(refused)


def test_a_second_session_that_declines_the_copy_changes_nothing(home: Path) -> None:
    draft = home / "drafts" / f"testila-mini{DRAFT_SUFFIX}"
    first = assess(home)
    answer(first, 0, 2)
    wait_for_question(first, 2)
    before = draft.read_bytes()
    second = assess(home)
    second.expect_exact("Continue in a copy of the draft? [y/N]")
    second.sendline("")
    ended(second)
    assert second.exitstatus == 1
    assert draft.read_bytes() == before
    assert sorted(p.name for p in draft.parent.iterdir()) == [draft.name, draft.name + ".lock"]
    first.sendintr()
    ended(first)


def test_end_of_input_stops_cleanly_and_says_where_the_draft_is(home: Path) -> None:
    draft = home / "drafts" / f"testila-mini{DRAFT_SUFFIX}"
    child = assess(home)
    answer(child, 0, 2)
    wait_for_question(child, 2)
    child.sendeof()
    ended(child)
    assert child.exitstatus == 130
    assert str(draft) in transcript(child)
    assert yaml.safe_load(draft.read_text(encoding="utf-8"))["answers"] == {
        "population": 12000,
        "climate_plan": "yes",
    }


@pytest.mark.parametrize("stop", ["eof", "intr"])
def test_stopping_at_the_resume_offer_keeps_the_draft(home: Path, stop: str) -> None:
    child = assess(home)
    answer(child, 0, 3)
    wait_for_question(child, 3)
    child.sendintr()
    ended(child)
    draft = home / "drafts" / f"testila-mini{DRAFT_SUFFIX}"
    before = draft.read_bytes()

    again = assess(home)
    again.expect_exact("Continue from it? [Y/n]")
    again.sendeof() if stop == "eof" else again.sendintr()
    ended(again)
    assert again.exitstatus == 130
    assert draft.read_bytes() == before


def test_declining_the_offer_starts_from_the_first_question(home: Path) -> None:
    child = assess(home)
    answer(child, 0, 2)
    wait_for_question(child, 2)
    child.sendintr()
    ended(child)
    again = assess(home)
    again.expect_exact("Continue from it? [Y/n]")
    again.sendline("n")
    wait_for_question(again, 0)
    again.sendintr()
    ended(again)


def test_resume_file_continues_at_first_unanswered(tmp_path: Path, home: Path) -> None:
    draft = tmp_path / f"kept-elsewhere{DRAFT_SUFFIX}"
    done = dict(list(EXPECTED.items())[:6])
    draft.write_text(
        yaml.safe_dump(
            {"municipality": "Pikkula", "questionnaire": {"id": "mini"}, "answers": done}
        ),
        encoding="utf-8",
    )
    saved = tmp_path / "pikkula.yaml"
    child = spawn(home, "assess", "-q", MINI, "--resume", draft, "--save", saved, "--lang", "en")
    wait_for_question(child, 6)
    assert "Continue from it?" not in output(child)
    assert "question 7 of" in output(child)
    child.sendline(SESSION[6][1])
    answer(child, 7, len(SESSION))
    finish(child)
    stored = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert stored["answers"] == EXPECTED
    assert stored["municipality"] == "Pikkula", "the draft's municipality is kept"


# -- prompts that replace --force and --yes in a terminal -----------------------------


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(
        yaml.safe_dump({"municipality": "Testila", "answers": EXPECTED}), encoding="utf-8"
    )
    return path


KNOWN = b"keep,these\r\nbytes,1\r\n"


def test_overwrite_prompt_no_keeps_the_file(tmp_path: Path, home: Path, answers_file: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_bytes(KNOWN)
    child = spawn(home, "assess", "-q", MINI, "-a", answers_file, "--csv", out, "--lang", "en")
    child.expect_exact("Overwrite it? [y/N]")
    child.sendline("")  # Enter means no
    ended(child)
    assert child.exitstatus == 1
    assert out.read_bytes() == KNOWN


def test_overwrite_prompt_yes_replaces_the_file(
    tmp_path: Path, home: Path, answers_file: Path
) -> None:
    out = tmp_path / "out.csv"
    out.write_bytes(KNOWN)
    child = spawn(home, "assess", "-q", MINI, "-a", answers_file, "--csv", out, "--lang", "en")
    child.expect_exact("Overwrite it? [y/N]")
    child.sendline("y")
    ended(child)
    assert child.exitstatus == 0
    assert out.read_bytes() != KNOWN
    assert out.read_text(encoding="utf-8").startswith("municipality,")


def test_force_does_not_ask(tmp_path: Path, home: Path, answers_file: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_bytes(KNOWN)
    args = ("assess", "-q", MINI, "-a", answers_file, "--csv", out, "--force", "--lang", "en")
    child = ended(spawn(home, *args))
    assert child.exitstatus == 0
    assert "Overwrite" not in output(child)


@pytest.mark.parametrize(("reply", "deleted"), [("y", True), ("", False)])
def test_drafts_delete_asks_first(home: Path, reply: str, deleted: bool) -> None:
    child = assess(home)
    answer(child, 0, 1)
    wait_for_question(child, 1)
    child.sendintr()
    ended(child)
    draft = home / "drafts" / f"testila-mini{DRAFT_SUFFIX}"
    assert draft.exists()

    delete = spawn(home, "drafts", "--delete", "1", "--lang", "en")
    delete.expect_exact("[y/N]")
    assert re.search(r"Testila,\s*1\s*answers", output(delete))
    delete.sendline(reply)
    ended(delete)
    assert delete.exitstatus == 0
    assert draft.exists() is not deleted
