"""JC.RETENTION_RATIO / JC.RETENTION over whole columns: the engine's rule is applied once
per distinct score (a column of 10,000 scores has a few dozen distinct values)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import numpy as np

from engine.scheme import load_scheme


@lru_cache(maxsize=1)
def _scheme():
    return load_scheme(None)


def _ratio_of(score: float) -> float:
    from engine.retention import retention_ratio
    return float(retention_ratio(Decimal(repr(score)), _scheme()))


def ratios(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values = np.full(len(scores), np.nan)
    errors = np.full(len(scores), "", dtype=object)
    total = float(_scheme().score.total) if _scheme().score else 100.0
    ok = ~np.isnan(scores)
    out_of_range = ok & ((scores < 0) | (scores > total))
    errors[out_of_range] = f"评分应在 0～{total:g} 之间"
    good = ok & ~out_of_range
    if good.any():
        uniq, inverse = np.unique(scores[good], return_inverse=True)
        values[good] = np.array([_ratio_of(float(u)) for u in uniq])[inverse]
    return values, errors


def amounts(budget, spending, score, completion, valid) -> tuple[np.ndarray, np.ndarray]:
    """round(max(budget - spending, 0) x ratio), 0 when completion is below the scheme's
    minimum; money rounded half-up to 0.01 (SPEC §4.3)."""
    rules = _scheme().retention
    ratio, errors = ratios(np.where(valid, score, np.nan))
    errors = np.where(valid, errors, "").astype(object)
    b = np.round(np.where(valid, budget, 0) * 100) / 100
    s = np.round(np.where(valid, spending, 0) * 100) / 100
    surplus = np.maximum(b - s, 0)
    raw = surplus * np.nan_to_num(ratio)
    if rules.require_completion:
        raw = np.where(completion < float(rules.min_completion_rate), 0.0, raw)
    values = np.array([float(Decimal(repr(float(x))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) for x in raw])
    values[~valid | (errors != "")] = np.nan
    return values, errors
