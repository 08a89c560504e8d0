"""The questionnaire in the terminal: ask, help, don't know, go back, review and change.

The console and the line reader are passed in, so tests can drive it and the CLI decides
where drafts go: ``on_change`` is called after every answer with all answers so far.
Ctrl-C and end of input raise :class:`Interrupted` carrying those answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from kuntaprofiili.core.answers import (
    AnswerValue,
    applicable_ids,
    choice_number,
    coerce_answer,
    expected_text,
    is_odd_digit,
)
from kuntaprofiili.core.evidence import Evidence
from kuntaprofiili.core.model import DONT_KNOW, Item, Questionnaire
from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.errors import AnswerError, Interrupted
from kuntaprofiili.i18n import message

HELP_KEY = "?"
BACK_KEY = "<"
DONT_KNOW_KEY = "-"  # one of answers.DONT_KNOW_WORDS: coerce_answer reads it
EVIDENCE_KEY = "!"

ReadLine = Callable[[str], str]
OnChange = Callable[[Mapping[str, AnswerValue]], None]


@dataclass
class Interview:
    """State of one questionnaire session."""

    questionnaire: Questionnaire
    console: Console
    read_line: ReadLine
    lang: str
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    defaults: Mapping[str, AnswerValue] = field(default_factory=dict)
    default_notes: Mapping[str, str] = field(default_factory=dict)  # "SYKE 2023" after a default
    on_change: OnChange = lambda _answers: None
    evidence: dict[str, Evidence] = field(default_factory=dict)  # read by on_change too
    aland: bool = False  # an Åland municipality: questions that assume mainland law say so

    def t(self, key: str, /, **params: object) -> str:
        """A UI text in the session's language."""
        return message(key, self.lang, **params)

    def run(self) -> dict[str, AnswerValue]:
        """Ask every applicable question, then let the user review and change answers."""
        try:
            self._ask_from(self._first_unanswered())
            self._review()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(self.answers) from None
        return dict(self.answers)

    # -- walking the questions --------------------------------------------------------

    def _asked(self) -> list[Item]:
        ids = applicable_ids(self.questionnaire, self.answers)
        return [i for i in self.questionnaire.items if i.id in ids]

    def _first_unanswered(self) -> int:
        asked = self._asked()
        return next((k for k, i in enumerate(asked) if i.id not in self.answers), len(asked))

    def _ask_from(self, position: int) -> None:
        """Ask from ``position`` on; going back before the first question stays there."""
        while position < len(asked := self._asked()):
            went_back = self._ask(asked[position], position, len(asked))
            position = max(position - 1, 0) if went_back else position + 1

    def _ask(self, item: Item, position: int, total: int) -> bool:
        """Ask one item until it has a valid answer; True when the user went back."""
        self._show_question(item, position, total)
        while True:
            raw = self.read_line(self._prompt_text(item)).strip()
            if raw == BACK_KEY:
                return True
            if raw == HELP_KEY:
                help_text = Text(item.help.get(self.lang))
                self.console.print(Panel(help_text, title=self.t("ui.help_title")))
                continue
            if raw == EVIDENCE_KEY:
                self._ask_evidence(item)
                continue
            value = self._interpret(item, raw)
            if value is not None:
                self.answers[item.id] = value
                self.on_change(self.answers)
                return False

    def _interpret(self, item: Item, raw: str) -> AnswerValue | None:
        """The answer meant by ``raw``, or None after saying what is wrong."""
        current = self.answers.get(item.id, self.defaults.get(item.id))
        if raw == "" and current is not None:
            return current
        if raw == "":
            self.console.print(
                self.t("ui.empty_answer", expected=expected_text(item, self.lang)), markup=False
            )
            return None
        expected = expected_text(item, self.lang)
        if is_odd_digit(raw):
            self._complain(self.t("answer.not_ascii_number", value=raw))
            return None
        if raw == DONT_KNOW_KEY and not item.dont_know:
            self._complain(self.t("answer.dont_know_typed", expected=expected))
            return None
        if raw == DONT_KNOW_KEY:
            raw = DONT_KNOW
        number = choice_number(raw, len(item.choices)) if item.choices else None
        if number is not None:
            return item.choices[number - 1].code
        try:
            return coerce_answer(item, raw)
        except AnswerError as error:
            if error.key == "answer.dont_know_not_allowed":
                self._complain(self.t("answer.dont_know_typed", expected=expected))
            else:
                self._complain(self.t("ui.invalid_answer", value=raw, expected=expected))
            return None

    def _ask_evidence(self, item: Item) -> None:
        """Ask a note and a source for ``item``; a figure with a named source asks its year."""
        old = self.evidence.get(item.id, Evidence())
        note = self._read_text("evidence.ask_note", old.note)
        source = self._read_text("evidence.ask_source", old.source)
        year = old.year
        if item.numeric and source:
            year = self._read_year(old.year)
        self.evidence[item.id] = Evidence(note, source, year)
        self.on_change(self.answers)
        self.console.print(self.t("evidence.saved"), style="dim")

    def _read_text(self, key: str, old: str | None) -> str | None:
        shown = f" [{old}]" if old else ""
        raw = self.read_line(self.t(key) + shown + " > ").strip()
        return (" ".join(raw.split()) or None) if raw else old

    def _read_year(self, old: int | None) -> int | None:
        while True:
            raw = self.read_line(self.t("evidence.ask_year") + (f" [{old}]" if old else "") + " > ")
            raw = raw.strip()
            if raw == "" and old is not None:
                return old
            if raw.isdigit() and 1990 <= int(raw) <= 2100:
                return int(raw)
            self.console.print(self.t("evidence.bad_year"), style="red")

    def _complain(self, text: str) -> None:
        self.console.print(text, style="red", markup=False, highlight=False)

    # -- showing --------------------------------------------------------------------------

    def _show_question(self, item: Item, position: int, total: int) -> None:
        section = self.questionnaire.section_of(item.id)
        progress = self.t("ui.progress", k=position + 1, n=total)
        self.console.print()
        # Text objects, not markup: "[/]" or "[arvio]" in a custom questionnaire is plain text.
        self.console.rule(Text(f"{section.title.get(self.lang)} · {progress}"), align="left")
        self.console.print(Text(item.text.get(self.lang), style="bold"), highlight=False)
        if self.aland and item.aland_note is not None:
            self.console.print(Text(item.aland_note.get(self.lang), style="italic"))
        if item.indicator is not None:
            ind = item.indicator
            hint = self.t(
                "ui.number_hint",
                unit=ind.unit.get(self.lang),
                min=format_number(ind.min, self.lang),
                max=format_number(ind.max, self.lang),
            )
            self.console.print(Text(hint, style="dim"), highlight=False)
        if item.choices:  # a grid, so that a long label wraps under itself, not under its number
            grid = Table.grid(padding=(0, 1, 0, 0))
            grid.add_column(justify="right", no_wrap=True, min_width=4)
            grid.add_column()
            for number, choice in enumerate(item.choices, start=1):
                grid.add_row(f"{number})", Text(choice.label.get(self.lang)))
            self.console.print(grid)
        self.console.print(Text(self._keys_hint(item), style="dim"), highlight=False)

    def _keys_hint(self, item: Item) -> str:
        keys = [
            self.t("ui.key_help", key=HELP_KEY),
            self.t("ui.key_back", key=BACK_KEY),
            self.t("evidence.key", key=EVIDENCE_KEY),
        ]
        if item.dont_know:
            keys.insert(0, self.t("ui.key_dont_know", key=DONT_KNOW_KEY))
        return "  ·  ".join(keys)

    def _prompt_text(self, item: Item) -> str:
        current = self.answers.get(item.id, self.defaults.get(item.id))
        if current is None:
            return "> "
        note = self.default_notes.get(item.id) if item.id not in self.answers else None
        shown = self.display(item, current)
        return f"[{shown}] {note} > " if note else f"[{shown}] > "

    def display(self, item: Item, value: AnswerValue) -> str:
        """An answer as the user would say it."""
        if value == DONT_KNOW:
            return self.t("ui.dont_know")
        choice = item.choice(str(value)) if item.choices else None
        if choice is not None:
            return choice.label.get(self.lang)
        if isinstance(value, float) and item.indicator is not None:
            return f"{format_number(value, self.lang)}\u00a0{item.indicator.unit.get(self.lang)}"
        return format_number(value, self.lang) if isinstance(value, float) else str(value)

    # -- review ---------------------------------------------------------------------------

    def _review(self) -> None:
        """Show every answer; a number re-asks that question; Enter finishes."""
        show_table = True
        while True:
            asked = self._asked()
            if self._ask_missing(asked):
                show_table = True
                continue
            if show_table:
                self.console.print(self._review_table(asked))
            raw = self.read_line(self.t("ui.review_prompt") + " ").strip()
            if raw == "":
                return
            number = choice_number(raw, len(asked))
            show_table = number is not None
            if number is not None:
                self._ask(asked[number - 1], number - 1, len(asked))
            elif is_odd_digit(raw):  # the message stays right above the prompt
                self._complain(self.t("answer.not_ascii_number", value=raw))
            else:
                self._complain(self.t("ui.review_invalid", n=len(asked)))

    def _ask_missing(self, asked: list[Item]) -> bool:
        """Ask questions that a changed answer switched on; True if any was asked."""
        missing = [(k, i) for k, i in enumerate(asked) if i.id not in self.answers]
        for position, item in missing:
            if self._ask(item, position, len(asked)):
                break  # "back" from here returns to the review
        return bool(missing)

    def _review_table(self, asked: list[Item]) -> Table:
        table = Table(title=self.t("ui.review_title"), show_lines=False, expand=False)
        table.add_column("#", justify="right", style="dim")
        table.add_column(self.t("ui.col_question"), overflow="fold", ratio=3)
        table.add_column(self.t("ui.col_answer"), overflow="fold", ratio=1)
        for number, item in enumerate(asked, start=1):
            answer = self.display(item, self.answers[item.id])
            table.add_row(str(number), Text(item.text.get(self.lang)), Text(answer))
        return table
