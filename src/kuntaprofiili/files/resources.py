"""Where the bundled questionnaires and reference data are.

In a built wheel they sit inside the package (hatchling force-include); in a source
checkout (editable install, tests) they are at the repository root. This is the one
function that knows both places.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONNAIRE = "kestava-kunta.yaml"


def bundled(folder: str) -> Path:
    """The bundled ``questionnaires`` or ``data`` folder."""
    inside = _PACKAGE / folder
    if inside.is_dir():
        return inside
    return _PACKAGE.parent.parent / folder


def data_file(name: str) -> Path:
    """A file in the bundled data folder."""
    return bundled("data") / name


def default_questionnaire() -> Path:
    """The bundled default questionnaire."""
    return bundled("questionnaires") / DEFAULT_QUESTIONNAIRE
