"""The polars scan of a CSV ledger (jicai.csv_scan) must give the engine exactly what the pandas
reader gives — same values, same row numbers — and step aside (None) whenever it cannot."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.columns import LEDGER_SHEET
from engine.monthly_ledger import read_ledger
from engine.workdays import WorkCalendar
from jicai.csv_scan import polars_usable, scan, scan_in_background
from jicai.ledger import _located_from_scan, read_ledger_csv, read_ledger_file

HEADER = ",".join(LEDGER_SHEET.headers)
MESSY = [
    "西安市,雁塔区,A2,机构A2,P2,2024-04-08,2024-04-08,2024-04-15,200",
    "宝鸡市, 渭滨区 ,Ｂ1,机构B1,P3,2024/4/1,2024年4月1日,45383,300.5",
    "",                                                    # a blank line: still a row number
    ",,,,,,,,",                                            # a line of empty cells
    '西安市,雁塔区,A1,"机构A1, 东院",P1,2024-04-01,,2024-04-12,"1,000"',
    '西安市,雁塔区,A1,"",P1,2024-04-01,2024-04-02,不知道,#N/A',  # duplicate, "" blank, bad date, text amount
    "西安市,雁塔区,A3,机构A3,P9,2024-04-01,2024-04-02",         # short row
    "西安市,雁塔区,A2,机构A2,P4,2024-04-22,2024-04-23,,400",
]


def write(path, lines, encoding="utf-8", newline="\r\n"):
    path.write_bytes(newline.join([HEADER, *lines, ""]).encode(encoding))
    return path


def frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.index) == list(b.index)
    assert list(a.columns) == list(b.columns)
    for key in a.columns:
        left = [None if v is None or v != v else v for v in np.asarray(a[key], dtype=object)]
        right = [None if v is None or v != v else v for v in np.asarray(b[key], dtype=object)]
        assert left == right, key


def test_polars_is_usable_here():
    assert polars_usable()


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_scan_gives_what_the_pandas_reader_gives(tmp_path, newline):
    path = write(tmp_path / "l.csv", MESSY, newline=newline)
    scanned = scan(path)
    assert scanned is not None and scanned.rows == len(MESSY)
    fast, slow = _located_from_scan(scanned), read_ledger_csv(path)
    frames_equal(fast.frame, slow.frame)
    assert fast.frame.index.tolist() == [2, 3, 6, 7, 8, 9]  # blank lines 4 and 5 dropped, numbers kept
    cal = WorkCalendar.official()
    a, b = (read_ledger(x, cal, pd.Timestamp("2024-04-30").date(), 30.0) for x in (fast, slow))
    assert [f.as_dict() for f in a.findings] == [f.as_dict() for f in b.findings]
    assert {f.code for f in a.findings} >= {"date-invalid", "duplicate-row", "not-a-number", "required-blank"}
    frames_equal(a.frame, b.frame)


def test_a_big_ledger_keeps_distinct_order_numbers_as_text_and_amounts_as_numbers(tmp_path):
    lines = [f"西安市,雁塔区,A{i % 7},机构A{i % 7},P{i:06d},2024-04-0{1 + i % 5},2024-04-0{2 + i % 5},2024-04-2{i % 9},"
             f"{i * 1.25:.2f}" for i in range(30_000)]
    path = write(tmp_path / "l.csv", lines)
    scanned = scan(path)
    order, amount, code = scanned.columns[4], scanned.columns[8], scanned.columns[2]
    assert order.text is not None and order.codes is None
    assert amount.numbers is not None and amount.numbers[3] == 3.75
    assert code.codes is not None and code.uniques == [f"A{i}" for i in range(7)]
    frames_equal(_located_from_scan(scanned).frame, read_ledger_csv(path).frame)


@pytest.mark.parametrize("case", ["gbk", "too-many-fields", "header-only", "quoted-header"])
def test_scan_steps_aside(tmp_path, case):
    path = tmp_path / "l.csv"
    if case == "gbk":
        write(path, MESSY, encoding="gbk")
    elif case == "too-many-fields":
        write(path, [MESSY[0] + ",多出来的"])
    elif case == "header-only":
        write(path, [])
    else:
        path.write_text('"市",县(区)\n西安市,雁塔区\n', encoding="utf-8")
    assert scan(path) is None
    future = scan_in_background(path)
    assert future.result(timeout=60) is None
    assert read_ledger_file(path, future).frame is not None  # the pandas reader reads it as before



def _ledger_lines(orders):
    return [f"西安市,雁塔区,A{k % 3},机构A{k % 3},{o},2024-04-0{1 + k % 5},2024-04-0{2 + k % 5},2024-04-2{k % 9},{k}"
            for k, o in enumerate(orders)]


MANY = [f"P{k:05d}" for k in range(1500)]  # above the scan's repeating-values threshold


@pytest.mark.parametrize("orders, canonical", [
    (MANY[:700] + [""] + MANY[700:], True),             # increasing, one blank: distinct without hashing
    (MANY[::-1][:900] + [""] + MANY[::-1][900:], True),  # distinct in another order: told by hashing
    (MANY + ["P00007"], False),                         # a duplicate: the engine must report it
    (MANY + ["Ｐ99999"], False),                        # full-width: NFKC would change it
    (MANY + [" P99999"], False),                        # a space at an edge: strip would change it
    (MANY[:3] + ["P00001"], False),                     # few values: codes, not a text column
])
def test_scan_marks_distinct_canonical_order_numbers(tmp_path, orders, canonical):
    """A column of distinct, already-canonical texts is flagged, so the engine skips hashing it;
    the ledger the engine builds is the same either way."""
    path = write(tmp_path / "l.csv", _ledger_lines(orders))
    scanned = scan(path)
    assert scanned is not None
    order = LEDGER_SHEET.headers.index("采购单号")
    assert scanned.columns[order].distinct_canonical is canonical
    assert (scanned.columns[order].codes is None) is (len(orders) > 1000)
    fast, slow = _located_from_scan(scanned), read_ledger_csv(path)
    assert ("order" in fast.distinct_canonical) is canonical and not slow.distinct_canonical
    cal = WorkCalendar.official()
    a, b = (read_ledger(x, cal, pd.Timestamp("2024-04-30").date(), 30.0) for x in (fast, slow))
    assert [f.as_dict() for f in a.findings] == [f.as_dict() for f in b.findings]
    frames_equal(a.frame, b.frame)
    assert a.ids["order"].tolist() == b.ids["order"].tolist()
