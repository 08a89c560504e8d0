"""Which measures are suggested, in what order, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuntaprofiili.core.advice import Suggestion, suggest_measures
from kuntaprofiili.core.content import Content, Measure
from kuntaprofiili.core.model import Dimension, MunicipalityType, Text
from kuntaprofiili.core.scoring import DimensionScore, ItemScore, Scores, band_of
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.i18n import LANGS

ECO, SOC, ECON, TECH = Dimension
SMALL = MunicipalityType.SMALL_MUNICIPALITY
BILINGUAL = MunicipalityType.SWEDISH_BILINGUAL
LARGE = MunicipalityType.LARGE_CITY


def _scores(
    dimensions: Mapping[Dimension, float | None] | None = None,
    items: Mapping[str, tuple[Dimension, float]] | None = None,
) -> Scores:
    """Scores built by hand: unnamed dimensions score 80, items weigh 1."""
    given_dims = dimensions or {}
    dims = tuple(_dimension(d, given_dims.get(d, 80.0)) for d in Dimension)
    scored = tuple(ItemScore(i, d, s, 1.0) for i, (d, s) in (items or {}).items())
    return Scores(dims, None, scored)


def _dimension(dimension: Dimension, score: float | None) -> DimensionScore:
    """A dimension result; one without a score had too little coverage."""
    return DimensionScore(dimension, score, 1.0 if score is not None else 0.2, band_of(score))


def _measure(
    measure_id: str,
    dimensions: Sequence[str] = ("ecological",),
    items: Sequence[str] = (),
    types: Sequence[str] | str = "all",
    effort: str = "small",
) -> Measure:
    text = {"fi": f"{measure_id} fi", "sv": f"{measure_id} sv", "en": f"{measure_id} en"}
    return Measure.model_validate(
        {
            "id": measure_id,
            "title": text,
            "why": text,
            "dimensions": list(dimensions),
            "items": list(items),
            "types": types,
            "effort": effort,
        }
    )


def _library(*measures: Measure) -> Content:
    return Content(Text(fi="visio", sv="vision", en="vision"), {}, measures)


def _ids(suggestions: Sequence[Suggestion]) -> list[str]:
    return [s.measure.id for s in suggestions]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


# -- with the bundled library -----------------------------------------------------------


@pytest.mark.parametrize("weakest", list(Dimension))
def test_weakest_dimension_measures_come_first(content: Content, weakest: Dimension) -> None:
    scores = _scores({d: 10.0 if d is weakest else 90.0 for d in Dimension})
    suggestions = suggest_measures(content, scores, [SMALL], count=5)
    assert [s.dimension for s in suggestions] == [weakest] * 5
    assert all(weakest in s.measure.dimensions for s in suggestions)


def test_a_low_answered_item_ranks_highest(content: Content) -> None:
    scores = _scores(
        {d: 40.0 for d in Dimension},
        {"climate_budget": (ECO, 0.0), "welfare_report": (SOC, 50.0), "open_data": (TECH, 100.0)},
    )
    first = suggest_measures(content, scores, [SMALL], count=3)[0]
    assert (first.measure.id, first.item_id, first.item_score) == (
        "climate_budget",
        "climate_budget",
        0.0,
    )


@pytest.mark.parametrize("municipality_type", list(MunicipalityType))
def test_measures_unsuited_to_the_type_are_never_chosen(
    content: Content, municipality_type: MunicipalityType
) -> None:
    everything = suggest_measures(content, _scores(), [municipality_type], count=1000)
    assert all(municipality_type in s.measure.types for s in everything)
    assert len(everything) == sum(m.suits([municipality_type]) for m in content.measures)


@pytest.mark.parametrize("count", [0, 1, 5, 12])
def test_exactly_count_suggestions_without_duplicates(content: Content, count: int) -> None:
    suggestions = suggest_measures(content, _scores({ECO: 30.0}), [LARGE], count=count)
    assert len(suggestions) == count
    assert len(set(_ids(suggestions))) == count


def test_bilingual_secondary_type_lets_bilingual_measures_in(content: Content) -> None:
    only_bilingual = {m.id for m in content.measures if m.types == (BILINGUAL,)}
    small = set(_ids(suggest_measures(content, _scores(), [SMALL], count=1000)))
    both = set(_ids(suggest_measures(content, _scores(), [SMALL, BILINGUAL], count=1000)))
    assert not small & only_bilingual
    assert only_bilingual <= both


def test_order_is_deterministic_and_independent_of_file_order(content: Content) -> None:
    scores = _scores({ECO: None, SOC: 35.0}, {"welfare_report": (SOC, 50.0)})
    reordered = Content(content.general_vision, content.types, content.measures[::-1])
    first = suggest_measures(content, scores, [SMALL, BILINGUAL], count=15)
    assert first == suggest_measures(content, scores, [SMALL, BILINGUAL], count=15)
    assert first == suggest_measures(reordered, scores, [SMALL, BILINGUAL], count=15)


@settings(max_examples=60, deadline=None)
@given(
    dims=st.lists(st.none() | st.floats(0, 100), min_size=4, max_size=4),
    item_scores=st.dictionaries(
        st.sampled_from(["climate_plan", "welfare_report", "equity_ratio", "open_data"]),
        st.floats(0, 99),
    ),
    types=st.lists(st.sampled_from(list(MunicipalityType)), min_size=1, max_size=2, unique=True),
    count=st.integers(0, 30),
)
def test_suggestions_always_suit_and_never_repeat(
    dims: list[float | None],
    item_scores: dict[str, float],
    types: list[MunicipalityType],
    count: int,
) -> None:
    content = load_content()
    scores = _scores(
        dict(zip(Dimension, dims, strict=True)), {i: (ECO, s) for i, s in item_scores.items()}
    )
    suggestions = suggest_measures(content, scores, types, count=count)
    assert len(suggestions) == min(count, sum(m.suits(types) for m in content.measures))
    assert len(set(_ids(suggestions))) == len(suggestions)
    assert all(s.measure.suits(types) for s in suggestions)


# -- ranking rules, on small hand-made libraries ----------------------------------------


def test_secondary_type_measure_wins_when_its_item_is_weakest() -> None:
    library = _library(
        _measure("general", items=["y"]),
        _measure("bilingual_only", items=["x"], types=["swedish_bilingual"]),
    )
    scores = _scores(items={"x": (ECO, 0.0), "y": (ECO, 50.0)})
    assert _ids(suggest_measures(library, scores, [SMALL], count=2)) == ["general"]
    assert _ids(suggest_measures(library, scores, [SMALL, BILINGUAL], count=2)) == [
        "bilingual_only",
        "general",
    ]


def test_cheaper_effort_wins_a_tie() -> None:
    library = _library(
        _measure("a_large", items=["x"], effort="large"),
        _measure("b_medium", items=["x"], effort="medium"),
        _measure("c_small", items=["x"], effort="small"),
    )
    scores = _scores(items={"x": (ECO, 20.0)})
    assert _ids(suggest_measures(library, scores, [SMALL])) == ["c_small", "b_medium", "a_large"]


def test_measure_written_for_the_item_beats_a_side_benefit() -> None:
    library = _library(
        _measure("a_side", items=["other", "x"], effort="small"),
        _measure("b_direct", items=["x", "other"], effort="large"),
    )
    scores = _scores(items={"x": (ECO, 0.0), "other": (ECO, 50.0)})
    assert _ids(suggest_measures(library, scores, [SMALL])) == ["b_direct", "a_side"]


def test_primary_type_wins_a_tie_over_secondary() -> None:
    library = _library(
        _measure("a_bilingual", items=["x"], types=["swedish_bilingual"]),
        _measure("b_small", items=["x"], types=["small_municipality"]),
    )
    scores = _scores(items={"x": (ECO, 20.0)})
    assert _ids(suggest_measures(library, scores, [SMALL, BILINGUAL])) == ["b_small", "a_bilingual"]


def test_equal_needs_spread_over_different_items() -> None:
    library = _library(
        _measure("a1", items=["a"]),
        _measure("a2", items=["a"]),
        _measure("a3", items=["a"]),
        _measure("b1", items=["b"]),
        _measure("c1", items=["c"]),
    )
    scores = _scores(items={"a": (ECO, 0.0), "b": (ECO, 0.0), "c": (ECO, 50.0)})
    assert _ids(suggest_measures(library, scores, [SMALL])) == ["a1", "b1", "a2", "a3", "c1"]


def test_weak_item_outranks_a_dimension_that_is_less_weak() -> None:
    library = _library(
        _measure("by_dimension", dimensions=["social"]),
        _measure("by_item", dimensions=["ecological"], items=["x"]),
    )
    scores = _scores({ECO: 70.0, SOC: 30.0}, {"x": (ECO, 10.0)})
    assert _ids(suggest_measures(library, scores, [SMALL])) == ["by_item", "by_dimension"]


def test_dimension_without_score_ranks_mid_scale() -> None:
    library = _library(
        _measure("econ", dimensions=["economic"]),
        _measure("eco", dimensions=["ecological"]),
        _measure("soc", dimensions=["social"]),
    )
    scores = _scores({ECO: None, SOC: 40.0, ECON: 60.0})
    suggestions = suggest_measures(library, scores, [SMALL])
    assert _ids(suggestions) == ["soc", "eco", "econ"]
    assert suggestions[1].dimension_score is None


def test_measure_already_done_is_left_out() -> None:
    library = _library(_measure("done", items=["x"]), _measure("almost", items=["y"]))
    scores = _scores(items={"x": (ECO, 100.0), "y": (ECO, 99.0)})
    assert _ids(suggest_measures(library, scores, [SMALL])) == ["almost"]


def test_other_questionnaires_match_by_dimension() -> None:
    library = _library(
        _measure("eco", dimensions=["ecological"], items=["climate_plan"]),
        _measure("tech", dimensions=["technological"], items=["open_data"]),
    )
    scores = _scores({ECO: 60.0, TECH: 20.0}, {"my_own_question": (ECO, 0.0)})
    suggestions = suggest_measures(
        library, scores, [SMALL], known_items=frozenset({"my_own_question"})
    )
    assert [(s.measure.id, s.item_id, s.dimension) for s in suggestions] == [
        ("tech", None, TECH),
        ("eco", None, ECO),
    ]


def test_unanswered_items_spread_like_answered_ones() -> None:
    """A known but unanswered item is a trigger of its own, so its measures spread too."""
    library = _library(
        _measure("a1", items=["p"]), _measure("a2", items=["p"]), _measure("b1", items=["q"])
    )
    scores = _scores({ECO: 40.0})
    known = suggest_measures(library, scores, [SMALL], known_items=frozenset({"p", "q"}))
    assert [(s.measure.id, s.item_id) for s in known] == [("a1", "p"), ("b1", "q"), ("a2", "p")]
    assert _ids(suggest_measures(library, scores, [SMALL])) == ["a1", "a2", "b1"]


def test_multi_dimension_measure_answers_its_weakest_dimension() -> None:
    library = _library(_measure("both", dimensions=["ecological", "economic"]))
    suggestion = suggest_measures(library, _scores({ECO: 70.0, ECON: 25.0}), [SMALL])[0]
    assert (suggestion.dimension, suggestion.dimension_score) == (ECON, 25.0)


@pytest.mark.parametrize(("types", "count"), [([], 5), ([SMALL], -1)])
def test_bad_arguments_are_refused(types: list[MunicipalityType], count: int) -> None:
    with pytest.raises(ValueError):
        suggest_measures(_library(_measure("m")), _scores(), types, count=count)


# -- reasons ----------------------------------------------------------------------------


def _one(scores: Scores, known: frozenset[str] | None = None) -> Suggestion:
    library = _library(_measure("m", dimensions=["ecological"], items=["climate_plan"]))
    return suggest_measures(library, scores, [SMALL], known_items=known)[0]


def test_reason_names_the_triggering_item_in_every_language() -> None:
    suggestion = _one(_scores(items={"climate_plan": (ECO, 20.0)}))
    reasons = {lang: suggestion.reason(lang) for lang in LANGS}
    assert all("climate_plan" in r and "20/100" in r for r in reasons.values())
    assert len(set(reasons.values())) == len(LANGS)
    assert "ecological" in reasons["en"] and "ekologinen" in reasons["fi"]
    assert "ekologisk" in reasons["sv"]


def test_reason_can_show_the_question_text() -> None:
    suggestion = _one(_scores(items={"climate_plan": (ECO, 20.0)}))
    reason = suggestion.reason("en", item_name="Does the council have a climate plan?")
    assert "Does the council have a climate plan?" in reason
    assert "climate_plan" not in reason


@pytest.mark.parametrize(
    ("scores", "known", "expected"),
    [
        (_scores({ECO: 35.0}), None, "ecological sustainability scored 35/100"),
        (_scores({ECO: None}), None, "could not be scored"),
        (_scores({ECO: 35.0}), frozenset({"climate_plan"}), '"climate_plan" has no answer'),
    ],
    ids=["dimension", "no-data", "unanswered"],
)
def test_reason_without_an_answered_item(
    scores: Scores, known: frozenset[str] | None, expected: str
) -> None:
    suggestion = _one(scores, known)
    assert expected in suggestion.reason("en")
    assert all(suggestion.reason(lang) for lang in LANGS)
