"""Drafts and saved answers on disk: nothing typed is ever lost.

A draft is an answers file written atomically after every answer, so Ctrl-C, a closed
terminal or a power cut leaves the last complete state. Drafts live in the user's data
directory (``KUNTAPROFIILI_HOME`` overrides it, e.g. for tests) or beside ``--save``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kuntaprofiili.core.answers import AnswerSet, carry_answers, parse_answers
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.printable import printable
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import InputFileError
from kuntaprofiili.files.safeio import read_yaml, write_text_atomic
from kuntaprofiili.i18n import Term

MAX_ANSWERS_BYTES = 1_000_000
DRAFT_SUFFIX = ".draft.yaml"


def home() -> Path:
    """The folder for drafts and answers: KUNTAPROFIILI_HOME, else the platform's data dir."""
    override = os.environ.get("KUNTAPROFIILI_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("kuntaprofiili", appauthor=False))


def slug(text: str) -> str:
    """A file-name-safe form of a municipality name ('Mäntsälä' -> 'mantsala').

    Cut to 80 characters: a file name has room for 255 bytes, and the draft's suffix too.
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)[:80]).strip("-") or "kunta"


def draft_path(municipality: str | None, questionnaire_id: str, save: Path | None) -> Path:
    """Where the draft of this assessment goes."""
    if save is not None:
        return save.with_name(save.name + DRAFT_SUFFIX)
    return home() / "drafts" / f"{slug(municipality or 'kunta')}-{questionnaire_id}{DRAFT_SUFFIX}"


def fresh_draft_path(path: Path) -> Path:
    """``path`` if it is free, else ``NAME-2.draft.yaml``, ``NAME-3...``: never over a draft."""
    stem = path.name.removesuffix(DRAFT_SUFFIX)
    candidate, counter = path, 2
    while candidate.exists() or candidate.with_name(candidate.name + ".lock").exists():
        candidate = path.with_name(f"{stem}-{counter}{DRAFT_SUFFIX}")
        counter += 1
    return candidate


def earlier_draft_path(path: Path) -> Path:
    """Where a draft goes while a new one, made for a changed questionnaire, takes its place."""
    stem = path.name.removesuffix(DRAFT_SUFFIX)
    return fresh_draft_path(path.with_name(f"{stem}-earlier{DRAFT_SUFFIX}"))


def earlier_drafts(path: Path) -> list[Path]:
    """The drafts :func:`earlier_draft_path` set aside for ``path``."""
    stem = path.name.removesuffix(DRAFT_SUFFIX)
    pattern = re.compile(re.escape(stem) + r"-earlier(-\d+)?" + re.escape(DRAFT_SUFFIX))
    if not path.parent.is_dir():
        return []
    return sorted(p for p in path.parent.iterdir() if pattern.fullmatch(p.name))


def answers_path(municipality: str | None, questionnaire_id: str) -> Path:
    """Where finished answers go when the user gave no --save: never over an older file."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = home() / "answers"
    base = f"{slug(municipality or 'kunta')}-{questionnaire_id}-{stamp}"
    candidate = folder / f"{base}.yaml"
    counter = 2
    while candidate.exists():
        candidate = folder / f"{base}-{counter}.yaml"
        counter += 1
    return candidate


def dump_answers(answer_set: AnswerSet) -> str:
    """An answers file as YAML text."""
    import yaml

    data = answer_set.to_mapping()
    text: str = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return text


def write_answers(path: Path, answer_set: AnswerSet) -> None:
    """Write an answers file (or a draft) atomically."""
    write_text_atomic(path, dump_answers(answer_set))


def read_answers(path: Path, questionnaire: Questionnaire) -> AnswerSet:
    """Read and validate an answers file or draft."""
    raw = read_yaml(path, max_bytes=MAX_ANSWERS_BYTES, what="answers_file")
    return parse_answers(raw, questionnaire, str(path))


def read_draft(path: Path, questionnaire: Questionnaire) -> tuple[AnswerSet, list[Term]]:
    """The answers of a draft that still fit ``questionnaire``, and why the others do not."""
    raw = read_yaml(path, max_bytes=MAX_ANSWERS_BYTES, what="draft")
    return carry_answers(raw, questionnaire, str(path))


def move_aside(path: Path) -> Path:
    """Rename an unreadable draft to ``NAME.corrupt-TIME`` so that a new one can start."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 2
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
        counter += 1
    try:
        path.rename(target)
    except OSError as error:
        raise InputFileError(
            "error.file_unreadable", path=str(path), reason=error.strerror
        ) from None
    return target


@dataclass(frozen=True, slots=True)
class DraftInfo:
    """What ``kuntaprofiili drafts`` shows about one draft."""

    path: Path
    municipality: str | None
    questionnaire_id: str
    answered: int
    timestamp: str


def _info(path: Path) -> DraftInfo | None:
    try:
        raw: Any = read_yaml(path, max_bytes=MAX_ANSWERS_BYTES, what="draft")
    except Exception:  # a broken draft is listed as such, never fatal
        return DraftInfo(path, None, "?", 0, "?")
    if not isinstance(raw, Mapping):
        return DraftInfo(path, None, "?", 0, "?")
    meta = raw.get("questionnaire")
    meta = meta if isinstance(meta, Mapping) else {}
    answers = raw.get("answers")
    answers = answers if isinstance(answers, Mapping) else {}
    name = printable(str(raw["municipality"]))[:200] if raw.get("municipality") else None
    return DraftInfo(
        path,
        name,
        printable(str(meta.get("id", "?")))[:64],
        len(answers),
        printable(str(raw.get("timestamp", "")))[:64],
    )


def list_drafts(folder: Path | None = None) -> list[DraftInfo]:
    """Drafts in the data directory, newest first."""
    folder = folder or home() / "drafts"
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"*{DRAFT_SUFFIX}"):
        try:  # a dangling symlink or a file deleted meanwhile is no draft
            mtime = path.stat().st_mtime
        except OSError:
            continue
        if path.is_file():
            found.append((mtime, path))
    found.sort(key=lambda pair: pair[0], reverse=True)
    return [info for _, p in found if (info := _info(p)) is not None]
