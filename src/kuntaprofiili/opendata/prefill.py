"""Fetched values as answers: defaults for the interview, and the record of where each came from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kuntaprofiili.core.answers import AnswerValue, coerce_answer
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.errors import AnswerError
from kuntaprofiili.opendata.cache import CachedValue, cached_values, read_cache


def read_prefill(q: Questionnaire, code: str) -> dict[str, CachedValue] | None:
    """The cached values that fit ``q``'s items for one municipality; None without a cache."""
    cache = read_cache()
    if cache is None:
        return None
    return fitting_values(q, cache, code)


def fitting_values(q: Questionnaire, cache: dict[str, Any], code: str) -> dict[str, CachedValue]:
    """The cached values of one municipality that ``q``'s numeric items accept."""
    fitting: dict[str, CachedValue] = {}
    for item_id, value in cached_values(cache, code).items():
        try:
            item = q.item(item_id)
            if not item.numeric:
                continue
            coerce_answer(item, value.value)
        except (KeyError, AnswerError):
            continue  # an item this questionnaire lacks, or a value outside its range
        fitting[item_id] = value
    return fitting


def provenance(
    q: Questionnaire, answers: Mapping[str, AnswerValue], fetched: Mapping[str, CachedValue]
) -> dict[str, dict[str, Any]]:
    """Per numeric answer: fetched (with provider, source, year, attribution) or typed."""
    record: dict[str, dict[str, Any]] = {}
    for item in q.items:
        value = answers.get(item.id)
        if not item.numeric or not isinstance(value, float):
            continue
        got = fetched.get(item.id)
        if got is not None and abs(got.value - value) < 1e-9:
            record[item.id] = {
                "origin": "fetched",
                "provider": got.provider,
                "source": got.source,
                "year": got.year,
                "fetched": got.fetched,
                "attribution": got.attribution,
            }
        else:
            record[item.id] = {"origin": "typed"}
    return record
