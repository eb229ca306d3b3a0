"""提档测算 (what-if): how much more a hospital would retain if each variety's score reached the
next tier.

For every line that has an amount, the score is raised to the next tier's min_score (linear
rule: to the next multiple of 10, at most the scheme total) and the line recomputed with the
same exact cents arithmetic as engine.retention. Completion is kept as it is: a line zeroed by
约定采购量完成率 < 100% gains nothing from a better score, and the top tier gains nothing.
"""
from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd

from engine.retention import RetentionResult, apply_ratios, ratio_for, retention_rules, score_total
from engine.scheme import RetentionRules, Scheme


def next_score(score: float, rules: RetentionRules, total: Decimal) -> float | None:
    """The score of the next tier above `score`, or None at the top."""
    if rules.rule == "linear":
        target = min(float(total), (math.floor(score / 10) + 1) * 10)
        return target if target > score else None
    above = [float(t.min_score) for t in rules.tiers if float(t.min_score) > score]
    return min(above) if above else None


def add_what_if(result: RetentionResult, scheme: Scheme) -> None:
    rules = retention_rules(scheme)
    total = score_total(scheme)
    d = result.details
    retained = d["retained_cents"].to_numpy(dtype=np.int64, na_value=-1)
    has_amount = retained >= 0
    score = d["score"].to_numpy(dtype=float)
    surplus = d["surplus_cents"].to_numpy(dtype=np.int64, na_value=0)
    zeroed = has_amount & ~d["completion_met"].to_numpy(dtype=bool)
    target = np.full(len(d), np.nan)
    next_ratio = np.full(len(d), np.nan)
    next_c = np.where(has_amount, retained, 0).astype(np.int64)
    if has_amount.any():
        uniq, inverse = np.unique(score[has_amount], return_inverse=True)
        targets = [next_score(s, rules, total) for s in uniq.tolist()]
        ratios = [ratio_for(t, rules, total) if t is not None else None for t in targets]
        idx_amount = np.flatnonzero(has_amount)
        target[idx_amount] = np.array([np.nan if t is None else t for t in targets])[inverse]
        next_ratio[idx_amount] = np.array([np.nan if r is None else float(r) for r in ratios])[inverse]
        known = [r if r is not None else Decimal(0) for r in ratios]
        line_index = np.where(np.array([r is not None for r in ratios])[inverse] & ~zeroed[idx_amount], inverse, -1)
        raised = apply_ratios(surplus[idx_amount], line_index, known)
        next_c[idx_amount] = np.where(line_index >= 0, np.maximum(raised, retained[idx_amount]), retained[idx_amount])
    lines = pd.DataFrame({
        "district": d["district"].to_numpy(dtype=object), "hospital_code": d["hospital_code"].to_numpy(dtype=object),
        "hospital_name": d["hospital_name"].to_numpy(dtype=object), "variety_code": d["variety_code"].to_numpy(dtype=object),
        "variety_name": d["variety_name"].to_numpy(dtype=object), "score": score, "next_score": target,
        "ratio": d["ratio"].to_numpy(dtype=float), "next_ratio": next_ratio,
        "retained_cents": np.where(has_amount, retained, 0), "retained_next_cents": next_c,
    })[has_amount]
    lines["extra_cents"] = lines["retained_next_cents"] - lines["retained_cents"]
    keys = ["hospital_code", "variety_code"]
    varieties = (lines.groupby(keys, sort=False)
                 .agg(district=("district", "first"), hospital_name=("hospital_name", "first"),
                      variety_name=("variety_name", "first"), score=("score", "first"),
                      next_score=("next_score", "first"), ratio=("ratio", "first"),
                      next_ratio=("next_ratio", "first"), retained_cents=("retained_cents", "sum"),
                      retained_next_cents=("retained_next_cents", "sum"), extra_cents=("extra_cents", "sum"))
                 .reset_index())
    varieties = varieties[["district", "hospital_code", "hospital_name", "variety_code", "variety_name", "score",
                           "next_score", "ratio", "next_ratio", "retained_cents", "retained_next_cents", "extra_cents"]]
    per_hospital = (varieties.groupby("hospital_code", sort=False)
                    .agg(district=("district", "first"), hospital_name=("hospital_name", "first"),
                         improvable=("extra_cents", lambda s: int((s > 0).sum())),
                         retained_cents=("retained_cents", "sum"),
                         retained_next_cents=("retained_next_cents", "sum"), extra_cents=("extra_cents", "sum"))
                    .reset_index())
    result.what_if = varieties
    result.what_if_hospitals = per_hospital[["district", "hospital_code", "hospital_name", "improvable",
                                             "retained_cents", "retained_next_cents", "extra_cents"]]


def _yuan(values) -> list:
    return [None if v != v else v for v in (np.asarray(values, dtype=float) / 100).tolist()]


def _num(values) -> list:
    return [None if v != v else v for v in np.asarray(values, dtype=float).tolist()]


def what_if_json(result: RetentionResult) -> list[dict]:
    """Per hospital: current and next-tier retained amounts, and the variety lines."""
    v = result.what_if
    lines: dict[str, list[dict]] = {}
    cols = {"variety_code": v["variety_code"].tolist(), "score": _num(v["score"]), "next_score": _num(v["next_score"]),
            "ratio": _num(v["ratio"]), "next_ratio": _num(v["next_ratio"]), "retained": _yuan(v["retained_cents"]),
            "retained_next": _yuan(v["retained_next_cents"]), "extra": _yuan(v["extra_cents"])}
    for code, values in zip(v["hospital_code"].tolist(), zip(*cols.values())):
        lines.setdefault(code, []).append(dict(zip(cols, values)))
    h = result.what_if_hospitals
    return [{"district": dist, "hospital_code": code, "retained_total": cur, "retained_next_tier": nxt,
             "extra": extra, "varieties": lines.get(code, [])}
            for dist, code, cur, nxt, extra in zip(h["district"].tolist(), h["hospital_code"].tolist(),
                                                   _yuan(h["retained_cents"]), _yuan(h["retained_next_cents"]),
                                                   _yuan(h["extra_cents"]))]
