"""Folding: one key for the ways officials type the same word."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuntaprofiili.core.text import fold


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("  KYLLÄ ", "kylla"),
        ("Mäntsälä", "mantsala"),
        ("Närpes", "narpes"),
        ("don’t know", "don't know"),
    ],
)
def test_case_accents_and_apostrophes_fold_away(typed: str, key: str) -> None:
    assert fold(typed) == key


@given(st.text())
def test_the_ascii_short_cut_folds_as_the_long_way(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    long_way = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")
    assert fold(text) == long_way
