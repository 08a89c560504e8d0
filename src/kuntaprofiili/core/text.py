"""Folding: the one way typed text is compared with names, codes and labels.

Officials type "kylla" for "Kyllä", "mantsala" for "Mäntsälä" and "don’t know" with a
curly apostrophe; all of them fold to the same key. Standard library only, so looking a
municipality up stays fast.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Strip, lower-case and drop accents: 'KYLLÄ' -> 'kylla', 'Närpes' -> 'narpes'."""
    text = text.strip().lower()
    if text.isascii():  # most cells and names: nothing to decompose
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")
