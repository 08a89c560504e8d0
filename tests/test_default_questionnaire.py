"""The bundled default questionnaire kestava-kunta.yaml: content rules and scoring range."""

from __future__ import annotations

import pytest

from kuntaprofiili.core.answers import AnswerValue, applicable_ids
from kuntaprofiili.core.model import Dimension, Item, Questionnaire
from kuntaprofiili.core.scoring import score
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire

LANGS = ("fi", "sv", "en")

PROFILE_CODES = {
    "population": None,
    "language_status": (
        "unilingual_finnish",
        "bilingual_finnish_majority",
        "bilingual_swedish_majority",
        "unilingual_swedish",
    ),
    "stat_group": ("urban", "semi_urban", "rural"),
    "centre_role": ("regional_centre", "subregion_centre", "none"),
    "frame_region": ("yes", "no"),
    "frame_city": (
        "091",
        "109",
        "167",
        "179",
        "205",
        "297",
        "398",
        "564",
        "609",
        "743",
        "837",
        "853",
    ),
    "frame_city_km": None,
}

REQUIRED_IDS = {
    Dimension.ECOLOGICAL: (
        "climate_plan",
        "carbon_neutral_target",
        "climate_budget",
        "hinku_member",
        "ghg_per_capita",
        "ghg_reduction_2005",
        "renewable_heat_share",
        "protected_area_share",
        "energy_efficiency_agreement",
        "sustainable_procurement",
        "circular_economy_plan",
        "sustainable_mobility",
        "biodiversity_programme",
        "climate_adaptation_plan",
    ),
    Dimension.SOCIAL: (
        "welfare_report",
        "welfare_coordination",
        "participation_channels",
        "youth_council_influence",
        "participatory_budgeting",
        "unemployment_rate",
        "neet_share",
        "morbidity_index",
        "election_turnout",
        "equality_plan",
        "culture_sport_access",
        "school_health_survey_used",
    ),
    Dimension.ECONOMIC: (
        "annual_margin_per_capita",
        "loan_per_capita",
        "equity_ratio",
        "employment_rate",
        "population_change_5y",
        "economy_balanced",
        "long_term_investment_plan",
        "budget_strategy_link",
        "vitality_programme",
        "impact_procurement",
        "intermunicipal_cooperation",
        "employer_attractiveness",
    ),
    Dimension.TECHNOLOGICAL: (
        "digital_roadmap",
        "fibre_coverage",
        "gigabit_coverage",
        "e_services_share",
        "digital_support",
        "open_data",
        "information_security",
        "data_driven_management",
        "staff_digital_skills",
        "experimentation_platform",
        "national_solutions",
        "web_accessibility",
    ),
}


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire(default_questionnaire())


def _extreme_answer(item: Item, *, best: bool) -> AnswerValue:
    """The optimum (best) or lower bound (worst) of a number; the top or bottom choice."""
    if item.indicator is not None:
        value = item.indicator.optimum if best else item.indicator.lower_bound
        assert value is not None
        return value
    scored = [c for c in item.choices if c.score is not None]
    pick = max if best else min
    return pick(scored, key=lambda c: c.score or 0.0).code


def _answers(questionnaire: Questionnaire, *, best: bool) -> dict[str, AnswerValue]:
    answers: dict[str, AnswerValue] = {
        "population": 12000,
        "language_status": "bilingual_finnish_majority",
    }
    answers |= {"stat_group": "rural", "centre_role": "none", "frame_region": "no"}
    for item in questionnaire.scored_items():
        answers[item.id] = _extreme_answer(item, best=best)
    return answers


def test_bundled_file_loads(questionnaire: Questionnaire) -> None:
    assert questionnaire.schema_version == 1
    assert questionnaire.sections[0].id == "profile"
    assert [s.dimension for s in questionnaire.sections[1:]] == list(Dimension)


def test_enough_scored_items(questionnaire: Questionnaire) -> None:
    assert len(questionnaire.scored_items()) >= 40
    for dimension in Dimension:
        assert len(questionnaire.scored_items(dimension)) >= 10, dimension


def test_numeric_indicators_have_sources_and_sane_bounds(questionnaire: Questionnaire) -> None:
    for dimension in Dimension:
        numeric = [i for i in questionnaire.scored_items(dimension) if i.numeric]
        assert len(numeric) >= 3, dimension
        for item in numeric:
            ind = item.indicator
            assert ind is not None and ind.scorable, item.id
            assert ind.source and ind.source.fi.strip(), item.id
            assert ind.lower_bound is not None and ind.optimum is not None
            assert ind.min <= min(ind.lower_bound, ind.optimum), item.id
            assert max(ind.lower_bound, ind.optimum) <= ind.max, item.id


def test_profile_items_and_codes(questionnaire: Questionnaire) -> None:
    profile = {i.id: i for i in questionnaire.profile_items()}
    assert set(profile) == set(PROFILE_CODES)
    for item_id, codes in PROFILE_CODES.items():
        item = profile[item_id]
        assert item.dont_know is False, item_id
        if codes is None:
            assert item.numeric
        else:
            assert tuple(c.code for c in item.choices) == codes, item_id
            assert all(c.score is None for c in item.choices), item_id


@pytest.mark.parametrize("dimension", list(Dimension))
def test_required_ids_in_dimension(questionnaire: Questionnaire, dimension: Dimension) -> None:
    ids = {i.id for i in questionnaire.scored_items(dimension)}
    missing = [i for i in REQUIRED_IDS[dimension] if i not in ids]
    assert not missing, f"{dimension}: {missing}"


def test_all_texts_in_three_languages(questionnaire: Questionnaire) -> None:
    for item in questionnaire.items:
        for lang in LANGS:
            assert item.text.get(lang).strip(), (item.id, lang)
            assert item.help.get(lang).strip(), (item.id, lang)
        assert item.text.sv != item.text.fi, item.id
        for choice in item.choices:
            for lang in LANGS:
                assert choice.label.get(lang).strip(), (item.id, choice.code, lang)


def test_practice_questions_allow_dont_know(questionnaire: Questionnaire) -> None:
    assert all(item.dont_know for item in questionnaire.scored_items())


def test_all_best_answers_score_100(questionnaire: Questionnaire) -> None:
    answers = _answers(questionnaire, best=True)
    asked = applicable_ids(questionnaire, answers)
    assert {item.id for item in questionnaire.scored_items()} <= asked
    result = score(questionnaire, answers)
    for dimension in Dimension:
        assert result.dimension(dimension).score == pytest.approx(100.0), dimension
    assert result.overall == pytest.approx(100.0)


def test_all_worst_answers_score_0(questionnaire: Questionnaire) -> None:
    # Conditional items whose condition fails are not applicable and count for nothing.
    result = score(questionnaire, _answers(questionnaire, best=False))
    for dimension in Dimension:
        dim = result.dimension(dimension)
        assert dim.score == pytest.approx(0.0), dimension
        assert dim.coverage == pytest.approx(1.0), dimension
    assert result.overall == pytest.approx(0.0)
