"""JC.RETENTION_RATIO / JC.RETENTION over whole columns: the engine's rule is applied once
per distinct score (a column of 10,000 scores has a few dozen distinct values)."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import numpy as np

from engine.scheme import load_scheme


@lru_cache(maxsize=1)
def _scheme():
    return load_scheme(None)


def _ratio_of(score: float) -> float:
    from engine.retention import ratio_for, retention_rules, score_total
    return float(ratio_for(score, retention_rules(_scheme()), score_total(_scheme())))


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
    """round(max(budget - spending, 0) x ratio) in exact cents (the engine's money rules),
    0 when completion is below the scheme's minimum (SPEC §4.3)."""
    from engine.retention import apply_ratio, retention_rules, to_cents
    rules = retention_rules(_scheme())
    ratio, errors = ratios(np.where(valid, score, np.nan))
    errors = np.where(valid, errors, "").astype(object)
    ok = valid & (errors == "") & ~np.isnan(ratio)
    values = np.full(len(budget), np.nan)
    if ok.any():
        surplus = np.maximum(to_cents(budget[ok]) - to_cents(spending[ok]), 0)
        cents = np.zeros(len(surplus), dtype=np.int64)
        for r in np.unique(ratio[ok]):  # a few distinct ratios: exact integer arithmetic per ratio
            sel = ratio[ok] == r
            cents[sel] = apply_ratio(surplus[sel], Decimal(repr(float(r))))
        if rules.require_completion:
            cents = np.where(completion[ok] < float(rules.min_completion_rate), 0, cents)
        values[ok] = cents / 100
    return values, errors
