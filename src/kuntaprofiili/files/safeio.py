"""Reading untrusted files and writing files without ever losing data.

Every write goes to a temporary file in the destination's folder and is renamed into
place, so a crash or Ctrl-C leaves either the old file or the new one, never half of
one. Reads check the size before loading, and YAML only goes through the safe loader.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from kuntaprofiili.core.numbers import PeopleNumber
from kuntaprofiili.errors import InputFileError, OutputFileError
from kuntaprofiili.i18n import Term

# What kind of file a message names, by the ``what`` its reader was given.
FILE_KINDS = {
    "questionnaire": "file_kind.questionnaire",
    "answers_file": "file_kind.answers_file",
    "draft": "file_kind.draft",
    "content_file": "file_kind.content_file",
    "municipality_data": "file_kind.municipality_data",
    "csv": "file_kind.csv",
    "xlsx": "file_kind.xlsx",
    "batch_result": "file_kind.batch_result",
}


def check_size(path: Path, max_bytes: int, what: str) -> None:
    """Refuse a missing or oversized file before reading it whole."""
    size = check_regular_file(path, what)
    if size > max_bytes:
        raise InputFileError(
            "error.file_too_large",
            path=str(path),
            size=PeopleNumber(size),
            limit=PeopleNumber(max_bytes),
            what=Term(FILE_KINDS[what]),
        )


def check_regular_file(path: Path, what: str) -> int:
    """Refuse a missing file, a folder, a pipe or a device; return the file's size."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputFileError(
            "error.file_missing", path=str(path), what=Term(FILE_KINDS[what])
        ) from None
    except OSError as error:
        raise InputFileError(
            "error.file_unreadable", path=str(path), reason=error.strerror
        ) from None
    size, mode = info.st_size, info.st_mode
    if stat.S_ISDIR(mode):
        raise InputFileError("error.file_is_dir", path=str(path))
    if not stat.S_ISREG(mode):
        # A FIFO would block forever and /dev/zero never ends: only plain files are read.
        raise InputFileError("reliability.file_not_regular", path=str(path))
    return size


def read_text(path: Path, max_bytes: int, what: str) -> str:
    """Read a UTF-8 text file (a BOM is allowed) after checking its size."""
    check_size(path, max_bytes, what)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since the check
        if len(data) > max_bytes:
            raise InputFileError(
                "error.file_too_large",
                path=str(path),
                size=PeopleNumber(len(data)),
                limit=PeopleNumber(max_bytes),
                what=Term(FILE_KINDS[what]),
            )
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputFileError("error.file_not_utf8", path=str(path), position=error.start) from None
    except OSError as error:
        raise InputFileError(
            "error.file_unreadable", path=str(path), reason=error.strerror
        ) from None


def read_yaml(path: Path, max_bytes: int, what: str, aliases: bool = False) -> Any:
    """Parse a YAML file with the safe loader; syntax errors name the line.

    Merge keys and over-long integers are refused; aliases too, unless ``aliases`` allows
    them up to a bounded expansion (see :func:`bounded_loader`).
    """
    return parse_yaml(read_text(path, max_bytes, what), str(path), aliases)


def parse_yaml(text: str, source: str, aliases: bool = False) -> Any:
    """Parse YAML text from an untrusted file with :func:`bounded_loader`."""
    import yaml

    try:
        return yaml.load(text, Loader=bounded_loader(aliases))  # a safe loader (C if available)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InputFileError("error.yaml_syntax", path=source, line=line, problem=problem) from None
    except RecursionError:
        raise InputFileError(
            "error.yaml_syntax", path=source, line="?", problem="nesting too deep"
        ) from None


def bounded_loader(aliases: bool = False) -> type[Any]:
    """The safe YAML loader that refuses alias bombs, merge keys and huge integers.

    Imported only when a YAML file is read: PyYAML is not needed for ``--help``.
    """
    from kuntaprofiili.files.yaml_loader import BoundedAliasLoader, NoAliasLoader

    return BoundedAliasLoader if aliases else NoAliasLoader


def ensure_writable(path: Path, force: bool) -> None:
    """Refuse to overwrite an existing file unless ``force`` is set."""
    if path.exists() and not force:
        raise OutputFileError("error.would_overwrite", path=str(path))
    if path.exists() and path.is_dir():
        raise OutputFileError("error.output_is_dir", path=str(path))


def _mode_for(path: Path) -> int:
    """The existing file's mode, or what a new file gets under the current umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_writer(
    path: Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success."""
    folder = path.parent if str(path.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputFileError("error.cannot_write", path=str(path), reason=error.strerror) from None
    tmp = Path(tmp_name)
    os.chmod(fd, _mode_for(path))  # noqa: PTH101 - by descriptor; mkstemp makes it 0600
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(
    path: Path,
    write: Callable[[IO[Any]], object],
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> None:
    """Write ``path`` through ``write(handle)`` atomically."""
    mode = "wb" if binary else "w"
    try:
        with atomic_writer(path, mode, None if binary else encoding, newline) as handle:
            write(handle)
    except OSError as error:
        raise OutputFileError("error.cannot_write", path=str(path), reason=error.strerror) from None


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write a whole text file atomically."""
    write_atomic(path, lambda handle: handle.write(text), encoding=encoding, newline="")
