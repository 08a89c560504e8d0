"""Reading the bundled reference data of Finland's municipalities (data/municipalities.csv).

The file is read with the stdlib ``csv`` module (in :func:`parse_municipalities`):
``assess`` loads it on every run, and importing pandas would cost more than the whole
questionnaire.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kuntaprofiili.core.municipality import (
    Municipality,
    parse_municipalities,
    parse_one_municipality,
)
from kuntaprofiili.files.resources import data_file
from kuntaprofiili.files.safeio import read_text

DATA_FILE = "municipalities.csv"
MAX_BYTES = 1_000_000


def load_municipalities(path: Path | None = None) -> tuple[Municipality, ...]:
    """Read the bundled reference data (or ``path``); read once per process."""
    return _load(path or data_file(DATA_FILE))


@cache
def _load(path: Path) -> tuple[Municipality, ...]:
    return parse_municipalities(read_text(path, MAX_BYTES, "municipality_data"), str(path))


def load_municipality(query: str, path: Path | None = None) -> Municipality | None:
    """The municipality whose code or name is ``query``, as in :func:`load_municipalities`,
    without building the others; None when there is none."""
    path = path or data_file(DATA_FILE)
    text = read_text(path, MAX_BYTES, "municipality_data")
    return parse_one_municipality(text, str(path), query)
