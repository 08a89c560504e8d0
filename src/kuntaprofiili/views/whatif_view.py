"""The words and the terminal section of 'what would lift the score'."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from kuntaprofiili.core.answers import answer_text
from kuntaprofiili.core.assessment import Assessment
from kuntaprofiili.core.content import Content
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.numbers import format_score, format_score_range
from kuntaprofiili.core.scoring import band_of
from kuntaprofiili.core.whatif import Change, Lift, Outcome, lift_of
from kuntaprofiili.i18n import message
from kuntaprofiili.views.labels import band_label


def _score_words(score: float | None, lang: str) -> tuple[str, str]:
    return format_score(score, lang), band_label(
        band_of(score) if score is not None else None, lang
    )


def lift_summary(lift: Lift, lang: str) -> str:
    """The sentence above the changes (or instead of them)."""
    if lift.outcome is Outcome.NO_SCORE:
        return message("whatif.no_score", lang)
    if lift.outcome is Outcome.ALL_GREEN:
        return message("whatif.all_green", lang)
    score, band = _score_words(lift.before, lang)
    score = format_score_range(lift.before, *lift.before_range, lang)
    words = {
        "dimension": message(f"dimension.{lift.dimension}", lang),
        "score": score,
        "band": band,
        "target": message(f"band.{lift.target}", lang),
    }
    if lift.outcome is Outcome.OUT_OF_REACH:
        return message("whatif.out_of_reach", lang, **words)
    return message("whatif.intro", lang, after=_score_words(lift.after, lang)[0], **words)


def change_text(change: Change, questionnaire: Questionnaire, lang: str) -> str:
    """'Question: old answer → new answer'."""
    item = questionnaire.item(change.item_id)
    before, after = answer_text(item, change.before, lang), answer_text(item, change.after, lang)
    return message("whatif.change", lang, question=item.text.get(lang), before=before, after=after)


def measure_text(change: Change, lang: str) -> str:
    """'Measure: title (effort: small)'."""
    measure = change.measure
    return message(
        "whatif.measure", lang, title=measure.title.get(lang), effort=measure.effort.label(lang)
    )


def lift_block(lift: Lift, questionnaire: Questionnaire, lang: str) -> RenderableType:
    """The 'what would lift the score' section of the terminal report."""
    parts: list[RenderableType] = [
        Text("\n" + message("whatif.heading", lang), style="bold underline"),
        Text(lift_summary(lift, lang)),
    ]
    for number, change in enumerate(lift.changes, start=1):
        parts.append(Text(f"{number}. {change_text(change, questionnaire, lang)}", style="bold"))
        parts.append(Padding(Text(measure_text(change, lang)), (0, 0, 0, 3)))
    if lift.changes:
        parts.append(Text(message("whatif.cost", lang, cost=lift.cost), style="italic"))
    return Group(*parts)


def whatif_block(assessment: Assessment, content: Content, lang: str) -> RenderableType:
    """The terminal report's 'what would lift the score' section for an assessment."""
    return lift_block(lift_of(assessment, content), assessment.questionnaire, lang)
