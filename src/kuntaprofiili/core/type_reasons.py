"""The classifier's facts in words: fi, sv or en from messages/classify.toml.

Names come in both languages with each fact (``city_fi``, ``city_sv``); Swedish output
takes the Swedish name, the others the Finnish one. Numbers go through format_number.
"""

from __future__ import annotations

from collections.abc import Sequence

from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.core.type_facts import Fact, FactValue, TypeReason
from kuntaprofiili.core.typecodes import MunicipalityType
from kuntaprofiili.i18n import message

_NAMES = ("city", "region", "subregion", "largest", "area")
_NUMBERS = ("n", "km", "limit", "built_up", "any_group", "rural", "percent")


def word_reason(reasons: Sequence[TypeReason], rejected: Sequence[TypeReason], lang: str) -> str:
    """'frame municipality: 17 km from Tampere's centre, ...; not a regional town: ...'."""
    parts = [_type_part("classify.holds", r, lang) for r in reasons]
    parts += [_type_part("classify.not", r, lang) for r in rejected]
    return "; ".join(parts)


def word_notes(notes: Sequence[Fact], lang: str) -> tuple[str, ...]:
    """Each note as a sentence."""
    return tuple(_note(n, lang) for n in notes)


def word_fact(fact: Fact, lang: str) -> str:
    """One fact in words, its names and numbers filled in for ``lang``."""
    if fact.key == "language_status":
        return message(f"classify.language.{fact.get('status')}", lang)
    if fact.key == "stat_group":
        return message(f"classify.group.{fact.get('group')}", lang)
    key = fact.key
    if key == "tie_answered" and not fact.get("city_fi"):
        key = "tie_answered_unnamed"
    if key == "regional_centre" and not fact.get("region_fi"):
        key = "regional_centre_unnamed"
    return message(f"classify.fact.{key}", lang, **_values(fact, lang))


def _type_part(key: str, reason: TypeReason, lang: str) -> str:
    facts = ", ".join(word_fact(f, lang) for f in reason.facts)
    return message(key, lang, type=_label(reason.type, lang), facts=facts)


def _label(kind: MunicipalityType | str, lang: str) -> str:
    return message(f"type.{MunicipalityType(kind).value}", lang)


def _values(fact: Fact, lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in _NAMES:
        fi, sv = fact.get(f"{name}_fi"), fact.get(f"{name}_sv")
        if fi is not None or sv is not None:
            out[name] = str((sv or fi) if lang == "sv" else (fi or sv))
    for name in _NUMBERS:
        value = fact.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = format_number(value, lang)
    if fact.get("status"):
        out["status"] = message(f"classify.language.{fact.get('status')}", lang)
    return out


def _note(note: Fact, lang: str) -> str:
    if note.key == "missing":
        names = str(note.get("facts") or "").split()
        facts = ", ".join(message(f"classify.fact_name.{n}", lang) for n in names)
        return message("classify.note.missing", lang, facts=facts)
    subject = message(f"classify.near.{note.get('fact')}", lang, **_values(note, lang))
    changes = [_label(t, lang) for t in _split(note.get("lose"))]
    parts = [message("classify.change.lose", lang, type=t) for t in changes]
    parts += [
        message("classify.change.gain", lang, type=_label(t, lang))
        for t in _split(note.get("gain"))
    ]
    fits = note.get("fits")
    if isinstance(fits, str) and fits:
        parts.append(message("classify.change.fits", lang, type=_label(fits, lang)))
    primary = note.get("primary_would_be")
    if isinstance(primary, str) and primary:
        parts.append(message("classify.change.primary", lang, type=_label(primary, lang)))
    if note.get("no_size_network"):
        parts.append(message("classify.change.no_size_network", lang))
    return message("classify.note.near_threshold", lang, subject=subject, changes=", ".join(parts))


def _split(value: FactValue) -> list[str]:
    return str(value).split() if value else []
