"""The console script's entry point: the collector is paused only while the CLI is imported,
and everything the command writes is on disk when the process has ended."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kuntaprofiili.cli
from kuntaprofiili import launch
from kuntaprofiili.cli import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Give the test process its collector back as it was: main() freezes what exists."""
    yield
    gc.unfreeze()
    gc.enable()


def test_the_console_script_and_python_m_start_the_launcher() -> None:
    (script,) = entry_points(group="console_scripts", name="kuntaprofiili")
    assert script.value == "kuntaprofiili.launch:main"
    installed = Path(kuntaprofiili.__file__).parent / "__main__.py"
    assert "from kuntaprofiili.launch import main" in installed.read_text(encoding="utf-8")


@pytest.mark.usefixtures("unfrozen")
def test_the_command_runs_with_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # a batch of a million rows must be collected as usual: only the import is paused
    seen: list[bool] = []
    monkeypatch.setattr(kuntaprofiili.cli, "app", lambda: seen.append(gc.isenabled()))
    launch.main()
    assert seen == [True]
    assert gc.isenabled()


@pytest.mark.usefixtures("unfrozen")
def test_the_exit_freezes_what_exists_however_the_command_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fails() -> None:
        raise SystemExit(3)

    monkeypatch.setattr(kuntaprofiili.cli, "app", fails)
    gc.unfreeze()
    with pytest.raises(SystemExit) as ended:
        launch.main()
    assert ended.value.code == 3
    assert gc.get_freeze_count() > 0


@pytest.mark.parametrize("suffix", ["csv", "json", "xlsx"])
def test_a_batch_through_the_real_entry_point_writes_what_the_cli_writes(
    tmp_path: Path, suffix: str
) -> None:
    # the exit skips the interpreter's last collection: nothing written may depend on it
    sheet = ROOT / "examples" / "kunnat-2026.csv"
    env = {**os.environ, "KUNTAPROFIILI_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    launched, in_process = tmp_path / f"launched.{suffix}", tmp_path / f"in-process.{suffix}"
    done = subprocess.run(
        [sys.executable, "-m", "kuntaprofiili", "batch", str(sheet), "-o", str(launched)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = CliRunner().invoke(app, ["batch", str(sheet), "-o", str(in_process)], env=env)
    assert result.exit_code == 0, result.output
    if suffix == "xlsx":
        assert launched.stat().st_size > 0
        assert _cells(launched) == _cells(in_process)
    else:
        assert launched.read_bytes() == in_process.read_bytes()


def _cells(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
