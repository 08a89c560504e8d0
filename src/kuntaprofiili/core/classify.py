"""Which of Kuntaliitto's five network types a municipality belongs to, and why.

Pure: a :class:`~kuntaprofiili.core.profile.Profile` in, a :class:`Classification` out.
A municipality holds every type whose definition its facts meet (README, "Municipality
types"; research notes §7):

* ``large_city``: over 50,000 inhabitants, or its region's regional centre (Kokkola, Kajaani).
* ``frame_municipality``: tied to one of the frame network's twelve central cities (same
  sub-region or employment area), its centre within reach of the city's centre, and
  built-up enough to be a commuter belt rather than countryside. Not a large city.
* ``regional_town``: the centre, or one of a centre pair, of its sub-region, not a
  regional centre, and big enough to be a town. A large city or frame municipality can
  hold it too (Salo, Kotka, Porvoo; Valkeakoski, Parainen, Ii).
* ``small_municipality``: under 10,000 and none of the above.
* ``swedish_bilingual``: bilingual or Swedish language status. Åland's municipalities
  hold this type only.

The primary type is the first held in :data:`PRIMARY_ORDER`. A mainland municipality of
10,000 or more that meets no size definition is not forced into one: if it is bilingual,
its primary type is ``swedish_bilingual`` with no size type; otherwise its primary type
is the *nearest fit* (the size type whose failing fact is relatively closest to its
limit), flagged ``fallback`` and not counted as a member of that network.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kuntaprofiili.core.classify_rules import classify_facts, rule_facts
from kuntaprofiili.core.profile import Profile
from kuntaprofiili.core.type_facts import Fact, TypeReason
from kuntaprofiili.core.type_notes import near_notes
from kuntaprofiili.core.type_reasons import word_notes, word_reason
from kuntaprofiili.core.typecodes import MunicipalityType
from kuntaprofiili.i18n import message

T = MunicipalityType


@dataclass(frozen=True, slots=True)
class Classification:
    """A primary type, the further types, and the facts behind each."""

    primary: MunicipalityType
    types: tuple[MunicipalityType, ...]  # every type held, primary first
    overridden: bool
    fallback: bool  # the primary size type is a nearest fit, not a definition met
    runner_up: MunicipalityType | None  # the primary type across the nearest threshold
    reasons: tuple[TypeReason, ...] = ()  # one per type the rules gave, primary first
    rejected: tuple[TypeReason, ...] = ()  # candidate types not held, with the failing facts
    note_facts: tuple[Fact, ...] = ()  # near-threshold and missing-fact notes
    profile: Profile | None = None
    classified_as: MunicipalityType | None = None  # what the rules gave, when overridden

    @property
    def members(self) -> tuple[MunicipalityType, ...]:
        """The types whose network definition is met (a nearest-fit primary is not)."""
        return self.types[1:] if self.fallback and not self.overridden else self.types

    def reason(self, lang: str) -> str:
        """The reason in plain words, with the facts used."""
        text = word_reason(self.reasons, self.rejected, lang)
        if self.overridden and self.classified_as is not None:
            kind = type_label(self.primary, lang)
            return message("classify.overridden", lang, type=kind, reason=text)
        return text

    def notes(self, lang: str) -> tuple[str, ...]:
        """Near-threshold, override and missing-fact notes, in that order."""
        notes = list(word_notes(self.note_facts, lang))
        if self.overridden and self.classified_as is not None:
            notes.append(
                message(
                    "classify.note.override",
                    lang,
                    type=type_label(self.primary, lang),
                    computed=type_label(self.classified_as, lang),
                )
            )
        return tuple(notes)


def type_label(kind: MunicipalityType, lang: str) -> str:
    """The type's name in ``lang`` (e.g. 'seutukaupunki')."""
    return message(f"type.{kind.value}", lang)


def classify(profile: Profile) -> Classification:
    """Every type the facts support, the primary one, the reasons and the notes."""
    facts = rule_facts(profile)
    held = classify_facts(facts)
    notes = near_notes(facts, held)
    return Classification(
        primary=held.types[0],
        types=held.types,
        overridden=False,
        fallback=held.fallback,
        runner_up=_runner_up(notes, held.types[0]),
        reasons=held.reasons,
        rejected=held.rejected,
        note_facts=(*notes, *_missing(profile)),
        profile=profile,
    )


def override(classification: Classification, primary: MunicipalityType) -> Classification:
    """The official's choice of primary type; the reason says the rules were overridden.

    The chosen type replaces the size types; the language type stays, as it follows
    from the language status alone.
    """
    computed = classification.classified_as or classification.primary
    bilingual = T.SWEDISH_BILINGUAL in classification.types
    keep_language = bilingual and primary is not T.SWEDISH_BILINGUAL
    types = (primary, T.SWEDISH_BILINGUAL) if keep_language else (primary,)
    near = tuple(n for n in classification.note_facts if n.key != "near_threshold")
    return replace(
        classification,
        primary=primary,
        types=types,
        overridden=True,
        runner_up=None,
        note_facts=near,
        classified_as=computed,
    )


def _runner_up(notes: tuple[Fact, ...], primary: MunicipalityType) -> MunicipalityType | None:
    for note in notes:
        other = note.get("primary_would_be")
        if isinstance(other, str) and other and other != primary.value:
            return MunicipalityType(other)
    return None


def _missing(profile: Profile) -> tuple[Fact, ...]:
    if profile.is_aland:
        return ()
    missing = profile.missing()
    return (Fact.of("missing", facts=" ".join(missing)),) if missing else ()
