"""Compute only: model, answers, scoring, types, advice, whatif, compare; no files, no terminal."""
