"""jicai.payload (xlsx -> the JSON book Excel sends) and jicai.actions (returned actions ->
openpyxl), checked through a real xlwings JSON book."""
from __future__ import annotations

import datetime as dt
import json
import os

import openpyxl
import pytest
from openpyxl.comments import Comment

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
import xlwings as xw  # noqa: E402

from jicai.actions import UnsupportedAction, apply_actions, excel_typed  # noqa: E402
from jicai.payload import build_payload  # noqa: E402


@pytest.fixture
def book_file(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws["B2"] = "编号"
    ws["C2"] = dt.date(2012, 3, 5)
    ws["D3"] = 12.5
    ws["E4"] = "=1+1"          # no cached value in an openpyxl file
    ws["B3"] = "#N/A"
    ws["B2"].comment = Comment("原有批注", "clerk")
    other = wb.create_sheet("其他")
    other["A1"] = "x"
    wb.defined_names["目标"] = openpyxl.workbook.defined_name.DefinedName("目标", attr_text="'数据'!$D$3")
    path = tmp_path / "in.xlsx"
    wb.save(path)
    return path


def test_payload_matches_what_excel_sends(book_file):
    p = build_payload(book_file, active_sheet="其他")
    assert p["client"] == "Office.js" and p["book"]["active_sheet_index"] == 1
    data = p["sheets"][0]
    assert data["used_range_address"] == "B2:E4"
    assert data["values"][0] == ["", "", "", "", ""]                 # values are anchored at A1
    assert data["values"][1][1:3] == ["编号", "2012-03-05T00:00:00.000Z"]
    assert data["values"][2][1] == "#N/A" and data["values"][2][3] == 12.5
    assert data["values"][3][4] == ""                                # formula without a cached result
    assert data["notes"] == [{"address": "B2"}]
    assert p["names"][0]["name"] == "目标" and p["names"][0]["address"] == "D3"

    book = xw.Book(json=json.loads(json.dumps(p)))
    sheet = book.sheets["数据"]
    assert sheet["C2"].value == dt.datetime(2012, 3, 5)
    assert sheet["B3"].options(err_to_str=True).value == "#N/A"
    assert sheet["B2"].note is not None
    assert book.names["目标"].refers_to_range.value == 12.5


def test_actions_are_applied_like_excel(book_file):
    book = xw.Book(json=build_payload(book_file))
    sheet = book.sheets["数据"]
    sheet["A1"].value = [["'=不是公式", "001", "'001", "2012-03-05", "=SUM(1,2)", None, True]]
    sheet["D3"].color = "#FFC7CE"
    sheet["D3"].add_note("问题")
    sheet["B2"].note.text = "替换"
    sheet["D3"].number_format = "0.00%"
    sheet["D3"].name = "新名称"
    sheet["A:A"].column_width = 60
    sheet["A2"].add_hyperlink("#'其他'!A1", "去其他表")
    report = book.sheets.add("报告", after=book.sheets["其他"])
    report["A1"].value = "报告"
    report.freeze_panes.freeze_at("1:1")
    book.sheets["其他"].name = "改名"
    book.sheets["改名"].delete()
    book.app.alert("完成", title="集采助手")
    actions = json.loads(json.dumps(book.json()["actions"]))

    wb = openpyxl.load_workbook(book_file)
    applied = apply_actions(wb, actions)
    ws = wb["数据"]
    assert [ws.cell(1, c).value for c in range(1, 6)] == ["=不是公式", 1, "001", dt.datetime(2012, 3, 5), "=SUM(1,2)"]
    assert ws["A1"].data_type == "s" and ws["E1"].data_type == "f" and ws["G1"].value is True
    assert ws["D3"].fill.fgColor.rgb == "FFFFC7CE" and ws["D3"].comment.text == "问题"
    assert ws["B2"].comment.text == "替换" and ws["D3"].number_format == "0.00%"
    assert wb.defined_names["新名称"].attr_text == "'数据'!$D$3"
    assert 10 < ws.column_dimensions["A"].width < 11                 # 60 points ~ 10.7 characters
    assert ws["A2"].hyperlink.location == "'其他'!A1" and ws["A2"].value == "去其他表"
    assert wb.sheetnames == ["数据", "报告"] and wb["报告"].freeze_panes == "A2"
    assert applied.alerts[0]["prompt"] == "完成"


def test_unknown_action_is_refused(book_file):
    wb = openpyxl.load_workbook(book_file)
    with pytest.raises(UnsupportedAction):
        apply_actions(wb, [{"func": "addChart", "args": [], "sheet_position": 0}])


@pytest.mark.parametrize("value,expected", [
    ("12", 12), ("1.50", 1.5), ("-3e2", -300.0), ("50%", 0.5), ("TRUE", True), ("'12", "12"),
    ("2012-3-5", dt.datetime(2012, 3, 5)), ("江岸区", "江岸区"), ("", None), (7, 7),
])
def test_excel_typing_of_written_values(value, expected):
    assert excel_typed(value)[0] == expected
