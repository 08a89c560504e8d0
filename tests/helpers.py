"""Values several test modules share (imported as ``helpers``; pytest puts tests/ on the path)."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pexpect

# A full set of valid answers to tests/fixtures/mini.yaml.
MINI_ANSWERS: dict[str, Any] = {
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


def spawn_cli(home: Path, *args: str | Path, columns: int = 100) -> pexpect.spawn:
    """``python -m kuntaprofiili ARGS`` in a pseudo-terminal, 100 columns, no colour.

    Drafts go to ``home``; everything the program prints is kept in ``child.logfile_read``.
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
    )
    child.logfile_read = io.StringIO()
    return child
