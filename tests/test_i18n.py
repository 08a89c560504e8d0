"""Every text a user sees exists in Finnish, Swedish and English, with the same placeholders."""

from __future__ import annotations

import re
import string
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from kuntaprofiili.i18n import LANGS, message, message_keys

SRC = Path(__file__).parent.parent / "src" / "kuntaprofiili"
# message("key", ...), _("key"), self.t("key", ...) and help_message("key", ...) with a literal key
LITERAL_KEY = re.compile(
    r"""(?:\bmessage|\b_|\.t|help_message)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']"""
)


def _leaves(table: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for key, value in table.items():
        if isinstance(value, dict) and any(isinstance(v, str) for v in value.values()):
            found.append((f"{prefix}{key}", value))
        elif isinstance(value, dict):
            found += _leaves(value, f"{prefix}{key}.")
    return found


def _all_leaves() -> list[tuple[str, dict[str, Any]]]:
    folder = files("kuntaprofiili").joinpath("messages")
    leaves: list[tuple[str, dict[str, Any]]] = []
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            leaves += _leaves(tomllib.loads(entry.read_text(encoding="utf-8")))
    return leaves


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize(
    ("key", "texts"), _all_leaves(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_text_in_three_languages_with_the_same_placeholders(
    key: str, texts: dict[str, Any]
) -> None:
    assert set(texts) == set(LANGS), f"{key}: languages {sorted(texts)}"
    assert all(isinstance(t, str) and t.strip() for t in texts.values()), key
    assert _placeholders(texts["fi"]) == _placeholders(texts["sv"]) == _placeholders(texts["en"])


def test_every_key_used_in_the_code_exists() -> None:
    used = {
        match
        for path in SRC.rglob("*.py")
        for match in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
    }
    assert len(used) > 100
    assert sorted(used - message_keys()) == []


def test_message_fills_placeholders() -> None:
    assert message("ui.progress", "sv", k=3, n=10) == "fråga 3/10"


def test_every_file_kind_named_in_the_code_has_a_translation() -> None:
    call = re.compile(r"""(?:read_yaml|read_text|check_size)\([^()]*?["']([a-z_]+)["']\)""")
    kinds = {k for path in SRC.rglob("*.py") for k in call.findall(path.read_text("utf-8"))}
    assert {"questionnaire", "answers_file", "draft", "csv", "xlsx"} <= kinds
    assert sorted(k for k in kinds if f"file_kind.{k}" not in message_keys()) == []


def test_a_term_parameter_is_translated_with_its_message(tmp_path: Path) -> None:
    from kuntaprofiili.errors import InputFileError
    from kuntaprofiili.files.safeio import read_yaml

    try:
        read_yaml(tmp_path / "missing.yaml", 1000, "answers_file")
    except InputFileError as error:
        assert "(vastaustiedosto)" in message(error.key, "fi", **error.params)
        assert "(svarsfil)" in message(error.key, "sv", **error.params)
        assert "(answers file)" in str(error)
    else:
        raise AssertionError("a missing file must raise")
