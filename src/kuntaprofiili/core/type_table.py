"""The table of municipalities by type, as ``municipalities --types -o`` writes it."""

from __future__ import annotations

from collections.abc import Sequence

from kuntaprofiili.core.classify import classify
from kuntaprofiili.core.municipality import Municipality
from kuntaprofiili.core.profile import profile_of


def type_rows(municipalities: Sequence[Municipality], lang: str) -> list[dict[str, object]]:
    """One row per municipality with its types and the reason, for ``municipalities -o``.

    ``fallback`` is true when the primary type is only the nearest fit; ``members`` lists
    the networks whose definition is met. ``frame_city`` is the nearest central city of
    the frame network whose sub-region or employment area the municipality is in.
    """
    rows: list[dict[str, object]] = []
    for m in municipalities:
        c = classify(profile_of(m))
        link = m.geography.central_links[0] if m.geography.central_links else None
        rows.append(
            {
                "code": m.code,
                "name_fi": m.name_fi,
                "name_sv": m.name_sv,
                "primary_type": c.primary.value,
                "types": " ".join(t.value for t in c.types),
                "further_types": " ".join(t.value for t in c.types[1:]),
                "members": " ".join(t.value for t in c.members),
                "reason": c.reason(lang),
                "fallback": c.fallback,
                "runner_up": c.runner_up.value if c.runner_up else "",
                "notes": " ".join(c.notes(lang)),
                "population": m.population,
                "stat_group": m.stat_group,
                "region_name_fi": m.region_name_fi,
                "subregion_name_fi": m.subregion_name_fi,
                "subregion_name_sv": m.subregion_name_sv,
                "employment_area_name_fi": m.employment_area_name_fi,
                "employment_area_name_sv": m.employment_area_name_sv,
                "wellbeing_county_name_fi": m.wellbeing_county_name_fi,
                "language_status": m.language_status,
                "centre_role": m.centre_role,
                "frame_region": link is not None,
                "frame_city": link.name_fi if link else "",
                "frame_city_km": round(link.km, 1) if link and link.km is not None else "",
            }
        )
    return rows
