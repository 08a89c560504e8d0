"""Values several test modules share (imported as ``helpers``; pytest puts tests/ on the path)."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from kuntaprofiili.core.answers import AnswerValue

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"

# A full set of valid answers to tests/fixtures/mini.yaml.
MINI_ANSWERS: dict[str, AnswerValue] = {
    "population": 12000,
    "climate_plan": "yes",
    "plan_monitored": "4",
    "co2_per_capita": 7.0,
    "welfare_report": "partly",
    "participation": "some",
    "loan_per_capita": 4500,
    "budget_balanced": "yes",
    "digital_roadmap": "no",
    "broadband_share": 55,
}


# Debian packages that provide the system programs some tests drive (.ci/run installs them).
PACKAGES = {"chromium": "chromium", "soffice": "libreoffice-calc-nogui", "tmux": "tmux"}
REQUIRE_TOOLS = "KUNTAPROFIILI_REQUIRE_TOOLS"


def require_program(name: str, *aliases: str) -> str:
    """The path of system program ``name`` (or of one of its ``aliases``).

    When none is installed the calling test is skipped with a reason that says what was
    not checked and how to install it; under KUNTAPROFIILI_REQUIRE_TOOLS=1 (set by CI) it
    fails instead, so a missing program can never pass as a green run.
    """
    for candidate in (name, *aliases):
        found = shutil.which(candidate)
        if found:
            return found
    package = PACKAGES.get(name, name)
    reason = (
        f"{name} is not installed, so the tests that drive it did NOT run. Install it with "
        f"`apt-get update && apt-get install -y {package}` (as .ci/run does)."
    )
    if os.environ.get(REQUIRE_TOOLS) == "1":
        pytest.fail(f"{reason} {REQUIRE_TOOLS}=1 makes a missing program a failure.")
    pytest.skip(f"NOT CHECKED: {reason}")


def _default_signals() -> None:
    """In the child, before exec: Ctrl-C and hang-up act as in a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def spawn_cli(home: Path, *args: str | Path, columns: int = 100) -> pexpect.spawn[str]:
    """``python -m kuntaprofiili ARGS`` in a pseudo-terminal, 100 columns, no colour.

    Drafts go to ``home``; everything the program prints is kept in ``child.logfile_read``.
    The child gets the default SIGINT and SIGHUP handlers whatever pytest inherited: run in
    the background or under nohup, they are ignored, and Ctrl-C would not reach the program.
    """
    env = {
        **os.environ,
        "KUNTAPROFIILI_HOME": str(home),
        "NO_COLOR": "1",
        "COLUMNS": str(columns),
        "TERM": "dumb",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "kuntaprofiili", *(str(a) for a in args)],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, columns),
        preexec_fn=_default_signals,
    )
    child.logfile_read = io.StringIO()
    return child
