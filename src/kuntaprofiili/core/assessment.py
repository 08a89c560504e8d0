"""One municipality's complete result: answers, scores, type and advice.

``build_assessment`` is the single path from answers to everything the report and the
exports show, whether the answers came from the prompt or from a file.
"""

from __future__ import annotations

from dataclasses import dataclass

from kuntaprofiili.core.advice import Suggestion, suggest_measures
from kuntaprofiili.core.answers import AnswerSet
from kuntaprofiili.core.classify import Classification, classify, override
from kuntaprofiili.core.content import Content
from kuntaprofiili.core.model import MunicipalityType, Questionnaire
from kuntaprofiili.core.municipality import Municipality
from kuntaprofiili.core.profile import profile_from_answers
from kuntaprofiili.core.scoring import Scores, score

SUGGESTION_COUNT = 5


@dataclass(frozen=True, slots=True)
class Assessment:
    """Everything known about one assessment; pure data for report and export."""

    questionnaire: Questionnaire
    answer_set: AnswerSet
    scores: Scores
    classification: Classification
    suggestions: tuple[Suggestion, ...]
    content: Content
    municipality: Municipality | None = None

    @property
    def in_aland(self) -> bool:
        """Whether the municipality is in Åland, which has its own municipal legislation."""
        return in_aland(self.classification, self.municipality)

    @property
    def name(self) -> str:
        """The municipality as the user named it (or as the data names it)."""
        if self.answer_set.municipality:
            return self.answer_set.municipality
        return self.municipality.name_fi if self.municipality else "-"

    def item_text(self, item_id: str | None, lang: str) -> str | None:
        """The question text of an item, for sentences that name it; None if unknown."""
        if item_id is None:
            return None
        try:
            return self.questionnaire.item(item_id).text.get(lang)
        except KeyError:
            return None


def in_aland(classification: Classification, municipality: Municipality | None) -> bool:
    """Whether the municipality is in Åland, by the reference data or the classified facts."""
    profile = classification.profile
    return bool(municipality is not None and municipality.is_aland) or bool(
        profile is not None and profile.is_aland
    )


def build_assessment(
    questionnaire: Questionnaire,
    answer_set: AnswerSet,
    content: Content,
    municipality: Municipality | None = None,
    type_override: MunicipalityType | None = None,
) -> Assessment:
    """Score, classify and advise."""
    scores = score(questionnaire, answer_set.answers)
    classification = classify(profile_from_answers(answer_set.answers, municipality))
    if type_override is not None:
        classification = override(classification, type_override)
    suggestions = suggest_measures(
        content,
        questionnaire,
        answer_set.answers,
        classification.types,
        SUGGESTION_COUNT,
        in_aland(classification, municipality),
    )
    return Assessment(
        questionnaire, answer_set, scores, classification, suggestions, content, municipality
    )
