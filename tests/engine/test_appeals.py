"""申诉台账 checks (SPEC §3.5c)."""
from __future__ import annotations

import copy
from datetime import date, datetime

import pandas as pd
import pytest

from engine.appeals import check_appeals
from engine.columns import APPEAL_SHEET, BATCH_SHEET
from engine.findings import flatten
from engine.scheme import load_scheme
from engine.sheet import SheetData
from engine.workdays import WorkCalendar

SCHEME = load_scheme("wuhan-default")
CALENDAR = WorkCalendar.official()
BATCHES = SheetData("批次设置", [BATCH_SHEET.headers,
                               ["2026-01", "2026年度第一批", "wuhan-default", datetime(2026, 11, 10, 17, 0), "武昌区"]])


def appeal(code="SS001", batch="2026-01", status="待处理", submitted=date(2026, 11, 2), reply=None, replied=None,
           replier=None, follow_up=None, hospital="T0013"):
    return [code, batch, hospital, "湖北省直属机关医院", "评分复核", "明细.xlsx", submitted, status, reply, replied,
            replier, follow_up]


def register(*rows) -> SheetData:
    return SheetData("申诉台账", [APPEAL_SHEET.headers, *[list(r) for r in rows]])


def check(*rows, as_of=date(2026, 11, 5), batches=BATCHES, calendar=CALENDAR):
    return check_appeals(register(*rows), batches, as_of, SCHEME, calendar)


def test_clean_register():
    rows, found = check(appeal(), appeal("SS002", status="已回复", reply="维持", replied=date(2026, 11, 3), replier="张老师",
                                         follow_up="系统回复"))
    assert (rows, found) == (2, [])


def test_reply_missing_for_answered_statuses():
    _, found = check(appeal(status="已回复"), appeal("SS002", status="已办结", reply="已更正", replier="张老师"))
    assert flatten(found, ("code", "cell", "severity")) == [
        ("reply-missing", "I2", "error"), ("reply-missing", "J2", "error"), ("reply-missing", "K2", "error"),
        ("reply-missing", "J3", "error")]


def test_reply_date_before_submission():
    _, found = check(appeal(status="已回复", reply="x", replier="y", submitted=date(2026, 11, 4), replied=date(2026, 11, 3)))
    assert flatten(found, ("code", "cell")) == [("date-order", "J2")]
    assert "2026-11-03" in found[0].message and "2026-11-04" in found[0].message


def test_required_choices_dates_and_duplicates():
    bad = appeal("SS001", status="处理中", follow_up="上门", submitted="十一月")
    _, found = check(bad, appeal("SS001", hospital=None))
    got = flatten(found, ("code", "cell"))
    for expected in [("choice-invalid", "H2"), ("choice-invalid", "L2"), ("date-invalid", "G2"),
                     ("required-blank", "C3"), ("duplicate-row", "A3")]:
        assert expected in got


def test_late_appeal_and_unknown_batch_need_the_batch_sheet():
    late = appeal(submitted=date(2026, 11, 11))
    on_the_day = appeal("SS002", submitted=date(2026, 11, 10))
    unknown = appeal("SS003", batch="2099-09")
    _, found = check(late, on_the_day, unknown, as_of=date(2026, 11, 12))
    assert flatten(found, ("code", "cell", "severity")) == [("appeal-late", "G2", "warning"),
                                                            ("unknown-batch", "B4", "error")]
    _, without = check(late, on_the_day, unknown, as_of=date(2026, 11, 12), batches=None)
    assert without == []


@pytest.mark.parametrize("as_of, overdue", [(date(2026, 11, 16), False),   # 10 working days after 11-02
                                            (date(2026, 11, 17), True)])   # 11
def test_overdue_counts_working_days(as_of, overdue):
    rows = [appeal(submitted=date(2026, 11, 2)),
            appeal("SS002", submitted=date(2026, 11, 2), status="已办结", reply="x", replied=date(2026, 11, 3), replier="y")]
    _, found = check(*rows, as_of=as_of)
    assert flatten(found, ("code", "cell", "severity")) == ([("appeal-overdue", "H2", "warning")] if overdue else [])


def test_overdue_follows_the_official_holidays():
    # 2026-09-30 -> 2026-10-14: the National Day week (10-01..10-07 off, 09-20 and 10-10 worked)
    _, found = check(appeal(submitted=date(2026, 9, 30)), as_of=date(2026, 10, 14), batches=None)
    assert found == []  # Mon-Fri counting would say 10, official calendar: 6
    assert CALENDAR.count(date(2026, 9, 30), date(2026, 10, 14)) == 6
    _, found = check(appeal(submitted=date(2026, 9, 30)), as_of=date(2026, 10, 21), batches=None)
    assert [f.code for f in found] == ["appeal-overdue"] and "11 个工作日" in found[0].message


def test_overrides_change_the_count():
    calendar, _ = WorkCalendar.with_overrides(pd.DataFrame({"date": [date(2026, 11, 16)], "kind": ["休息"]}))
    _, found = check(appeal(submitted=date(2026, 11, 2)), as_of=date(2026, 11, 17), calendar=calendar)
    assert found == []


def test_uncovered_dates_are_findings_not_guesses():
    _, found = check(appeal(submitted=date(2026, 11, 2)), as_of=date(2027, 3, 1))
    assert flatten(found, ("code", "cell", "severity")) == [("calendar-not-covered", "A1", "error")]
    _, found = check(appeal(submitted=date(2003, 5, 6)), as_of=date(2026, 11, 2), batches=None)
    assert flatten(found, ("code", "cell")) == [("calendar-not-covered", "G2")]


def test_register_unchanged():
    sheet = register(appeal(status="已回复"))
    before = copy.deepcopy(sheet.rows)
    check_appeals(sheet, BATCHES, date(2026, 12, 1), SCHEME, CALENDAR)
    assert sheet.rows == before


def test_garbage_cells_give_findings_never_exceptions():
    import random
    junk = [None, "", " ", "abc", "#N/A", True, date(2026, 1, 1), datetime(2026, 1, 1, 8), -1, 0, 1e300, "2026-13-45",
            "20261105", 46000, "已回复", "已办结", "待处理", "电话回访", date(1999, 1, 1), date(2031, 1, 1)]
    rng = random.Random(5)
    rows = [[rng.choice(junk) if rng.random() < 0.4 else v for v in appeal(f"SS{i % 50}")] for i in range(300)]
    n, found = check(*rows, as_of=date(2026, 11, 20))
    assert n == 300 and found and all(f.cell and f.message for f in found)
