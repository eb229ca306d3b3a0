from datetime import date, timedelta

import chinese_calendar
import numpy as np
import pandas as pd
import pytest

from engine.sheet import SheetData
from engine.workdays import (CalendarNotCovered, WorkCalendar, calendar_from_sheet, covered_years,
                             holiday_overrides, is_workday)


def loop_count(start: date, end: date) -> int:
    """The reference: the package's own per-day answer, start exclusive, end inclusive."""
    return sum(chinese_calendar.is_workday(start + timedelta(days=k)) for k in range(1, (end - start).days + 1))


def test_official_range_is_the_package_range():
    cal = WorkCalendar.official()
    assert cal.first == date(2004, 1, 1) and cal.last == date(2026, 12, 31)
    assert covered_years() == (2004, 2026)
    assert WorkCalendar.official() is cal  # built once per process


def test_make_up_weekend_and_golden_week():
    cal = WorkCalendar.official()
    # 2024-10-12 (Saturday) was a make-up working day; 2024-10-01..07 off
    assert cal.is_workday(["2024-10-12", "2024-10-13", "2024-10-01", "2024-10-08"]).tolist() == [True, False, False, True]
    assert is_workday(date(2024, 9, 29))  # Sunday worked before National Day
    # (2024-09-27, 2024-10-14]: 9/29, 9/30, 10/8..10/12, 10/14 -> 8
    assert cal.count(date(2024, 9, 27), date(2024, 10, 14)).tolist() == [8]


def test_count_matches_the_package_on_random_pairs():
    cal = WorkCalendar.official()
    rng = np.random.default_rng(7)
    start = np.datetime64("2004-01-01") + rng.integers(0, 8300, 400).astype("timedelta64[D]")
    end = start + rng.integers(0, 90, 400).astype("timedelta64[D]")
    end = np.minimum(end, np.datetime64("2026-12-31"))
    got = cal.count(start, end)
    expected = [loop_count(s.astype(date), e.astype(date)) for s, e in zip(start, end)]
    assert got.tolist() == expected


def test_count_is_exclusive_of_start_and_negative_when_reversed():
    cal = WorkCalendar.official()
    assert cal.count("2024-03-04", "2024-03-04").tolist() == [0]   # same day
    assert cal.count("2024-03-03", "2024-03-04").tolist() == [1]   # Sunday -> Monday
    assert cal.count("2024-03-08", "2024-03-04").tolist() == [-4]


def test_uncovered_date_raises_with_chinese_message():
    cal = WorkCalendar.official()
    with pytest.raises(CalendarNotCovered) as err:
        cal.count(date(2026, 12, 1), date(2027, 1, 5))
    assert err.value.dates == [date(2027, 1, 5)]
    assert "2027" in str(err.value) and "节假日调整" in str(err.value)
    with pytest.raises(CalendarNotCovered):
        cal.is_workday([date(2003, 12, 31)])


def test_count_masked_flags_uncovered_and_blank_separately():
    cal = WorkCalendar.official()
    start = np.array(["2024-01-01", "2026-12-30", "NaT"], dtype="datetime64[D]")
    end = np.array(["2024-01-05", "2027-01-04", "2024-01-05"], dtype="datetime64[D]")
    counts, uncovered = cal.count_masked(start, end)
    assert counts[0] == 4 and np.isnan(counts[1]) and np.isnan(counts[2])
    assert uncovered.tolist() == [False, True, False]
    assert cal.covers(end).tolist() == [True, False, True]


def test_overrides_change_a_day_and_cover_a_new_year():
    overrides = pd.DataFrame({"date": [date(2024, 3, 4), date(2027, 1, 1), date(2027, 2, 6)],
                              "kind": ["休息", "休息", "上班"], "cell": ["A2", "A3", "A4"]})
    cal, findings = WorkCalendar.with_overrides(overrides)
    assert cal.count("2024-03-03", "2024-03-05").tolist() == [1]     # Monday 4th now off
    assert [(f.code, f.cell, f.severity.value) for f in findings] == [("calendar-from-workbook", "A3", "info")]
    assert cal.last == date(2027, 12, 31)
    assert cal.is_workday(["2027-01-01", "2027-01-04", "2027-02-06", "2027-02-07"]).tolist() == [False, True, True, False]
    # official calendar untouched
    assert WorkCalendar.official().count("2024-03-03", "2024-03-05").tolist() == [2]


def test_a_gap_year_is_not_covered():
    cal, _ = WorkCalendar.with_overrides(pd.DataFrame({"date": [date(2028, 1, 3)], "kind": ["休息"]}))
    assert cal.covers(["2028-01-03", "2027-06-01"]).tolist() == [True, False]
    counts, uncovered = cal.count_masked(np.array(["2026-12-01"], "datetime64[D]"), np.array(["2028-02-01"], "datetime64[D]"))
    assert uncovered.tolist() == [True]
    assert "2027" not in cal.covered_text() and "2028" in cal.covered_text()


def test_table_is_the_cumulative_count():
    cal = WorkCalendar.official()
    table = cal.table()
    assert list(table.columns) == ["date", "workday", "cumulative"]
    assert len(table) == (date(2026, 12, 31) - date(2004, 1, 1)).days + 1
    assert (table["cumulative"].diff().fillna(table["workday"].iloc[0]) == table["workday"]).all()
    row = table.set_index("date")["cumulative"]
    assert row[pd.Timestamp("2024-10-14")] - row[pd.Timestamp("2024-09-27")] == 8


def test_holiday_sheet_bad_rows_are_findings():
    sheet = SheetData("节假日调整", [
        ["日期", "类型", "说明"],
        ["2027-01-01", "休息", "元旦"],
        ["2027年2月6日", "上班", "调休"],
        ["明年", "休息", ""],
        [46400, "放假", ""],
        [None, "休息", "没写日期"],
        ["2027-01-01", "上班", "与第 2 行矛盾"],
    ])
    overrides, findings = holiday_overrides(sheet)
    assert sorted((f.code, f.cell) for f in findings) == [
        ("choice-invalid", "B5"), ("date-invalid", "A4"), ("duplicate-row", "A7"), ("required-blank", "A6")]
    assert overrides["cell"].tolist() == ["A2", "A3", "A7"]
    cal, more = calendar_from_sheet(sheet)
    assert [f.code for f in more if f.code == "calendar-from-workbook"] == ["calendar-from-workbook"]
    assert cal.is_workday(["2027-02-06"]).tolist() == [True]


def test_index_of_dates_outside_the_arrays_nat_and_other_units():
    """Before the first year, after the last, NaT, and datetime64 in seconds (a DataFrame's unit)."""
    cal = WorkCalendar.official()
    days = np.array(["1969-12-31", "2003-12-31", "2004-01-02", "2026-12-31", "2027-01-01", "NaT"], dtype="datetime64[D]")
    assert cal.covers(days).tolist() == [False, False, True, True, False, False]
    assert cal.covers(days.astype("datetime64[s]")).tolist() == [False, False, True, True, False, False]
    counts, uncovered = cal.count_masked(np.array(["2004-01-01", "1900-01-01"], dtype="datetime64[s]"),
                                         np.array(["2004-01-05", "2004-01-05"], dtype="datetime64[D]"))
    assert counts[0] == 2 and np.isnan(counts[1]) and uncovered.tolist() == [False, True]
