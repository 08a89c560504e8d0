"""Fetch specs in the questionnaire: validated by the model and by `questionnaire validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.model import FetchSpec, Provider, Transformation
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire

GOOD: list[dict[str, Any]] = [
    {"provider": "statfin", "table": "Kuntien_avainluvut/2025/x.px", "content": ["Väkiluku"]},
    {"provider": "sotkanet", "indicator": 243, "year": 2023},
    {"provider": "syke", "transformation": "reduction_percent", "base_year": 2005},
    {
        "provider": "statfin",
        "table": "StatFin/11re.px",
        "content": ["vaerak-vaesto"],
        "select": {"Sukupuoli": "Yhteensä"},
        "transformation": "change_percent",
        "span": 5,
    },
]

BAD: list[tuple[dict[str, Any], str]] = [
    ({"provider": "statfin", "content": ["Väkiluku"]}, "q_fetch_statfin"),
    ({"provider": "statfin", "table": "A/b.px"}, "q_fetch_statfin"),
    ({"provider": "sotkanet"}, "q_fetch_sotkanet"),
    ({"provider": "syke", "indicator": 5}, "q_fetch_sotkanet"),
    ({"provider": "syke", "select": {"a": "b"}}, "q_fetch_select"),
    ({"provider": "syke", "transformation": "change_percent"}, "q_fetch_transformation"),
    ({"provider": "syke", "span": 5}, "q_fetch_transformation"),
    (
        {
            "provider": "syke",
            "transformation": "reduction_percent",
            "base_year": 2020,
            "year": 2019,
        },
        "q_fetch_base_year",
    ),
    ({"provider": "tilastokeskus"}, "enum"),
    ({"provider": "syke", "year": "newest"}, "literal_error"),
    ({"provider": "syke", "colour": "red"}, "extra_forbidden"),
    ({"provider": "statfin", "table": "../x.px", "content": ["x"]}, "string_pattern_mismatch"),
]


@pytest.mark.parametrize("raw", GOOD)
def test_good_specs_validate(raw: dict[str, Any]) -> None:
    spec = FetchSpec.model_validate(raw)
    assert spec.provider in set(Provider)


@pytest.mark.parametrize(("raw", "kind"), BAD)
def test_bad_specs_are_refused(raw: dict[str, Any], kind: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        FetchSpec.model_validate(raw)
    assert kind in {e["type"] for e in caught.value.errors()}


def test_default_questionnaire_maps_the_public_statistics() -> None:
    q = load_questionnaire(default_questionnaire())
    fetched = {i.id: i.fetch for i in q.items if i.fetch is not None}
    assert set(fetched) >= {
        "population",
        "ghg_per_capita",
        "ghg_reduction_2005",
        "unemployment_rate",
        "neet_share",
        "morbidity_index",
        "loan_per_capita",
        "employment_rate",
    }
    ghg = fetched["ghg_per_capita"]
    assert ghg is not None and ghg.transformation is Transformation.PER_RESIDENT


def _edited_default(tmp_path: Path, item_id: str, fetch: dict[str, Any] | None) -> Path:
    raw = yaml.safe_load(default_questionnaire().read_text(encoding="utf-8"))
    for section in raw["sections"]:
        for item in section["items"]:
            if item["id"] == item_id:
                if fetch is None:
                    item.pop("fetch", None)
                else:
                    item["fetch"] = fetch
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_validate_names_the_item_with_a_broken_spec(tmp_path: Path) -> None:
    path = _edited_default(tmp_path, "morbidity_index", {"provider": "sotkanet"})
    result = CliRunner().invoke(app, ["questionnaire", "validate", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert "morbidity_index" in result.stderr and "'indicator'" in result.stderr


def test_per_resident_needs_a_fetched_population(tmp_path: Path) -> None:
    path = _edited_default(tmp_path, "population", None)
    result = CliRunner().invoke(app, ["questionnaire", "validate", str(path), "--lang", "fi"])
    assert result.exit_code == 1
    assert "ghg_per_capita.fetch" in result.stderr and "väkiluvulla" in result.stderr


def test_fetch_on_a_choice_item_is_refused(tmp_path: Path) -> None:
    path = _edited_default(tmp_path, "climate_plan", {"provider": "syke"})
    result = CliRunner().invoke(app, ["questionnaire", "validate", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert "only number and percent items" in result.stderr
