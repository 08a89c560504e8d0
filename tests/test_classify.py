"""The classifier: named municipalities, network sizes, reasons from data, answers, properties."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.classify import Classification, classify, override
from kuntaprofiili.core.classify_rules import (
    FRAME_MAX_KM,
    FRAME_MIN_POPULATION,
    HELSINKI_FRAME_MAX_KM,
    LARGE_CITY_ABOVE,
    SMALL_BELOW,
    TOWN_RURAL_MIN_POPULATION,
)
from kuntaprofiili.core.municipality import Municipality, find_municipality, profile_answers
from kuntaprofiili.core.profile import Profile, profile_from_answers, profile_of
from kuntaprofiili.core.typecodes import MunicipalityType as T
from kuntaprofiili.files.municipality_file import load_municipalities
from kuntaprofiili.i18n import LANGS

ALL = load_municipalities()

L, R, F, S, SB = (
    T.LARGE_CITY,
    T.REGIONAL_TOWN,
    T.FRAME_MUNICIPALITY,
    T.SMALL_MUNICIPALITY,
    T.SWEDISH_BILINGUAL,
)
# Kuntaliitto's network sizes (research notes §7).
KUNTALIITTO = {L: 23, R: 57, F: 44, S: 159, SB: 49}


def _m(name: str) -> Municipality:
    m = find_municipality(name, ALL)
    assert m is not None, name
    return m


def _of(name: str) -> Classification:
    return classify(profile_of(_m(name)))


@pytest.mark.parametrize(
    ("name", "types"),
    [
        ("Helsinki", (L, SB)),
        ("Espoo", (L, SB)),
        ("Tampere", (L,)),
        ("Kokkola", (L, SB)),  # regional centre under 50,000
        ("Kajaani", (L,)),  # regional centre under 50,000
        ("Salo", (L, R)),  # C21 city and its sub-region's centre
        ("Kotka", (L, R)),
        ("Porvoo", (L, R, SB)),
        ("Kangasala", (F,)),
        ("Tuusula", (F,)),  # no centre position: the sub-region tie decides
        ("Kauniainen", (F, SB)),
        ("Hyvinkää", (F,)),  # 52 km, within Helsinki's 60 km
        ("Liperi", (F,)),  # rural but 10,000+
        ("Valkeakoski", (F, R)),  # frame and its own sub-region's centre
        ("Parainen", (F, R, SB)),
        ("Ii", (F, R)),
        ("Forssa", (R,)),  # 50 km from Hämeenlinna: a town of its own
        ("Iisalmi", (R,)),
        ("Pietarsaari", (R, SB)),
        ("Kristiinankaupunki", (R, SB)),  # centre pair with Närpiö, 6,242 rural
        ("Hamina", (R,)),  # named in the Kotka-Hamina sub-region
        ("Kemi", (R,)),
        ("Ristijärvi", (S,)),  # in Kajaani's sub-region, but 1,174 and rural
        ("Hailuoto", (S,)),  # in Oulu's sub-region, but 960 and rural
        ("Kaavi", (S,)),  # Koillis-Savo's centre, but 2,689 and rural: no town
        ("Tuusniemi", (S,)),
        ("Veteli", (S,)),
        ("Pornainen", (S,)),  # 5,011 and rural
        ("Maarianhamina", (SB,)),
        ("Jomala", (SB,)),
        ("Mustasaari", (SB,)),  # bilingual, meets no size definition
        ("Pedersöre", (SB,)),
    ],
)
def test_named_municipalities(name: str, types: tuple[T, ...]) -> None:
    c = _of(name)
    assert c.types == types
    assert c.primary is types[0]
    assert not c.overridden and not c.fallback
    assert c.members == types


@pytest.mark.parametrize(("name", "primary"), [("Eura", S), ("Kauhava", F)])
def test_nearest_fit_is_said_and_not_counted_as_a_member(name: str, primary: T) -> None:
    c = _of(name)
    assert (c.types, c.fallback, c.members) == ((primary,), True, ())
    assert "nearest fit" in c.reason("en")
    assert "lähin vastine" in c.reason("fi")
    assert "närmaste motsvarighet" in c.reason("sv")


def test_aland_is_in_the_swedish_network_only() -> None:
    c = _of("Jomala")
    assert c.reason("en").startswith("Swedish-speaking or bilingual municipality: ")
    assert "none of the networks by size" in c.reason("en")
    assert "kommun på Åland (hör bara till detta nätverk" in c.reason("sv")
    assert c.notes("en") == ()


def test_network_sizes_are_near_kuntaliittos() -> None:
    members = Counter(t for m in ALL for t in _of(m.name_fi).members)
    for kind in (L, R, F, S):
        assert abs(members[kind] - KUNTALIITTO[kind]) <= 0.15 * KUNTALIITTO[kind], kind
    assert members[SB] == 49
    assert members[L] == 23


def test_the_readme_table_counts() -> None:
    members = Counter(t for m in ALL for t in _of(m.name_fi).members)
    primary = Counter(_of(m.name_fi).primary for m in ALL)
    assert members == {L: 23, F: 49, R: 56, S: 166, SB: 49}
    assert primary == {L: 23, F: 50, R: 50, S: 167, SB: 18}


def test_every_municipality_has_one_primary_and_a_reason_in_each_language() -> None:
    for m in ALL:
        c = classify(profile_of(m))
        assert c.types[0] is c.primary and len(set(c.types)) == len(c.types)
        for lang in LANGS:
            assert c.reason(lang).strip()
            c.notes(lang)


def _data_numbers(m: Municipality) -> set[int]:
    """Every number a reason may name for ``m``: its facts in data/ and the thresholds."""
    g = m.geography
    kms = [link.km for link in g.central_links] + [g.largest_km]
    kms += [g.nearest_central.km] if g.nearest_central else []
    limits = (LARGE_CITY_ABOVE, SMALL_BELOW, FRAME_MIN_POPULATION, TOWN_RURAL_MIN_POPULATION)
    numbers = {m.population, *limits, int(FRAME_MAX_KM), int(HELSINKI_FRAME_MAX_KM), 5_000}
    numbers |= {round(km) for km in kms if km is not None}
    numbers |= {round(100 * g.subregion_share), 60}
    return numbers


def test_every_reason_names_only_facts_in_the_data() -> None:
    names = {n for m in ALL for n in (m.name_fi, m.subregion_name_fi, m.employment_area_name_fi)}
    names |= {m.region_name_fi for m in ALL}
    for m in ALL:
        c = classify(profile_of(m))
        text = " ".join((c.reason("en"), *c.notes("en")))
        found = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)}
        assert found <= _data_numbers(m), (m.name_fi, text)
        for quoted in re.findall(r"\(([^)%]+)\)", text):
            if quoted[:1].isupper() and not any(ch.isdigit() for ch in quoted):
                assert quoted in names, (m.name_fi, quoted)
        assert "beside" not in text


def test_reason_with_distance_area_and_population() -> None:
    assert _of("Kangasala").reason("en") == (
        "frame municipality: 17 km from Tampere's centre, in Tampere's employment area"
        " (Tampereen seutu), in Tampere's sub-region, 32,959 inhabitants, urban"
    )
    fi = _of("Kangasala").reason("fi")
    assert fi.startswith("kehyskunta: 17 km keskuskaupungin (Tampere) keskustasta")
    assert "32\u00a0959 asukasta" in fi


def test_swedish_output_uses_swedish_names() -> None:
    sv = _of("Kangasala").reason("sv")
    assert "Tammerfors" in sv and "Tammerforsregionen" in sv
    assert "Tampere" not in sv
    assert "Mellersta Österbotten" in _of("Kokkola").reason("sv")
    assert "Nordöstra Savolax" in _of("Kaavi").reason("sv")


def test_small_reason_says_why_not_frame() -> None:
    text = _of("Hailuoto").reason("en")
    assert text.startswith("small municipality: 960 inhabitants (under 10,000), rural")
    assert "not a frame municipality" in text and "too small or too rural" in text
    assert "not a regional town" in _of("Kaavi").reason("en")


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("Salo", "The population, 50,933, is near the 50,000 limit"),
        ("Karkkila", "The distance to Helsinki's centre, 58 km, is near the 60 km limit"),
        ("Pedersöre", "58 % of that of the sub-region's largest municipality (Pietarsaari)"),
        ("Kauhava", "it would meet the definition of a frame municipality"),
        ("Eurajoki", "it would meet no size network's definition"),
    ],
)
def test_near_threshold_notes_say_what_would_change(name: str, fragment: str) -> None:
    assert any(fragment in note for note in _of(name).notes("en")), _of(name).notes("en")


@pytest.mark.parametrize("name", ["Kangasala", "Kauniainen", "Hailuoto", "Helsinki", "Forssa"])
def test_no_note_far_from_every_threshold(name: str) -> None:
    assert _of(name).notes("en") == ()


# --- answers ---------------------------------------------------------------------------

UNKNOWN = {
    "population": 19_800.0,
    "language_status": "unilingual_finnish",
    "stat_group": "semi_urban",
    "centre_role": "none",
    "frame_region": "yes",
    "frame_city": "837",
    "frame_city_km": 31.0,
}


def test_an_unknown_municipality_is_classified_from_its_answers() -> None:
    c = classify(profile_from_answers(UNKNOWN))
    assert c.types == (F,)
    assert c.reason("en") == (
        "frame municipality: 31 km from Tampere's centre, in Tampere's sub-region or"
        " employment area, as answered, 19,800 inhabitants, semi-urban"
    )
    assert "Tammerfors" in c.reason("sv")
    assert c.notes("en") == ()  # 31 km is more than 10 % inside the 35 km limit
    near = classify(profile_from_answers(UNKNOWN | {"frame_city_km": 33.0}))
    assert near.notes("en")[0].startswith("The distance to Tampere's centre, 33 km")


@pytest.mark.parametrize(
    ("changes", "types"),
    [
        ({"frame_city_km": 40.0}, (F,)),  # too far, 10,000+: frame is the nearest fit
        ({"frame_region": "no", "centre_role": "subregion_centre"}, (R,)),
        ({"frame_region": "no", "population": 4_000.0}, (S,)),
        ({"centre_role": "regional_centre"}, (L,)),
        ({"frame_city": "091", "frame_city_km": 55.0}, (F,)),  # Helsinki's wider belt
        ({"language_status": "bilingual_swedish_majority", "frame_region": "no"}, (SB,)),
    ],
)
def test_unknown_municipality_answers(changes: dict[str, object], types: tuple[T, ...]) -> None:
    assert classify(profile_from_answers(UNKNOWN | changes)).types == types


def test_confirmed_answers_give_the_datas_classification() -> None:
    for name in ("Kangasala", "Tuusula", "Kaavi", "Salo", "Pedersöre", "Jomala"):
        m = _m(name)
        confirmed = classify(profile_from_answers(dict(profile_answers(m)), m))
        assert confirmed == _of(name) or confirmed.reason("en") == _of(name).reason("en")


def test_an_answer_wins_over_the_data() -> None:
    kaavi = _m("Kaavi")
    assert classify(profile_from_answers({"population": 7_000.0}, kaavi)).types == (R,)
    moved = {"frame_city_km": 20.0, "population": 12_000.0}
    assert classify(profile_from_answers(moved, kaavi)).types == (F, R)
    dont_know = profile_from_answers({"centre_role": "dont_know"}, kaavi)
    assert dont_know.centre_role is None and "centre role" in " ".join(
        classify(dont_know).notes("en")
    )


def test_assess_asks_an_unknown_municipality_only_the_rules_facts(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    data = {
        "municipality": "Uusikylä-Vanhala",
        "questionnaire": {"id": "kestava-kunta", "version": "1.0"},
        "answers": UNKNOWN,
    }
    answers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "result.json"
    result = CliRunner().invoke(
        app, ["assess", "--answers", str(answers), "--json", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    kind = json.loads(out.read_text(encoding="utf-8"))["types"]
    assert kind["all"] == ["frame_municipality"]
    assert "31 km from Tampere's centre" in kind["reason"]


# --- missing facts and overrides ----------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "primary", "fallback"),
    [
        (Profile(None, None, None, None), S, True),
        (Profile(20_000.0, None, None, None), R, True),  # centre unknown: usual at this size
        (Profile(20_000.0, None, "none", None), S, True),  # nearest fit: small
        (Profile(None, None, "regional_centre", None), L, False),
        (Profile(20_000.0, None, None, True), F, False),  # tie, distance unknown
        (Profile(8_000.0, None, "subregion_centre", None, "urban"), R, False),
        (Profile(5_000.0, None, None, None), S, False),
        (Profile(None, "unilingual_swedish", None, None, is_aland=True), SB, False),
    ],
)
def test_missing_facts_still_classify(profile: Profile, primary: T, fallback: bool) -> None:
    c = classify(profile)
    assert (c.primary, c.fallback) == (primary, fallback)
    if not profile.is_aland and profile.missing():
        assert any(n.startswith("Facts not known") for n in c.notes("en"))


def test_override_names_the_rules_result() -> None:
    c = override(_of("Espoo"), R)
    assert c.types == (R, SB) and c.overridden
    assert c.classified_as is L
    assert c.reason("en").startswith("type set by hand: regional town (by the rules: large city")
    assert any("--type" in n for n in c.notes("en"))
    assert override(_of("Salo"), F).types == (F,)
    assert override(_of("Jomala"), S).classified_as is SB


profiles = st.builds(
    Profile,
    population=st.none() | st.floats(min_value=0, max_value=2_000_000, allow_nan=False),
    language_status=st.none()
    | st.sampled_from(
        [
            "unilingual_finnish",
            "bilingual_finnish_majority",
            "bilingual_swedish_majority",
            "unilingual_swedish",
        ]
    ),
    centre_role=st.none() | st.sampled_from(["regional_centre", "subregion_centre", "none"]),
    frame_region=st.none() | st.booleans(),
    stat_group=st.none() | st.sampled_from(["urban", "semi_urban", "rural"]),
    frame_city=st.none() | st.sampled_from(["091", "837", "205"]),
    frame_city_km=st.none() | st.floats(min_value=0, max_value=500, allow_nan=False),
    is_aland=st.booleans(),
)


@given(profiles)
def test_classify_always_gives_one_primary_type_and_words(profile: Profile) -> None:
    c = classify(profile)
    assert c.types[0] is c.primary
    assert len(set(c.types)) == len(c.types)
    assert c.runner_up is not c.primary
    for lang in LANGS:
        assert c.reason(lang)
        c.notes(lang)


@given(profiles, st.sampled_from(list(T)))
def test_override_always_gives_the_chosen_primary_first(profile: Profile, kind: T) -> None:
    c = override(classify(profile), kind)
    assert c.primary is kind and c.types[0] is kind and c.overridden
    assert c.reason("en").startswith("type set by hand")
