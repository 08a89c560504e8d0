"""Municipalities for a loosely typed name: the exact one, names containing it, close spellings.

These are the suggestions when a name is not known (``assess -m``, ``municipalities``, a
batch row). The close spellings are rapidfuzz's Indel ratio (difflib's ratio, computed
exactly) over the folded fi/sv/en names. A batch sheet can name 100,000 unknown
municipalities, so every function here takes many names at once: the ratios of a block
of names against all 900-odd municipality names are one ``process.cdist`` call, and a
name that no municipality name contains costs one substring test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kuntaprofiili.core.municipality import (
    Municipality,
    code_of,
    folded_names,
    official_names,
)
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import KuntaprofiiliError

CUTOFF = 60.0  # difflib.get_close_matches' 0.6 on rapidfuzz's 0–100 scale
_BLOCK = 2048  # names per cdist call: 2,048 x 924 float32 scores are 7.6 MB


@dataclass(frozen=True, slots=True)
class _Names:
    """Every distinct folded name, the municipality it belongs to, and the exact index."""

    names: list[str]
    owner: np.ndarray[Any, np.dtype[np.intp]]
    joined: str  # all names, one a line: one substring test rules most queries out
    exact: dict[str, int]  # code or folded name -> position, as find_municipality matches


def _name_table(municipalities: Sequence[Municipality]) -> _Names:
    by_name: dict[str, int] = {}
    exact: dict[str, int] = {}
    for at, m in enumerate(municipalities):
        exact.setdefault(m.code, at)
        for name in folded_names(m):
            by_name.setdefault(name, at)
            exact.setdefault(name, at)
    names = list(by_name)
    owner = np.fromiter(by_name.values(), dtype=np.intp, count=len(names))
    return _Names(names, owner, "\n".join(names), exact)


def _exact(query: str, wanted: str, table: _Names) -> int | None:
    code = code_of(query)
    return table.exact.get(code) if code is not None else table.exact.get(wanted)


def _containing(wanted: str, table: _Names) -> list[int]:
    """Positions of the municipalities with a name containing ``wanted``, in name order."""
    if not wanted or wanted not in table.joined:
        return []
    return [int(table.owner[at]) for at, name in enumerate(table.names) if wanted in name]


def _closest(wanted: Sequence[str], table: _Names, count: int) -> list[list[int]]:
    """For each folded name, the positions of the ``count`` best names scoring at least
    CUTOFF, best first (ties in name order)."""
    from rapidfuzz import fuzz, process

    count = min(count, len(table.names))
    if count <= 0:
        return [[] for _ in wanted]
    found: list[list[int]] = []
    for start in range(0, len(wanted), _BLOCK):
        scores = process.cdist(
            wanted[start : start + _BLOCK],
            table.names,
            scorer=fuzz.ratio,
            score_cutoff=CUTOFF,
            dtype=np.float32,
        )
        best = np.argpartition(-scores, count - 1, axis=1)[:, :count]
        best.sort(axis=1)  # name order, so that the stable sort below breaks ties by it
        picked = np.take_along_axis(scores, best, axis=1)
        order = np.argsort(-picked, axis=1, kind="stable")
        best = np.take_along_axis(best, order, axis=1)
        good = np.take_along_axis(picked, order, axis=1) >= CUTOFF
        owners = table.owner[best]
        found += [row[ok].tolist() for row, ok in zip(owners, good, strict=True)]
    return found


def suggest_municipalities(
    queries: Sequence[str], municipalities: Sequence[Municipality], limit: int = 10
) -> list[list[Municipality]]:
    """For each query what :func:`search_municipalities` finds, all matched in one pass."""
    table = _name_table(municipalities)
    wanted = [fold(q) for q in queries]
    close = _closest(wanted, table, limit * 3)
    found = []
    for query, folded, near in zip(queries, wanted, close, strict=True):
        if not folded:
            found.append(list(municipalities)[:limit])
            continue
        exact = _exact(query, folded, table)
        at = ([exact] if exact is not None else []) + _containing(folded, table) + near
        found.append([municipalities[i] for i in list(dict.fromkeys(at))[:limit]])
    return found


def search_municipalities(
    query: str, municipalities: Sequence[Municipality], limit: int = 10
) -> list[Municipality]:
    """Exact match first, then names containing ``query``, then the closest spellings.

    The closest spellings make a typo like "Jyvaskyal" still find Jyväskylä, and are the
    suggestions when nothing else matches.
    """
    return suggest_municipalities([query], municipalities, limit)[0]


def match_municipalities(query: str, municipalities: Sequence[Municipality]) -> list[Municipality]:
    """The exact match first, then every municipality whose name contains ``query``."""
    table = _name_table(municipalities)
    wanted = fold(query)
    exact = _exact(query, wanted, table)
    at = ([exact] if exact is not None else []) + _containing(wanted, table)
    return [municipalities[i] for i in dict.fromkeys(at)]


def closest_municipalities(
    query: str, municipalities: Sequence[Municipality], limit: int = 5
) -> list[Municipality]:
    """The municipalities whose names are spelt most like ``query``, best first."""
    near = _closest([fold(query)], _name_table(municipalities), limit * 3)[0]
    return [municipalities[i] for i in list(dict.fromkeys(near))[:limit]]


def select_municipalities(
    query: str | None, municipalities: Sequence[Municipality]
) -> list[Municipality]:
    """All municipalities, or those matching ``query``; none found is an error with suggestions."""
    if query is None or not fold(query):
        return list(municipalities)
    found = match_municipalities(query, municipalities)
    if found:
        return found
    close = closest_municipalities(query, municipalities)
    if not close:
        raise KuntaprofiiliError("municipalities.not_found_no_suggestion", query=query)
    names = ", ".join(official_names(m) for m in close)
    raise KuntaprofiiliError("municipalities.not_found", query=query, suggestions=names)
