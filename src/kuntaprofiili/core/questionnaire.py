"""Questionnaires: the mapping read from YAML in, a validated :class:`Questionnaire` out.

``parse_questionnaire`` is pure: it expands shorthand (the standard likert and
yes/partly/no scales), validates with pydantic, then checks the rules that span
items, and reports every problem at once as ``location: message``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from kuntaprofiili.core.model import (
    POPULATION_ITEM,
    Dimension,
    Item,
    Kind,
    Questionnaire,
    Transformation,
)
from kuntaprofiili.errors import QuestionnaireError
from kuntaprofiili.i18n import LANGS, Term, message

STANDARD_SCALES: dict[str, tuple[tuple[str, float], ...]] = {
    Kind.LIKERT: (("1", 0.0), ("2", 25.0), ("3", 50.0), ("4", 75.0), ("5", 100.0)),
    Kind.YES_PARTLY_NO: (("yes", 100.0), ("partly", 50.0), ("no", 0.0)),
}


def standard_choices(kind: str) -> list[dict[str, Any]]:
    """The built-in choices of a likert or yes/partly/no item, labels in all languages."""
    return [
        {
            "code": code,
            "score": score,
            "label": {lang: message(f"scale.{kind}.{code}", lang) for lang in LANGS},
        }
        for code, score in STANDARD_SCALES[kind]
    ]


def _expand(raw: Any) -> Any:
    """Fill in the standard scales so that YAML authors need not repeat them."""
    if not isinstance(raw, Mapping):
        return raw
    sections = raw.get("sections")
    if not isinstance(sections, list):
        return raw
    for section in sections:
        items = section.get("items") if isinstance(section, Mapping) else None
        for item in items if isinstance(items, list) else []:
            kind = item.get("kind") if isinstance(item, dict) else None
            if isinstance(item, dict) and isinstance(kind, str) and kind in STANDARD_SCALES:
                item.setdefault("choices", standard_choices(kind))
    return raw


# No mapping of the schema has more than a dozen keys; thousands of them are an attack
# or an accident, and listing each as "unknown key" would take minutes.
MAX_KEYS = 100
# One run shows every problem, up to this many; the rest are counted.
MAX_PROBLEMS = 50


def parse_questionnaire(raw: Any, source: str = "<questionnaire>") -> Questionnaire:
    """Validate a mapping read from YAML; raise QuestionnaireError listing every problem."""
    if not isinstance(raw, Mapping):
        raise QuestionnaireError(source, [Term.of("qerr.not_mapping")])
    crowded = _crowded(raw, "")
    if crowded is not None:
        raise QuestionnaireError(source, [crowded])
    expanded = _expand(raw)
    try:
        questionnaire = Questionnaire.model_validate(expanded)
    except ValidationError as error:
        problems = list(itertools.islice(_pydantic_problems(error, expanded), MAX_PROBLEMS))
        if error.error_count() > MAX_PROBLEMS:
            problems.append(Term.of("qerr.more_problems", n=error.error_count() - MAX_PROBLEMS))
        raise QuestionnaireError(source, problems) from None
    problems = list(cross_item_problems(questionnaire))
    if problems:
        raise QuestionnaireError(source, problems)
    return questionnaire


def _crowded(node: Any, where: str, depth: int = 0) -> Term | None:
    """The first mapping with more than MAX_KEYS keys, as a problem; None if there is none."""
    if depth > 20:
        return None  # deeper than the schema goes: pydantic reports it
    if isinstance(node, Mapping):
        if len(node) > MAX_KEYS:
            return Term.of(
                "qerr.too_many_keys", where=where or "(top level)", count=len(node), limit=MAX_KEYS
            )
        prefix = f"{where}." if where else ""
        children: Iterable[tuple[str, Any]] = ((prefix + str(k)[:40], v) for k, v in node.items())
    elif isinstance(node, list):
        children = ((f"{where}[{k}]", v) for k, v in enumerate(node))
    else:
        return None
    for place, child in children:
        found = _crowded(child, place, depth + 1)
        if found is not None:
            return found
    return None


# Pydantic's error kinds that have a text of their own, with the context value they show.
LOCALISED = {
    "finite_number": ("qerr.not_finite", ""),
    "greater_than_equal": ("qerr.at_least", "ge"),
    "less_than_equal": ("qerr.at_most", "le"),
    "string_too_long": ("qerr.too_long", "max_length"),
}


def _pydantic_problems(error: ValidationError, raw: Mapping[str, Any]) -> Iterator[Term]:
    """Pydantic's findings as translatable terms; rare kinds keep pydantic's English text."""
    for detail in error.errors():
        where = _location(detail["loc"], raw)
        kind, ctx = detail["type"], detail.get("ctx") or {}
        if kind.startswith("q_"):  # our own validators (model.py)
            yield Term.of(f"qerr.{kind}", where=where, **ctx)
        elif kind == "extra_forbidden":
            yield Term.of("qerr.unknown_key", where=where)
        elif kind == "missing" and detail["loc"][-1] in LANGS:
            yield Term.of("qerr.missing_translation", where=where, lang=detail["loc"][-1])
        elif kind == "missing":
            yield Term.of("qerr.missing_field", where=where)
        elif kind in ("enum", "literal_error"):
            yield Term.of("qerr.not_one_of", where=where, expected=ctx.get("expected", "?"))
        elif kind in LOCALISED:
            key, limit = LOCALISED[kind]
            yield Term.of(key, where=where, limit=ctx.get(limit, "?"))
        else:
            yield Term.of("qerr.other", where=where, detail=detail["msg"])


def _location(loc: tuple[int | str, ...], raw: Mapping[str, Any]) -> str:
    """Render a pydantic location, naming items by id rather than by index."""
    parts: list[str] = []
    node: Any = raw
    for step in loc:
        node = node[step] if _indexable(node, step) else None
        if isinstance(step, int):
            item_id = node.get("id") if isinstance(node, Mapping) else None
            parts[-1] = f"{parts[-1]}[{item_id or step}]" if parts else f"[{step}]"
        else:
            parts.append(str(step))
    return ".".join(parts) or "(top level)"


def _indexable(node: Any, step: int | str) -> bool:
    if isinstance(step, int):
        return isinstance(node, list) and 0 <= step < len(node)
    return isinstance(node, Mapping) and step in node


def cross_item_problems(questionnaire: Questionnaire) -> Iterator[Term]:
    """Rules that span items: unique ids, conditions that look back, reachable 0 and 100."""
    yield from _duplicate_ids(questionnaire)
    yield from _bad_conditions(questionnaire)
    yield from _unreachable_dimensions(questionnaire)
    yield from _fetch_problems(questionnaire)


def _duplicate_ids(questionnaire: Questionnaire) -> Iterator[Term]:
    seen: set[str] = set()
    for item in questionnaire.items:
        if item.id in seen:
            yield Term.of("qerr.duplicate_item", item=item.id)
        seen.add(item.id)
    section_ids = [s.id for s in questionnaire.sections]
    for section_id in sorted({s for s in section_ids if section_ids.count(s) > 1}):
        yield Term.of("qerr.duplicate_section", section=section_id)


def _bad_conditions(questionnaire: Questionnaire) -> Iterator[Term]:
    earlier: dict[str, Item] = {}
    for item in questionnaire.items:
        condition = item.when
        if condition is not None:
            problem = _condition_problem(questionnaire, earlier, condition.item, condition)
            if problem is not None:
                yield Term.of(problem[0], item=item.id, target=condition.item, **problem[1])
        earlier[item.id] = item


def _condition_problem(
    questionnaire: Questionnaire, earlier: Mapping[str, Item], target_id: str, condition: Any
) -> tuple[str, dict[str, str]] | None:
    """What is wrong with a ``when`` that refers to ``target_id``, if anything."""
    target = earlier.get(target_id)
    if target is None:
        later = any(i.id == target_id for i in questionnaire.items)
        return ("qerr.when_later" if later else "qerr.when_unknown", {})
    if not target.choices:
        return ("qerr.when_number", {})
    codes = {c.code for c in target.choices}
    unknown = sorted(set(condition.in_ or condition.not_in or ()) - codes)
    return ("qerr.when_codes", {"codes": ", ".join(unknown)}) if unknown else None


def _fetch_problems(questionnaire: Questionnaire) -> Iterator[Term]:
    """A per-resident figure needs a fetched population to divide by."""
    population = next((i for i in questionnaire.items if i.id == POPULATION_ITEM), None)
    if population is not None and population.fetch is not None:
        return
    for item in questionnaire.items:
        if item.fetch is not None and item.fetch.transformation is Transformation.PER_RESIDENT:
            yield Term.of("qerr.fetch_per_resident", item=item.id, population=POPULATION_ITEM)


def _unreachable_dimensions(questionnaire: Questionnaire) -> Iterator[Term]:
    for dimension in Dimension:
        items = questionnaire.scored_items(dimension)
        if not items or sum(i.weight for i in items) == 0:
            yield Term.of("qerr.no_scored_items", dimension=str(dimension))
            continue
        for item in items:
            problem = _reach_problem(item)
            if problem:
                yield Term.of(
                    "qerr.unreachable", item=item.id, dimension=str(dimension), problem=problem
                )
    for item in questionnaire.profile_items():
        if item.weight != 1.0:
            yield Term.of("qerr.profile_weight", item=item.id)


def _reach_problem(item: Item) -> Term | None:
    """Why ``item`` cannot span the whole 0-100 scale, or None if it can."""
    if item.indicator is not None:
        ind = item.indicator
        if not ind.scorable or ind.lower_bound is None or ind.optimum is None:
            return Term.of("qerr.needs_bounds")
        low, high = sorted((ind.lower_bound, ind.optimum))
        if ind.min > low or ind.max < high:
            return Term.of(
                "qerr.range_excludes",
                range=f"{ind.min:g}-{ind.max:g}",
                bounds=f"{low:g}-{high:g}",
            )
        return None
    scores = [c.score for c in item.choices]
    if any(s is None for s in scores):
        return Term.of("qerr.choice_without_score")
    present = [s for s in scores if s is not None]
    if min(present) > 0 or max(present) < 100:
        return Term.of("qerr.choices_range", range=f"{min(present):g}-{max(present):g}")
    return None


__all__ = ["parse_questionnaire", "standard_choices"]
