"""The bundled programme content and measure library: complete, trilingual, consistent."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kuntaprofiili.core.content import Content, MeasuresFile, parse_content
from kuntaprofiili.core.model import Dimension, MunicipalityType, Text
from kuntaprofiili.errors import InputFileError, KuntaprofiiliError
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.i18n import LANGS

TYPE_LISTS = ("challenges", "opportunities", "municipal_measures", "state_measures")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="module")
def default_items() -> dict[str, str]:
    """Scored item id -> dimension of the bundled default questionnaire."""
    questionnaire = load_questionnaire(default_questionnaire())
    return {i.id: str(s.dimension) for s in questionnaire.sections if s.scored for i in s.items}


def _texts(content: Content) -> Iterator[tuple[str, Text]]:
    yield "general_vision", content.general_vision
    for municipality_type in MunicipalityType:
        described = content.type_content(municipality_type)
        yield f"{municipality_type}.name", described.name
        yield f"{municipality_type}.vision", described.vision
        for field in TYPE_LISTS:
            for index, text in enumerate(getattr(described, field)):
                yield f"{municipality_type}.{field}[{index}]", text
    for measure in content.measures:
        yield f"{measure.id}.title", measure.title
        yield f"{measure.id}.why", measure.why


# -- the bundled files ------------------------------------------------------------------


def test_bundled_files_load_once(content: Content) -> None:
    assert load_content() is content


def test_every_text_exists_in_three_languages(content: Content) -> None:
    problems = [
        f"{where}.{lang} is empty"
        for where, text in _texts(content)
        for lang in LANGS
        if not text.get(lang).strip()
    ]
    assert problems == []


def test_swedish_is_not_a_copy_of_finnish(content: Content) -> None:
    same = [where for where, text in _texts(content) if text.sv.strip() == text.fi.strip()]
    assert same == []


@pytest.mark.parametrize("municipality_type", list(MunicipalityType))
def test_every_type_is_fully_described(
    content: Content, municipality_type: MunicipalityType
) -> None:
    described = content.type_content(municipality_type)
    assert all(len(getattr(described, field)) >= 3 for field in TYPE_LISTS[:2])
    assert all(len(getattr(described, field)) >= 3 for field in TYPE_LISTS[2:])


def test_library_has_at_least_forty_measures(content: Content) -> None:
    assert len(content.measures) >= 40


@pytest.mark.parametrize("dimension", list(Dimension))
def test_at_least_eight_measures_per_dimension(content: Content, dimension: Dimension) -> None:
    assert sum(dimension in m.dimensions for m in content.measures) >= 8


@pytest.mark.parametrize("municipality_type", list(MunicipalityType))
def test_at_least_three_measures_only_for_each_type(
    content: Content, municipality_type: MunicipalityType
) -> None:
    assert sum(m.types == (municipality_type,) for m in content.measures) >= 3


def test_every_measure_names_items(content: Content) -> None:
    assert [m.id for m in content.measures if not m.items] == []


# -- against the default questionnaire --------------------------------------------------


def test_measure_items_exist_in_default_questionnaire(
    content: Content, default_items: dict[str, str]
) -> None:
    unknown = {m.id: sorted(set(m.items) - set(default_items)) for m in content.measures}
    assert {k: v for k, v in unknown.items() if v} == {}


def test_every_scored_item_has_a_measure(content: Content, default_items: dict[str, str]) -> None:
    covered = {item for m in content.measures for item in m.items}
    assert sorted(set(default_items) - covered) == []


def test_measure_dimensions_include_those_of_its_items(
    content: Content, default_items: dict[str, str]
) -> None:
    wrong = [
        f"{m.id}: {item} is {default_items[item]}"
        for m in content.measures
        for item in m.items
        if item in default_items and default_items[item] not in m.dimensions
    ]
    assert wrong == []


# -- bad files fail clearly -------------------------------------------------------------

MEASURE = """\
schema_version: 1
measures:
  - id: {id}
    title: {{fi: Otsikko, sv: Rubrik, en: Title}}
    why: {{fi: Syy, sv: Orsak, en: Reason}}
    dimensions: [ecological]
    items: [climate_plan]
    types: {types}
    effort: small
    source: {{programme: all}}
"""


def _write(tmp_path: Path, text: str, name: str = "measures.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _error(path_measures: Path | None = None, path_types: Path | None = None) -> str:
    with pytest.raises(InputFileError) as caught:
        load_content(path_types=path_types, path_measures=path_measures)
    return str(caught.value)


def test_a_good_measures_file_loads_with_bundled_types(tmp_path: Path) -> None:
    path = _write(tmp_path, MEASURE.format(id="one", types="all"))
    loaded = load_content(path_measures=path)
    assert [m.id for m in loaded.measures] == ["one"]
    assert loaded.measures[0].types == tuple(MunicipalityType)
    assert loaded.type_content(MunicipalityType.LARGE_CITY) == load_content().type_content(
        MunicipalityType.LARGE_CITY
    )


def test_missing_translation_names_file_and_measure(tmp_path: Path) -> None:
    text = MEASURE.format(id="half_done", types="all").replace(", sv: Rubrik", "")
    path = _write(tmp_path, text)
    message = _error(path)
    assert str(path) in message
    assert "measures[half_done].title.sv: missing translation 'sv'" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MEASURE.format(id="x", types="[big_city]"), "measures[x].types[0]:"),
        (MEASURE.format(id="x", types="all").replace("effort: small", "effort: huge"), "effort"),
        (MEASURE.format(id="x", types="all").replace("effort:", "efort:"), "unknown key"),
        (MEASURE.format(id="x", types="[large_city, large_city]"), "'types' lists the same"),
        (MEASURE.format(id="Bad-Id", types="all"), "measures[Bad-Id].id:"),
        (
            MEASURE.format(id="x", types="all")
            + MEASURE.format(id="x", types="all").split("measures:\n")[1],
            "repeated: x",
        ),
        ("- just\n- a list\n", "(top level): the file must be a YAML mapping"),
    ],
)
def test_bad_measures_file_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in _error(_write(tmp_path, text))


def test_types_file_must_describe_every_type(tmp_path: Path) -> None:
    bundled = Path(__file__).resolve().parents[1] / "data" / "types.yaml"
    text = bundled.read_text(encoding="utf-8").split("  swedish_bilingual:")[0]
    message = _error(path_types=_write(tmp_path, text, "types.yaml"))
    assert "types.yaml" in message
    assert "types not described: swedish_bilingual" in message


def test_content_errors_are_user_errors() -> None:
    with pytest.raises(KuntaprofiiliError, match="content file <mem> is not valid"):
        parse_content({"measures": []}, MeasuresFile, "<mem>")
