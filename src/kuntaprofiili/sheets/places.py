"""Each row's municipality in a batch sheet: looked up once per distinct name or code.

A sheet of a million rows names a few hundred municipalities; each distinct text is
matched once against an index of codes and folded fi/sv/en names (as
``municipalities.find_municipality`` matches them), and the result spread back over the
rows. A name the reference data does not know keeps the spelling it was written in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kuntaprofiili.core.municipality import Municipality, code_of
from kuntaprofiili.core.scoring import BoolArray
from kuntaprofiili.core.text import fold

IntArray = np.ndarray[Any, np.dtype[np.intp]]
ObjectArray = np.ndarray[Any, np.dtype[np.object_]]


@dataclass(frozen=True, slots=True)
class Places:
    """Each row's municipality: found in the reference data or as written."""

    index: IntArray  # position in the reference data; -1 when not found or empty
    key: IntArray  # the same number for the same municipality (duplicates); -1 when empty
    names: ObjectArray  # official name in the run's language, else as written
    codes: ObjectArray  # official code, else None

    @property
    def blank(self) -> BoolArray:
        """Rows without a municipality."""
        return self.key < 0


def resolve_places(
    texts: pd.Series,
    municipalities: Sequence[Municipality],
    lang: str,
    unknown: dict[str, int] | None = None,
) -> Places:
    """Look every distinct name or code up once in the reference data.

    ``unknown`` numbers the names the data does not know (folded); a sheet read in
    blocks passes the same dict for each, so that a name keeps its key across blocks.
    """
    lookup = place_index(municipalities)
    codes, uniques = pd.factorize(texts)
    index = np.full(len(uniques), -1, dtype=np.intp)
    key = np.full(len(uniques), -1, dtype=np.intp)
    names = np.empty(len(uniques), dtype=object)
    official = np.full(len(uniques), None, dtype=object)
    unknown = {} if unknown is None else unknown
    for at, text in enumerate(u.strip() for u in uniques.tolist()):
        found = find_place(lookup, text) if text else None
        names[at] = municipalities[found].name(lang) if found is not None else text
        if found is not None:
            index[at] = key[at] = found
            official[at] = municipalities[found].code
        elif text:
            key[at] = len(municipalities) + unknown.setdefault(fold(text), len(unknown))
    return Places(index[codes], key[codes], names[codes], official[codes])


def place_index(municipalities: Sequence[Municipality]) -> dict[str, int]:
    """Every code and folded fi/sv/en name -> position, as ``find_municipality`` matches.

    One dict lookup per distinct name instead of a scan of all 308 municipalities.
    """
    index: dict[str, int] = {}
    for at, m in enumerate(municipalities):
        for key in (m.code, fold(m.name_fi), fold(m.name_sv), fold(m.name_en)):
            index.setdefault(key, at)
    return index


def find_place(index: Mapping[str, int], text: str) -> int | None:
    """A municipality's position by code ('49' and 'KU049' are '049') or name, by the
    rules of ``municipality.find_municipality``; None if unknown."""
    code = code_of(text)
    if code is not None:
        return index.get(code)
    return index.get(fold(text))
