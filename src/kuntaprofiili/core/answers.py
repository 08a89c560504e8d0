"""Answers: one value per item, from a prompt, an answers file or a spreadsheet cell.

A value is a number (numeric items), a choice code, or ``dont_know``. ``coerce_answer``
is the one place that decides what a typed or written answer means, so the prompt, the
answers file and the batch sheet all accept the same things.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kuntaprofiili.core.evidence import Evidence, evidence_mapping, parse_evidence
from kuntaprofiili.core.model import DONT_KNOW, Item, Questionnaire, yaml_code
from kuntaprofiili.core.numbers import (
    MAX_DIGITS,
    PeopleNumber,
    format_number,
    parse_number,
)
from kuntaprofiili.core.printable import MAX_NAME_LENGTH, printable
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import AnswerError
from kuntaprofiili.i18n import LANGS, Lines, Term, message

AnswerValue = float | str
Answers = Mapping[str, AnswerValue]

# What people write for "don't know" in the three languages, folded (see text.fold).
DONT_KNOW_WORDS = frozenset(
    {
        "dont_know",
        "dont know",
        "don't know",
        "en tieda",
        "ei tietoa",
        "vet ej",
        "vet inte",
        "?",
        "-",
    }
)


def is_dont_know(value: object) -> bool:
    """Whether a raw value means 'don't know' (empty counts as unknown too)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and (value.strip() == "" or fold(value) in DONT_KNOW_WORDS)


@dataclass(frozen=True, slots=True)
class ChoiceList:
    """An item's choices as the prompt numbers them, '1) Kyllä, 2) Osittain', in any language."""

    item: Item

    def render(self, lang: str) -> str:
        """The numbered labels in ``lang``."""
        return ", ".join(
            message("answer.choice", lang, number=number, label=choice.label.get(lang))
            for number, choice in enumerate(self.item.choices, start=1)
        )


def expected_term(item: Item) -> Term:
    """What an answer to ``item`` must look like, in any language (for error messages).

    Choices are named by their number and label, never by their code.
    """
    dont_know: Term | str = Term.of("answer.or_dont_know") if item.dont_know else ""
    if item.indicator is not None:
        ind = item.indicator
        low, high = PeopleNumber(ind.min), PeopleNumber(ind.max)
        return Term.of("answer.expected_number", min=low, max=high, dk=dont_know)
    return Term.of(
        "answer.expected_choice_numbered",
        n=len(item.choices),
        choices=ChoiceList(item),
        dk=dont_know,
    )


def expected_text(item: Item, lang: str = "en") -> str:
    """:func:`expected_term` in ``lang``."""
    return expected_term(item).render(lang)


def coerce_answer(item: Item, value: object) -> AnswerValue:
    """The canonical answer for ``value``, or AnswerError saying what was expected."""
    if is_dont_know(value):
        if not item.dont_know:
            raise _bad(item, value, "answer.dont_know_not_allowed")
        return DONT_KNOW
    if item.indicator is not None:
        return _coerce_number(item, value)
    return _coerce_choice(item, value)


def _bad(item: Item, value: object, key: str = "answer.invalid") -> AnswerError:
    shown = PeopleNumber(value) if isinstance(value, float) else str(value)
    return AnswerError(key, item=item.id, value=shown, expected=expected_term(item))


def _coerce_number(item: Item, value: object) -> float:
    assert item.indicator is not None
    if isinstance(value, bool):
        raise _bad(item, value)
    if isinstance(value, int) and abs(value) >= 10**MAX_DIGITS:
        raise _bad(item, value, "answer.out_of_range")  # float() of a huge int overflows
    number = float(value) if isinstance(value, int | float) else parse_number(str(value))
    if number is None or math.isnan(number) or math.isinf(number):
        raise _bad(item, value)
    if not item.indicator.min <= number <= item.indicator.max:
        raise _bad(item, value, "answer.out_of_range")
    return number


def _coerce_choice(item: Item, value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = yaml_code(value)
    wanted = fold(str(value))
    for choice in item.choices:
        names = {choice.code, *(fold(choice.label.get(lang)) for lang in LANGS)}
        if wanted in names:
            return choice.code
    number = choice_number(wanted, len(item.choices))
    if number is not None:
        return item.choices[number - 1].code
    raise _bad(item, value)


def choice_number(text: str, count: int) -> int | None:
    """The choice ``text`` numbers (1 to ``count``), as the prompt shows them; else None.

    Only the ASCII digits 0-9 make a number: '²', '⑤' and '１' are digits to
    ``str.isdigit`` but not numbers anyone meant to type.
    """
    text = text.strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > 3:
        return None
    number = int(text)
    return number if 1 <= number <= count else None


def is_odd_digit(text: str) -> bool:
    """Whether ``text`` looks like a number but is made of superscript, circled or
    full-width digits (which ``int`` refuses or reads unexpectedly)."""
    text = text.strip()
    return bool(text) and not text.isascii() and all(c.isdigit() or c.isnumeric() for c in text)


@dataclass(frozen=True, slots=True)
class AnswerSet:
    """A municipality's answers to one questionnaire, as saved in an answers file."""

    questionnaire_id: str
    questionnaire_version: str
    answers: Mapping[str, AnswerValue]
    municipality: str | None = None
    timestamp: str = field(
        default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds")
    )
    type_override: str | None = None
    # per answer: {"origin": "fetched"|"typed", provider, source, year, ...} (data update)
    provenance: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    evidence: Mapping[str, Evidence] = field(default_factory=dict)  # note/source/year per item
    language: str | None = None  # of the session that gave the answers; resume keeps it

    def to_mapping(self) -> dict[str, Any]:
        """The answers-file form (see README, 'Answers file')."""
        data: dict[str, Any] = {
            "municipality": self.municipality,
            "questionnaire": {"id": self.questionnaire_id, "version": self.questionnaire_version},
            "timestamp": self.timestamp,
        }
        if self.language:
            data["language"] = self.language
        if self.type_override:
            data["type"] = self.type_override
        data["answers"] = {k: _plain(v) for k, v in self.answers.items()}
        if self.provenance:
            data["provenance"] = {k: dict(v) for k, v in self.provenance.items()}
        if evidence := evidence_mapping(self.evidence):
            data["evidence"] = evidence
        return data


def _plain(value: AnswerValue) -> int | float | str:
    """Whole numbers are written without '.0' so files stay readable."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_answers(raw: Any, questionnaire: Questionnaire, source: str) -> AnswerSet:
    """Validate an answers-file mapping against ``questionnaire``; report every bad answer."""
    answer_set, problems = carry_answers(raw, questionnaire, source)
    if problems:
        raise AnswerError("error.answers_invalid", path=source, problems=Lines(tuple(problems)))
    return answer_set


def carry_answers(
    raw: Any, questionnaire: Questionnaire, source: str
) -> tuple[AnswerSet, list[Term]]:
    """The valid answers of an answers-file mapping, and why each other one was left out.

    Resuming a draft after the questionnaire changed keeps what still fits. A file that
    is not an answers file at all (no ``answers:`` mapping, another questionnaire, an
    over-long municipality name) is an AnswerError.
    """
    if not isinstance(raw, Mapping) or not isinstance(raw.get("answers"), Mapping):
        raise AnswerError("error.answers_shape", path=source)
    meta = raw.get("questionnaire") or {}
    qid = str(meta.get("id", questionnaire.id)) if isinstance(meta, Mapping) else questionnaire.id
    if qid != questionnaire.id:
        raise AnswerError(
            "error.answers_wrong_questionnaire", path=source, found=qid, expected=questionnaire.id
        )
    answers, problems = _coerce_all(raw["answers"], questionnaire)
    evidence, evidence_problems = parse_evidence(raw.get("evidence"), questionnaire)
    problems += evidence_problems
    version = meta.get("version", questionnaire.version) if isinstance(meta, Mapping) else None
    answer_set = AnswerSet(
        questionnaire_id=qid,
        questionnaire_version=printable(str(version or questionnaire.version))[:64],
        answers=answers,
        municipality=_municipality(raw.get("municipality"), source),
        timestamp=printable(str(raw.get("timestamp") or ""))[:64],
        type_override=str(raw["type"])[:64] if raw.get("type") else None,
        provenance=_provenance(raw.get("provenance"), answers),
        evidence=evidence,
        language=str(raw["language"]) if raw.get("language") in LANGS else None,
    )
    return answer_set, problems


def _municipality(value: object, source: str) -> str | None:
    """The municipality name of a file, shown in terminals: no controls, bounded length."""
    if value in (None, ""):
        return None
    name = printable(str(value)).strip()
    if len(name) > MAX_NAME_LENGTH:
        raise AnswerError(
            "reliability.name_too_long", path=source, length=len(name), limit=MAX_NAME_LENGTH
        )
    return name or None


def _provenance(raw: Any, answers: Mapping[str, AnswerValue]) -> dict[str, Mapping[str, Any]]:
    """Where each answer came from, kept as written for the answers that exist."""
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): v for k, v in raw.items() if str(k) in answers and isinstance(v, Mapping)}


def _coerce_all(
    raw: Mapping[Any, Any], questionnaire: Questionnaire
) -> tuple[dict[str, AnswerValue], list[Term]]:
    answers: dict[str, AnswerValue] = {}
    problems: list[Term] = []
    for key, item, value in questionnaire.match_items(raw):
        if item is None:
            problems.append(Term.of("answer.unknown_item", item=key))
            continue
        try:
            answers[item.id] = coerce_answer(item, value)
        except AnswerError as error:
            problems.append(Term(error.key, tuple(error.params.items())))
    return answers, problems


def applicable_ids(questionnaire: Questionnaire, answers: Answers) -> frozenset[str]:
    """Ids of the items asked given one municipality's ``answers``.

    The scalar form of ``scoring.applicability``, kept so that the interview starts
    without numpy; both apply ``Condition.codes_met`` and ``Item.choice_index``, and
    tests/test_applicability.py checks that they agree. An item whose ``when`` refers to
    an item that is itself not asked is not asked either, so a stale answer left behind
    by going back never switches a follow-up on.
    """
    asked: set[str] = set()
    for item in questionnaire.items:
        condition = item.when
        if condition is None:
            asked.add(item.id)
            continue
        source = questionnaire.item(condition.item)
        index = source.choice_index(answers.get(source.id))
        met = condition.codes_met(source)
        if source.id in asked and index is not None and source.choices[index].code in met:
            asked.add(item.id)
    return frozenset(asked)


def answer_text(item: Item, value: AnswerValue | None, lang: str) -> str:
    """An answer as the official reads it: the choice label, or the number and unit."""
    if value is None or value == DONT_KNOW:
        return message("whatif.unanswered", lang)
    if item.indicator is not None:
        number = format_number(float(value), lang)
        return f"{number}\u00a0{item.indicator.unit.get(lang)}"  # the unit stays with it
    choice = item.choice(str(value))
    return choice.label.get(lang) if choice is not None else str(value)
