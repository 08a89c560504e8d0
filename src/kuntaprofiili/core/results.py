"""The result of one assessment as a flat CSV row and as nested JSON (pure).

The keys are stable ids that scripts depend on (README, "JSON export"); text values are
in the language asked for.
"""

from __future__ import annotations

from typing import Any

from kuntaprofiili.core.assessment import Assessment
from kuntaprofiili.core.content import TypeContent
from kuntaprofiili.core.whatif import lift_of, plan_json


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def result_row(assessment: Assessment, lang: str = "en") -> dict[str, object]:
    """One CSV row: identity, types, every dimension, overall, advice, then every answer."""
    a = assessment
    row: dict[str, object] = {
        "municipality": a.name,
        "municipality_code": a.municipality.code if a.municipality else None,
        "date": a.answer_set.timestamp[:10] or None,
        "questionnaire_id": a.questionnaire.id,
        "questionnaire_version": a.questionnaire.version,
        "primary_type": str(a.classification.primary),
        "types": " ".join(str(t) for t in a.classification.types),
        "type_overridden": a.classification.overridden,
    }
    for dim in a.scores.dimensions:
        row[f"{dim.dimension}_score"] = _round(dim.score)
        row[f"{dim.dimension}_coverage"] = round(dim.coverage, 3)
        row[f"{dim.dimension}_band"] = str(dim.band) if dim.band else None
    row["overall"] = _round(a.scores.overall)
    for dim in a.scores.dimensions:  # the honest range, after the old columns
        row[f"{dim.dimension}_low"] = _round(dim.low)
        row[f"{dim.dimension}_high"] = _round(dim.high)
    row["overall_low"] = _round(a.scores.low)
    row["overall_high"] = _round(a.scores.high)
    row["measures"] = " ".join(s.measure.id for s in a.suggestions)
    row["measure_titles"] = " | ".join(s.measure.title.get(lang) for s in a.suggestions)
    row["vision"] = _primary(a).vision.get(lang)
    row["state_measures"] = " | ".join(m.get(lang) for m in _primary(a).state_measures)
    for item in a.questionnaire.items:
        value = a.answer_set.answers.get(item.id)
        row[f"answer_{item.id}"] = value
    return row


def _primary(assessment: Assessment) -> TypeContent:
    """The content of the primary type (vision, goals towards the state)."""
    return assessment.content.type_content(assessment.classification.primary)


def result_json(assessment: Assessment, lang: str = "en") -> dict[str, Any]:
    """The nested JSON form (README, 'JSON export')."""
    a = assessment
    primary = _primary(a)
    return {
        "municipality": {
            "name": a.name,
            "code": a.municipality.code if a.municipality else None,
        },
        "questionnaire": {"id": a.questionnaire.id, "version": a.questionnaire.version},
        "timestamp": a.answer_set.timestamp,
        "scores": {
            str(d.dimension): {
                "score": _round(d.score),
                "coverage": round(d.coverage, 3),
                "band": str(d.band) if d.band else None,
                "low": _round(d.low),
                "high": _round(d.high),
                "bands_possible": [str(b) for b in d.bands_possible],
            }
            for d in a.scores.dimensions
        },
        "overall": _round(a.scores.overall),
        "overall_range": {
            "low": _round(a.scores.low),
            "high": _round(a.scores.high),
            "bands_possible": [str(b) for b in a.scores.bands_possible],
        },
        "open_items": [
            {"item": o.item_id, "dimension": str(o.dimension), "span": round(o.span, 1)}
            for o in a.scores.open
        ],
        "types": {
            "primary": str(a.classification.primary),
            "all": [str(t) for t in a.classification.types],
            "overridden": a.classification.overridden,
            "reason": a.classification.reason(lang),
            "notes": list(a.classification.notes(lang)),
        },
        "strongest_items": [i.item_id for i in a.scores.strongest()],
        "weakest_items": [i.item_id for i in a.scores.weakest()],
        "vision": primary.vision.get(lang),
        "measures": [
            {
                "id": s.measure.id,
                "title": s.measure.title.get(lang),
                "why": s.measure.why.get(lang),
                "reason": s.reason(lang, lambda i: a.item_text(i, lang)),
                "source": {
                    "kind": s.measure.source.kind,
                    "programme_type": s.measure.source.programme,
                    "text": s.measure.source.text(lang),
                },
                "triggered_by": [item for item, _ in s.triggered_by],
                "dimension": str(s.dimension),
            }
            for s in a.suggestions
        ],
        "items": _items(a),
        "programme": {
            str(t): {
                "vision": a.content.type_content(t).vision.get(lang),
                "challenges": [x.get(lang) for x in a.content.type_content(t).challenges],
                "opportunities": [x.get(lang) for x in a.content.type_content(t).opportunities],
                "municipal_measures": [
                    x.get(lang) for x in a.content.type_content(t).municipal_measures
                ],
                "state_measures": [x.get(lang) for x in a.content.type_content(t).state_measures],
            }
            for t in a.classification.types
        },
        "aland": a.in_aland,
        "whatif": plan_json(lift_of(a, a.content)),
        "state_measures": [m.get(lang) for m in primary.state_measures],
        "language": lang,
        "answers": dict(a.answer_set.answers),
        "evidence": {k: e.to_mapping() for k, e in a.answer_set.evidence.items()},
    }


def _items(assessment: Assessment) -> dict[str, dict[str, Any]]:
    """Per scored item: its answer (None: none) and its score (None: unanswered)."""
    scored = {i.item_id: i.score for i in assessment.scores.items}
    answers = assessment.answer_set.answers
    return {
        item.id: {"answer": answers.get(item.id), "score": _round(scored.get(item.id))}
        for item in assessment.questionnaire.scored_items()
    }
