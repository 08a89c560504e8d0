"""The draft of an interview: which file it is, who may write it, what carries over.

``assess`` asks this module for a :class:`Session` before the first question. The rules
that keep answers safe live here: a file given with ``--resume`` that is not a draft is
never changed (its answers are copied into a new draft); a draft another running session
writes is locked, and the user may continue in a copy; after a questionnaire change every
answer that still fits is kept, the others are named, and the old draft stays until the
new assessment is complete; an unreadable draft is moved aside, never in the way.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from kuntaprofiili.cli._common import Consoles, ask_yes, stdin_is_terminal
from kuntaprofiili.errors import AnswerError, InputFileError
from kuntaprofiili.i18n import Lines, Term, message

if TYPE_CHECKING:
    from kuntaprofiili.core.answers import AnswerSet, AnswerValue
    from kuntaprofiili.core.evidence import Evidence
    from kuntaprofiili.core.model import Questionnaire


@dataclass
class Session:
    """Where this interview writes its draft, the answers it starts from, what to clean up."""

    draft: Path
    earlier: dict[str, AnswerValue] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)  # notes and sources, kept
    retire: list[Path] = field(default_factory=list)  # drafts removed once answers are stored
    lock: Path | None = None

    def close(self) -> None:
        """Give up the lock (the draft itself stays)."""
        from kuntaprofiili.files.locks import release_lock

        if self.lock is not None:
            release_lock(self.lock)
            self.lock = None


def open_session(
    q: Questionnaire,
    municipality: str | None,
    save: Path | None,
    resume: Path | None,
    io: Consoles,
    lang: str,
) -> Session:
    """The session of this interview, its draft locked; raises when nothing may be written."""
    from kuntaprofiili.files.drafts import DRAFT_SUFFIX, draft_path

    home_draft = draft_path(municipality, q.id, save)
    if resume is None:
        return _own_draft(q, home_draft, io, lang)
    if not resume.name.endswith(DRAFT_SUFFIX):
        return _copy_answers_file(q, resume, home_draft, io, lang)
    return _resumed_draft(q, resume, io, lang)


def _own_draft(q: Questionnaire, draft: Path, io: Consoles, lang: str) -> Session:
    """The municipality's usual draft: offered for resuming, moved aside if unreadable."""
    from kuntaprofiili.files.drafts import earlier_drafts

    session = _locked(draft, io, lang)
    copied = session.draft != draft
    if not copied:  # kept by an earlier session for a changed questionnaire: done once this is
        session.retire.extend(earlier_drafts(draft))
    if not session.draft.exists():
        return session
    try:
        earlier, dropped = _read(q, session.draft)
    except (InputFileError, AnswerError) as error:
        _move_corrupt(session.draft, error, io, lang)
        return session
    if not earlier.answers and not dropped:
        return session
    if not copied and not _wants_resume(draft, len(earlier.answers), io, lang):
        return session
    return _carry(session, earlier, dropped, io, lang, rename_old=not copied)


def _resumed_draft(q: Questionnaire, draft: Path, io: Consoles, lang: str) -> Session:
    """``--resume NAME.draft.yaml``: continue in it unless answers had to be dropped."""
    _require(draft)
    earlier, dropped = _read(q, draft)
    session = _locked(draft, io, lang)
    if session.draft != draft:  # continuing in a copy of a locked draft
        earlier, dropped = _read(q, session.draft)
    return _carry(session, earlier, dropped, io, lang, rename_old=False)


def _copy_answers_file(
    q: Questionnaire, source: Path, home_draft: Path, io: Consoles, lang: str
) -> Session:
    """``--resume ANSWERS.yaml``: its answers go into a new draft; the file stays as it is."""
    from kuntaprofiili.files.drafts import fresh_draft_path, write_answers

    _require(source)
    earlier, dropped = _read(q, source)
    session = _locked(fresh_draft_path(home_draft), io, lang)
    write_answers(session.draft, earlier)
    text = message("reliability.resume_copied", lang, source=str(source), draft=str(session.draft))
    io.err.print(text, markup=False, highlight=False)
    _say_dropped(dropped, io, lang)
    session.earlier = dict(earlier.answers)
    session.evidence = dict(earlier.evidence)
    return session


def _carry(
    session: Session,
    earlier: AnswerSet,
    dropped: list[Term],
    io: Consoles,
    lang: str,
    rename_old: bool,
) -> Session:
    """Start from ``earlier``; with dropped answers, write a new draft and keep the old one."""
    from kuntaprofiili.files.drafts import earlier_draft_path, fresh_draft_path, write_answers

    session.earlier = dict(earlier.answers)
    session.evidence = dict(earlier.evidence)
    if not dropped:
        return session
    _say_dropped(dropped, io, lang)
    old = session.draft
    if rename_old:  # the usual draft name is where the next run looks: the new draft goes there
        kept = earlier_draft_path(old)
        old.rename(kept)
        new = old
    else:
        kept, new = old, fresh_draft_path(old)
    if new != old:
        session.close()
        session.lock = _locked(new, io, lang).lock
        session.draft = new
    write_answers(new, earlier)
    if kept not in session.retire:
        session.retire.append(kept)
    text = message("reliability.old_draft_kept", lang, old=str(kept), draft=str(new))
    io.err.print(text, markup=False, highlight=False)
    return session


def _locked(draft: Path, io: Consoles, lang: str) -> Session:
    """A session on ``draft``; on a copy of it if another session holds it and the user agrees."""
    from kuntaprofiili.files.drafts import fresh_draft_path
    from kuntaprofiili.files.locks import DraftLockedError, acquire_lock

    try:
        return Session(draft, lock=acquire_lock(draft))
    except DraftLockedError as locked:
        if not stdin_is_terminal():
            raise
        io.err.print(message(locked.key, lang, **locked.params), markup=False, highlight=False)
        if not ask_yes(io.err, message("reliability.copy_prompt", lang)):
            raise
    copy = fresh_draft_path(draft)
    lock = acquire_lock(copy)
    _copy_file(draft, copy)
    io.err.print(message("reliability.copied", lang, path=str(copy)), markup=False)
    return Session(copy, lock=lock)


def _copy_file(source: Path, target: Path) -> None:
    from kuntaprofiili.files.drafts import MAX_ANSWERS_BYTES
    from kuntaprofiili.files.safeio import read_text, write_text_atomic

    if source.exists():
        write_text_atomic(target, read_text(source, MAX_ANSWERS_BYTES, "draft"))


def _read(q: Questionnaire, path: Path) -> tuple[AnswerSet, list[Term]]:
    from kuntaprofiili.files.drafts import read_draft

    return read_draft(path, q)


def _require(path: Path) -> None:
    if not path.exists():
        raise InputFileError("error.file_missing", path=str(path), what=Term("file_kind.draft"))


def _move_corrupt(
    draft: Path, error: InputFileError | AnswerError, io: Consoles, lang: str
) -> None:
    from kuntaprofiili.files.drafts import move_aside

    moved = move_aside(draft)
    problem = message(error.key, lang, **error.params)
    text = message(
        "reliability.corrupt_moved", lang, path=str(draft), moved=str(moved), problem=problem
    )
    io.err.print(text, markup=False, highlight=False)


def _say_dropped(dropped: list[Term], io: Consoles, lang: str) -> None:
    if dropped:
        lines = Lines(tuple(dropped))
        text = message("reliability.dropped", lang, n=len(dropped), problems=lines)
        io.err.print(text, markup=False, highlight=False)


def _wants_resume(draft: Path, count: int, io: Consoles, lang: str) -> bool:
    """Ask whether to continue from the draft; without a terminal the answer is yes."""
    if not stdin_is_terminal():
        return True
    question = message("assess.resume_prompt", lang, draft=str(draft), n=count)
    return ask_yes(io.out, question, default=True)


@contextlib.contextmanager
def hangup_as_interrupt() -> Iterator[None]:
    """A closed terminal (SIGHUP) or a polite kill (SIGTERM) stops like Ctrl-C.

    So the interview's Ctrl-C path saves the draft and an atomic write in progress removes
    its temporary file. A second signal during that cleanup is ignored.
    """

    def stop(_signum: int, _frame: FrameType | None) -> None:
        for sig in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        raise KeyboardInterrupt

    try:
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGHUP, signal.SIGTERM)}
    except ValueError:  # not the main thread (an embedding program): leave signals alone
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
