"""The working-day calendar as two arrays, so whole columns of dates are counted with numpy
indexing: `work[i]` is 1 when day `first + i` is a working day, `cum[i]` the running count.
Working days between two dates (start exclusive, end inclusive) = cum[end] - cum[start].

The day-by-day truth comes from the engine's calendar (China's official calendar with 调休);
this module only tabulates it once per process.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=1)
def table() -> tuple[np.datetime64, np.ndarray, np.ndarray, tuple[int, int]]:
    first_year, last_year = covered_years()
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    days = (last - first).days + 1
    is_workday = _engine_is_workday()
    work = np.fromiter((is_workday(first + timedelta(days=i)) for i in range(days)), dtype=np.int32, count=days)
    cum = np.cumsum(work)
    return np.datetime64(first, "D"), work, cum, (first_year, last_year)


def covered_years() -> tuple[int, int]:
    try:
        from engine.workdays import covered_years as engine_years
        return tuple(engine_years())
    except ImportError:
        import chinese_calendar
        years = sorted({d.year for d in chinese_calendar.holidays})
        return years[0], years[-1]


def _engine_is_workday():
    try:
        from engine.workdays import is_workday
        return is_workday
    except ImportError:
        import chinese_calendar
        return chinese_calendar.is_workday
