"""The test gate for system programs: skip loudly, or fail where CI requires them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from helpers import REQUIRE_TOOLS, require_program


def test_a_program_on_the_path_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    assert require_program("no-such-program", Path(sys.executable).name) == sys.executable


def test_a_missing_program_skips_and_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(REQUIRE_TOOLS, raising=False)
    with pytest.raises(pytest.skip.Exception, match="NOT CHECKED.*libreoffice-calc-nogui"):
        require_program("soffice")


def test_a_missing_program_fails_where_tools_are_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(REQUIRE_TOOLS, "1")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        require_program("chromium")
