"""Shared fixtures: the tiny questionnaire, matching answers and a YAML writer."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import MINI, MINI_ANSWERS
from kuntaprofiili.core.answers import AnswerValue
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.files.questionnaire_file import load_questionnaire


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Drafts and saved answers of a test never touch the real data directory."""
    home = tmp_path / "home"
    monkeypatch.setenv("KUNTAPROFIILI_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


@pytest.fixture(scope="session")
def mini() -> Questionnaire:
    """The small test questionnaire (two or three items per dimension)."""
    return load_questionnaire(MINI)


@pytest.fixture
def mini_answers() -> dict[str, AnswerValue]:
    """A full set of valid answers to the mini questionnaire."""
    return dict(MINI_ANSWERS)


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write dedented YAML text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "file.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
