"""Numbers as people type them and as people read them: the one parser and formatter.

Every input (the interview, answers files, sheets, profile facts) reads numbers through
:func:`parse_number`, and every screen or file meant for people writes them through
:func:`format_number`, so "12 345,6 €" typed in a sheet and at the prompt mean the same,
and a score reads "74,5" everywhere in Finnish and Swedish.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MINUS = "\u2212"  # the typographic minus of printed text
# Thousands separators people and spreadsheets write: space, no-break space, narrow no-break
# space, thin space.
_SPACES = " \u00a0\u202f\u2009"
_UNITS = re.compile(r"\s*(%|€|eur|euroa|euro|euros|kpl|st)\.?$", re.IGNORECASE)
NUMBER_PATTERN = re.compile(r"^[+-]?(\d{1,3}([ \u00a0\u202f\u2009]\d{3})+|\d+)([.,]\d+)?$")
# Integers beyond this are not statistics but typing accidents (or attacks); float() of a
# 5,000-digit string is slow and a 20-digit one loses precision silently.
MAX_DIGITS = 15
# Most cells are plain digits with at most one decimal separator: they skip the cleaning.
_PLAIN = re.compile(r"[+-]?(\d+)(?:[.,](\d+))?")


def parse_number(text: str) -> float | None:
    """Read '12 345,6', '12345.6', '−3', '40 %' or '512 €' as a float; None if not a number.

    A unit after the number (%, €) is allowed because people copy numbers with their unit;
    the item's own unit is what counts. A Unicode minus and any kind of space work too.
    Infinite, NaN and over-long numbers are not numbers.
    """
    plain = _PLAIN.fullmatch(text)
    if plain is not None:  # the same answer as below, for a million sheet cells faster
        digits = len(plain[1]) + len(plain[2] or "")
        return float(text.replace(",", ".")) if digits <= MAX_DIGITS else None
    cleaned = _UNITS.sub("", text.strip()).strip().replace(MINUS, "-").replace("\u2013", "-")
    if not NUMBER_PATTERN.match(cleaned) or sum(c.isdigit() for c in cleaned) > MAX_DIGITS:
        return None
    number = float(re.sub(f"[{_SPACES}]", "", cleaned).replace(",", "."))
    return number if math.isfinite(number) else None


def plain_number(value: float) -> str:
    """A number for machines and spreadsheet formulas: 1000000 not 1e+06, 2.5 not 2.500000."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_number(value: float, lang: str, decimals: int | None = None) -> str:
    """A number for people: '12 345,6' in fi and sv, '12,345.6' in en; never '-0' or 'e+06'.

    Negative numbers take the typographic minus (−), as in print.

    ``decimals`` fixes the number of decimals; without it, up to six significant digits
    are kept and trailing zeros dropped, so 3400.0 reads '3 400' and 0.25 reads '0,25'.
    """
    if not math.isfinite(value):
        return "–" if math.isnan(value) else ("−∞" if value < 0 else "∞")
    if decimals is None:
        magnitude = int(math.floor(math.log10(abs(value)))) + 1 if value else 1
        decimals = max(0, min(6, 6 - magnitude))
        text = f"{abs(value):,.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        text = f"{abs(value):,.{decimals}f}"
    negative = value < 0 and any(c not in "0.," for c in text)
    if lang in ("fi", "sv"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return (MINUS if negative else "") + text


def format_score(value: float | None, lang: str) -> str:
    """A 0–100 score with one decimal ('74,5'); '–' when there is no score."""
    return "–" if value is None else format_number(value, lang, 1)


def format_signed(value: float | None, lang: str) -> str:
    """A change with its sign: '+5,0', '−3,2', '±0,0'; '–' when unknown."""
    if value is None:
        return "–"
    if abs(value) < 0.05:
        return "±" + format_number(0.0, lang, 1)
    text = format_number(value, lang, 1)
    return text if value < 0 else "+" + text


def format_score_range(
    value: float | None, low: float | None, high: float | None, lang: str
) -> str:
    """A score with its honest range, '54,0 [41,2–67,5]'; just the score without a range."""
    if low is None or high is None or high - low < 0.05:
        return format_score(value, lang)
    return f"{format_score(value, lang)} [{format_score(low, lang)}–{format_score(high, lang)}]"


@dataclass(frozen=True, slots=True)
class PeopleNumber:
    """A number handed to a message, written for people in the message's language."""

    value: float

    def render(self, lang: str) -> str:
        """:func:`format_number` in ``lang``."""
        return format_number(self.value, lang)
