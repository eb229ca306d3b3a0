"""Ranking regions on an indicator (SPEC §4.4): shared ranks (1, 2, 2, 4), nulls unranked.

Pure functions over arrays/frames, so the monthly report, a macro or a UDF rank the same way.
Values are compared after rounding to 12 significant digits: two ratios that are equal on paper
(1/3 and 2/6) must tie even when floating point makes them differ in the last bit.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

SIGNIFICANT = 12


def competition_rank(values: Sequence[float] | np.ndarray | pd.Series, *, ascending: bool = False) -> np.ndarray:
    """Standard competition ranking: ties share the best rank and the next rank skips
    (1, 2, 2, 4). `ascending=False` ranks the highest value 1 (rates); True the lowest (回款指数).
    Returns float ranks with NaN where the value is NaN/None (no rank)."""
    v = pd.to_numeric(pd.Series(np.asarray(values, dtype=object), dtype=object), errors="coerce").astype(float)
    rounded = v.map(lambda x: float(f"{x:.{SIGNIFICANT}g}") if np.isfinite(x) else np.nan)
    return rounded.rank(method="min", ascending=ascending, na_option="keep").to_numpy()


def rank_within(frame: pd.DataFrame, column: str, *, group: str | None = None, ascending: bool = False) -> pd.Series:
    """Competition rank of `column` among all rows, or within each value of `group` (counties
    within their city). Same index as `frame`; NaN where unranked."""
    if group is None:
        return pd.Series(competition_rank(frame[column], ascending=ascending), index=frame.index)
    out = pd.Series(np.nan, index=frame.index)
    for _, part in frame.groupby(group, sort=False, dropna=False):
        out.loc[part.index] = competition_rank(part[column], ascending=ascending)
    return out


def rank_indicators(frame: pd.DataFrame, directions: dict[str, bool], *, group: str | None = None) -> pd.DataFrame:
    """One rank column per indicator: `directions` maps column -> ascending (True = low is best)."""
    return pd.DataFrame({col: rank_within(frame, col, group=group, ascending=asc) for col, asc in directions.items()},
                        index=frame.index)
