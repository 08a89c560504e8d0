"""Reference data for Finland's 308 municipalities, and finding one by code or name.

The bundled ``data/municipalities.csv`` (built by ``scripts/build_municipalities.py``,
see ``data/README.md``) is read with the stdlib ``csv`` module: ``assess`` loads it on
every run, and importing pandas would cost more than the whole questionnaire.

Names are matched folded (case and accents ignored), in Finnish, Swedish and English,
because officials type "mantsala" or the Swedish name "Grankulla" as readily as
"Mäntsälä" or "Kauniainen".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from kuntaprofiili.core.geography import Geography, Place, derive_geography
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import InputFileError

CENTRE_ROLES = frozenset({"regional_centre", "subregion_centre", "none"})
LANGUAGE_STATUSES = frozenset(
    {
        "unilingual_finnish",
        "bilingual_finnish_majority",
        "bilingual_swedish_majority",
        "unilingual_swedish",
    }
)
STAT_GROUPS = frozenset({"urban", "semi_urban", "rural"})
_REQUIRED = (
    "code",
    "name_fi",
    "name_sv",
    "name_en",
    "region_code",
    "region_name_fi",
    "region_name_sv",
    "subregion_code",
    "subregion_name_fi",
    "subregion_name_sv",
    "employment_area_code",
    "employment_area_name_fi",
    "employment_area_name_sv",
    "wellbeing_county_name_fi",
    "wellbeing_county_name_sv",
    "centre_lat",
    "centre_lon",
    "population",
    "language_status",
    "stat_group",
    "is_aland",
    "centre_role",
    "centre_basis",
    "is_regional_centre",
)


@dataclass(frozen=True, slots=True)
class Municipality:
    """One municipality as in the reference data (population of 31 Dec 2022)."""

    code: str
    name_fi: str
    name_sv: str
    name_en: str
    region_code: str
    region_name_fi: str
    region_name_sv: str
    subregion_code: str
    subregion_name_fi: str
    subregion_name_sv: str
    employment_area_code: str
    employment_area_name_fi: str
    employment_area_name_sv: str
    wellbeing_county_name_fi: str
    wellbeing_county_name_sv: str
    centre_lat: float | None  # None for Tuusula, whose centre position the source lacks
    centre_lon: float | None
    population: int
    language_status: str
    stat_group: str
    is_aland: bool
    centre_role: str
    centre_basis: str  # largest, pair, named, regional_centres.csv, or empty
    is_regional_centre: bool
    geography: Geography  # distances and sub-region rank, derived when the data is read

    def name(self, lang: str) -> str:
        """The Swedish name for Swedish output, the Finnish name otherwise."""
        return self.name_sv if lang == "sv" else self.name_fi

    def region_name(self, lang: str) -> str:
        """The region's Swedish name for Swedish output, the Finnish name otherwise."""
        return self.region_name_sv if lang == "sv" else self.region_name_fi

    def subregion_name(self, lang: str) -> str:
        """The sub-region's Swedish name for Swedish output, the Finnish name otherwise."""
        return self.subregion_name_sv if lang == "sv" else self.subregion_name_fi

    def employment_area_name(self, lang: str) -> str:
        """The employment area's Swedish name for Swedish output, the Finnish name otherwise."""
        return self.employment_area_name_sv if lang == "sv" else self.employment_area_name_fi

    def wellbeing_county_name(self, lang: str) -> str:
        """The wellbeing services county's Swedish name for Swedish output, else Finnish."""
        return self.wellbeing_county_name_sv if lang == "sv" else self.wellbeing_county_name_fi


def parse_municipalities(text: str, source: str) -> tuple[Municipality, ...]:
    """Parse the reference CSV; a missing column or a bad value names the line."""
    rows, places = _read_rows(text, source)
    geography = derive_geography(places)
    return tuple(_municipality(row, geography[p.code]) for row, p in zip(rows, places, strict=True))


def parse_one_municipality(text: str, source: str, query: str) -> Municipality | None:
    """``find_municipality(query, parse_municipalities(text, source))``, with every row
    checked but only the municipality found built (assess needs one before its first
    question, and the geography of all 308 is most of the cost of reading the file)."""
    rows, places = _read_rows(text, source)
    code, wanted = _code(query), fold(query)
    for row, place in zip(rows, places, strict=True):
        if _is_named(place.code, (row["name_fi"], row["name_sv"], row["name_en"]), code, wanted):
            return _municipality(row, derive_geography(places, only=place.code)[place.code])
    return None


def _read_rows(text: str, source: str) -> tuple[list[dict[str, str]], list[Place]]:
    """The CSV's rows and what the geography needs of each; a bad value names the line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        raise InputFileError(
            "municipalities.bad_data", path=source, line=1, problem=", ".join(missing)
        )
    rows: list[dict[str, str]] = []
    places: list[Place] = []
    for number, row in enumerate(reader, start=2):
        try:
            places.append(_place(row))
        except ValueError as error:
            raise InputFileError(
                "municipalities.bad_data", path=source, line=number, problem=str(error)
            ) from None
        rows.append(row)
    return rows, places


def _place(row: dict[str, str]) -> Place:
    """The row's facts the geography needs; a bad value raises ValueError."""
    if row["centre_role"] not in CENTRE_ROLES:
        raise ValueError(f"centre_role {row['centre_role']!r}")
    if row["language_status"] not in LANGUAGE_STATUSES:
        raise ValueError(f"language_status {row['language_status']!r}")
    if row["stat_group"] not in STAT_GROUPS:
        raise ValueError(f"stat_group {row['stat_group']!r}")
    _flag(row["is_aland"])
    _flag(row["is_regional_centre"])
    return Place(
        code=row["code"].zfill(3),
        name_fi=row["name_fi"],
        name_sv=row["name_sv"],
        subregion_code=row["subregion_code"],
        employment_area_code=row["employment_area_code"],
        population=int(row["population"]),
        lat=_coordinate(row["centre_lat"]),
        lon=_coordinate(row["centre_lon"]),
    )


def _coordinate(text: str) -> float | None:
    return float(text) if text.strip() else None


def _municipality(row: dict[str, str], geography: Geography) -> Municipality:
    return Municipality(
        code=row["code"].zfill(3),
        name_fi=row["name_fi"],
        name_sv=row["name_sv"],
        name_en=row["name_en"],
        region_code=row["region_code"],
        region_name_fi=row["region_name_fi"],
        region_name_sv=row["region_name_sv"],
        subregion_code=row["subregion_code"],
        subregion_name_fi=row["subregion_name_fi"],
        subregion_name_sv=row["subregion_name_sv"] or row["subregion_name_fi"],
        employment_area_code=row["employment_area_code"],
        employment_area_name_fi=row["employment_area_name_fi"],
        employment_area_name_sv=row["employment_area_name_sv"] or row["employment_area_name_fi"],
        wellbeing_county_name_fi=row["wellbeing_county_name_fi"],
        wellbeing_county_name_sv=row["wellbeing_county_name_sv"] or row["wellbeing_county_name_fi"],
        centre_lat=_coordinate(row["centre_lat"]),
        centre_lon=_coordinate(row["centre_lon"]),
        population=int(row["population"]),
        language_status=row["language_status"],
        stat_group=row["stat_group"],
        is_aland=_flag(row["is_aland"]),
        centre_role=row["centre_role"],
        centre_basis=row["centre_basis"],
        is_regional_centre=_flag(row["is_regional_centre"]),
        geography=geography,
    )


def _flag(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError(f"expected true or false, got {text!r}")
    return text == "true"


def _code(query: str) -> str | None:
    """'49', '049' and 'KU049' (Statistics Finland's form) all mean Espoo's code 049; None
    if ``query`` is not a code."""
    text = query.strip()
    if text[:2].upper() == "KU":
        text = text[2:]
    return text.zfill(3) if text.isdigit() and len(text) <= 3 else None


code_of = _code  # the same rule for the vectorised lookup of sheets


def folded_names(m: Municipality) -> tuple[str, str, str]:
    """The fi, sv and en names folded, as every lookup compares them."""
    return fold(m.name_fi), fold(m.name_sv), fold(m.name_en)


def find_municipality(query: str, municipalities: Sequence[Municipality]) -> Municipality | None:
    """The municipality whose code or fi/sv/en name is ``query`` (case and accents ignored)."""
    code, wanted = _code(query), fold(query)
    for m in municipalities:
        if _is_named(m.code, (m.name_fi, m.name_sv, m.name_en), code, wanted):
            return m
    return None


def _is_named(own_code: str, names: tuple[str, str, str], code: str | None, wanted: str) -> bool:
    """Whether the municipality of ``own_code`` and fi/sv/en ``names`` is the one asked for
    (``code`` and ``wanted``: the query as a code and folded)."""
    return own_code == code or wanted in (fold(names[0]), fold(names[1]), fold(names[2]))


def official_names(m: Municipality, lang: str = "fi") -> str:
    """'Kauniainen / Grankulla' (Swedish first for sv) when both names are official.

    Statistics Finland's Swedish label of a unilingual Finnish municipality (Akaa ->
    Ackas) is not an official name, so only the Finnish name is shown for those.
    """
    if m.language_status == "unilingual_finnish" or m.name_sv == m.name_fi:
        return m.name_fi
    first, second = (m.name_sv, m.name_fi) if lang == "sv" else (m.name_fi, m.name_sv)
    return f"{first} / {second}"


def profile_answers(m: Municipality) -> dict[str, float | str]:
    """The questionnaire's profile answers as the data gives them, for the official to confirm.

    The frame-network tie is the nearest central city whose sub-region or employment
    area the municipality is in, with the distance rounded to whole kilometres.
    """
    answers: dict[str, float | str] = {
        "population": float(m.population),
        "language_status": m.language_status,
        "stat_group": m.stat_group,
        "centre_role": m.centre_role,
    }
    links = m.geography.central_links
    answers["frame_region"] = "yes" if links else "no"
    if links:
        answers["frame_city"] = links[0].code
        if links[0].km is not None:
            answers["frame_city_km"] = float(round(links[0].km))
    return answers
