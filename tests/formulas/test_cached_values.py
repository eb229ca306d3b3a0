"""jicai.cached_values: formula results stored in the saved file next to their formulas."""
from __future__ import annotations

import zipfile
from datetime import date

import openpyxl

from jicai.cached_values import cache_value, write_cached_values


def test_values_of_every_type_land_in_the_right_sheet_and_cell(tmp_path):
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "A & B's <表>"
    other = wb.create_sheet("第二")
    cells = {"A1": 3, "A2": 0.1 + 0.2, "A3": "文本 <&>", "A4": "", "A5": date(2012, 1, 23), "A6": True, "A7": float("nan")}
    for ws in (first, other):
        for ref in cells:
            ws[ref] = "=1"
    for ref, value in cells.items():
        cache_value(first, first[ref].row, first[ref].column, value)
    cache_value(other, 1, 1, 42)
    path = tmp_path / "v.xlsx"
    wb.save(path)
    write_cached_values(wb, path)
    write_cached_values(wb, path)  # a second pass changes nothing
    back = openpyxl.load_workbook(path, data_only=True)
    got = back[first.title]
    assert got["A1"].value == 3 and got["A2"].value == 0.1 + 0.2 and got["A3"].value == "文本 <&>"
    assert got["A4"].value in ("", None) and got["A5"].value == 40931 and got["A6"].value is True
    assert got["A7"].value in ("", None)
    assert back["第二"]["A1"].value == 42 and back["第二"]["A2"].value is None
    formulas = openpyxl.load_workbook(path)
    assert formulas[first.title]["A3"].value == "=1"
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None


def test_a_workbook_without_recorded_values_is_left_alone(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    before = path.read_bytes()
    write_cached_values(wb, path)
    assert path.read_bytes() == before
