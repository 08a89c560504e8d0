"""How far ranks and bands depend on the method's choices: a Monte Carlo (pure, numpy).

After the OECD/JRC Handbook (2008, steps 'uncertainty and sensitivity analysis') and
Saisana, Saltelli & Tarantola (2005). Each run draws, at once:

- weights: every item's weight times a factor uniform in [1 - w, 1 + w] (w = 0.5);
- aggregation: the overall score as the arithmetic or the geometric mean of the four
  dimension scores (geometric: scores floored at 1, so a zero does not wipe out all);
- goalposts: each numeric item's lower bound and optimum moved by up to ±10 % of the
  distance between them;
- leaving one indicator out: with probability 1/2 no item, else one item at random.

A run scores every municipality (columns of a :class:`ScoreTable`, vectorised over
runs x municipalities x items) and ranks them. First-order and total sensitivity of the
mean rank shift to each of the four groups comes from the pick-freeze estimators of
Saltelli et al. (2010) (first order) and Jansen (1999) (total), which accept groups of
inputs. Not varied: the answers, the choice scores, min-max normalisation itself, the
2/3 coverage rule, the band limits and the four-dimension structure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from kuntaprofiili.core.model import Dimension, Questionnaire
from kuntaprofiili.core.scoring import BAND_LIMITS, FloatArray, ScoreTable

IntArray = npt.NDArray[np.int64]
FACTORS = ("weights", "aggregation", "goalposts", "left_out")
NOT_VARIED = ("answers", "choice_scores", "normalisation", "coverage_rule", "band_limits",
              "dimensions")  # fmt: skip
CHUNK = 64  # runs scored together: keeps runs x municipalities x items in memory


@dataclass(frozen=True, slots=True)
class Spreads:
    """How far each choice is varied."""

    weight: float = 0.5
    goalpost: float = 0.1
    leave_out: float = 0.5  # share of runs that leave one item out


@dataclass(frozen=True, slots=True)
class Model:
    """The columns one run needs: item scores, weights, dimensions and goalposts."""

    scores: FloatArray  # municipalities x items, NaN = not counted
    weights: FloatArray  # items
    dimension: IntArray  # items -> index into Dimension
    numeric: IntArray  # indices of the numeric items
    lower: FloatArray  # their lower bounds and optima
    optimum: FloatArray


@dataclass(frozen=True, slots=True)
class Draws:
    """One row per run for every choice."""

    weights: FloatArray  # runs x items, multipliers
    geometric: npt.NDArray[np.bool_]  # runs
    lower: FloatArray  # runs x numeric items
    optimum: FloatArray
    left_out: IntArray  # runs, -1 = none

    def mix(self, other: Draws, factor: str) -> Draws:
        """These draws with one factor's columns taken from ``other`` (pick-freeze)."""
        names = {
            "weights": ("weights",),
            "aggregation": ("geometric",),
            "goalposts": ("lower", "optimum"),
            "left_out": ("left_out",),
        }[factor]
        parts: dict[str, Any] = {name: getattr(other, name) for name in names}
        return replace(self, **parts)


@dataclass(frozen=True, slots=True)
class Robustness:
    """The result: per municipality (in the order of ``rows``) and per factor."""

    rows: IntArray  # rows of the score table that have an overall score
    baseline_rank: IntArray
    median_rank: FloatArray
    rank_low: FloatArray  # 5th percentile
    rank_high: FloatArray  # 95th percentile
    band_change: FloatArray  # share of runs whose overall band differs from the baseline
    first_order: dict[str, float]
    total: dict[str, float]
    runs: int

    def shares(self) -> list[tuple[str, float, float]]:
        """(factor, first-order, total share) with the largest total first, for people.

        The estimators are unbiased but noisy: a share near 0 can come out below it, and a
        first-order share above the total share that contains it. Such noise is shown as
        0 and as the total share.
        """
        rows = []
        for f in FACTORS:
            total = max(self.total[f], 0.0)
            rows.append((f, min(max(self.first_order[f], 0.0), total), total))
        return sorted(rows, key=lambda row: -row[2])

    def by_median(self) -> IntArray:
        """Positions in ``rows`` ordered by median rank, ties by the published rank."""
        order: IntArray = np.lexsort((self.baseline_rank, self.median_rank)).astype(np.int64)
        return order

    @property
    def noise_places(self) -> float:
        """The median width of the 90 % rank interval: rank gaps below it are noise."""
        return float(np.median(self.rank_high - self.rank_low)) if len(self.rows) else 0.0


def build_model(questionnaire: Questionnaire, table: ScoreTable) -> tuple[Model, IntArray]:
    """The model of the rows that have an overall score, and those rows' numbers."""
    rows = np.flatnonzero(~np.isnan(table.overall)).astype(np.int64)
    items = questionnaire.scored_items()
    order = list(Dimension)
    scores = np.column_stack([table.items[i.id][rows] for i in items]) if items else np.zeros(0)
    numeric = [k for k, i in enumerate(items) if i.indicator is not None]
    bounds = [items[k].indicator for k in numeric]
    model = Model(
        scores=scores.reshape(len(rows), len(items)),
        weights=np.array([i.weight for i in items], dtype=float),
        dimension=np.array([order.index(_dim(questionnaire, i.id)) for i in items], dtype=np.int64),
        numeric=np.array(numeric, dtype=np.int64),
        lower=np.array([b.lower_bound or 0.0 for b in bounds if b], dtype=float),
        optimum=np.array([b.optimum or 0.0 for b in bounds if b], dtype=float),
    )
    return model, rows


def _dim(questionnaire: Questionnaire, item_id: str) -> Dimension:
    return Dimension(questionnaire.section_of(item_id).dimension)


def draw(model: Model, runs: int, rng: np.random.Generator, spreads: Spreads) -> Draws:
    """Independent draws of every choice for ``runs`` runs."""
    items, numeric = len(model.weights), len(model.numeric)
    span = np.abs(model.optimum - model.lower)
    shift = spreads.goalpost * span
    left = rng.integers(0, max(items, 1), runs)
    return Draws(
        weights=rng.uniform(1 - spreads.weight, 1 + spreads.weight, (runs, items)),
        geometric=rng.random(runs) < 0.5,
        lower=model.lower + rng.uniform(-1, 1, (runs, numeric)) * shift,
        optimum=model.optimum + rng.uniform(-1, 1, (runs, numeric)) * shift,
        left_out=np.where(rng.random(runs) < spreads.leave_out, left, -1),
    )


def baseline(model: Model) -> Draws:
    """The method as published: one run with nothing varied."""
    return Draws(
        weights=np.ones((1, len(model.weights))),
        geometric=np.zeros(1, dtype=bool),
        lower=model.lower[None, :],
        optimum=model.optimum[None, :],
        left_out=np.full(1, -1, dtype=np.int64),
    )


def overall_scores(model: Model, draws: Draws) -> FloatArray:
    """Overall scores, runs x municipalities, computed a chunk of runs at a time."""
    runs = len(draws.geometric)
    out = np.empty((runs, model.scores.shape[0]))
    for start in range(0, runs, CHUNK):
        part = slice(start, min(start + CHUNK, runs))
        out[part] = _chunk(model, draws, part)
    return out


def _chunk(model: Model, draws: Draws, part: slice) -> FloatArray:
    scores = np.broadcast_to(model.scores, (part.stop - part.start, *model.scores.shape)).copy()
    if len(model.numeric):
        low, best = draws.lower[part][:, None, :], draws.optimum[part][:, None, :]
        base_low, base_best = model.lower, model.optimum
        raw = base_low + scores[:, :, model.numeric] / 100 * (base_best - base_low)
        scores[:, :, model.numeric] = np.clip((raw - low) / (best - low), 0, 1) * 100
    weights = model.weights * draws.weights[part]
    out = draws.left_out[part]
    hit = out >= 0
    weights[np.flatnonzero(hit), out[hit]] = 0.0
    known = ~np.isnan(scores)
    filled = np.where(known, scores, 0.0)
    dims = []
    for d in range(len(Dimension)):
        mask = model.dimension == d
        w = weights[:, None, mask]
        with np.errstate(invalid="ignore", divide="ignore"):
            dims.append((filled[:, :, mask] * w).sum(-1) / (known[:, :, mask] * w).sum(-1))
    stacked = np.stack(dims)  # dimensions x runs x municipalities
    arithmetic = stacked.mean(axis=0)
    geometric = np.exp(np.log(np.maximum(stacked, 1.0)).mean(axis=0))
    chosen: FloatArray = np.where(draws.geometric[part][:, None], geometric, arithmetic)
    return chosen


def ranks(overall: FloatArray) -> FloatArray:
    """Rank 1 = best, per run (row); a missing score ranks last."""
    keyed = np.where(np.isnan(overall), -np.inf, overall)
    order = np.argsort(-keyed, axis=1, kind="stable")
    out = np.empty(order.shape, dtype=float)
    np.put_along_axis(out, order, np.arange(1.0, overall.shape[1] + 1)[None, :], axis=1)
    return out


def _band_index(scores: FloatArray) -> IntArray:
    return np.searchsorted(np.array(BAND_LIMITS), scores, side="right").astype(np.int64)


def analyse(
    questionnaire: Questionnaire,
    table: ScoreTable,
    runs: int = 1000,
    seed: int = 0,
    spreads: Spreads | None = None,
) -> Robustness:
    """The uncertainty of every rank and band, and each choice's share in it."""
    spreads = spreads or Spreads()
    model, rows = build_model(questionnaire, table)
    rng = np.random.default_rng(seed)
    base_scores = overall_scores(model, baseline(model))
    base_rank = ranks(base_scores)[0]
    a, b = draw(model, runs, rng, spreads), draw(model, runs, rng, spreads)
    score_a = overall_scores(model, a)
    rank_a = ranks(score_a)
    first, total = _sensitivity(model, (a, b), rank_a, base_rank)
    changed = _band_index(score_a) != _band_index(base_scores)
    return Robustness(
        rows=rows,
        baseline_rank=base_rank.astype(np.int64),
        median_rank=np.median(rank_a, axis=0),
        rank_low=np.percentile(rank_a, 5, axis=0),
        rank_high=np.percentile(rank_a, 95, axis=0),
        band_change=changed.mean(axis=0),
        first_order=first,
        total=total,
        runs=runs,
    )


def _shift(rank: FloatArray, base: FloatArray) -> FloatArray:
    """Each run's mean absolute rank shift from the baseline: the sensitivity output."""
    return np.abs(rank - base[None, :]).mean(axis=1) if rank.shape[1] else np.zeros(len(rank))


def _sensitivity(
    model: Model, pair: tuple[Draws, Draws], rank_a: FloatArray, base: FloatArray
) -> tuple[dict[str, float], dict[str, float]]:
    a, b = pair
    f_a = _shift(rank_a, base)
    f_b = _shift(ranks(overall_scores(model, b)), base)
    variance = float(np.var(np.concatenate([f_a, f_b])))
    first: dict[str, float] = {}
    total: dict[str, float] = {}
    for factor in FACTORS:
        f_ab = _shift(ranks(overall_scores(model, a.mix(b, factor))), base)
        if variance == 0:
            first[factor] = total[factor] = 0.0
            continue
        first[factor] = float(np.mean(f_b * (f_ab - f_a)) / variance)
        total[factor] = float(np.mean((f_a - f_ab) ** 2) / 2 / variance)
    return first, total
