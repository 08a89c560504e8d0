"""Exceptions the tool raises on bad input, and the exit codes they map to.

Core code raises these and never prints or exits; the CLI turns them into a short
message on stderr and the matching exit code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import IntEnum, unique
from typing import Any

from kuntaprofiili.i18n import Lines, Term


@unique
class ExitCode(IntEnum):
    """Process exit codes; documented in the README."""

    OK = 0
    ERROR = 1
    USAGE = 2  # Click's own; we never raise it ourselves
    ROWS_REJECTED = 3
    INTERRUPTED = 130


class KuntaprofiiliError(Exception):
    """A problem the user can fix; its message is shown without a traceback.

    ``key`` names a message in messages.toml so the CLI can show it in the user's
    language; ``params`` fill its placeholders. ``str(error)`` is the English text,
    which keeps the exception readable in logs and tests.
    """

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def __str__(self) -> str:
        from kuntaprofiili.i18n import message

        return message(self.key, "en", **self.params)


class QuestionnaireError(KuntaprofiiliError):
    """A questionnaire file is unreadable or breaks the schema.

    Carries every problem found, as ``location: message`` lines, so one run shows them all.
    """

    def __init__(self, path: str, problems: Sequence[Term]) -> None:
        self.problems = tuple(problems)
        super().__init__("error.questionnaire", path=path, problems=Lines(self.problems))


class AnswerError(KuntaprofiiliError):
    """An answer (in an answers file or at a prompt) does not fit its question."""


class InputFileError(KuntaprofiiliError):
    """A file cannot be read, is too large, or is in the wrong format."""


class OutputFileError(KuntaprofiiliError):
    """A file cannot be written, or would overwrite an existing one."""


class Interrupted(KuntaprofiiliError):  # an event, not a bug: no 'Error' suffix
    """The user stopped the questionnaire; carries the answers given so far."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(
        self, answers: Mapping[str, object], draft: str | None = None, command: str | None = None
    ) -> None:
        self.answers = dict(answers)
        self.draft = draft
        key = "error.interrupted" if draft else "error.interrupted_nothing"
        super().__init__(key, draft=draft or "-", command=command or "-")
