"""The README documents every command and option that exists."""

from __future__ import annotations

from pathlib import Path

import typer

from kuntaprofiili.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(typer_app: typer.Typer, prefix: str = "") -> list[str]:
    names = [f"{prefix}{c.name}" for c in typer_app.registered_commands if c.name]
    for group in typer_app.registered_groups:
        if group.typer_instance is not None and group.name:
            names += _commands(group.typer_instance, f"{prefix}{group.name} ")
    return names


def test_every_command_is_in_the_readme() -> None:
    commands = _commands(app)
    assert "assess" in commands
    missing = [c for c in commands if f"kuntaprofiili {c}" not in README]
    assert missing == []


def test_quick_start_is_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```sh")[1:]
    assert len(blocks) == 2
    assert "kuntaprofiili assess" in blocks[0]
    assert "pytest" in blocks[1]
