"""Which of Kuntaliitto's five municipality types a municipality is, and why.

Pure: facts in, a :class:`Classification` out; no I/O. The rules follow Kuntaliitto's
own definitions of its five municipality-type networks (see data/README.md, "Municipality
types"). The primary type is the first rule that applies:

1. In Åland: ``swedish_bilingual`` and nothing else (Åland's municipalities belong to
   no other type network).
2. ``large_city``: over 50,000 inhabitants, or the centre city of its region
   (maakuntakeskus; this is how Kokkola and Kajaani belong).
3. ``frame_municipality``: in the sub-region of one of the twelve central cities of
   Kuntaliitto's frame network, without being a large city itself.
4. ``regional_town``: the centre, or one of a centre pair, of its own sub-region.
5. ``small_municipality``: under 10,000 inhabitants.
6. Fallback, when no rule applies (10,000 or more inhabitants, not a centre, outside
   the frame cities' sub-regions, or facts missing). The reason says "fallback":

   - population known, not a centre: ``frame_municipality``; it lies beside its
     sub-region's centre and is too big to be small, which is a frame municipality's
     position even where the centre city is not in Kuntaliitto's frame network;
   - population known, centre role unknown: ``regional_town``, the usual type of a
     municipality of 10,000-50,000 outside the frame cities' sub-regions;
   - population unknown: ``small_municipality``, the most common type.

``swedish_bilingual`` is added as a further type whenever the language status is
bilingual or Swedish. A missing fact (None) never stops the classification: the rules
use what is known, and a note names what was missing. When the population is within
10 % of 50,000 or 10,000 and the other side of that limit would give another primary
type, a note says so and ``runner_up`` names that type.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, replace
from enum import StrEnum

from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.core.profile import Profile
from kuntaprofiili.core.typecodes import MunicipalityType
from kuntaprofiili.i18n import message

T = MunicipalityType
LARGE_CITY_ABOVE = 50_000
SMALL_BELOW = 10_000
NEAR = 0.10  # "within 10 % of a threshold"


class Rule(StrEnum):
    """Which rule gave the primary type; it decides how the reason is worded."""

    ALAND = "aland"
    LARGE_POPULATION = "large_population"
    REGIONAL_CENTRE = "regional_centre"
    FRAME = "frame"
    SUBREGION_CENTRE = "subregion_centre"
    SMALL = "small"
    FALLBACK_BESIDE_CENTRE = "fallback_beside_centre"
    FALLBACK_SIZE = "fallback_size"
    FALLBACK_UNKNOWN = "fallback_unknown"


@dataclass(frozen=True, slots=True)
class Classification:
    """A primary type, any further types, and what the reason needs to be told."""

    primary: MunicipalityType
    types: tuple[MunicipalityType, ...]  # primary first
    overridden: bool
    fallback: bool
    runner_up: MunicipalityType | None
    _: KW_ONLY
    rule: Rule
    profile: Profile
    threshold: int | None = None  # the limit the population is near, if any
    classified_as: MunicipalityType | None = None  # what the rules gave, when overridden

    def reason(self, lang: str) -> str:
        """The reason in plain words, with the facts used."""
        text = _rule_reason(self, lang)
        if self.overridden and self.classified_as is not None:
            kind = type_label(self.primary, lang)
            return message("classify.overridden", lang, type=kind, reason=text)
        return text

    def notes(self, lang: str) -> tuple[str, ...]:
        """Near-threshold, override and missing-fact notes, in that order."""
        notes: list[str] = []
        if self.runner_up is not None and self.threshold is not None:
            notes.append(_near_note(self, lang))
        if self.overridden and self.classified_as is not None:
            notes.append(
                message(
                    "classify.note.override",
                    lang,
                    type=type_label(self.primary, lang),
                    computed=type_label(self.classified_as, lang),
                )
            )
        missing = () if self.profile.is_aland else self.profile.missing()
        if missing:
            facts = ", ".join(message(f"classify.fact_name.{f}", lang) for f in missing)
            notes.append(message("classify.note.missing", lang, facts=facts))
        return tuple(notes)


def type_label(kind: MunicipalityType, lang: str) -> str:
    """The type's name in ``lang`` (e.g. 'seutukaupunki')."""
    return message(f"type.{kind.value}", lang)


def classify(profile: Profile) -> Classification:
    """Classify by the rules in the module docstring."""
    primary, rule = _primary(profile)
    threshold, runner_up = _near_threshold(profile, primary)
    return Classification(
        primary=primary,
        types=_with_language(primary, profile),
        overridden=False,
        fallback=rule.value.startswith("fallback"),
        runner_up=runner_up,
        rule=rule,
        profile=profile,
        threshold=threshold,
    )


def override(classification: Classification, primary: MunicipalityType) -> Classification:
    """The official's choice of primary type; the reason says the rules were overridden."""
    computed = classification.classified_as or classification.primary
    bilingual = T.SWEDISH_BILINGUAL in classification.types
    keep_language = bilingual and primary is not T.SWEDISH_BILINGUAL
    types = (primary, T.SWEDISH_BILINGUAL) if keep_language else (primary,)
    return replace(
        classification,
        primary=primary,
        types=types,
        overridden=True,
        runner_up=None,
        threshold=None,
        classified_as=computed,
    )


def _primary(p: Profile) -> tuple[MunicipalityType, Rule]:
    if p.is_aland:
        return T.SWEDISH_BILINGUAL, Rule.ALAND
    if p.population is not None and p.population > LARGE_CITY_ABOVE:
        return T.LARGE_CITY, Rule.LARGE_POPULATION
    if p.centre_role == "regional_centre":
        return T.LARGE_CITY, Rule.REGIONAL_CENTRE
    if p.frame_region:
        return T.FRAME_MUNICIPALITY, Rule.FRAME
    if p.centre_role == "subregion_centre":
        return T.REGIONAL_TOWN, Rule.SUBREGION_CENTRE
    if p.population is not None and p.population < SMALL_BELOW:
        return T.SMALL_MUNICIPALITY, Rule.SMALL
    return _fallback(p)


def _fallback(p: Profile) -> tuple[MunicipalityType, Rule]:
    if p.population is None:
        return T.SMALL_MUNICIPALITY, Rule.FALLBACK_UNKNOWN
    if p.centre_role == "none":
        return T.FRAME_MUNICIPALITY, Rule.FALLBACK_BESIDE_CENTRE
    return T.REGIONAL_TOWN, Rule.FALLBACK_SIZE


def _with_language(primary: MunicipalityType, p: Profile) -> tuple[MunicipalityType, ...]:
    if primary is not T.SWEDISH_BILINGUAL and is_swedish_or_bilingual(p.language_status):
        return (primary, T.SWEDISH_BILINGUAL)
    return (primary,)


def is_swedish_or_bilingual(language_status: str | None) -> bool:
    """Whether a language status puts a municipality in the Swedish and bilingual network."""
    return language_status is not None and language_status != "unilingual_finnish"


def _near_threshold(
    p: Profile, primary: MunicipalityType
) -> tuple[int | None, MunicipalityType | None]:
    """The limit the population is near and the type on its other side, if that differs."""
    if p.population is None:
        return None, None
    for limit, other_side in (
        (LARGE_CITY_ABOVE, (LARGE_CITY_ABOVE, LARGE_CITY_ABOVE + 1)),
        (SMALL_BELOW, (SMALL_BELOW - 1, SMALL_BELOW)),
    ):
        if abs(p.population - limit) <= NEAR * limit:
            below, above = other_side
            crossed = above if p.population <= below else below
            alternative, _ = _primary(replace(p, population=float(crossed)))
            if alternative is not primary:
                return limit, alternative
    return None, None


# --- the wording of the reason -------------------------------------------------------

_POPULATION_QUALIFIER = {
    Rule.LARGE_POPULATION: ("over", LARGE_CITY_ABOVE),
    Rule.REGIONAL_CENTRE: ("at_most", LARGE_CITY_ABOVE),
    Rule.SMALL: ("under", SMALL_BELOW),
    Rule.FALLBACK_BESIDE_CENTRE: ("at_least", SMALL_BELOW),
    Rule.FALLBACK_SIZE: ("at_least", SMALL_BELOW),
}
_FACTS_SHOWN = {
    Rule.ALAND: ("aland", "language"),
    Rule.LARGE_POPULATION: ("population", "regional_centre"),
    Rule.REGIONAL_CENTRE: ("population", "regional_centre"),
    Rule.FRAME: ("population", "frame"),
    Rule.SUBREGION_CENTRE: ("population", "centre", "not_regional_centre"),
    Rule.SMALL: ("population", "centre", "frame"),
    Rule.FALLBACK_BESIDE_CENTRE: ("population", "centre", "frame"),
    Rule.FALLBACK_SIZE: ("population", "centre", "frame"),
    Rule.FALLBACK_UNKNOWN: ("population", "centre", "frame"),
}


def _rule_reason(c: Classification, lang: str) -> str:
    kind = c.classified_as if c.overridden and c.classified_as else c.primary
    facts = [_fact(name, c, lang) for name in _FACTS_SHOWN[c.rule]]
    conclusion = message(f"classify.conclusion.{c.rule.value}", lang, type=type_label(kind, lang))
    text = ", ".join(f for f in facts if f) + ": " + conclusion
    if c.rule is not Rule.ALAND and is_swedish_or_bilingual(c.profile.language_status):
        text += message(
            "classify.also_swedish",
            lang,
            status=message(f"classify.language.{c.profile.language_status}", lang),
            type=type_label(T.SWEDISH_BILINGUAL, lang),
        )
    return text


def _fact(name: str, c: Classification, lang: str) -> str:
    p = c.profile
    if name == "population":
        return _population_fact(c, lang)
    if name == "language":
        status = p.language_status or "unknown"
        return message(f"classify.language.{status}", lang)
    if name == "regional_centre":
        return _regional_centre_fact(p, lang) if p.centre_role == "regional_centre" else ""
    if name == "centre":
        return _centre_fact(p, lang)
    if name == "frame":
        return _frame_fact(p, lang)
    return message(f"classify.fact.{name}", lang)  # aland, not_regional_centre


def _population_fact(c: Classification, lang: str) -> str:
    if c.profile.population is None:
        return message("classify.fact.population_unknown", lang)
    number = format_number(c.profile.population, lang)
    qualifier = _POPULATION_QUALIFIER.get(c.rule)
    if qualifier is None:
        return message("classify.fact.population", lang, n=number)
    word, limit = qualifier
    return message(
        f"classify.fact.population_{word}", lang, n=number, limit=format_number(limit, lang)
    )


def _regional_centre_fact(p: Profile, lang: str) -> str:
    region = p.region_name_sv if lang == "sv" and p.region_name_sv else p.region_name
    if region:
        return message("classify.fact.regional_centre_of", lang, region=region)
    return message("classify.fact.regional_centre", lang)


def _centre_fact(p: Profile, lang: str) -> str:
    if p.centre_role is None:
        return message("classify.fact.centre_unknown", lang)
    if p.centre_role != "subregion_centre":
        return message("classify.fact.not_centre", lang)
    if p.subregion_name:
        return message("classify.fact.subregion_centre_of", lang, subregion=p.subregion_name)
    return message("classify.fact.subregion_centre", lang)


def _frame_fact(p: Profile, lang: str) -> str:
    if p.frame_region is None:
        return message("classify.fact.frame_unknown", lang)
    if not p.frame_region:
        return message("classify.fact.not_frame", lang)
    if p.subregion_name:
        return message("classify.fact.frame_of", lang, subregion=p.subregion_name)
    return message("classify.fact.frame", lang)


def _near_note(c: Classification, lang: str) -> str:
    assert c.threshold is not None and c.runner_up is not None
    assert c.profile.population is not None
    return message(
        "classify.note.near_threshold",
        lang,
        n=format_number(c.profile.population, lang),
        limit=format_number(c.threshold, lang),
        type=type_label(c.primary, lang),
        runner_up=type_label(c.runner_up, lang),
    )
