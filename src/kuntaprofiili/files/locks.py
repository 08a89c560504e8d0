"""Draft locks: one session writes a draft, a second one is told who holds it.

The lock is a small file beside the draft (``NAME.draft.yaml.lock``) holding, one
``key=value`` a line, the process id, the host name and the start time of the session
that writes the draft. A lock whose process is gone (killed, or the machine restarted)
is stale and is taken over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kuntaprofiili.core.printable import printable
from kuntaprofiili.errors import InputFileError

LOCK_SUFFIX = ".lock"


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a lock."""

    pid: int
    host: str
    started: str


class DraftLockedError(InputFileError):
    """Another running session writes this draft."""

    def __init__(self, draft: Path, holder: Holder) -> None:
        self.draft = draft
        self.holder = holder
        super().__init__(
            "reliability.draft_locked",
            path=str(draft),
            pid=holder.pid,
            host=holder.host,
            started=holder.started,
        )


def lock_path(draft: Path) -> Path:
    """The lock file of ``draft``."""
    return draft.with_name(draft.name + LOCK_SUFFIX)


def acquire_lock(draft: Path) -> Path:
    """Lock ``draft`` for this process; DraftLockedError if a live session holds it."""
    lock = lock_path(draft)
    for _attempt in range(3):
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = read_holder(lock)
            if holder is not None and _alive(holder):
                raise DraftLockedError(draft, holder) from None
            lock.unlink(missing_ok=True)  # stale: its session is gone
            continue
        except OSError as error:
            raise InputFileError(
                "error.file_unreadable", path=str(lock), reason=error.strerror
            ) from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("".join(f"{key}={value}\n" for key, value in _me().items()))
        return lock
    holder = read_holder(lock) or Holder(0, "?", "?")
    raise DraftLockedError(draft, holder)


def release_lock(lock: Path) -> None:
    """Remove a lock this process holds (and only such a lock)."""
    holder = read_holder(lock)
    if holder is not None and holder.pid == os.getpid() and holder.host == _host():
        lock.unlink(missing_ok=True)


def read_holder(lock: Path) -> Holder | None:
    """The holder written in ``lock``; None when it is missing or unreadable."""
    try:
        lines = lock.read_text(encoding="utf-8")[:1000].splitlines()
        data = dict(line.partition("=")[::2] for line in lines)
        return Holder(int(data["pid"]), printable(data["host"])[:100], printable(data["started"]))
    except (OSError, ValueError, KeyError):
        return None


def _host() -> str:
    """This machine's name (os.uname: the socket module would cost start-up time)."""
    return os.uname().nodename


def _me() -> dict[str, object]:
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    return {"pid": os.getpid(), "host": _host(), "started": started}


def _alive(holder: Holder) -> bool:
    """Whether the holder's process still runs; a lock from another host counts as live."""
    if holder.host != _host():
        return True
    if holder.pid <= 0 or holder.pid == os.getpid():
        return False  # left behind by an earlier command in this very process
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return False
    return True
