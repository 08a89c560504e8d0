"""Reading a questionnaire file: size-checked, safe YAML, then the pure parser."""

from __future__ import annotations

from pathlib import Path

from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.questionnaire import parse_questionnaire
from kuntaprofiili.files.safeio import read_yaml

MAX_QUESTIONNAIRE_BYTES = 2_000_000


def load_questionnaire(path: Path) -> Questionnaire:
    """Read and validate a questionnaire file."""
    raw = read_yaml(path, max_bytes=MAX_QUESTIONNAIRE_BYTES, aliases=True, what="questionnaire")
    return parse_questionnaire(raw, str(path))
