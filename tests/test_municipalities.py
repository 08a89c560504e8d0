"""The reference data, finding municipalities, and the ``municipalities`` command."""

from __future__ import annotations

import csv
import importlib.util
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.municipality import (
    Municipality,
    find_municipality,
    parse_municipalities,
    parse_one_municipality,
    profile_answers,
)
from kuntaprofiili.core.place_search import (
    closest_municipalities,
    search_municipalities,
    select_municipalities,
)
from kuntaprofiili.core.type_table import type_rows
from kuntaprofiili.errors import InputFileError, KuntaprofiiliError
from kuntaprofiili.files.municipality_file import load_municipalities, load_municipality
from kuntaprofiili.files.resources import data_file

ALL = load_municipalities()
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"


def _names(found: list[Municipality]) -> list[str]:
    return [m.name_fi for m in found]


# --- the data ---------------------------------------------------------------------------


def test_the_data_has_308_municipalities_with_unique_codes() -> None:
    assert len(ALL) == 308
    assert len({m.code for m in ALL}) == 308
    assert all(len(m.code) == 3 and m.code.isdigit() for m in ALL)
    assert sum(m.is_aland for m in ALL) == 16
    assert sum(m.centre_role == "regional_centre" for m in ALL) == 19


def test_codes_keep_their_leading_zeros() -> None:
    espoo = find_municipality("049", ALL)
    assert espoo is not None and espoo.code == "049" and espoo.name_sv == "Esbo"


def test_every_subregion_has_its_most_populous_municipality_as_a_centre() -> None:
    by_subregion: dict[str, list[Municipality]] = defaultdict(list)
    for m in ALL:
        by_subregion[m.subregion_code].append(m)
    for members in by_subregion.values():
        largest = max(members, key=lambda m: m.population)
        assert largest.centre_role in ("regional_centre", "subregion_centre")


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("Pietarsaari", "subregion_centre"),
        ("Pedersöre", "none"),  # 58 % of Pietarsaari: below the 60 % pair share
        ("Kristiinankaupunki", "subregion_centre"),  # 65 % of Närpiö
        ("Hamina", "subregion_centre"),  # Kotka-Hamina
        ("Kemi", "subregion_centre"),
        ("Kokkola", "regional_centre"),
        ("Kaarina", "none"),
    ],
)
def test_centre_roles(name: str, role: str) -> None:
    m = find_municipality(name, ALL)
    assert m is not None and m.centre_role == role


def _of(name: str) -> Municipality:
    m = find_municipality(name, ALL)
    assert m is not None, name
    return m


@pytest.mark.parametrize(
    ("name", "city", "km", "subregion", "employment_area"),
    [
        ("Kangasala", "Tampere", 17, True, True),
        ("Valkeakoski", "Tampere", 30, False, True),  # Etelä-Pirkanmaa, Tampere's area
        ("Hailuoto", "Oulu", 35, True, True),
        ("Ristijärvi", "Kajaani", 39, True, True),
        ("Kaavi", "Kuopio", 42, False, True),
        ("Hyvinkää", "Helsinki", 52, True, False),
    ],
)
def test_ties_to_the_frame_networks_central_cities(
    name: str, city: str, km: int, subregion: bool, employment_area: bool
) -> None:
    link = _of(name).geography.central_links[0]
    assert (link.name_fi, link.same_subregion, link.same_employment_area) == (
        city,
        subregion,
        employment_area,
    )
    assert link.km is not None and round(link.km) == km


def test_tuusula_has_no_centre_position_but_its_tie_to_helsinki() -> None:
    tuusula = _of("Tuusula")
    assert tuusula.centre_lat is None and tuusula.centre_lon is None
    (link,) = tuusula.geography.central_links
    assert link.name_fi == "Helsinki" and link.km is None and link.same_subregion


def test_swedish_names_of_areas() -> None:
    kangasala = _of("Kangasala")
    assert kangasala.subregion_name("sv") == "Tammerfors"
    assert kangasala.employment_area_name("sv") == "Tammerforsregionen"
    assert kangasala.employment_area_name("fi") == "Tampereen seutu"
    assert kangasala.wellbeing_county_name("sv") == "Birkalands välfärdsområde"


def test_the_pair_share_is_the_build_scripts() -> None:
    from kuntaprofiili.core.geography import PAIR_SHARE

    assert _build_script().PAIR_SHARE == PAIR_SHARE


def test_profile_answers_prefill_the_profile_items() -> None:
    assert profile_answers(_of("Espoo")) == {
        "population": 305_274.0,
        "language_status": "bilingual_finnish_majority",
        "stat_group": "urban",
        "centre_role": "none",
        "frame_region": "yes",
        "frame_city": "091",
        "frame_city_km": 17.0,
    }
    assert profile_answers(_of("Kaavi"))["frame_city"] == "297"
    assert profile_answers(_of("Jomala"))["frame_region"] == "no"


def test_name_is_swedish_for_swedish() -> None:
    m = find_municipality("Kauniainen", ALL)
    assert m is not None
    assert (m.name("sv"), m.name("fi"), m.name("en")) == ("Grankulla", "Kauniainen", "Kauniainen")


def test_load_reads_an_explicit_path_and_caches(tmp_path: Path) -> None:
    copy = tmp_path / "m.csv"
    copy.write_bytes(data_file("municipalities.csv").read_bytes())
    assert load_municipalities(copy) == ALL
    assert load_municipalities() is load_municipalities()


def test_a_broken_data_file_names_the_line() -> None:
    text = data_file("municipalities.csv").read_text(encoding="utf-8").splitlines()
    broken = "\n".join([text[0], text[1].replace("subregion_centre", "capital")])
    with pytest.raises(InputFileError, match="line 2"):
        parse_municipalities(broken, "m.csv")
    with pytest.raises(InputFileError, match="centre_role"):
        parse_municipalities("code,name_fi\n091,Helsinki\n", "m.csv")


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build", ROOT / "scripts" / "build_municipalities.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the repository")
def test_the_build_script_reproduces_the_shipped_file(tmp_path: Path) -> None:
    out = tmp_path / "municipalities.csv"
    assert _build_script().main(["--source", str(SHARED), "--output", str(out)]) == 0
    assert out.read_bytes() == data_file("municipalities.csv").read_bytes()


# --- finding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mantsala", "Mäntsälä"),
        ("MÄNTSÄLÄ", "Mäntsälä"),
        ("Grankulla", "Kauniainen"),
        ("grankulla", "Kauniainen"),
        ("049", "Espoo"),
        ("49", "Espoo"),
        ("Esbo", "Espoo"),
        ("  espoo ", "Espoo"),
        ("Mariehamn", "Maarianhamina"),
        ("Narpes", "Närpiö"),
        ("91", "Helsinki"),
    ],
)
def test_find_by_code_or_name(query: str, expected: str) -> None:
    found = find_municipality(query, ALL)
    assert found is not None and found.name_fi == expected


@pytest.mark.parametrize("query", ["", "Espo", "1000", "Atlantis"])
def test_find_needs_an_exact_code_or_name(query: str) -> None:
    assert find_municipality(query, ALL) is None


def _queries() -> list[str]:
    """Every code and name in its forms, and names that are no municipality."""
    queries = ["", "Espo", "1000", "Atlantis", "  espoo ", "KU049", "ku91", "MÄNTSÄLÄ"]
    for m in ALL:
        queries += [m.code, m.code.lstrip("0"), m.name_fi, m.name_sv, m.name_en]
        queries += [m.name_fi.upper(), m.name_sv.lower()]
    return queries


def test_finding_one_municipality_gives_what_finding_it_among_all_gives() -> None:
    text = data_file("municipalities.csv").read_text(encoding="utf-8")
    for query in _queries():
        expected = find_municipality(query, ALL)
        assert parse_one_municipality(text, "m.csv", query) == expected, query
    assert load_municipality("Esbo") == find_municipality("Esbo", ALL)
    assert load_municipality("Atlantis") is None


def test_finding_one_municipality_still_checks_every_row() -> None:
    text = data_file("municipalities.csv").read_text(encoding="utf-8").splitlines()
    broken = "\n".join([*text[:3], text[3].replace("subregion_centre", "capital")])
    helsinki = next(line for line in text if ",Helsinki," in line)
    with pytest.raises(InputFileError, match="line 4"):
        parse_one_municipality("\n".join([broken, helsinki]), "m.csv", "Helsinki")


def test_search_puts_the_exact_match_first_then_substrings() -> None:
    assert _names(search_municipalities("mantsala", ALL))[0] == "Mäntsälä"
    assert "Uusikaupunki" in _names(search_municipalities("kaupunki", ALL))
    assert _names(search_municipalities("Grankulla", ALL))[0] == "Kauniainen"


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("Jyvaskyal", "Jyväskylä"), ("Helsinky", "Helsinki"), ("Kaunianen", "Kauniainen")],
)
def test_a_typo_suggests_the_right_name(typo: str, meant: str) -> None:
    assert _names(closest_municipalities(typo, ALL))[0] == meant
    assert meant in _names(search_municipalities(typo, ALL))


def test_search_respects_the_limit() -> None:
    assert len(search_municipalities("a", ALL, limit=3)) == 3
    assert len(search_municipalities("", ALL, limit=5)) == 5


def test_select_nothing_found_is_an_error_with_suggestions() -> None:
    with pytest.raises(KuntaprofiiliError, match="Jyväskylä"):
        select_municipalities("Jyvaskyal", ALL)
    with pytest.raises(KuntaprofiiliError, match="lists them all"):
        select_municipalities("qqqqqqqq", ALL)
    assert len(select_municipalities(None, ALL)) == 308


def test_type_rows_have_the_documented_columns() -> None:
    rows = type_rows(ALL[:2], "en")
    assert list(rows[0])[:5] == ["code", "name_fi", "name_sv", "primary_type", "types"]
    for column in ("reason", "further_types", "members", "frame_city_km", "centre_role"):
        assert column in rows[0]
    (salo,) = type_rows([_of("Salo")], "en")
    assert salo["types"] == "large_city regional_town"
    assert salo["further_types"] == "regional_town"


# --- the command ------------------------------------------------------------------------

runner = CliRunner()


def test_cli_search_shows_the_type_and_reason() -> None:
    result = runner.invoke(app, ["municipalities", "mantsala", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Mäntsälä" in result.stdout
    assert "frame municipality" in result.stdout
    assert "Reason:" in result.stdout
    assert "Statistics Finland" in result.stdout


def test_cli_search_in_swedish_by_swedish_name() -> None:
    result = runner.invoke(app, ["municipalities", "Grankulla", "--lang", "sv"])
    assert result.exit_code == 0
    assert "Grankulla / Kauniainen" in result.stdout
    assert "kranskommun" in result.stdout


def test_cli_lists_all_municipalities_within_80_columns() -> None:
    result = runner.invoke(app, ["municipalities"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "Äänekoski" in result.stdout and "308" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_cli_types_lists_types() -> None:
    result = runner.invoke(
        app, ["municipalities", "--types", "--lang", "en"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0
    assert "regional town" in result.stdout and "small municipality" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_cli_writes_the_types_csv(tmp_path: Path) -> None:
    dest = tmp_path / "types.csv"
    result = runner.invoke(app, ["municipalities", "--types", "-o", str(dest), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert str(dest.name) in result.stderr
    with dest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 308
    by_code = {row["code"]: row for row in rows}
    assert by_code["049"]["name_fi"] == "Espoo"
    assert by_code["049"]["types"] == "large_city swedish_bilingual"
    assert by_code["235"]["primary_type"] == "frame_municipality"
    assert all(row["reason"] for row in rows)


def test_cli_writes_the_finnish_excel_dialect(tmp_path: Path) -> None:
    dest = tmp_path / "espoo.csv"
    result = runner.invoke(app, ["municipalities", "Espoo", "-o", str(dest), "--excel-fi"])
    assert result.exit_code == 0
    raw = dest.read_bytes()
    lines = raw.decode("utf-8-sig").splitlines()
    assert raw.startswith("\ufeffKuntanumero;Nimi suomeksi;".encode())  # for people, then ids
    assert lines[1].startswith("code;name_fi;") and len(lines) == 3
    assert lines[2].startswith("KU049;Espoo;")  # a code no spreadsheet turns into 49


def test_cli_refuses_to_overwrite_and_leaves_the_file_alone(tmp_path: Path) -> None:
    dest = tmp_path / "types.csv"
    dest.write_bytes(b"precious\r\n")
    result = runner.invoke(app, ["municipalities", "-o", str(dest), "--lang", "en"])
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert dest.read_bytes() == b"precious\r\n"
    forced = runner.invoke(app, ["municipalities", "-o", str(dest), "--force"])
    assert forced.exit_code == 0
    assert dest.read_bytes().startswith(b"code,")


def test_cli_unknown_name_exits_1_with_suggestions() -> None:
    result = runner.invoke(app, ["municipalities", "Jyvaskyal", "--lang", "en"])
    assert result.exit_code == 1
    assert "Did you mean: Jyväskylä" in result.stderr
    assert result.stdout == ""
