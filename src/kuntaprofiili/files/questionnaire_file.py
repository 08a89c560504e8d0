"""Reading a questionnaire file: size-checked, safe YAML, then the pure parser."""

from __future__ import annotations

from pathlib import Path

from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.questionnaire import parse_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.files.safeio import parse_yaml, read_text, read_yaml

MAX_QUESTIONNAIRE_BYTES = 2_000_000


def load_questionnaire(path: Path) -> Questionnaire:
    """Read and validate a questionnaire file."""
    raw = read_yaml(path, max_bytes=MAX_QUESTIONNAIRE_BYTES, aliases=True, what="questionnaire")
    return parse_questionnaire(raw, str(path))


def load_questionnaire_or_default(path: Path | None) -> Questionnaire:
    """The questionnaire at ``path``, read and validated; without one, the bundled default,
    from the cache of validated questionnaires when neither it nor the code has changed."""
    if path is not None:
        return load_questionnaire(path)
    from kuntaprofiili.files.questionnaire_cache import cache_key, read_cached, write_cached

    path = default_questionnaire()
    text = read_text(path, MAX_QUESTIONNAIRE_BYTES, "questionnaire")
    key = cache_key(text.encode("utf-8"))
    cached = read_cached(key)
    if cached is not None:
        return cached
    questionnaire = parse_questionnaire(parse_yaml(text, str(path), aliases=True), str(path))
    write_cached(key, questionnaire)
    return questionnaire
