"""User-facing texts in Finnish, Swedish and English, read from messages/*.toml.

Every string a user sees goes through :func:`message`, so a missing translation is a
test failure rather than an English word in a Swedish report. TOML (stdlib ``tomllib``)
keeps start-up fast: ``--help`` needs these texts before anything else is imported.
Each part of the program keeps its texts in its own file (core.toml, batch.toml, ...);
a key defined twice is an error.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any


class Lang(StrEnum):
    """The three languages every text exists in."""

    FI = "fi"
    SV = "sv"
    EN = "en"


LANGS: tuple[str, ...] = tuple(lang.value for lang in Lang)
DEFAULT_LANG = "fi"


def env_lang() -> str | None:
    """The language KUNTAPROFIILI_LANG names, if any."""
    explicit = os.environ.get("KUNTAPROFIILI_LANG", "").strip().lower()
    return explicit if explicit in LANGS else None


def locale_lang() -> str | None:
    """The language of the locale (LC_ALL, LC_MESSAGES, LANG), if it is one of ours."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        prefix = os.environ.get(var, "")[:2].lower()
        if prefix in LANGS:
            return prefix
    return None


def default_lang() -> str:
    """The language when --lang is not given: ``KUNTAPROFIILI_LANG``, else the locale, else fi."""
    return env_lang() or locale_lang() or DEFAULT_LANG


HELP_FILE = "help.toml"
# Beside this module in the source tree and in the wheel; importlib.resources would cost
# --help about 10 ms of imports for the same path.
MESSAGES = Path(__file__).parent / "messages"


_PARTS: dict[str, dict[str, dict[str, str]]] = {}  # file name -> its texts, once read


def _read_part(name: str) -> dict[str, dict[str, str]]:
    part = _PARTS.get(name)
    if part is None:
        part = {}
        text = (MESSAGES / name).read_text(encoding="utf-8")
        _flatten(tomllib.loads(text), "", part)
        _PARTS[name] = part
    return part


@cache
def _help_catalogue() -> dict[str, dict[str, str]]:
    """Only the --help texts: parsing every file would cost --help a noticeable 15 ms."""
    return _read_part(HELP_FILE)


_TABLE = re.compile(r"^\[\s*([A-Za-z0-9_-]+)|^([A-Za-z0-9_-]+)\s*[.=]", re.MULTILINE)


@cache
def _files_by_table() -> dict[str, tuple[str, ...]]:
    """Which files define keys under each first name ('ui', 'error', ...), found by a scan.

    Parsing all the TOML costs the first question tens of milliseconds; a message needs
    only the files that hold its table. (``_catalogue`` still reads them all, for the
    check that no key is defined twice.)
    """
    index: dict[str, list[str]] = {}
    for entry in sorted(MESSAGES.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            text = entry.read_text(encoding="utf-8")
            for match in _TABLE.finditer(text):
                names = index.setdefault(match.group(1) or match.group(2), [])
                if entry.name not in names:
                    names.append(entry.name)
    return {table: tuple(names) for table, names in index.items()}


def _texts(key: str) -> dict[str, str] | None:
    """The texts of ``key``, reading only the files that can hold it.

    Files already read are looked in first: a key is defined once, so the order changes
    nothing but how many files a run parses (``error.*`` keys live in several).
    """
    names = _files_by_table().get(key.partition(".")[0], ())
    for name in sorted(names, key=lambda name: name not in _PARTS):
        texts = _read_part(name).get(key)
        if texts is not None:
            return texts
    return None


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    flat: dict[str, dict[str, str]] = {}
    for entry in sorted(MESSAGES.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            part = _help_catalogue() if entry.name == HELP_FILE else _read_part(entry.name)
            clash = set(part) & set(flat)
            if clash:
                raise KeyError(f"{entry.name} defines keys already defined: {sorted(clash)}")
            flat.update(part)
    return flat


def _flatten(table: dict[str, Any], prefix: str, out: dict[str, dict[str, str]]) -> None:
    """Turn nested TOML tables into ``a.b.c`` keys whose values are {fi, sv, en}."""
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) >= set(LANGS):
            out[name] = {lang: str(value[lang]) for lang in LANGS}
        elif isinstance(value, dict):
            _flatten(value, f"{name}.", out)


@dataclass(frozen=True, slots=True)
class Term:
    """A message (key and parameters) that core code can hand on without choosing a language.

    Given as a parameter of another message it is translated along with it (so is any
    parameter with a ``render(lang)`` method, such as a number for people): core code
    says *what kind* of file was too large, or what is wrong with a questionnaire, and
    the CLI decides the language.
    """

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: Any) -> Term:
        """A term with keyword parameters."""
        return cls(key, tuple(params.items()))

    def render(self, lang: str) -> str:
        """The text in ``lang``."""
        return message(self.key, lang, **dict(self.params))


@dataclass(frozen=True, slots=True)
class Lines:
    """A bulleted list of terms (e.g. every problem of a file), translated as a whole."""

    terms: tuple[Term, ...]

    def render(self, lang: str) -> str:
        """One ``  - `` line per term."""
        return "\n".join(f"  - {term.render(lang)}" for term in self.terms)


def message(key: str, lang: str, /, **params: Any) -> str:
    """The text for ``key`` in ``lang`` with ``params`` filled in."""
    return _fill(_texts(key), key, lang, params)


def help_message(key: str, lang: str, /, **params: Any) -> str:
    """A --help text (messages/help.toml), without reading the other message files."""
    return _fill(_help_catalogue().get(key), key, lang, params)


def _fill(texts: dict[str, str] | None, key: str, lang: str, params: dict[str, Any]) -> str:
    """The text in ``lang`` with its placeholders filled in."""
    if texts is None:
        raise KeyError(f"no message {key!r} in messages/*.toml")
    text = texts.get(lang, texts["en"])
    if not params:
        return text
    filled = {k: v.render(lang) if hasattr(v, "render") else v for k, v in params.items()}
    return text.format(**filled)


def message_keys() -> frozenset[str]:
    """Every key in the catalogue (for the completeness test)."""
    return frozenset(_catalogue())
