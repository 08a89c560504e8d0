"""The columnar ranking agrees with the plain oracle, for one row and for many rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuntaprofiili.core import ranking
from kuntaprofiili.core.answers import AnswerValue
from kuntaprofiili.core.content import Content, Measure
from kuntaprofiili.core.model import DONT_KNOW, Dimension, Item, MunicipalityType, Questionnaire
from kuntaprofiili.core.ranking import questionnaire_items, rank_measures
from kuntaprofiili.core.scoring import ScoreTable, encode_answers, score_columns
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from oracle_ranking import oracle_rank

FIXTURES = Path(__file__).parent / "fixtures"
QUESTIONNAIRES = {
    "default": load_questionnaire(default_questionnaire()),
    "mini": load_questionnaire(FIXTURES / "mini.yaml"),
}
CONTENT: Content = load_content()
TYPES = list(MunicipalityType)


def _answer(item: Item) -> st.SearchStrategy[AnswerValue | None]:
    """Any answer an official could give, or none; scores cluster on the band limits."""
    if item.indicator is not None:
        ind = item.indicator
        value = st.floats(ind.min, ind.max, allow_nan=False) | st.sampled_from(
            [v for v in (ind.lower_bound, ind.optimum) if v is not None]
        )
        return st.none() | st.just(DONT_KNOW) | value
    return st.none() | st.just(DONT_KNOW) | st.sampled_from([c.code for c in item.choices])


Case = tuple[Questionnaire, list[dict[str, AnswerValue]], list[Measure]]
Group = tuple[tuple[MunicipalityType, ...], bool]


@st.composite
def _case(draw: st.DrawFn, rows: int) -> Case:
    questionnaire = QUESTIONNAIRES[draw(st.sampled_from(sorted(QUESTIONNAIRES)))]
    answer_rows = []
    for _ in range(rows):
        answers: dict[str, AnswerValue] = {}
        for item in questionnaire.scored_items():
            value = draw(_answer(item))
            if value is not None:
                answers[item.id] = value
        answer_rows.append(answers)
    measures = draw(
        st.lists(
            st.sampled_from(CONTENT.measures), min_size=1, max_size=40, unique_by=lambda m: m.id
        )
    )
    return questionnaire, answer_rows, measures


def _types() -> st.SearchStrategy[tuple[tuple[MunicipalityType, ...], bool]]:
    return st.tuples(
        st.lists(st.sampled_from(TYPES), min_size=1, max_size=3, unique=True).map(tuple),
        st.booleans(),
    )


def _oracle_row(
    table: ScoreTable,
    row: int,
    questionnaire: Questionnaire,
    measures: list[Measure],
    types: tuple[MunicipalityType, ...],
    count: int,
    aland: bool,
) -> list[str]:
    items = questionnaire_items(questionnaire)
    scores = {
        i.id: None if np.isnan(table.items[i.id][row]) else float(table.items[i.id][row])
        for i in items
    }
    asked = {i.id for i in items if table.applicable[i.id][row]}
    dims = {
        d: None if np.isnan(table.dimensions[d][row]) else float(table.dimensions[d][row])
        for d in Dimension
    }
    return oracle_rank(measures, items, scores, asked, dims, types, count, aland)


def _check(case: Case, groups: list[Group], count: int) -> None:
    questionnaire, rows, measures = case
    table = score_columns(questionnaire, encode_answers(questionnaire, rows))
    group = np.arange(len(rows), dtype=np.intp) % len(groups)
    ranking = rank_measures(
        measures,
        questionnaire_items(questionnaire),
        table,
        (group, [g[0] for g in groups]),
        count,
        [g[1] for g in groups],
    )
    for row in range(len(rows)):
        types, aland = groups[group[row]]
        got = [measures[j].id for j in ranking.picks(row)]
        assert got == _oracle_row(table, row, questionnaire, measures, types, count, aland)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case(1), _types(), st.integers(0, 7))
def test_one_row_ranks_as_the_oracle(case: Case, types: Group, count: int) -> None:
    _check(case, [types], count)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case(12), st.lists(_types(), min_size=1, max_size=4), st.integers(1, 6))
def test_many_rows_rank_as_the_oracle(case: Case, groups: list[Group], count: int) -> None:
    _check(case, groups, count)


@pytest.mark.parametrize("name", ["helsinki", "hyrynsalmi", "raasepori", "espoo", "jomala"])
def test_realistic_cases_rank_as_the_oracle(name: str) -> None:
    import yaml

    raw = yaml.safe_load((FIXTURES / "cases" / f"{name}.yaml").read_text(encoding="utf-8"))
    case = (QUESTIONNAIRES["default"], [raw["answers"]], list(CONTENT.measures))
    _check(
        case,
        [((MunicipalityType.SMALL_MUNICIPALITY, MunicipalityType.SWEDISH_BILINGUAL), False)],
        5,
    )


def _random_rows(
    questionnaire: Questionnaire, rows: int, seed: int
) -> list[dict[str, AnswerValue]]:
    """Answers whose scores spread over 0-100: many weak items of distinct scores per row,
    so that the keys of rules 5-9 are long and varied."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(rows):
        answers: dict[str, AnswerValue] = {}
        for item in questionnaire.scored_items():
            roll = rng.random()
            if roll < 0.1:
                continue
            if roll < 0.15:
                answers[item.id] = DONT_KNOW
            elif item.indicator is not None:
                ind = item.indicator
                ends = sorted(
                    [ind.lower_bound or ind.min, ind.max if ind.optimum is None else ind.optimum]
                )
                answers[item.id] = float(rng.uniform(ends[0], ends[1]))
            else:
                answers[item.id] = item.choices[int(rng.integers(len(item.choices)))].code
        out.append(answers)
    return out


def _big_case(count: int) -> tuple[Case, list[Group]]:
    rng = np.random.default_rng(count)
    groups = [
        (tuple(TYPES[int(t)] for t in rng.choice(len(TYPES), size=n, replace=False)), aland)
        for n in (1, 1, 2, 2, 3)
        for aland in (False, True)
    ]
    questionnaire = QUESTIONNAIRES["default"]
    rows = _random_rows(questionnaire, 3000, seed=count)
    return (questionnaire, rows, list(CONTENT.measures)), groups


@pytest.mark.parametrize("count", [3, 8])
def test_a_big_random_table_ranks_as_the_oracle(count: int) -> None:
    """Thousands of rows in many sets of types at once, with Åland, as ``batch`` ranks
    them: each row's picks are the oracle's."""
    case, groups = _big_case(count)
    _check(case, groups, count)


def test_wide_sort_keys_rank_as_narrow_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sort keys of rules 5-9 are int32 when they fit and int64 for bigger
    questionnaires and libraries; both rank alike."""
    (questionnaire, rows, measures), groups = _big_case(4)
    table = score_columns(questionnaire, encode_answers(questionnaire, rows))
    group = np.arange(len(rows), dtype=np.intp) % len(groups)
    args = (
        measures,
        questionnaire_items(questionnaire),
        table,
        (group, [g[0] for g in groups]),
        4,
        [g[1] for g in groups],
    )
    narrow = rank_measures(*args)
    monkeypatch.setattr(ranking, "_INT32_BITS", 0)
    wide = rank_measures(*args)
    assert np.array_equal(narrow.measures, wide.measures)
    assert np.array_equal(narrow.triggers, wide.triggers)
