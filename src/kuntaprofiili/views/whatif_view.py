"""The words and the terminal section of 'what would lift the score'."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kuntaprofiili.core.answers import answer_text
from kuntaprofiili.core.assessment import Assessment
from kuntaprofiili.core.content import Content
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.numbers import format_number, format_score, format_score_range
from kuntaprofiili.core.scoring import band_of
from kuntaprofiili.core.whatif import Change, Lift, Outcome, lift_of, plan_json
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
        # mid-sentence the name is a common word: 'Heikoin ulottuvuus on ekologinen'
        "dimension": message(f"dimension.{lift.dimension}", lang).lower(),
        "score": score,
        "band": band,
        "target": message(f"band.{lift.target}", lang),
    }
    if lift.outcome is Outcome.NOTHING:
        return message("whatif.nothing", lang, **words)
    after = _score_words(lift.after, lang)[0]
    if lift.outcome is Outcome.OUT_OF_REACH:
        return message("whatif.best_term", lang, after=after, **words)
    return message("whatif.plan_term", lang, after=after, **words)


def second_term_summary(lift: Lift, lang: str) -> str | None:
    """What a second council term would add, when one term is not enough."""
    if not lift.second_term:
        return None
    score, band = _score_words(lift.second_after, lang)
    return message("whatif.second_term", lang, after=score, band=band)


def change_text(change: Change, questionnaire: Questionnaire, lang: str) -> str:
    """'Question: old answer → new answer'."""
    item = questionnaire.item(change.item_id)
    before, after = answer_text(item, change.before, lang), answer_text(item, change.after, lang)
    text = message("whatif.change", lang, question=item.text.get(lang), before=before, after=after)
    ind = item.indicator
    if ind is not None and ind.term_change is not None:
        note = message(
            "whatif.term_note",
            lang,
            change=format_number(ind.term_change, lang),
            unit=ind.unit.get(lang),
        )
        text += f" ({note})"
    return text


def measure_text(change: Change, lang: str) -> str:
    """'Measure: title (effort: small)'."""
    measure = change.measure
    return message(
        "whatif.measure", lang, title=measure.title.get(lang), effort=measure.effort.label(lang)
    )


def _changes(
    changes: tuple[Change, ...], questionnaire: Questionnaire, lang: str
) -> list[RenderableType]:
    """Numbered changes with their measures; wrapped lines hang under the text."""
    if not changes:
        return []
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column()
    for number, change in enumerate(changes, start=1):
        grid.add_row(f"{number}.", Text(change_text(change, questionnaire, lang), style="bold"))
        grid.add_row("", Text(measure_text(change, lang)))
    return [grid]


def lift_block(lift: Lift, questionnaire: Questionnaire, lang: str) -> RenderableType:
    """The 'what would lift the score' section of the terminal report."""
    parts: list[RenderableType] = [
        Text("\n" + message("whatif.heading", lang), style="bold underline"),
        Text(lift_summary(lift, lang)),
        *_changes(lift.changes, questionnaire, lang),
    ]
    if lift.changes:
        parts.append(Text(message("whatif.effort", lang, cost=lift.cost), style="italic"))
    second = second_term_summary(lift, lang)
    if second is not None:
        parts.append(Text(second))
        parts += _changes(lift.second_term, questionnaire, lang)
    return Group(*parts)


def whatif_block(assessment: Assessment, content: Content, lang: str) -> RenderableType:
    """The terminal report's 'what would lift the score' section for an assessment."""
    return lift_block(lift_of(assessment, content), assessment.questionnaire, lang)


def lift_json(lift: Lift, questionnaire: Questionnaire, lang: str) -> dict[str, object]:
    """The plan as JSON with its sentences (``whatif --json``)."""
    data = plan_json(lift)
    data["summary"] = lift_summary(lift, lang)
    for key, plan in (("changes", lift.changes), ("second_term", lift.second_term)):
        for record, change in zip(data[key], plan, strict=True):  # type: ignore[call-overload]
            record["text"] = change_text(change, questionnaire, lang)
    return data
