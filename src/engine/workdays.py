"""China's working-day calendar (SPEC §3.5, §3.6, §4.4): official 调休 plus 节假日调整.

The calendar is two arrays over its span: `work[i]` is 1 when day `first + i` is a working
day and `cum[i]` the running count, so the working days d with start < d <= end are
`cum[end] - cum[start]` — one numpy gather for a million purchases instead of a million
`chinese_calendar.is_workday` loops. A date in a year the calendar does not cover is never
guessed: `count` raises `CalendarNotCovered` and `count_masked` returns a mask the caller
turns into calendar-not-covered findings.

Sources: the `chinesecalendar` package (pinned; 2004–2026 in 1.11.0) and the workbook's
节假日调整 rows. A row overrides the official day; a year the package does not know becomes
covered by the workbook's rows alone (Monday to Friday on, weekends off, plus the rows),
with a calendar-from-workbook info finding.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from engine.cells import normalize_text, parse_dates, split_a1
from engine.columns import HOLIDAY_KINDS, HOLIDAY_SHEET
from engine.findings import MESSAGES, Finding, finding
from engine.sheet import Located, SheetData, locate

REST, WORK = HOLIDAY_KINDS  # '休息', '上班'
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


class CalendarNotCovered(ValueError):
    """Some dates lie in years the calendar does not cover. `.dates` lists them (datetime.date);
    str() is one Chinese sentence saying how to fix it."""

    def __init__(self, dates: list[date], covered: str):
        self.dates = dates
        self.covered = covered
        first = dates[0] if dates else None
        year = first.year if first else ""
        text = MESSAGES["calendar-not-covered"][1].format(
            value=first.isoformat() if first else "", year=year, covered=covered)
        more = f"（共 {len(dates)} 个日期超出范围）" if len(dates) > 1 else ""
        super().__init__(text + more)


def as_days(values: Any) -> np.ndarray:
    """Dates in any common form (date, datetime, Timestamp, datetime64, ISO text, sequences or
    Series of them) as a datetime64[D] array; NaT where absent. Scalars give a 1-element array."""
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[D]", copy=False)
    if isinstance(values, pd.Series) and pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy().astype("datetime64[D]")
    if isinstance(values, (date, datetime, pd.Timestamp, np.datetime64, str)) or values is None:
        values = [values]
    if not isinstance(values, pd.Series):
        values = list(values)
        if values and all(isinstance(v, np.datetime64) for v in values):
            return np.array(values, dtype="datetime64[D]")
    series = pd.Series(values, dtype=object)
    return parse_dates(series).value


@dataclass(frozen=True, eq=False)  # identity equality/hash: the arrays are not hashable
class WorkCalendar:
    start: np.datetime64        # day 0 of the arrays (1 January of the first covered year)
    work: np.ndarray            # int8, 1 = working day
    cum: np.ndarray             # int64, running count of `work`
    covered_mask: np.ndarray    # bool, day is in a covered year
    uncovered_cum: np.ndarray   # int64, running count of uncovered days (gap detection)
    years: tuple[int, ...]      # covered years, ascending

    # ---------------------------------------------------------------- building

    @classmethod
    def official(cls) -> "WorkCalendar":
        """China's official calendar from the chinesecalendar package (built once per process)."""
        return _official()

    @classmethod
    def with_overrides(cls, overrides: pd.DataFrame | Located | SheetData | None
                       ) -> tuple["WorkCalendar", list[Finding]]:
        """The official calendar with 节假日调整 rows applied. `overrides` has columns `date`
        and `kind` ('休息' | '上班'), optionally `cell` (A1 address of the row's date, for the
        findings); a 节假日调整 SheetData or Located is read with `holiday_overrides` first."""
        findings: list[Finding] = []
        if isinstance(overrides, (Located, SheetData)):
            overrides, findings = holiday_overrides(overrides)
        base = _official()
        if overrides is None or len(overrides) == 0:
            return base, findings
        days = as_days(overrides["date"])
        kinds = np.array([normalize_text(k) for k in overrides["kind"]], dtype=object)
        cells = overrides["cell"].tolist() if "cell" in overrides else ["A1"] * len(overrides)
        ok = ~np.isnat(days) & np.isin(kinds, HOLIDAY_KINDS)
        days, kinds, cells = days[ok], kinds[ok], [c for c, k in zip(cells, ok) if k]
        if not len(days):
            return base, findings
        years = days.astype("datetime64[Y]").astype(int) + 1970
        new_years = sorted(set(years.tolist()) - set(base.years))
        for y in new_years:
            first_cell = cells[int(np.flatnonzero(years == y)[0])]
            findings.append(finding("calendar-from-workbook", HOLIDAY_SHEET.sheet, first_cell, year=y))
        all_years = sorted(set(base.years) | set(new_years))
        start = np.datetime64(f"{all_years[0]}-01-01", "D")
        end = np.datetime64(f"{all_years[-1] + 1}-01-01", "D")
        n = int((end - start).astype(int))
        work = _weekdays(start, n)
        covered = np.zeros(n, dtype=bool)
        offset = int((base.start - start).astype(int))
        work[offset:offset + len(base.work)] = base.work
        covered[offset:offset + len(base.work)] = base.covered_mask
        for y in new_years:
            lo = int((np.datetime64(f"{y}-01-01", "D") - start).astype(int))
            hi = int((np.datetime64(f"{y + 1}-01-01", "D") - start).astype(int))
            covered[lo:hi] = True
        idx = (days - start).astype(int)
        work[idx] = np.where(kinds == WORK, 1, 0).astype(np.int8)  # later rows win on duplicates
        return cls._from_arrays(start, work, covered), findings

    @classmethod
    def _from_arrays(cls, start: np.datetime64, work: np.ndarray, covered: np.ndarray) -> "WorkCalendar":
        work = np.where(covered, work, 0).astype(np.int8)
        years = np.unique(_years_of(start + np.flatnonzero(covered).astype("timedelta64[D]")))
        return cls(start=start, work=work, cum=np.cumsum(work, dtype=np.int64), covered_mask=covered,
                   uncovered_cum=np.cumsum(~covered, dtype=np.int64), years=tuple(int(y) for y in years))

    # ---------------------------------------------------------------- range

    @property
    def first(self) -> date:
        return date(self.years[0], 1, 1)

    @property
    def last(self) -> date:
        return date(self.years[-1], 12, 31)

    def covered_text(self) -> str:
        """The covered years for messages: '2004–2026 年' (gaps listed when there are any)."""
        runs, y0 = [], self.years[0]
        for a, b in zip(self.years, self.years[1:] + (None,)):
            if b != a + 1:
                runs.append(f"{y0}" if y0 == a else f"{y0}–{a}")
                y0 = b
        return "、".join(runs) + " 年"

    def _index(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index into the arrays, inside-and-covered mask); NaT is not inside."""
        # days since `start` as integers; NaT (the smallest int64) wraps around to a huge number,
        # and a day before `start` is negative, i.e. huge as unsigned: one comparison finds both
        offset = days.astype("datetime64[D]", copy=False).view(np.int64) - self.start.astype("datetime64[D]").astype(np.int64)
        inside = offset.view(np.uint64) < len(self.work)
        offset[~inside] = 0  # offset is our own array: reused as the index
        if self.uncovered_cum[-1]:
            return offset, inside & self.covered_mask[offset]
        return offset, inside  # every day of the range is covered

    def covers(self, dates) -> np.ndarray:
        """True where the date lies in a covered year (False for NaT)."""
        return self._index(as_days(dates))[1]

    # ---------------------------------------------------------------- queries

    def is_workday(self, dates) -> np.ndarray:
        """Working day or not, per date. NaT gives False; an uncovered date raises CalendarNotCovered."""
        days = as_days(dates)
        idx, ok = self._index(days)
        self._raise_uncovered(days, ok)
        return (self.work[idx] == 1) & ok

    def count(self, start, end) -> np.ndarray:
        """Working days d with start < d <= end, per pair (int64; negative when end < start, as
        the 工作日历 formula gives). Raises CalendarNotCovered when any date — or any year in
        between — is not covered, ValueError for a missing date."""
        counts, uncovered = self.count_masked(start, end)
        if uncovered.any():
            s, e = np.broadcast_arrays(as_days(start), as_days(end))
            bad = [d for d in np.concatenate([s[uncovered], e[uncovered]]) if not np.isnat(d) and not self.covers(d)[0]]
            raise CalendarNotCovered(sorted({d.astype(date) for d in bad}) or [s[uncovered][0].astype(date)],
                                     self.covered_text())
        if np.isnan(counts).any():
            raise ValueError("日期为空，无法计算工作日数。")
        return counts.astype(np.int64)

    def count_masked(self, start, end) -> tuple[np.ndarray, np.ndarray]:
        """(counts as float with NaN where not computable, uncovered mask). A pair is uncovered
        when a date, or a year between them, is outside the calendar; a NaT gives NaN but is not
        'uncovered' (the caller reports blank/invalid dates itself)."""
        s, e = np.broadcast_arrays(as_days(start), as_days(end))
        i0, ok0 = self._index(s)
        i1, ok1 = self._index(e)
        nat = np.isnat(s) | np.isnat(e)
        good = ok0 & ok1
        if self.uncovered_cum[-1]:  # a calendar with a gap between covered years
            good &= self.uncovered_cum[np.maximum(i0, i1)] == self.uncovered_cum[np.minimum(i0, i1)]
        counts = np.subtract(self.cum[i1], self.cum[i0], dtype=float)
        counts[~good] = np.nan
        return counts, ~nat & ~good

    def _raise_uncovered(self, days: np.ndarray, ok: np.ndarray) -> None:
        bad = ~ok & ~np.isnat(days)
        if bad.any():
            raise CalendarNotCovered(sorted({d.astype(date) for d in days[bad]}), self.covered_text())

    def table(self) -> pd.DataFrame:
        """The 工作日历 sheet (SPEC §3.6): date, workday (0/1), cumulative — covered days only."""
        days = self.start + np.arange(len(self.work)).astype("timedelta64[D]")
        keep = self.covered_mask
        return pd.DataFrame({"date": days[keep], "workday": self.work[keep].astype(np.int64),
                             "cumulative": self.cum[keep]})


# ------------------------------------------------------------------ official calendar


def _weekdays(start: np.datetime64, n: int) -> np.ndarray:
    day_numbers = start.astype(np.int64) + np.arange(n)
    return (((day_numbers + _EPOCH_WEEKDAY) % 7) < 5).astype(np.int8)


def _years_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[Y]").astype(np.int64) + 1970


@lru_cache(maxsize=1)
def _official() -> WorkCalendar:
    from chinese_calendar import constants

    years = sorted({d.year for d in constants.holidays})
    start = np.datetime64(f"{years[0]}-01-01", "D")
    n = int((np.datetime64(f"{years[-1] + 1}-01-01", "D") - start).astype(int))
    work = _weekdays(start, n)
    holidays = np.array(sorted(constants.holidays), dtype="datetime64[D]")
    workdays = np.array(sorted(constants.workdays), dtype="datetime64[D]")
    work[(holidays - start).astype(int)] = 0
    work[(workdays - start).astype(int)] = 1  # 调休: a weekend worked
    return WorkCalendar._from_arrays(start, work, np.ones(n, dtype=bool))


def covered_years() -> tuple[int, int]:
    """(first, last) year of the official calendar."""
    cal = _official()
    return cal.years[0], cal.years[-1]


def is_workday(day) -> bool:
    """One date on the official calendar (raises CalendarNotCovered outside it)."""
    return bool(_official().is_workday(day)[0])


# ------------------------------------------------------------------ 节假日调整


def holiday_overrides(sheet: SheetData | Located) -> tuple[pd.DataFrame, list[Finding]]:
    """The 节假日调整 sheet as overrides (columns date, kind, note, cell) plus findings for bad
    rows: header problems, a blank or invalid 日期 (date-invalid), a 类型 other than 休息/上班
    (choice-invalid), the same date twice with different types (duplicate-row, later row wins)."""
    located = sheet if isinstance(sheet, Located) else locate(sheet, HOLIDAY_SHEET)
    findings = list(located.findings)
    frame, name = located.frame, located.sheet
    rows = located.rows
    dates = parse_dates(frame["date"])
    kinds = np.array([normalize_text(k) for k in frame["kind"]], dtype=object)
    for i in np.flatnonzero(dates.blank):
        findings.append(finding("required-blank", name, located.cell("date", int(rows[i])), column="日期"))
    for i in np.flatnonzero(dates.invalid):
        findings.append(finding("date-invalid", name, located.cell("date", int(rows[i])), column="日期",
                                value=normalize_text(dates.raw.iloc[i])))
    bad_kind = ~np.isin(kinds, HOLIDAY_KINDS)
    for i in np.flatnonzero(bad_kind):
        cell = located.cell("kind", int(rows[i]))
        if kinds[i] == "":
            findings.append(finding("required-blank", name, cell, column="类型"))
        else:
            findings.append(finding("choice-invalid", name, cell, column="类型", value=kinds[i],
                                    choices="、".join(HOLIDAY_KINDS)))
    ok = ~np.isnat(dates.value) & ~bad_kind
    out = pd.DataFrame({"date": dates.value[ok], "kind": kinds[ok],
                        "note": [normalize_text(v) for v in frame["note"].to_numpy()[ok]],
                        "cell": [located.cell("date", int(r)) for r in rows[ok]]})
    first_seen: dict[np.datetime64, tuple[str, str]] = {}
    for d, k, cell in zip(out["date"].to_numpy(), out["kind"], out["cell"]):
        if d in first_seen and first_seen[d][0] != k:
            findings.append(finding("duplicate-row", name, cell, first_row=split_a1(first_seen[d][1])[1],
                                    key=f"日期 {pd.Timestamp(d).date().isoformat()} 既是{first_seen[d][0]}又是{k}"))
        first_seen.setdefault(d, (k, cell))
    return out, findings


def calendar_from_sheet(sheet: SheetData | Located | None) -> tuple[WorkCalendar, list[Finding]]:
    """The calendar a workbook uses: official + its 节假日调整 sheet (None: official only)."""
    if sheet is None:
        return _official(), []
    return WorkCalendar.with_overrides(sheet)


def workbook_calendar(sheet: SheetData | Located | None) -> WorkCalendar:
    """calendar_from_sheet without the findings (callers that only count days)."""
    return calendar_from_sheet(sheet)[0]
