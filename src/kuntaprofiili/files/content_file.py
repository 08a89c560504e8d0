"""Reading the programme's content files (data/types.yaml, data/measures.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kuntaprofiili.core.content import Content, MeasuresFile, TypesFile, parse_content
from kuntaprofiili.files.resources import data_file
from kuntaprofiili.files.safeio import read_yaml

MAX_CONTENT_BYTES = 2_000_000
TYPES_FILE = "types.yaml"
MEASURES_FILE = "measures.yaml"


def load_content(path_types: Path | None = None, path_measures: Path | None = None) -> Content:
    """Read and validate the content files: the bundled ones unless paths are given."""
    if path_types is None and path_measures is None:
        return _load_bundled()
    return _read_content(
        path_types or data_file(TYPES_FILE), path_measures or data_file(MEASURES_FILE)
    )


@cache
def _load_bundled() -> Content:
    """The bundled files never change while the program runs, so read them once."""
    return _read_content(data_file(TYPES_FILE), data_file(MEASURES_FILE))


def _read_content(path_types: Path, path_measures: Path) -> Content:
    types_raw = read_yaml(path_types, MAX_CONTENT_BYTES, aliases=True, what="content_file")
    types = parse_content(types_raw, TypesFile, str(path_types))
    measures_raw = read_yaml(path_measures, MAX_CONTENT_BYTES, aliases=True, what="content_file")
    measures = parse_content(measures_raw, MeasuresFile, str(path_measures))
    return Content(types.general_vision, types.types, measures.measures)
