"""Reading the bundled reference data of Finland's municipalities (data/municipalities.csv).

The file is read with the stdlib ``csv`` module (in :func:`parse_municipalities`):
``assess`` loads it on every run, and importing pandas would cost more than the whole
questionnaire.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kuntaprofiili.core.municipality import Municipality, parse_municipalities
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
