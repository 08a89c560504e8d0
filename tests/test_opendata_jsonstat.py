"""The JSON-stat 2.0 reader on responses recorded from Statistics Finland."""

from __future__ import annotations

from typing import Any

import pytest

from kuntaprofiili.opendata.jsonstat import JsonStatError, read_dataset
from kuntaprofiili.opendata.syke import parse_emissions
from opendata_server import fixture_json, fixture_text


def test_three_cities_population_2025() -> None:
    doc = fixture_json("pxweb_v1_statfin_11re_jsonstat2_three_cities.json")
    cells = {c["alue_23_20260101"]: v for c, v in read_dataset(doc)}
    assert cells == {"KU049": 325716, "KU091": 694392, "KU092": 252956}


def test_helsinki_series_in_row_major_order() -> None:
    doc = fixture_json("pxweb_v1_statfin_11re_jsonstat2_helsinki.json")
    series = {c["timeperiod_y"]: v for c, v in read_dataset(doc)}
    assert series["2023"] == 674500  # the same figure as Sotkanet indicator 127 for 2023
    assert sorted(series) == ["2021", "2022", "2023", "2024", "2025"]


def test_old_style_codes_and_several_dimensions() -> None:
    doc = fixture_json("pxweb_v1_statfin_velk_13kt_jsonstat2_fi.json")
    cells = list(read_dataset(doc))
    assert len(cells) == len(doc["value"])
    assert {tuple(sorted(c)) for c, _ in cells} == {tuple(sorted(doc["id"]))}


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ([], "not a JSON-stat dataset"),
        ({"class": "dataset"}, "'id', 'size' or 'dimension' missing"),
        ({"class": "dataset", "id": ["a"], "size": [2], "dimension": {}}, "no category index"),
        (
            {
                "class": "dataset",
                "id": ["a"],
                "size": [2],
                "dimension": {"a": {"category": {"index": ["x", "y"]}}},
                "value": [1],
            },
            "1 values for 2 cells",
        ),
    ],
)
def test_malformed_documents_are_refused(doc: Any, problem: str) -> None:
    with pytest.raises(JsonStatError, match=problem):
        list(read_dataset(doc))


def test_sparse_values_and_list_index() -> None:
    doc = {
        "class": "dataset",
        "id": ["a", "b"],
        "size": [2, 2],
        "dimension": {
            "a": {"category": {"index": ["x", "y"]}},
            "b": {"category": {"index": {"p": 0, "q": 1}}},
        },
        "value": {"1": 5, "2": 7},
    }
    assert list(read_dataset(doc)) == [
        ({"a": "x", "b": "p"}, None),
        ({"a": "x", "b": "q"}, 5.0),
        ({"a": "y", "b": "p"}, 7.0),
        ({"a": "y", "b": "q"}, None),
    ]


def test_syke_file_sums_the_hinku_rows_with_decimal_comma() -> None:
    text = fixture_text("syke_kunta_91_taso5_CONSTRUCTED.csv")
    assert parse_emissions(text, "kunta_91.csv") == {"2022": pytest.approx(460.0)}
