"""The questionnaire schema: frozen pydantic models, validated once at the file boundary.

The schema holds data only (no prompts, no styles). Cross-field rules are small named
validators so that one run reports every problem; ``questionnaire.parse_questionnaire``
collects them with their locations.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from kuntaprofiili.core.printable import has_control
from kuntaprofiili.core.typecodes import MunicipalityType

DONT_KNOW = "dont_know"
__all__ = ["MunicipalityType"]  # re-exported; defined in typecodes for a light CLI


def yaml_code(value: object) -> object:
    """Undo YAML 1.1's guesses: an unquoted yes/no arrives as a bool, 3 as an int."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return value


def _not_dont_know(code: str) -> str:
    """``dont_know`` is the answer "don't know", so no choice may use it as its code."""
    if code == DONT_KNOW:
        raise PydanticCustomError("q_dont_know_code", "the code 'dont_know' is reserved")
    return code


def _no_control(text: str) -> str:
    """Texts are shown in terminals and workbooks: no ESC, BEL or other control characters."""
    if has_control(text):
        raise PydanticCustomError("q_control_chars", "the text holds control characters")
    return text


# Every number in a questionnaire is finite and of a size statistics have: NaN compares
# false with everything, so an item with a NaN bound would silently never be scored.
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Code = Annotated[
    str, BeforeValidator(yaml_code), Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=64)
]
ChoiceCode = Annotated[Code, AfterValidator(_not_dont_know)]
Line = Annotated[str, Field(min_length=1, max_length=10_000), AfterValidator(_no_control)]


class Dimension(StrEnum):
    """The four dimensions of sustainability in Kuntaliitto's programme."""

    ECOLOGICAL = "ecological"
    SOCIAL = "social"
    ECONOMIC = "economic"
    TECHNOLOGICAL = "technological"


class Kind(StrEnum):
    """How a question is answered."""

    LIKERT = "likert"  # 1-5 agreement
    YES_PARTLY_NO = "yes_partly_no"
    CHOICE = "choice"  # one of several codes, each with its own score
    NUMBER = "number"
    PERCENT = "percent"


class Direction(StrEnum):
    """Whether a larger value of a numeric indicator is better or worse."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


NUMERIC_KINDS = frozenset({Kind.NUMBER, Kind.PERCENT})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Text(_Frozen):
    """One text in the three languages; none may be empty."""

    fi: Line
    sv: Line
    en: Line

    def get(self, lang: str) -> str:
        """The text in ``lang`` (fi, sv or en)."""
        return str(getattr(self, lang))


def _finnish_only(value: object) -> object:
    """A plain string is the Finnish text (questionnaires written before sources had sv/en)."""
    return {"fi": value} if isinstance(value, str) else value


class SourceText(_Frozen):
    """A statistic's name or table: Finnish always; Swedish and English where given.

    A publisher's name is often published in Finnish only, and older questionnaires give
    a plain string, so a missing sv or en falls back to the Finnish text.
    """

    fi: Line
    sv: Line | None = None
    en: Line | None = None

    def get(self, lang: str) -> str:
        """The text in ``lang``, or the Finnish one where ``lang`` is not given."""
        return str(getattr(self, lang, None) or self.fi)


Source = Annotated[SourceText, BeforeValidator(_finnish_only)]


class Choice(_Frozen):
    """An answer option; ``score`` is its place on the 0-100 scale (None for profile facts)."""

    code: ChoiceCode
    label: Text
    score: Annotated[Finite, Field(ge=0, le=100)] | None = None


class Condition(_Frozen):
    """Ask an item only when an earlier item's answer is one of ``in_`` (or not in ``not_in``).

    :meth:`codes_met` is the rule; ``answers.applicable_ids`` (one municipality) and
    ``scoring.applicability`` (a table of many) both apply it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    item: Identifier
    in_: tuple[Code, ...] | None = Field(default=None, alias="in", min_length=1)
    not_in: tuple[Code, ...] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _exactly_one_test(self) -> Condition:
        if (self.in_ is None) == (self.not_in is None):
            raise PydanticCustomError("q_in_or_not_in", "give exactly one of 'in' or 'not_in'")
        return self

    def codes_met(self, source: Item) -> frozenset[str]:
        """The codes of ``source`` (the earlier item) under which the condition holds.

        Only a known answer can meet it: "don't know", no answer and a code the item does
        not have (an old answer re-scored by ``compare``) switch the follow-up off, for
        ``in`` and ``not_in`` alike.
        """
        codes = [choice.code for choice in source.choices]
        if self.in_ is not None:
            return frozenset(code for code in codes if code in self.in_)
        return frozenset(code for code in codes if code not in (self.not_in or ()))


def code_of(answer: object) -> str:
    """Answers compare as text so that a likert 4 matches the code "4"."""
    if isinstance(answer, float) and answer.is_integer():
        return str(int(answer))
    return str(answer)


class Provider(StrEnum):
    """Open-data services a statistic can be fetched from (``kuntaprofiili data update``)."""

    STATFIN = "statfin"  # Statistics Finland, PxWeb API
    SOTKANET = "sotkanet"  # THL, Sotkanet REST API
    SYKE = "syke"  # SYKE, municipal greenhouse-gas emission files


class Transformation(StrEnum):
    """How a fetched series becomes the figure the question asks for."""

    NONE = "none"  # the value of the chosen year (times ``scale``)
    PER_RESIDENT = "per_resident"  # divided by the municipality's fetched population
    PERCENT = "percent"  # a share 0-1 as a percentage
    CHANGE_PERCENT = "change_percent"  # growth over ``span`` years, %
    REDUCTION_PERCENT = "reduction_percent"  # fall since ``base_year``, %


POPULATION_ITEM = "population"  # the item whose fetched value ``per_resident`` divides by

Year = Annotated[int, Field(ge=1900, le=2100)]


class FetchSpec(_Frozen):
    """Where an indicator's figure is published as open data, and how to compute it.

    ``table`` and ``content`` (labels or codes of the content variable's values) are for
    Statistics Finland; ``indicator`` is a Sotkanet id; SYKE needs neither. Variables are
    matched by label at run time, because Statistics Finland renames their codes.
    """

    provider: Provider
    table: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+(/[A-Za-z0-9_.-]+)*\.px$")] | None = None
    content: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    select: dict[Annotated[str, Field(min_length=1)], Annotated[str, Field(min_length=1)]] = {}
    indicator: Annotated[int, Field(ge=1)] | None = None
    transformation: Transformation = Transformation.NONE
    scale: float = 1.0
    span: Annotated[int, Field(ge=1, le=30)] | None = None
    base_year: Year | None = None
    year: Literal["latest"] | Year = "latest"

    @model_validator(mode="after")
    def _provider_has_its_fields(self) -> FetchSpec:
        statfin = self.provider is Provider.STATFIN
        if statfin != (self.table is not None) or statfin != bool(self.content):
            raise PydanticCustomError(
                "q_fetch_statfin", "'table' and 'content' go with provider statfin, and only there"
            )
        if (self.provider is Provider.SOTKANET) != (self.indicator is not None):
            raise PydanticCustomError(
                "q_fetch_sotkanet", "'indicator' goes with provider sotkanet, and only there"
            )
        if self.select and not statfin:
            raise PydanticCustomError("q_fetch_select", "'select' is only for provider statfin")
        return self

    @model_validator(mode="after")
    def _transformation_has_its_fields(self) -> FetchSpec:
        wants_span = self.transformation is Transformation.CHANGE_PERCENT
        wants_base = self.transformation is Transformation.REDUCTION_PERCENT
        if wants_span != (self.span is not None) or wants_base != (self.base_year is not None):
            raise PydanticCustomError(
                "q_fetch_transformation",
                "'span' goes with change_percent and 'base_year' with reduction_percent",
            )
        if self.base_year is not None and self.year != "latest" and self.base_year >= self.year:
            raise PydanticCustomError("q_fetch_base_year", "'base_year' must be before 'year'")
        return self


class Indicator(_Frozen):
    """Composite-indicator metadata of a numeric item (OECD/JRC min-max normalisation).

    Profile facts (population, ...) are numbers that are never scored: they give only
    the unit and the allowed range. Scored items must give all the scoring fields.
    """

    unit: Text
    min: Finite  # allowed input range
    max: Finite
    lower_bound: Finite | None = None  # scores 0
    optimum: Finite | None = None  # scores 100
    direction: Direction | None = None
    source: Source | None = None  # the public statistic an official can look the figure up in
    rationale: Text | None = None  # why the bounds are what they are
    statistic: Source | None = None  # the statistic's exact published name
    table: Source | None = None  # Sotkanet id, Statistics Finland table or dataset name
    year: int | None = None  # the latest statistical year published (by late 2026)
    # How far a municipality can realistically move the figure in one council term (four
    # years), in the indicator's unit; ``whatif`` plans within it.
    term_change: Annotated[float, Field(gt=0)] | None = None
    term_change_rationale: Text | None = None

    @model_validator(mode="after")
    def _bounds_make_sense(self) -> Indicator:
        if self.min >= self.max:
            raise PydanticCustomError("q_min_max", "input range: 'min' must be below 'max'")
        if self.lower_bound is None or self.optimum is None or self.direction is None:
            return self
        if self.lower_bound == self.optimum:
            raise PydanticCustomError(
                "q_bounds_equal", "'lower_bound' equals 'optimum': nothing could be scored"
            )
        rising = self.optimum > self.lower_bound
        if rising != (self.direction is Direction.HIGHER_IS_BETTER):
            raise PydanticCustomError(
                "q_direction",
                "direction '{direction}' contradicts lower_bound {lower} and optimum {optimum}",
                {
                    "direction": str(self.direction),
                    "lower": f"{self.lower_bound:g}",
                    "optimum": f"{self.optimum:g}",
                },
            )
        return self

    @property
    def scorable(self) -> bool:
        """True when the bounds, direction, source and rationale are all given."""
        return None not in (
            self.lower_bound,
            self.optimum,
            self.direction,
            self.source,
            self.rationale,
        )


class Item(_Frozen):
    """One question."""

    id: Identifier
    kind: Kind
    text: Text
    help: Text
    weight: Annotated[Finite, Field(ge=0, le=10)] = 1.0
    weight_rationale: Text | None = None  # why the weight differs from the default
    dont_know: bool = True
    when: Condition | None = None
    choices: tuple[Choice, ...] = ()
    indicator: Indicator | None = None
    fetch: FetchSpec | None = None  # where ``data update`` fetches the figure
    # Why the question reads differently in Åland, whose municipalities follow Åland's
    # own legislation; shown in the reports of Åland's municipalities.
    aland_note: Text | None = None

    @model_validator(mode="after")
    def _kind_has_its_fields(self) -> Item:
        if self.kind in NUMERIC_KINDS and self.indicator is None:
            raise PydanticCustomError(
                "q_needs_indicator", "a {kind} item needs an 'indicator' block", {"kind": self.kind}
            )
        if self.kind not in NUMERIC_KINDS and self.indicator is not None:
            raise PydanticCustomError(
                "q_no_indicator", "a {kind} item takes no 'indicator' block", {"kind": self.kind}
            )
        if self.kind not in NUMERIC_KINDS and len(self.choices) < 2:
            raise PydanticCustomError(
                "q_two_choices", "a {kind} item needs at least two choices", {"kind": self.kind}
            )
        if self.fetch is not None and self.kind not in NUMERIC_KINDS:
            raise PydanticCustomError(
                "q_fetch_numeric", "only number and percent items are fetched"
            )
        codes = [c.code for c in self.choices]
        if len(codes) != len(set(codes)):
            raise PydanticCustomError(
                "q_unique_codes", "choice codes must be unique within an item"
            )
        return self

    @property
    def numeric(self) -> bool:
        """True for number and percent items."""
        return self.kind in NUMERIC_KINDS

    def choice(self, code: str) -> Choice | None:
        """The choice with ``code``, if there is one."""
        return next((c for c in self.choices if c.code == code), None)

    def choice_index(self, answer: object) -> int | None:
        """The position of the choice ``answer`` names; None for "don't know", no answer
        or a code the item does not have."""
        if answer is None or answer == DONT_KNOW:
            return None
        code = code_of(answer)
        return next((k for k, c in enumerate(self.choices) if c.code == code), None)


class Section(_Frozen):
    """A group of items: one per dimension, plus the ``profile`` facts used to classify."""

    id: Identifier
    dimension: Dimension | Literal["profile"]
    title: Text
    items: Annotated[tuple[Item, ...], Field(min_length=1)]

    @property
    def scored(self) -> bool:
        """Profile facts describe the municipality; they are never scored."""
        return self.dimension != "profile"


class Questionnaire(_Frozen):
    """A whole questionnaire as read from YAML."""

    schema_version: Literal[1] = 1
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
    version: Annotated[str, Field(min_length=1, max_length=32)]
    title: Text
    description: Text | None = None
    weight_rationale: Text | None = None  # why the default weight is what it is
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]

    @property
    def items(self) -> tuple[Item, ...]:
        """All items in the order they are asked."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        """The item with ``item_id``; KeyError if there is none."""
        for candidate in self.items:
            if candidate.id == item_id:
                return candidate
        raise KeyError(item_id)

    def match_items(self, raw: Mapping[Any, Any]) -> list[tuple[str, Item | None, Any]]:
        """The entries of a file's mapping keyed by item id, in file order: (key, item, value),
        with None for a key the questionnaire does not know (answers and evidence alike)."""
        known = {item.id: item for item in self.items}
        return [(str(key), known.get(str(key)), value) for key, value in raw.items()]

    def section_of(self, item_id: str) -> Section:
        """The section holding ``item_id``."""
        for section in self.sections:
            if any(i.id == item_id for i in section.items):
                return section
        raise KeyError(item_id)

    def scored_items(self, dimension: Dimension | None = None) -> tuple[Item, ...]:
        """Items that count towards a score, optionally of one dimension only."""
        return tuple(
            item
            for section in self.sections
            if section.scored and (dimension is None or section.dimension == dimension)
            for item in section.items
        )

    def profile_items(self) -> tuple[Item, ...]:
        """The facts used to classify the municipality."""
        return tuple(i for s in self.sections if not s.scored for i in s.items)
