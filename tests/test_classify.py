"""The classifier: real municipalities, type boundaries, missing facts, overrides, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuntaprofiili.core.classify import Classification, classify, override
from kuntaprofiili.core.municipality import Municipality, find_municipality
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


def _of(name: str) -> Classification:
    m = find_municipality(name, ALL)
    assert m is not None, name
    return classify(profile_of(m))


@pytest.mark.parametrize(
    ("name", "types"),
    [
        ("Helsinki", (L, SB)),
        ("Espoo", (L, SB)),
        ("Vantaa", (L, SB)),
        ("Tampere", (L,)),
        ("Kokkola", (L, SB)),  # regional centre under 50,000
        ("Kajaani", (L,)),  # regional centre under 50,000
        ("Porvoo", (L, SB)),
        ("Salo", (L,)),
        ("Mikkeli", (L,)),
        ("Tuusula", (F,)),
        ("Kauniainen", (F, SB)),
        ("Kirkkonummi", (F, SB)),
        ("Forssa", (R,)),
        ("Iisalmi", (R,)),
        ("Pietarsaari", (R, SB)),
        ("Raasepori", (R, SB)),
        ("Närpiö", (R, SB)),
        ("Kristiinankaupunki", (R, SB)),  # centre pair with Närpiö
        ("Hamina", (R,)),  # named in the Kotka-Hamina sub-region
        ("Tornio", (R,)),
        ("Kemi", (R,)),  # centre pair with Tornio
        ("Luhanka", (S,)),
        ("Pornainen", (F,)),
        ("Maarianhamina", (SB,)),
        ("Mariehamn", (SB,)),
        ("Jomala", (SB,)),
    ],
)
def test_real_municipality_types(name: str, types: tuple[T, ...]) -> None:
    c = _of(name)
    assert c.types == types
    assert c.primary is types[0]
    assert not c.overridden


@pytest.mark.parametrize("name", ["Eura", "Mustasaari", "Pedersöre"])
def test_fallback_municipalities_are_frame_and_say_so(name: str) -> None:
    c = _of(name)
    assert c.fallback and c.primary is F
    assert "fallback" in c.reason("en")
    assert "varasääntö" in c.reason("fi")
    assert "reservregel" in c.reason("sv")


def test_reason_names_the_facts_used() -> None:
    assert _of("Forssa").reason("en") == (
        "16,459 inhabitants, centre of the Forssa sub-region, not a regional centre: regional town"
    )
    assert _of("Forssa").reason("fi").startswith("16\u00a0459 asukasta")
    assert "Keski-Pohjanmaa" in _of("Kokkola").reason("en")
    assert "Mellersta Österbotten" in _of("Kokkola").reason("sv")


def test_every_municipality_has_one_primary_type_and_a_reason() -> None:
    assert len(ALL) == 308
    for m in ALL:
        c = classify(profile_of(m))
        assert c.types[0] is c.primary
        assert c.types.count(c.primary) == 1
        assert len(set(c.types)) == len(c.types)
        for lang in LANGS:
            assert c.reason(lang).strip()


def test_counts_per_type_are_those_in_the_data_readme() -> None:
    primary = [classify(profile_of(m)).primary for m in ALL]
    counts = {kind: primary.count(kind) for kind in T}
    assert counts == {L: 23, R: 63, F: 83, S: 123, SB: 16}
    assert sum(SB in classify(profile_of(m)).types for m in ALL) == 49


@pytest.mark.parametrize(
    ("population", "primary", "runner_up"),
    [
        (50_617, L, R),  # Kotka: just over the large-city limit
        (50_001, L, R),
        (50_000, R, L),
        (45_000, R, L),
        (44_999, R, None),  # more than 10 % below
        (55_000, L, R),
        (55_001, L, None),
    ],
)
def test_near_the_large_city_limit(population: int, primary: T, runner_up: T | None) -> None:
    c = classify(Profile(population, "unilingual_finnish", "subregion_centre", False))
    assert (c.primary, c.runner_up) == (primary, runner_up)
    assert bool(c.notes("en")) == (runner_up is not None)


@pytest.mark.parametrize(
    ("population", "primary", "runner_up"),
    [
        (9_999, S, F),  # beside a centre: 10,000 would make it the frame fallback
        (10_000, F, S),
        (9_000, S, F),
        (8_999, S, None),
        (11_001, F, None),
    ],
)
def test_near_the_small_limit(population: int, primary: T, runner_up: T | None) -> None:
    c = classify(Profile(population, "unilingual_finnish", "none", False))
    assert (c.primary, c.runner_up) == (primary, runner_up)


def test_near_threshold_note_names_the_runner_up() -> None:
    (note,) = _of("Kotka").notes("en")
    assert "50,000" in note and "regional town" in note


def test_a_regional_centre_near_50000_gets_no_note() -> None:
    assert _of("Kokkola").notes("en") == ()
    assert _of("Kokkola").runner_up is None


@pytest.mark.parametrize(
    ("profile", "primary", "fallback"),
    [
        (Profile(None, None, None, None), S, True),
        (Profile(20_000.0, None, None, None), R, True),
        (Profile(20_000.0, None, "none", None), F, True),
        (Profile(None, None, "regional_centre", None), L, False),
        (Profile(None, None, None, True), F, False),
        (Profile(None, None, "subregion_centre", None), R, False),
        (Profile(5_000.0, None, None, None), S, False),
        (Profile(None, "unilingual_swedish", None, None, is_aland=True), SB, False),
    ],
)
def test_missing_facts_still_classify(profile: Profile, primary: T, fallback: bool) -> None:
    c = classify(profile)
    assert (c.primary, c.fallback) == (primary, fallback)
    for lang in LANGS:
        assert c.reason(lang)
    if not profile.is_aland:
        assert any("not known" in note for note in c.notes("en"))


def test_override_keeps_bilingual_and_says_so() -> None:
    c = override(_of("Espoo"), R)
    assert c.overridden and c.primary is R
    assert c.types == (R, SB)
    assert c.classified_as is L
    assert c.reason("en").startswith("type set by hand: regional town")
    assert "large city" in c.reason("en")
    assert any("--type" in note for note in c.notes("fi"))


def test_override_to_swedish_bilingual_and_back() -> None:
    assert override(_of("Espoo"), SB).types == (SB,)
    aland = override(_of("Jomala"), S)
    assert aland.types == (S, SB)
    assert override(aland, L).classified_as is SB


def test_override_of_a_finnish_municipality_adds_no_language_type() -> None:
    assert override(_of("Luhanka"), F).types == (F,)


def _municipality(name: str) -> Municipality:
    m = find_municipality(name, ALL)
    assert m is not None
    return m


def test_profile_from_answers_prefers_answers_over_the_data() -> None:
    espoo = _municipality("Espoo")
    profile = profile_from_answers(
        {"population": 40_000.0, "centre_role": "dont_know", "frame_region": "yes"}, espoo
    )
    assert profile.population == 40_000.0
    assert profile.centre_role is None  # "don't know" wins over the data
    assert profile.frame_region is True
    assert profile.language_status == "bilingual_finnish_majority"  # not answered: data
    assert classify(profile).types == (F, SB)


def test_profile_from_answers_without_a_municipality() -> None:
    profile = profile_from_answers(
        {"population": "12 345", "language_status": "unilingual_finnish", "frame_region": "no"}
    )
    assert profile == Profile(12_345.0, "unilingual_finnish", None, False)
    assert profile_from_answers({"population": True, "frame_region": "dont_know"}) == Profile(
        None, None, None, None
    )


def test_profile_of_aland_is_swedish_only() -> None:
    profile = profile_of(_municipality("Maarianhamina"))
    assert profile.is_aland and profile.centre_role == "regional_centre"
    assert classify(profile).types == (SB,)
    assert classify(profile).notes("en") == ()


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
    is_aland=st.booleans(),
    name=st.none() | st.text(max_size=20),
    subregion_name=st.none() | st.text(max_size=20),
    region_name=st.none() | st.text(max_size=20),
)


@given(profiles)
def test_classify_always_gives_exactly_one_primary_type(profile: Profile) -> None:
    c = classify(profile)
    assert c.types[0] is c.primary
    assert c.types.count(c.primary) == 1
    assert set(c.types) - {c.primary} <= {SB}
    assert c.runner_up is not c.primary
    for lang in LANGS:
        assert c.reason(lang)
        c.notes(lang)


@given(profiles, st.sampled_from(list(T)))
def test_override_always_gives_the_chosen_primary_first(profile: Profile, kind: T) -> None:
    c = override(classify(profile), kind)
    assert c.primary is kind and c.types[0] is kind and c.overridden
    assert c.reason("en").startswith("type set by hand")
