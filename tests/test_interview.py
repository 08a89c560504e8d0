"""The interview in-process, through its injectable line reader (beside the pty tests).

Each test scripts the lines an official would type; the console writes to a string, so
what the interview said can be read back. Fast, and independent of terminals and signals.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

import pytest
from rich.console import Console

from kuntaprofiili.core.answers import AnswerValue, is_dont_know
from kuntaprofiili.core.model import DONT_KNOW, Questionnaire
from kuntaprofiili.errors import Interrupted
from kuntaprofiili.views.interview import DONT_KNOW_KEY, Interview

# Replies to mini.yaml in order, when the climate plan is "yes" (the follow-up is asked).
FULL = ["12000", "1", "4", "7", "partly", "some", "4500", "yes", "no", "55"]
FULL_ANSWERS: dict[str, AnswerValue] = {
    "population": 12000.0,
    "climate_plan": "yes",
    "plan_monitored": "4",
    "co2_per_capita": 7.0,
    "welfare_report": "partly",
    "participation": "some",
    "loan_per_capita": 4500.0,
    "budget_balanced": "yes",
    "digital_roadmap": "no",
    "broadband_share": 55.0,
}


class Script:
    """A line reader that replies from a list and records the prompts it was shown."""

    def __init__(self, replies: Iterable[str]) -> None:
        self.replies = list(replies)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.replies:
            raise EOFError  # as input() does when the terminal closes
        return self.replies.pop(0)


def interview(
    mini: Questionnaire,
    replies: Iterable[str],
    lang: str = "en",
    answers: Mapping[str, AnswerValue] | None = None,
    defaults: Mapping[str, AnswerValue] | None = None,
) -> tuple[Interview, Script, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, force_terminal=False)
    script = Script(replies)
    session = Interview(
        mini, console, script, lang, answers=dict(answers or {}), defaults=dict(defaults or {})
    )
    return session, script, out


def test_a_full_session_returns_every_answer(mini: Questionnaire) -> None:
    session, script, out = interview(mini, [*FULL, ""])
    assert session.run() == FULL_ANSWERS
    assert not script.replies
    # the count grows when "yes" switches the follow-up on
    assert "question 1 of 9" in out.getvalue() and "question 3 of 10" in out.getvalue()
    assert script.prompts[-1].startswith("Type a number to change that answer")


def test_every_answer_is_passed_on_as_it_is_given(mini: Questionnaire) -> None:
    session, _, _ = interview(mini, [*FULL, ""])
    seen: list[dict[str, AnswerValue]] = []
    session.on_change = lambda answers: seen.append(dict(answers))
    session.run()
    assert len(seen) == len(FULL)
    assert seen[0] == {"population": 12000.0}
    assert seen[-1] == FULL_ANSWERS


def test_help_dont_know_and_back(mini: Questionnaire) -> None:
    replies = ["?", "12000", "<", "", "-", "<", "1", "4", *FULL[3:], ""]
    session, _, out = interview(mini, replies)
    answers = session.run()
    assert "Statistics Finland." in out.getvalue()  # the help of question 1
    # "-" gave don't know to the climate plan; going back and answering "1" replaced it
    assert answers["climate_plan"] == "yes"
    assert answers["population"] == 12000.0  # Enter kept the earlier answer


def test_dont_know_is_an_answer_where_allowed(mini: Questionnaire) -> None:
    replies = ["12000", "-", *FULL[3:], ""]
    session, _, _ = interview(mini, replies)
    answers = session.run()
    assert answers["climate_plan"] == DONT_KNOW
    assert "plan_monitored" not in answers  # don't know asks no follow-up


def test_dont_know_is_refused_where_not_allowed(mini: Questionnaire) -> None:
    session, _, out = interview(mini, ["-", *FULL, ""])
    assert session.run() == FULL_ANSWERS
    assert 'This question cannot be answered "don' in out.getvalue()


def test_a_bad_answer_is_asked_again_with_what_was_expected(mini: Questionnaire) -> None:
    replies = ["12000", "1", "4", "lots", "250", "7", *FULL[4:], ""]
    session, _, out = interview(mini, replies)
    assert session.run() == FULL_ANSWERS
    text = out.getvalue()
    assert '"lots" is not valid' in text
    assert '"250" is not valid' in text  # out of the 0-100 range


def test_no_plan_skips_the_follow_up(mini: Questionnaire) -> None:
    replies = ["12000", "no", *FULL[3:], ""]
    session, _, out = interview(mini, replies)
    answers = session.run()
    assert "plan_monitored" not in answers
    assert "question 2 of 9" in out.getvalue()


def test_changing_an_answer_in_the_review_asks_the_follow_up_it_switches_on(
    mini: Questionnaire,
) -> None:
    replies = ["12000", "no", *FULL[3:], "2", "yes", "5", ""]
    session, _, _ = interview(mini, replies)
    answers = session.run()
    assert answers["climate_plan"] == "yes"
    assert answers["plan_monitored"] == "5"


def test_a_review_number_out_of_range_is_refused(mini: Questionnaire) -> None:
    session, _, out = interview(mini, [*FULL, "99", ""])
    assert session.run() == FULL_ANSWERS
    assert "Type a number from 1 to 10 or press Enter." in out.getvalue()


def test_labels_are_read_in_the_session_language(mini: Questionnaire) -> None:
    replies = ["12 000", "Kyllä", "4", "7", "osittain", "joitain", "4500", "kylla", "ei", "55"]
    session, _, out = interview(mini, [*replies, ""], lang="fi")
    assert session.run() == FULL_ANSWERS
    assert "kysymys 1/9" in out.getvalue()


def test_defaults_are_offered_and_enter_takes_them(mini: Questionnaire) -> None:
    session, script, _ = interview(mini, ["", *FULL[1:], ""], defaults={"population": 9000.0})
    answers = session.run()
    assert answers["population"] == 9000.0
    assert script.prompts[0] == "[9,000\u00a0inhabitants] > "  # the unit stays with the number


def test_a_resumed_session_starts_at_the_first_unanswered_question(mini: Questionnaire) -> None:
    earlier = {k: FULL_ANSWERS[k] for k in ("population", "climate_plan", "plan_monitored")}
    session, _, out = interview(mini, [*FULL[3:], ""], answers=earlier)
    assert session.run() == FULL_ANSWERS
    assert "question 4 of 10" in out.getvalue()
    assert "question 1 of 10" not in out.getvalue()


@pytest.mark.parametrize("error", [EOFError, KeyboardInterrupt])
def test_stopping_carries_the_answers_so_far(mini: Questionnaire, error: type) -> None:
    session, script, _ = interview(mini, FULL[:3])

    def stop(prompt: str) -> str:
        if script.replies:
            return script(prompt)
        raise error

    session.read_line = stop
    with pytest.raises(Interrupted) as stopped:
        session.run()
    assert stopped.value.answers == {k: FULL_ANSWERS[k] for k in list(FULL_ANSWERS)[:3]}


def test_the_advertised_keys_are_what_the_answers_read() -> None:
    assert is_dont_know(DONT_KNOW_KEY)


@pytest.mark.parametrize("aland", [True, False])
def test_aland_sees_why_a_mainland_question_differs(aland: bool) -> None:
    from kuntaprofiili.files.questionnaire_file import load_questionnaire
    from kuntaprofiili.files.resources import default_questionnaire

    q = load_questionnaire(default_questionnaire())
    noted = next(i for i in q.items if i.aland_note is not None)
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None, force_terminal=False)
    session = Interview(q, console, Script([]), "sv", aland=aland)
    session._show_question(noted, 0, 1)
    note = " ".join(noted.aland_note.get("sv").split()) if noted.aland_note else ""
    assert (note in " ".join(out.getvalue().split())) is aland
