"""Compute only: the questionnaire model, answers, scoring, types, advice; no I/O, no terminal."""
