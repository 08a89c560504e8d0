"""The table of municipalities by type, as ``municipalities --types -o`` writes it."""

from __future__ import annotations

from collections.abc import Sequence

from kuntaprofiili.core.classify import classify
from kuntaprofiili.core.municipality import Municipality
from kuntaprofiili.core.profile import profile_of


def type_rows(municipalities: Sequence[Municipality], lang: str) -> list[dict[str, object]]:
    """One row per municipality with its types and the reason, for ``municipalities -o``."""
    rows: list[dict[str, object]] = []
    for m in municipalities:
        c = classify(profile_of(m))
        rows.append(
            {
                "code": m.code,
                "name_fi": m.name_fi,
                "name_sv": m.name_sv,
                "primary_type": c.primary.value,
                "types": " ".join(t.value for t in c.types),
                "reason": c.reason(lang),
                "fallback": c.fallback,
                "runner_up": c.runner_up.value if c.runner_up else "",
                "notes": " ".join(c.notes(lang)),
                "population": m.population,
                "region_name_fi": m.region_name_fi,
                "subregion_name_fi": m.subregion_name_fi,
                "language_status": m.language_status,
                "centre_role": m.centre_role,
                "frame_region": m.frame_region,
            }
        )
    return rows
