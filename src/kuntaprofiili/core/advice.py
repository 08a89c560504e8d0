"""The programme's content per municipality type, a library of measures, and advice.

The content lives in data/types.yaml and data/measures.yaml and is validated once, at
the file boundary, with frozen pydantic models (:func:`load_content`, the only function
here that reads files). :func:`suggest_measures` is pure: it ranks the measures that
suit a municipality against its :class:`~kuntaprofiili.scoring.Scores`.

The ranking rules (which measures suit, need, ties) are in :mod:`kuntaprofiili.core.ranking`,
which ``batch`` uses too, so one assessment and a sheet of a million rank alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from kuntaprofiili.errors import InputFileError
from kuntaprofiili.i18n import LANGS, message
from kuntaprofiili.core.model import Dimension, Identifier, MunicipalityType, Text
from kuntaprofiili.core.ranking import (
    RankedItem,
    one_row,
    rank_measures,
    unanswered_item,
)
from kuntaprofiili.files.resources import data_file
from kuntaprofiili.files.safeio import read_yaml
from kuntaprofiili.core.scoring import Scores

MAX_CONTENT_BYTES = 2_000_000
TYPES_FILE = "types.yaml"
MEASURES_FILE = "measures.yaml"


# -- the content files ----------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Effort(StrEnum):
    """How much work a measure takes; the cheaper one wins a tie."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @property
    def rank(self) -> int:
        """0 for small, 1 for medium, 2 for large."""
        return list(Effort).index(self)

    def label(self, lang: str) -> str:
        """The effort in words, in ``lang``."""
        return message(f"advice.effort.{self.value}", lang)


def _all_types(value: object) -> object:
    """``types: all`` is shorthand for all five types, so general measures stay short."""
    return [t.value for t in MunicipalityType] if value == "all" else value


Texts = Annotated[tuple[Text, ...], Field(min_length=1)]


class TypeContent(_Frozen):
    """What the programme says about one municipality type."""

    name: Text
    vision: Text
    challenges: Texts
    opportunities: Texts
    municipal_measures: Texts  # what the municipality does itself
    state_measures: Texts  # advocacy goals towards the state


class TypesFile(_Frozen):
    """data/types.yaml: the general vision and the content of every type."""

    schema_version: Literal[1] = 1
    general_vision: Text
    types: dict[MunicipalityType, TypeContent]

    @model_validator(mode="after")
    def _every_type_described(self) -> TypesFile:
        missing = [t.value for t in MunicipalityType if t not in self.types]
        if missing:
            raise ValueError(f"types not described: {', '.join(missing)}")
        return self


class Measure(_Frozen):
    """One concrete measure from the library."""

    id: Identifier
    title: Text
    why: Text
    dimensions: Annotated[tuple[Dimension, ...], Field(min_length=1)]
    items: tuple[Identifier, ...] = ()  # questionnaire items the measure improves
    types: Annotated[tuple[MunicipalityType, ...], BeforeValidator(_all_types), Field(min_length=1)]
    effort: Effort

    @model_validator(mode="after")
    def _no_repeats(self) -> Measure:
        for name in ("dimensions", "items", "types"):
            values: tuple[str, ...] = getattr(self, name)
            if len(values) != len(set(values)):
                raise ValueError(f"'{name}' lists the same value twice")
        return self

    def suits(self, types: Iterable[MunicipalityType]) -> bool:
        """Whether the measure fits a municipality of any of ``types``."""
        return any(t in self.types for t in types)


class MeasuresFile(_Frozen):
    """data/measures.yaml: the library of measures."""

    schema_version: Literal[1] = 1
    measures: Annotated[tuple[Measure, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _ids_unique(self) -> MeasuresFile:
        counts = Counter(m.id for m in self.measures)
        repeated = sorted(i for i, n in counts.items() if n > 1)
        if repeated:
            raise ValueError(f"measure ids must be unique; repeated: {', '.join(repeated)}")
        return self


@dataclass(frozen=True, slots=True)
class Content:
    """The programme content and the measure library, validated."""

    general_vision: Text
    types: Mapping[MunicipalityType, TypeContent]
    measures: tuple[Measure, ...]

    def type_content(self, municipality_type: MunicipalityType) -> TypeContent:
        """Vision, challenges, opportunities and measures of one municipality type."""
        return self.types[municipality_type]

    def measure(self, measure_id: str) -> Measure:
        """The measure with ``measure_id``; KeyError if there is none."""
        for candidate in self.measures:
            if candidate.id == measure_id:
                return candidate
        raise KeyError(measure_id)


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
    types_raw = read_yaml(path_types, MAX_CONTENT_BYTES, "content_file")
    types = parse_content(types_raw, TypesFile, str(path_types))
    measures_raw = read_yaml(path_measures, MAX_CONTENT_BYTES, "content_file")
    measures = parse_content(measures_raw, MeasuresFile, str(path_measures))
    return Content(types.general_vision, types.types, measures.measures)


_Model = TypeVar("_Model", bound=BaseModel)


def parse_content(raw: Any, model: type[_Model], source: str) -> _Model:
    """Validate a mapping read from YAML; a bad file lists every problem and where it is."""
    if not isinstance(raw, Mapping):
        raise _content_error(source, ["(top level): the file must be a YAML mapping (key: value)"])
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = [f"{_location(d['loc'], raw)}: {_problem(d)}" for d in error.errors()]
        raise _content_error(source, problems) from None


def _content_error(source: str, problems: Sequence[str]) -> InputFileError:
    lines = "\n".join(f"  - {p}" for p in problems)
    return InputFileError("advice.error.content", path=source, problems=lines)


def _problem(detail: ErrorDetails) -> str:
    """Pydantic's message, reworded where a content author would not recognise it."""
    if detail["type"] == "extra_forbidden":
        return "unknown key (misspelt?)"
    if detail["type"] == "missing" and detail["loc"] and detail["loc"][-1] in LANGS:
        return f"missing translation '{detail['loc'][-1]}'"
    return detail["msg"].removeprefix("Value error, ")


def _location(loc: tuple[int | str, ...], raw: Mapping[str, Any]) -> str:
    """Render a pydantic location, naming measures by id rather than by position."""
    parts: list[str] = []
    node: Any = raw
    for step in loc:
        node = _child(node, step)
        if isinstance(step, int) and parts:
            name = node.get("id") if isinstance(node, Mapping) else None
            parts[-1] = f"{parts[-1]}[{name or step}]"
        else:
            parts.append(str(step))
    return ".".join(parts) or "(top level)"


def _child(node: Any, step: int | str) -> Any:
    if isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node):
        return node[step]
    if isinstance(step, str) and isinstance(node, Mapping):
        return node.get(step)
    return None


# -- suggestions ------------------------------------------------------------------------


def _points(score: float) -> str:
    return str(round(score))


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A measure chosen for a municipality, and the result that put it there.

    ``item_id`` with ``item_score``: the weakest answered item the measure improves.
    ``item_id`` without a score: an item the questionnaire asks that has no answer.
    No ``item_id``: chosen for ``dimension`` alone, whose ``dimension_score`` is None
    when there were too few answers to score it.
    """

    measure: Measure
    dimension: Dimension
    dimension_score: float | None
    item_id: str | None = None
    item_score: float | None = None

    def reason(self, lang: str, item_name: str | None = None) -> str:
        """One sentence linking the measure to the answer that triggered it.

        ``item_name`` replaces the item id in the sentence, e.g. with the question text.
        """
        dimension = message(f"advice.dimension.{self.dimension.value}", lang)
        if self.item_id is not None:
            item = item_name or self.item_id
            if self.item_score is None:
                return message("advice.reason.unanswered", lang, item=item)
            score = _points(self.item_score)
            return message("advice.reason.item", lang, item=item, score=score, dimension=dimension)
        if self.dimension_score is None:
            return message("advice.reason.no_data", lang, dimension=dimension)
        score = _points(self.dimension_score)
        return message("advice.reason.dimension", lang, dimension=dimension, score=score)


def suggest_measures(
    content: Content,
    scores: Scores,
    types: Sequence[MunicipalityType],
    count: int = 5,
    known_items: frozenset[str] | None = None,
) -> tuple[Suggestion, ...]:
    """The ``count`` measures that suit ``types`` and address the weakest results first.

    Args:
        content: the measure library (see :func:`load_content`).
        scores: the municipality's scores.
        types: its municipality types, the primary type first.
        count: how many to return; fewer only when fewer measures suit the types.
        known_items: the item ids of the questionnaire in use. A measure item that is
            known but unanswered is named in the reason as having no answer; without
            it, only answered items count and other measures match by dimension.

    Raises:
        ValueError: no type was given, or ``count`` is negative.
    """
    if not types:
        raise ValueError("suggest_measures needs at least one municipality type")
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    known = known_items or frozenset()
    table, items = one_row(scores)
    one_group = (np.zeros(1, dtype=np.intp), [tuple(types)])
    ranking = rank_measures(content.measures, items, table, one_group, count, known)
    picked = [int(j) for j in ranking.measures[0] if j >= 0]
    return tuple(
        _suggestion(content.measures[j], ranking.trigger(0, slot), scores, known)
        for slot, j in enumerate(picked)
    )


def _suggestion(
    measure: Measure,
    trigger: tuple[RankedItem | None, Dimension],
    scores: Scores,
    known: frozenset[str],
) -> Suggestion:
    """The pick with the result behind it, as the reason will name it."""
    item, dimension = trigger
    dimension_score = next((d.score for d in scores.dimensions if d.dimension == dimension), None)
    if item is None:
        return Suggestion(measure, dimension, dimension_score, unanswered_item(measure, known))
    item_score = {s.item_id: s.score for s in scores.items}[item.id]
    return Suggestion(measure, dimension, dimension_score, item.id, item_score)
