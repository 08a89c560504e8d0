"""The programme's content per municipality type and the library of measures, validated.

The content lives in data/types.yaml and data/measures.yaml; these frozen pydantic models
check it once, at the file boundary (``files/content_file.py`` reads the files), so that
advice and reports can trust every field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from kuntaprofiili.core.model import Dimension, Identifier, MunicipalityType, Text
from kuntaprofiili.errors import InputFileError
from kuntaprofiili.i18n import LANGS, message

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


class Source(_Frozen):
    """Where a measure comes from: the programme (for a type, or ``all`` for its
    foresight work on every municipality) or established practice with its named source."""

    programme: MunicipalityType | Literal["all"] | None = None
    practice: Text | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> Source:
        if (self.programme is None) == (self.practice is None):
            raise ValueError("give exactly one of 'programme' and 'practice'")
        return self

    @property
    def kind(self) -> str:
        """``programme`` or ``practice``: a stable id for exports."""
        return "programme" if self.programme is not None else "practice"

    def text(self, lang: str) -> str:
        """The origin in words, in ``lang``."""
        if self.practice is not None:
            return message("advice.source.practice", lang, source=self.practice.get(lang))
        if self.programme == "all":
            return message("advice.source.programme_all", lang)
        type_name = message(f"type.{self.programme}", lang)
        return message("advice.source.programme", lang, type=type_name)


class DoneWhen(_Frozen):
    """One answer that shows a measure is already in place."""

    item: Identifier
    answers: Annotated[tuple[str, ...], Field(min_length=1)]


class Measure(_Frozen):
    """One concrete measure from the library."""

    id: Identifier
    title: Text
    why: Text
    dimensions: Annotated[tuple[Dimension, ...], Field(min_length=1)]
    items: tuple[Identifier, ...] = ()  # questionnaire items the measure improves
    types: Annotated[tuple[MunicipalityType, ...], BeforeValidator(_all_types), Field(min_length=1)]
    effort: Effort
    source: Source
    done_when: tuple[DoneWhen, ...] = ()  # all hold: the measure is already in place
    mainland_only: bool = False  # rests on mainland law: never for Åland

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

    @property
    def type_specific(self) -> bool:
        """Written for some types rather than for every municipality."""
        return len(self.types) < len(MunicipalityType)

    def is_done(self, answers: Mapping[str, object]) -> bool:
        """Whether the answers say the measure is already in place."""
        return bool(self.done_when) and all(
            str(answers.get(d.item)) in d.answers for d in self.done_when
        )


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
