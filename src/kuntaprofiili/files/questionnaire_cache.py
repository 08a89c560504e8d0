"""The validated bundled questionnaire, kept between runs in the user's cache folder.

Reading and validating the 120 KB default questionnaire (PyYAML, then pydantic) is most
of what ``assess`` does before its first question, and its result only changes when the
file or the code changes. So the validated :class:`Questionnaire` is pickled into
``validated-questionnaire.pickle`` under a key, and a later run uses it only when the key is the
same. The key is a SHA-256 of the YAML file's bytes, the package version, the Python,
pydantic and PyYAML versions, and the size and modification time of every module and
message file of the package (an editable install changes code without changing its
version). Anything else - no file, another key, a file that is truncated, corrupt,
unreadable, or not the user's own - means the questionnaire is read and validated as
usual and the cache written again, atomically. Only the bundled questionnaire is cached:
a file given with ``--questionnaire`` is validated on every run.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path

from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.errors import OutputFileError
from kuntaprofiili.files.safeio import write_atomic

CACHE_FILE = "validated-questionnaire.pickle"
FORMAT = b"kuntaprofiili questionnaire cache 1"
MAX_CACHE_BYTES = 20_000_000
_PACKAGE = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """KUNTAPROFIILI_HOME/cache when that is set (tests), else the platform's cache folder."""
    override = os.environ.get("KUNTAPROFIILI_HOME")
    if override:
        return Path(override) / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kuntaprofiili", appauthor=False))


def cache_key(source: bytes) -> bytes:
    """The key of the questionnaire whose YAML is ``source``, under this code (hex digits)."""
    import pydantic
    import pydantic_core

    import kuntaprofiili

    digest = hashlib.sha256(FORMAT)
    for part in (
        source,
        kuntaprofiili.__version__,
        sys.version,
        pydantic.VERSION,
        pydantic_core.__version__,
        _yaml_stamp(),
        _code_stamp(),
    ):
        data = part if isinstance(part, bytes) else str(part).encode()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest().encode()


def _code_stamp() -> str:
    """Size and modification time of every module and message file of the package."""
    stamps = []
    for folder, subfolders, names in os.walk(_PACKAGE):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".toml")):
                info = os.stat(os.path.join(folder, name))  # noqa: PTH116, PTH118 - fast path
                stamps.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(stamps)


def _yaml_stamp() -> str:
    """PyYAML's version without importing it: where it is installed, and when."""
    from importlib.util import find_spec

    spec = find_spec("yaml")
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "-"
    info = os.stat(origin)  # noqa: PTH116 - as in _code_stamp
    return f"{origin}:{info.st_size}:{info.st_mtime_ns}"


def read_cached(key: bytes, folder: Path | None = None) -> Questionnaire | None:
    """The cached questionnaire if the cache holds one under ``key``; else None."""
    data = _read_own_file((folder or cache_dir()) / CACHE_FILE)
    if data is None:
        return None
    stored, _, body = data.partition(b"\n")
    if stored != key:
        return None
    try:
        loaded = pickle.loads(body)  # the user's own file: see _read_own_file
    except Exception:
        # a damaged pickle can fail in any way; validating the YAML again is always right
        return None
    return loaded if isinstance(loaded, Questionnaire) else None


def _read_own_file(path: Path) -> bytes | None:
    """The file's bytes if it is a regular file of this user that no one else may write."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
                return None
            if hasattr(os, "getuid") and (
                info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            ):
                return None  # unpickling runs code: only from a file no one else controls
            return handle.read(MAX_CACHE_BYTES + 1)
    except OSError:
        return None


def write_cached(key: bytes, questionnaire: Questionnaire, folder: Path | None = None) -> None:
    """Store ``questionnaire`` under ``key``; a cache that cannot be written is no error."""
    body = pickle.dumps(questionnaire, protocol=pickle.HIGHEST_PROTOCOL)
    path = (folder or cache_dir()) / CACHE_FILE
    try:
        write_atomic(path, lambda handle: handle.write(key + b"\n" + body), binary=True)
        path.chmod(0o600)
    except (OutputFileError, OSError):
        return
