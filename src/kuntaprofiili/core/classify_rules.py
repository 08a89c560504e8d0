"""The type rule itself: thresholds, the facts it reads, the types they give.

Pure. :mod:`kuntaprofiili.core.classify` wraps it into a Classification; the README
("Municipality types") gives each threshold with its reason, as the comments here do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kuntaprofiili.core.geography import FRAME_CENTRAL_CITIES, HELSINKI, CentralLink
from kuntaprofiili.core.profile import Profile
from kuntaprofiili.core.type_facts import Fact, TypeReason
from kuntaprofiili.core.typecodes import MunicipalityType

T = MunicipalityType

# Kuntaliitto's own limits: the large-city group is "over 50,000 inhabitants, plus Kokkola
# and Kajaani" (regional centres under 50,000); the small-municipality network is for
# municipalities under 10,000.
LARGE_CITY_ABOVE = 50_000
SMALL_BELOW = 10_000

# Centre-to-centre distance within which a municipality can be a central city's frame
# municipality. A border neighbour's centre lies 10-35 km from the city's (Kangasala 17,
# Lempäälä 20, Laukaa 22, Kurikka 29, Heinola 32, Sotkamo 33 km); beyond it the next ring
# begins (Akaa, Kauhava, Orivesi 37, Outokumpu 41 km), towns in their own right.
FRAME_MAX_KM = 35.0
# The Helsinki region's commuting belt is wider: Kuntaliitto counts Hyvinkää (52 km) and
# Mäntsälä (56 km) among its frame (KUUMA) municipalities. Only for the tie to Helsinki.
HELSINKI_FRAME_MAX_KM = 60.0

# A frame municipality is a built-up commuter municipality: 5,000 or more inhabitants and
# urban or semi-urban, or 10,000 or more in any grouping (Liperi, rural, 11,962). This keeps
# Hailuoto (960), Ristijärvi (1,174) and Merikarvia (2,967), all rural, small.
FRAME_MIN_POPULATION = 5_000
FRAME_RURAL_MIN_POPULATION = 10_000
BUILT_UP = frozenset({"urban", "semi_urban"})

# A sub-region centre is a town when urban or semi-urban with 5,000 or more, or rural with
# 6,000 or more. The rural centres fall in two groups: 6,242 and up (Kristiinankaupunki,
# which Kuntaliitto names as a member, Virrat, Haapavesi, Kitee ...) and 5,951 and under
# (Viitasaari, Kaustinen, Joutsa, Veteli, Kaavi, Tuusniemi: centres of sub-regions without
# a town).
TOWN_MIN_POPULATION = 5_000
TOWN_RURAL_MIN_POPULATION = 6_000

# A fact within 10 % of a threshold gets a note, if the other side gives other types.
NEAR = 0.10

SIZE_TYPES = (T.LARGE_CITY, T.FRAME_MUNICIPALITY, T.REGIONAL_TOWN, T.SMALL_MUNICIPALITY)
# Large city before regional town (Salo), frame before regional town (Valkeakoski).
PRIMARY_ORDER = (*SIZE_TYPES, T.SWEDISH_BILINGUAL)


@dataclass(frozen=True, slots=True)
class RuleFacts:
    """What the rule reads; names travel in both languages for the wording."""

    code: str | None
    population: float | None
    language_status: str | None
    stat_group: str | None
    is_aland: bool
    centre_role: str | None  # regional_centre, subregion_centre, none
    centre_basis: str | None  # largest, pair, named (data), answered; None if not a centre
    share: float | None  # of the sub-region's largest population, for the second largest
    links: tuple[CentralLink, ...]  # tied frame-network central cities, nearest first
    names: Mapping[str, str]  # region_fi/sv, subregion_fi/sv, largest_fi/sv
    largest_km: float | None
    nearest: CentralLink | None  # nearest central city, tied or not (data only)


@dataclass(frozen=True, slots=True)
class Held:
    """The rule's result before notes."""

    types: tuple[MunicipalityType, ...]
    fallback: bool
    reasons: tuple[TypeReason, ...]
    rejected: tuple[TypeReason, ...]


def rule_facts(p: Profile) -> RuleFacts:
    """The profile as the rule reads it: the data's derived facts where answers agree."""
    m = p.place
    names: dict[str, str] = {}
    share = largest_km = nearest = None
    basis = "answered" if p.centre_role == "subregion_centre" else None
    if m is not None:
        g = m.geography
        names = {
            "region_fi": m.region_name_fi,
            "region_sv": m.region_name_sv,
            "subregion_fi": m.subregion_name_fi,
            "subregion_sv": m.subregion_name_sv,
            "largest_fi": g.largest_fi,
            "largest_sv": g.largest_sv,
            "area_fi": m.employment_area_name_fi,
            "area_sv": m.employment_area_name_sv,
        }
        if p.centre_from_data:
            basis = m.centre_basis if p.centre_role == "subregion_centre" else None
            share = g.subregion_share if g.subregion_rank == 2 else None
            largest_km = g.largest_km if g.subregion_rank > 1 else None
        nearest = g.nearest_central if p.tie_from_data else None
    return RuleFacts(
        code=m.code if m else None,
        population=p.population,
        language_status=p.language_status,
        stat_group=p.stat_group,
        is_aland=p.is_aland,
        centre_role=p.centre_role,
        centre_basis=basis,
        share=share,
        links=_links(p),
        names=names,
        largest_km=largest_km,
        nearest=nearest,
    )


def _links(p: Profile) -> tuple[CentralLink, ...]:
    if p.tie_from_data and p.place is not None:
        return p.place.geography.central_links
    if not p.frame_region:
        return ()
    fi, sv = FRAME_CENTRAL_CITIES.get(p.frame_city or "", ("", ""))
    return (CentralLink(p.frame_city or "", fi, sv, p.frame_city_km),)


def classify_facts(f: RuleFacts) -> Held:
    """Every type held, primary first, with the facts for and against."""
    held: dict[MunicipalityType, tuple[Fact, ...]] = {}
    rejected: list[TypeReason] = []
    lang = _language(f)
    if f.is_aland:
        held[T.SWEDISH_BILINGUAL] = (Fact.of("aland"), *(lang or ()))
        return _held(held, rejected, fallback=False)
    large = _large_city(f)
    if large:
        held[T.LARGE_CITY] = large
    for kind, rule in ((T.FRAME_MUNICIPALITY, _frame), (T.REGIONAL_TOWN, _regional_town)):
        yes, no = rule(f)
        if yes and (kind is not T.FRAME_MUNICIPALITY or not large):
            held[kind] = yes
        elif no:
            rejected.append(TypeReason(kind, no))
    fallback = False
    if not held:
        fallback = _no_size_definition(f, held, rejected)
    if lang:
        held.setdefault(T.SWEDISH_BILINGUAL, lang)
    return _held(held, rejected, fallback=fallback)


def _held(
    held: Mapping[MunicipalityType, tuple[Fact, ...]],
    rejected: Sequence[TypeReason],
    *,
    fallback: bool,
) -> Held:
    order = tuple(t for t in PRIMARY_ORDER if t in held)
    chosen = [r for r in rejected if r.type not in held]
    return Held(order, fallback, tuple(TypeReason(t, held[t]) for t in order), tuple(chosen))


def _no_size_definition(
    f: RuleFacts, held: dict[MunicipalityType, tuple[Fact, ...]], rejected: list[TypeReason]
) -> bool:
    """Small, or for 10,000+ the language type alone or the nearest fit; True if a fit."""
    if f.population is None:
        held[T.SMALL_MUNICIPALITY] = (Fact.of("population_unknown"), Fact.of("nearest_fit"))
        return True
    if f.population < SMALL_BELOW:
        held[T.SMALL_MUNICIPALITY] = _small_facts(f)
        return False
    over = (Fact.of("population_at_least", n=f.population, limit=SMALL_BELOW), *_centre_facts(f))
    if _language(f):
        held[T.SWEDISH_BILINGUAL] = (*(_language(f) or ()), Fact.of("no_size_network"))
        rejected.append(TypeReason(T.SMALL_MUNICIPALITY, over))
        return False
    if f.centre_role is None:
        # Not known whether it is a centre: the most common type at 10,000-50,000.
        held[T.REGIONAL_TOWN] = (Fact.of("usual_for_size"), over[0])
        return True
    kind, facts = _nearest_fit(f, rejected, over)
    held[kind] = (Fact.of("nearest_fit"), *facts)
    return True


def _nearest_fit(
    f: RuleFacts, rejected: Sequence[TypeReason], over: tuple[Fact, ...]
) -> tuple[MunicipalityType, tuple[Fact, ...]]:
    """The size type whose one failing fact is relatively closest to its limit."""
    assert f.population is not None
    options = [((f.population - SMALL_BELOW) / SMALL_BELOW, T.SMALL_MUNICIPALITY, over)]
    for r in rejected:
        if r.type is T.FRAME_MUNICIPALITY and _frame_size_ok(f):
            km, limit = r.facts[-1].get("km"), r.facts[-1].get("limit")
            if isinstance(km, int | float) and isinstance(limit, int | float):
                options.append(((km - limit) / limit, r.type, r.facts))
    return min(options, key=lambda o: o[0])[1:]


def _population(f: RuleFacts) -> Fact:
    return Fact.of("population", n=f.population)


def _group(f: RuleFacts) -> tuple[Fact, ...]:
    return (Fact.of("stat_group", group=f.stat_group),) if f.stat_group else ()


def _language(f: RuleFacts) -> tuple[Fact, ...] | None:
    if f.language_status is None or f.language_status == "unilingual_finnish":
        return None
    return (Fact.of("language_status", status=f.language_status),)


def _large_city(f: RuleFacts) -> tuple[Fact, ...] | None:
    if f.population is not None and f.population > LARGE_CITY_ABOVE:
        return (Fact.of("population_over", n=f.population, limit=LARGE_CITY_ABOVE),)
    if f.centre_role == "regional_centre":
        region = {k: f.names.get(k) for k in ("region_fi", "region_sv")}
        return (Fact.of("regional_centre", **region), _population(f))
    return None


def frame_max_km(city_code: str) -> float:
    """How far a frame municipality's centre may lie from this central city's centre."""
    return HELSINKI_FRAME_MAX_KM if city_code == HELSINKI else FRAME_MAX_KM


def _within_reach(link: CentralLink) -> bool:
    # Without a distance (Tuusula has no centre position) the tie alone decides.
    return link.km is None or link.km <= frame_max_km(link.code)


def _frame_size_ok(f: RuleFacts) -> bool:
    if f.population is None:
        return False
    if f.population >= FRAME_RURAL_MIN_POPULATION:
        return True
    return f.population >= FRAME_MIN_POPULATION and f.stat_group in BUILT_UP


def _link_facts(link: CentralLink, f: RuleFacts) -> list[Fact]:
    city = {"city_fi": link.name_fi, "city_sv": link.name_sv}
    out = []
    if link.km is not None:
        out.append(Fact.of("km_from_central_city", km=round(link.km), **city))
    if not (link.same_subregion or link.same_employment_area):
        out.append(Fact.of("tie_answered", **city))
    if link.same_employment_area:
        area = {k: f.names.get(k) for k in ("area_fi", "area_sv")}
        out.append(Fact.of("in_central_city_employment_area", **city, **area))
    if link.same_subregion:
        out.append(Fact.of("in_central_city_subregion", **city))
    return out


def _frame(f: RuleFacts) -> tuple[tuple[Fact, ...] | None, tuple[Fact, ...] | None]:
    """(facts if frame, facts why not if a candidate: tied to a central city)."""
    if f.code in FRAME_CENTRAL_CITIES or not f.links:
        return None, None
    reach = [link for link in f.links if _within_reach(link)]
    link = reach[0] if reach else f.links[0]
    facts = [*_link_facts(link, f), _population(f), *_group(f)]
    if reach and _frame_size_ok(f):
        return tuple(facts), None
    if not _frame_size_ok(f):
        facts.append(
            Fact.of(
                "too_small_for_frame",
                built_up=FRAME_MIN_POPULATION,
                any_group=FRAME_RURAL_MIN_POPULATION,
            )
        )
    if not reach and link.km is not None:
        limit = frame_max_km(link.code)
        facts.append(Fact.of("beyond_frame_reach", km=round(link.km, 1), limit=limit))
    return None, tuple(facts)


def _town_size_ok(f: RuleFacts) -> bool:
    if f.population is None:
        return False
    floor = TOWN_MIN_POPULATION if f.stat_group in BUILT_UP else TOWN_RURAL_MIN_POPULATION
    return f.population >= floor


def _centre_facts(f: RuleFacts) -> tuple[Fact, ...]:
    """Which kind of sub-region centre it is, or that it is none (with the distance)."""
    sub = {k: f.names.get(k) for k in ("subregion_fi", "subregion_sv")}
    largest = {k: f.names.get(k) for k in ("largest_fi", "largest_sv")}
    if f.centre_basis == "pair":
        share = round(100 * (f.share or 0))
        return (Fact.of("subregion_centre_pair", percent=share, **largest, **sub),)
    if f.centre_basis in ("largest", "named", "answered"):
        return (Fact.of(f"subregion_centre_{f.centre_basis}", **sub),)
    if f.centre_role == "none" and f.largest_km is not None:
        km = round(f.largest_km)
        return (Fact.of("not_subregion_centre", km=km, **largest, **sub),)
    return ()


def _regional_town(f: RuleFacts) -> tuple[tuple[Fact, ...] | None, tuple[Fact, ...] | None]:
    if f.centre_role != "subregion_centre":
        return None, None
    facts = (*_centre_facts(f), _population(f), *_group(f))
    if _town_size_ok(f):
        return facts, None
    why = Fact.of(
        "too_small_for_town", built_up=TOWN_MIN_POPULATION, rural=TOWN_RURAL_MIN_POPULATION
    )
    return None, (*facts, why)


def _small_facts(f: RuleFacts) -> tuple[Fact, ...]:
    facts = [
        Fact.of("population_under", n=f.population, limit=SMALL_BELOW),
        *_group(f),
        *(c for c in _centre_facts(f) if c.key == "not_subregion_centre" and not _tied_to(f, c)),
    ]
    near = f.nearest
    if not f.links and near is not None and near.km is not None:
        city = {"city_fi": near.name_fi, "city_sv": near.name_sv}
        facts.append(Fact.of("nearest_central_city_not_tied", km=round(near.km), **city))
    return tuple(facts)


def _tied_to(f: RuleFacts, fact: Fact) -> bool:
    """Whether the fact's largest municipality is a tied central city (named there already)."""
    return any(link.name_fi == fact.get("largest_fi") for link in f.links)
