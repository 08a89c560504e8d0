"""No-break spaces that stay unbroken in rich's word wrap ('10 000', '5 %').

rich splits words at every Unicode space (its ``\\s``), so a thousands separator written as
U+00A0 could end a line ('10' / '000'). Its one word pattern is replaced here by one that
treats U+00A0 and U+202F as part of a word; everything else wraps as before.
"""

from __future__ import annotations

import re

from rich import _wrap

_NO_BREAK = "\u00a0\u202f"
WORD = re.compile(rf"[^\S{_NO_BREAK}]*[\S{_NO_BREAK}]+[^\S{_NO_BREAK}]*")


def keep_no_break_spaces() -> None:
    """Make rich's wrapping respect no-break spaces (idempotent)."""
    _wrap.re_word = WORD
