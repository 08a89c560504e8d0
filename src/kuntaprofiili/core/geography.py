"""Facts about a municipality's place among the others: distances and sub-region rank.

Pure: derived once when the reference data is read (``parse_municipalities``), from the
centre positions, sub-regions, employment areas and populations in data/municipalities.csv.
The classifier uses them; nothing here decides a type.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# The central cities of Kuntaliitto's frame-municipality network (kehyskuntaverkosto):
# code -> (Finnish name, Swedish name). The names are here as well as in the data so that
# an answer naming one of them can be worded for a municipality the data does not know.
FRAME_CENTRAL_CITIES: Mapping[str, tuple[str, str]] = {
    "091": ("Helsinki", "Helsingfors"),
    "109": ("Hämeenlinna", "Tavastehus"),
    "167": ("Joensuu", "Joensuu"),
    "179": ("Jyväskylä", "Jyväskylä"),
    "205": ("Kajaani", "Kajana"),
    "297": ("Kuopio", "Kuopio"),
    "398": ("Lahti", "Lahtis"),
    "564": ("Oulu", "Uleåborg"),
    "609": ("Pori", "Björneborg"),
    "743": ("Seinäjoki", "Seinäjoki"),
    "837": ("Tampere", "Tammerfors"),
    "853": ("Turku", "Åbo"),
}
HELSINKI = "091"
# The second most populous municipality of a sub-region is one of a centre pair at this
# share of the largest one's population. scripts/build_municipalities.py derives the
# data's centre_role with the same share (tests/test_municipalities.py checks they agree);
# the classifier needs it for the note on a share near the limit.
PAIR_SHARE = 0.60
EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


@dataclass(frozen=True, slots=True)
class Place:
    """What the geography needs of one municipality."""

    code: str
    name_fi: str
    name_sv: str
    subregion_code: str
    employment_area_code: str
    population: int
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class CentralLink:
    """A frame-network central city and the municipality's tie to it.

    Both flags false means the tie was stated in an answer rather than found in the data.
    """

    code: str
    name_fi: str
    name_sv: str
    km: float | None  # centre to centre; None when a position is not known
    same_subregion: bool = False
    same_employment_area: bool = False

    def name(self, lang: str) -> str:
        """The city's Swedish name for Swedish output, the Finnish name otherwise."""
        return self.name_sv if lang == "sv" else self.name_fi


@dataclass(frozen=True, slots=True)
class Geography:
    """One municipality's derived facts."""

    central_links: tuple[
        CentralLink, ...
    ]  # tied central cities (sub-region or employment area), nearest first
    nearest_central: CentralLink | None  # the nearest central city, tied or not
    subregion_rank: int  # 1 = the most populous of its sub-region
    subregion_share: float  # population / the sub-region's largest population
    largest_fi: str  # the sub-region's most populous municipality
    largest_sv: str
    largest_km: float | None  # centre to centre, to the sub-region's most populous


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on a sphere of the mean Earth radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def distance_km(a: Place, b: Place) -> float | None:
    """Centre-to-centre distance, None when either position is missing (Tuusula)."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return great_circle_km(a.lat, a.lon, b.lat, b.lon)


def derive_geography(places: Sequence[Place], only: str | None = None) -> dict[str, Geography]:
    """Code -> derived facts, for every place (or only the place of code ``only``)."""
    by_code = {p.code: p for p in places}
    centrals = [by_code[c] for c in FRAME_CENTRAL_CITIES if c in by_code]
    ranked = _rank(places)
    out: dict[str, Geography] = {}
    for p in places if only is None else [by_code[only]]:
        rank, largest = ranked[p.code]
        # the distance to every central city, but a link only for the few that are kept:
        # 308 x 12 links cost assess's start-up more than the rest of the reference data
        kms = [distance_km(p, c) for c in centrals]
        tied = sorted(
            (_link(p, c, km) for c, km in zip(centrals, kms, strict=True) if _tied(p, c)),
            key=lambda x: (x.km is None, x.km or 0.0),
        )
        known = [(km, number) for number, km in enumerate(kms) if km is not None]
        nearest = min(known) if known else None
        out[p.code] = Geography(
            central_links=tuple(tied),
            nearest_central=_link(p, centrals[nearest[1]], nearest[0]) if nearest else None,
            subregion_rank=rank,
            subregion_share=p.population / largest.population if largest.population else 0.0,
            largest_fi=largest.name_fi,
            largest_sv=largest.name_sv,
            largest_km=distance_km(p, largest),
        )
    return out


def _tied(p: Place, city: Place) -> bool:
    """Whether ``city`` is another municipality in ``p``'s sub-region or employment area."""
    return city.code != p.code and (
        city.subregion_code == p.subregion_code
        or (bool(p.employment_area_code) and city.employment_area_code == p.employment_area_code)
    )


def _link(p: Place, city: Place, km: float | None) -> CentralLink:
    return CentralLink(
        city.code,
        city.name_fi,
        city.name_sv,
        km,
        same_subregion=city.subregion_code == p.subregion_code,
        same_employment_area=bool(p.employment_area_code)
        and city.employment_area_code == p.employment_area_code,
    )


def _rank(places: Sequence[Place]) -> Mapping[str, tuple[int, Place]]:
    """Code -> (rank by population in its sub-region, the sub-region's largest)."""
    by_sub: defaultdict[str, list[Place]] = defaultdict(list)
    for p in places:
        by_sub[p.subregion_code].append(p)
    out: dict[str, tuple[int, Place]] = {}
    for members in by_sub.values():
        ordered = sorted(members, key=lambda p: -p.population)
        for i, p in enumerate(ordered, start=1):
            out[p.code] = (i, ordered[0])
    return out
