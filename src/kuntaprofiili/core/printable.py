"""Text from files and options made safe to show: no control characters, bounded length.

A municipality name in an answers file is printed in a terminal; an escape sequence in
it (ESC ] 0 ; ... BEL sets the window title, others move the cursor or hide text) must
never reach the terminal. Everything read from outside passes through :func:`printable`
before it is shown.
"""

from __future__ import annotations

import re

# The longest real municipality name has 20 letters; a name this long is a mistake, and
# fuzzy matching a 50,000-character one against every municipality takes minutes.
MAX_NAME_LENGTH = 200

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character removed (tabs and line breaks become spaces)."""
    if _CONTROL.search(text) is None:
        return text
    spaced = re.sub("[\t\n\r\x0b\x0c]", " ", text)
    return _CONTROL.sub("", spaced)


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character other than a tab or a line break."""
    return _CONTROL_BUT_LINES.search(text) is not None
