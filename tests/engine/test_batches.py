"""批次设置: deadline parsing and the deadline-passed check (SPEC §3.5b)."""
from __future__ import annotations

import copy
from datetime import date, datetime

import pytest

from engine.batches import check_deadline, parse_batches, parse_deadline
from engine.columns import BATCH_SHEET
from engine.findings import flatten
from engine.sheet import SheetData


def batches(*rows) -> SheetData:
    return SheetData("批次设置", [BATCH_SHEET.headers, *[list(r) for r in rows]])


ONE = ["2026-01", "2026年度第一批", "wuhan-default", datetime(2026, 11, 30, 17, 0), "武昌区"]


def test_after_deadline_is_an_error_at_the_deadline_cell():
    found = check_deadline(batches(ONE), datetime(2026, 11, 30, 17, 1))
    assert flatten(found, ("code", "sheet", "cell", "severity")) == [("deadline-passed", "批次设置", "D2", "error")]
    assert "2026年度第一批" in found[0].message and "2026-11-30 17:00" in found[0].message


def test_before_or_at_deadline_is_fine():
    assert check_deadline(batches(ONE), datetime(2026, 11, 30, 17, 0)) == []
    assert check_deadline(batches(ONE), date(2026, 11, 30)) == []  # a date alone: start of that day


@pytest.mark.parametrize("value", [date(2026, 11, 30), datetime(2026, 11, 30), "2026-11-30", "2026年11月30日", 46356])
def test_a_deadline_without_time_lasts_the_whole_day(value):
    sheet = batches([*ONE[:3], value, ONE[4]])
    assert check_deadline(sheet, datetime(2026, 11, 30, 23, 59)) == []
    assert [f.code for f in check_deadline(sheet, datetime(2026, 12, 1, 0, 0))] == ["deadline-passed"]


@pytest.mark.parametrize("value, expected", [
    ("2026-11-30 17:30", datetime(2026, 11, 30, 17, 30)),
    ("2026/11/30 9:05:10", datetime(2026, 11, 30, 9, 5, 10)),
    ("２０２６-11-30 17:30", datetime(2026, 11, 30, 17, 30)),
    (46356.75, datetime(2026, 11, 30, 18, 0)),
])
def test_deadline_text_and_serial_with_time(value, expected):
    assert parse_deadline(value) == (expected, False)


def test_invalid_and_blank_deadlines():
    sheet = batches(["2026-01", "第一批", "", "下周五", ""], ["2026-02", "第二批", "", None, ""])
    parsed, found = parse_batches(sheet)
    assert flatten(found) == [("date-invalid", "D2"), ("required-blank", "D3")]
    assert [b.deadline for b in parsed] == [None, None]
    # the import is refused when the current batch's deadline cannot be read
    assert flatten(check_deadline(sheet, datetime(2026, 1, 1), "2026-01")) == [("date-invalid", "D2")]


def test_current_batch_is_the_latest_unless_named():
    old = ["2025-01", "2025年度", "", datetime(2025, 12, 31, 17), ""]
    sheet = batches(old, ONE)
    assert check_deadline(sheet, datetime(2026, 6, 1)) == []
    assert flatten(check_deadline(sheet, datetime(2026, 6, 1), "2025-01")) == [("deadline-passed", "D2")]
    assert flatten(check_deadline(sheet, datetime(2026, 6, 1), "1999")) == [("unknown-batch", "A1")]


def test_batch_sheet_unchanged_and_empty_sheet():
    sheet = batches(ONE)
    before = copy.deepcopy(sheet.rows)
    check_deadline(sheet, datetime(2030, 1, 1))
    assert sheet.rows == before
    assert check_deadline(batches(), datetime(2030, 1, 1)) == []
