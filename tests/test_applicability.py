"""Which follow-ups are asked: one rule (Condition.codes_met) in two forms.

``answers.applicable_ids`` decides for one municipality without numpy (the interview must
start fast); ``scoring.applicability`` decides for a table of many. Both are checked here
against a readable reference written from the README's rule, on random answers that
include codes the questionnaire does not have (old answers re-scored by ``compare``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import MINI
from kuntaprofiili.core.answers import AnswerValue, applicable_ids
from kuntaprofiili.core.model import DONT_KNOW, Item, Questionnaire
from kuntaprofiili.core.questionnaire import parse_questionnaire
from kuntaprofiili.core.scoring import applicability, encode_answers, score

# Codes a questionnaire does not have: what an answers file of an older version may hold.
OLD_CODES = ("obsolete", "maybe", "")


def _chained() -> Questionnaire:
    """mini.yaml with ``not_in`` and ``in`` conditions chained two deep."""
    raw: dict[str, Any] = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    items = {item["id"]: item for section in raw["sections"] for item in section["items"]}
    items["participation"]["when"] = {"item": "welfare_report", "not_in": ["no"]}
    items["budget_balanced"]["when"] = {"item": "participation", "not_in": ["none"]}
    items["digital_roadmap"]["when"] = {"item": "budget_balanced", "in": ["yes", "partly"]}
    return parse_questionnaire(raw, "chained")


CHAINED = _chained()


def reference_asked(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> set[str]:
    """The README's rule, item by item: a follow-up is asked when the item it depends on
    is asked and has a known answer (one of its codes) that meets the condition."""
    asked: set[str] = set()
    for item in questionnaire.items:
        condition = item.when
        if condition is None:
            asked.add(item.id)
            continue
        value = answers.get(condition.item)
        codes = {choice.code for choice in questionnaire.item(condition.item).choices}
        if condition.item not in asked or value not in codes:
            continue
        if condition.in_ is not None:
            holds = value in condition.in_
        else:
            holds = value not in (condition.not_in or ())
        if holds:
            asked.add(item.id)
    return asked


def _value(item: Item) -> st.SearchStrategy[AnswerValue | None]:
    """Any answer an item may hold: none, don't know, a code, an old code, a number."""
    known: st.SearchStrategy[AnswerValue]
    if item.indicator is not None:
        known = st.floats(item.indicator.min, item.indicator.max)
    else:
        known = st.sampled_from([choice.code for choice in item.choices])
    return st.one_of(st.none(), st.just(DONT_KNOW), known, st.sampled_from(OLD_CODES))


def _answers(questionnaire: Questionnaire) -> st.SearchStrategy[dict[str, AnswerValue]]:
    values = st.tuples(*(_value(item) for item in questionnaire.items))
    ids = [item.id for item in questionnaire.items]
    return values.map(
        lambda drawn: {key: v for key, v in zip(ids, drawn, strict=True) if v is not None}
    )


def test_an_old_code_switches_a_not_in_follow_up_off() -> None:
    # "obsolete" is not "no", but it is no answer either: the follow-up is not asked,
    # and its stale answer does not count in the social score.
    answers: dict[str, AnswerValue] = {"welfare_report": "obsolete", "participation": "many"}
    assert "participation" not in applicable_ids(CHAINED, answers)
    assert "participation" not in {s.item_id for s in score(CHAINED, answers).items}
    answers["welfare_report"] = "yes"
    assert "participation" in applicable_ids(CHAINED, answers)


def test_the_chain_follows_the_item_above() -> None:
    # budget_balanced is not asked (participation is "none"), so its "yes" does not
    # switch digital_roadmap on.
    answers: dict[str, AnswerValue] = {
        "welfare_report": "yes",
        "participation": "none",
        "budget_balanced": "yes",
    }
    asked = applicable_ids(CHAINED, answers)
    assert "budget_balanced" not in asked
    assert "digital_roadmap" not in asked


@settings(max_examples=300, deadline=None)
@given(answers=_answers(CHAINED))
def test_one_municipality_follows_the_reference(answers: dict[str, AnswerValue]) -> None:
    assert applicable_ids(CHAINED, answers) == reference_asked(CHAINED, answers)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(_answers(CHAINED), min_size=1, max_size=8))
def test_a_table_of_many_equals_each_row_alone(rows: list[dict[str, AnswerValue]]) -> None:
    masks = applicability(CHAINED, encode_answers(CHAINED, rows), len(rows))
    for index, answers in enumerate(rows):
        in_table = {item_id for item_id, mask in masks.items() if mask[index]}
        assert in_table == applicable_ids(CHAINED, answers) == reference_asked(CHAINED, answers)


@settings(max_examples=100, deadline=None)
@given(answers=_answers(CHAINED))
def test_only_asked_items_are_scored(answers: dict[str, AnswerValue]) -> None:
    scored = {item.item_id for item in score(CHAINED, answers).items}
    assert scored <= reference_asked(CHAINED, answers)


def test_the_masks_are_boolean_per_row() -> None:
    masks = applicability(CHAINED, encode_answers(CHAINED, [{}, {}]), 2)
    assert all(mask.dtype == np.bool_ and mask.shape == (2,) for mask in masks.values())


def test_an_old_code_where_a_number_is_now_wanted_is_unknown() -> None:
    # compare re-scores old answers with today's questionnaire; an item that became
    # numeric must not crash on the choice code it used to hold.
    result = score(CHAINED, {"broadband_share": "obsolete"})
    assert "broadband_share" not in {s.item_id for s in result.items}
