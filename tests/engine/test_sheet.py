"""Finding a template's columns in a sheet (engine.sheet.locate) and picking the sheet."""
from __future__ import annotations

import pandas as pd

from engine.columns import HOLIDAY_SHEET, SCORE_SHEET
from engine.findings import flatten
from engine.sheet import SheetData, find_sheet, locate

H = HOLIDAY_SHEET.headers  # 日期 · 类型 · 说明: a small template keeps these tests readable


def test_exact_layout():
    loc = locate(SheetData("节假日调整", [H, ["2026-01-01", "休息", "元旦"], ["2026-01-04", "上班", ""]]), HOLIDAY_SHEET)
    assert loc.findings == [] and loc.missing == set()
    assert list(loc.frame.columns) == ["date", "kind", "note"]
    assert list(loc.frame.index) == [2, 3] and list(loc.rows) == [2, 3]
    assert loc.frame.loc[3, "kind"] == "上班"
    assert loc.cell("note", 3) == "C3" and loc.header_cell("kind") == "B1"
    assert len(loc) == 2


def test_moved_column_is_reported_where_it_belongs_and_read_where_it_is():
    loc = locate(SheetData("s", [["类型", "日期", "说明"], ["休息", "2026-01-01", "元旦"]]), HOLIDAY_SHEET)
    assert flatten(loc.findings) == [("header-mismatch", "A1"), ("header-mismatch", "B1")]
    assert "“日期”现在位于 B 列" in loc.findings[0].message
    assert loc.frame.loc[2, "date"] == "2026-01-01"
    assert loc.cell("date", 2) == "B2" and loc.cell("kind", 2) == "A2"


def test_missing_and_renamed_headers():
    loc = locate(SheetData("s", [["日期", "种类"], ["2026-01-01", "休息"]]), HOLIDAY_SHEET)
    assert flatten(loc.findings, ("code", "cell")) == [("header-mismatch", "B1"), ("header-mismatch", "C1")]
    assert "种类" in loc.findings[0].message and "找不到" in loc.findings[0].message
    assert loc.missing == {"kind", "note"}
    assert loc.frame["kind"].isna().all()
    assert loc.cell("kind", 2) == "B2"  # a missing column is addressed where the template puts it


def test_header_text_is_compared_without_whitespace_and_width():
    loc = locate(SheetData("s", [[" 日 期", "类型\n", "说明"]]), HOLIDAY_SHEET)
    assert loc.findings == []
    full_width = locate(SheetData("s", [SCORE_SHEET.headers[:16] + ["医疗机构自评总分", "医保考核评分"]]), SCORE_SHEET)
    assert full_width.findings == []


def test_title_rows_above_the_header():
    rows = [["节假日调整"], [], H, ["2026-01-01", "休息", ""]]
    loc = locate(SheetData("s", rows), HOLIDAY_SHEET)
    assert loc.findings == [] and loc.header_row == 3
    assert list(loc.frame.index) == [4] and loc.cell("kind", 4) == "B4"


def test_blank_rows_dropped_with_real_row_numbers():
    rows = [H, ["2026-01-01", "休息", ""], [None, "", "  "], [], ["2026-01-04", "上班", None], ["", "", ""]]
    loc = locate(SheetData("s", rows), HOLIDAY_SHEET)
    assert list(loc.frame.index) == [2, 5]


def test_values_only_in_unknown_columns_do_not_make_a_row():
    rows = [H + ["备用"], ["", "", "", "x"], ["2026-01-01", "休息", "", ""]]
    assert list(locate(SheetData("s", rows), HOLIDAY_SHEET).frame.index) == [3]


def test_ragged_rows_are_padded():
    rows = [H, ["2026-01-01"], ["2026-01-02", "休息", "x", "extra"]]
    loc = locate(SheetData("s", rows), HOLIDAY_SHEET)
    assert loc.frame.loc[2, "kind"] is None and loc.frame.loc[3, "note"] == "x"


def test_offset_sheet_from_an_xlwings_used_range():
    # used range starting at B3: headers at B3:D3
    loc = locate(SheetData("s", [H, ["2026-01-01", "休息", ""]], first_row=3, first_col=1), HOLIDAY_SHEET)
    assert loc.findings == [] and list(loc.frame.index) == [4]
    assert loc.cell("date", 4) == "B4"


def test_extra_keys_and_empty_sheet():
    loc = locate(SheetData("s", [H]), HOLIDAY_SHEET, extra_keys=("source",))
    assert list(loc.frame.columns) == ["date", "kind", "note", "source"] and len(loc) == 0
    empty = locate(SheetData("s", []), HOLIDAY_SHEET)
    assert len(empty) == 0 and empty.missing == {"date", "kind", "note"}


def test_locate_does_not_change_the_rows():
    rows = [H, ["2026-01-01", "休息", " 元旦 "], ["", "", ""]]
    copy = [list(r) for r in rows]
    locate(SheetData("s", rows), HOLIDAY_SHEET)
    assert rows == copy


def test_from_frame():
    frame = pd.DataFrame({"日期": ["2026-01-01", None], "类型": ["休息", "上班"], "说明": [float("nan"), "x"]})
    sheet = SheetData.from_frame("节假日调整", frame)
    assert sheet.rows[0] == H and sheet.rows[1][2] is None and sheet.rows[2][0] is None


def test_find_sheet():
    assert find_sheet(["说明", "自评分数表"], None, "自评分数表") == "自评分数表"
    assert find_sheet(["Sheet1", "Sheet2"], None, "自评分数表") == "Sheet1"
    assert find_sheet(["Sheet1", "考核"], "考核", "自评分数表") == "考核"
    assert find_sheet(["Sheet1"], "考核", "自评分数表") is None
    assert find_sheet([], None, "自评分数表") is None
