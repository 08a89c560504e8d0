"""The open-data cache: one JSON file in the user's data directory, written atomically.

Layout::

    {"schema_version": 1, "updated": "2026-06-20T10:00:00+03:00",
     "series":  {"<key>": {"provider", "source", "attribution", "fetched",
                           "data": {code: {year: value}}}},
     "values":  {"<municipality code>": {"<item id>": {"value", "provider", "source", "year",
                                                       "fetched", "attribution"}}},
     "regions": {"sotkanet": {"<sotkanet id>": "<municipality code>"}},
     "progress": {"scope": "all" | "<code>", "started": "...", "done": ["<task key>", ...]}}

``progress`` exists only while an update is unfinished, so the next one resumes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kuntaprofiili.files.drafts import home
from kuntaprofiili.files.safeio import read_text, write_text_atomic

SCHEMA_VERSION = 1
MAX_CACHE_BYTES = 50_000_000
PROVIDER_NAMES = {"statfin": "Tilastokeskus", "sotkanet": "THL/Sotkanet", "syke": "SYKE"}


def cache_path() -> Path:
    """Where the cache lives: KUNTAPROFIILI_HOME (or the platform's data dir)/opendata.json."""
    return home() / "opendata.json"


def now() -> str:
    """The current time as ISO 8601 with the offset, to the second."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def empty_cache() -> dict[str, Any]:
    """A cache with nothing in it."""
    return {"schema_version": SCHEMA_VERSION, "series": {}, "values": {}, "regions": {}}


def read_cache(path: Path | None = None) -> dict[str, Any] | None:
    """The cache, or None when there is none yet or it is unreadable (it is rebuilt)."""
    path = path or cache_path()
    if not path.is_file():
        return None
    try:
        data = json.loads(read_text(path, MAX_CACHE_BYTES, "opendata_cache"))
    except (ValueError, OSError):
        return None
    except Exception:
        return None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        return None
    for key, default in empty_cache().items():
        if not isinstance(data.get(key), type(default)):
            data[key] = default
    return data


def write_cache(cache: dict[str, Any], path: Path | None = None) -> None:
    """Write the whole cache atomically."""
    write_text_atomic(
        path or cache_path(), json.dumps(cache, ensure_ascii=False, separators=(",", ":"))
    )


@dataclass(frozen=True, slots=True)
class CachedValue:
    """One prefilled figure with its source."""

    value: float
    provider: str
    source: str
    year: int
    fetched: str
    attribution: str

    @property
    def label(self) -> str:
        """Short source and year for a prompt: 'SYKE 2023'."""
        return f"{PROVIDER_NAMES.get(self.provider, self.provider)} {self.year}"


def cached_values(cache: dict[str, Any] | None, code: str) -> dict[str, CachedValue]:
    """Item id -> fetched value for one municipality (by its 3-digit code)."""
    if cache is None:
        return {}
    found: dict[str, CachedValue] = {}
    for item_id, raw in (cache["values"].get(code) or {}).items():
        try:
            found[item_id] = CachedValue(
                float(raw["value"]),
                str(raw["provider"]),
                str(raw["source"]),
                int(raw["year"]),
                str(raw["fetched"]),
                str(raw["attribution"]),
            )
        except (KeyError, TypeError, ValueError):
            continue
    return found
