"""jicai.formulas without LibreOffice: the 工作日历 sheet, the formulas' text, the cached values
written into the saved file (checked against the engine's WorkCalendar), header protection."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import openpyxl
import pandas as pd
import pytest

from engine.columns import CALENDAR_SHEET, HOLIDAY_SHEET, LEDGER_SHEET, MONTHLY_SHEET
from engine.workdays import WorkCalendar
from jicai import formulas as F
from jicai.xlsx_template import add_template_sheet, new_workbook


@pytest.fixture(scope="module")
def calendar():
    return WorkCalendar.official()


def ledger_workbook(rows, calendar):
    wb = new_workbook()
    ws = add_template_sheet(wb, LEDGER_SHEET, rows=rows, validated_rows=0)
    F.write_calendar_sheet(wb, calendar.table())
    F.add_ledger_formulas(ws, calendar.table(), last_row=len(rows) + 1)
    return wb, ws


def purchase(i, accepted, invoiced, paid):
    return ["西安市", "雁塔区", "J001", "机构一", f"CG{i:04d}", accepted, invoiced, paid, 1000.0]


def test_calendar_sheet_is_the_engine_table_hidden_and_unprotected(calendar):
    wb = new_workbook()
    wb.create_sheet("回款明细")
    F.write_calendar_sheet(wb, calendar.table())
    ws = wb[CALENDAR_SHEET.sheet]
    assert ws.sheet_state == "hidden" and not ws.protection.sheet
    assert [c.value for c in ws[1][:3]] == CALENDAR_SHEET.headers
    back = F.read_calendar_sheet(ws)
    table = calendar.table()
    assert len(back) == len(table)
    assert back["date"].tolist() == pd.to_datetime(table["date"]).dt.date.tolist()
    assert back["cumulative"].tolist() == table["cumulative"].tolist()
    assert isinstance(ws["A2"].value, (date, datetime)) and ws["A2"].data_type != "f"
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in ws.iter_rows(max_col=3) for c in row)


def test_rewriting_the_calendar_keeps_its_position_and_replaces_rows(calendar):
    wb = new_workbook()
    wb.create_sheet("回款明细")
    F.write_calendar_sheet(wb, calendar.table())
    wb.create_sheet("其他")
    table, findings = F.calendar_table([HOLIDAY_SHEET.headers, [date(2027, 1, 1), "休息", "元旦"]])
    F.write_calendar_sheet(wb, table)
    assert wb.sheetnames == ["回款明细", CALENDAR_SHEET.sheet, "其他"]
    back = F.read_calendar_sheet(wb[CALENDAR_SHEET.sheet])
    assert back["date"].iloc[-1] == date(2027, 12, 31)
    assert [f.code for f in findings] == ["calendar-from-workbook"]


def test_calendar_sheet_values_apply_holiday_rows():
    values = F.calendar_sheet_values([HOLIDAY_SHEET.headers, ["2025-10-11", "休息", "改为休息"]])
    assert values[0] == CALENDAR_SHEET.headers
    by_day = {row[0]: row[1] for row in values[1:]}
    assert by_day[date(2025, 10, 11)] == 0          # 调休 Saturday turned into a rest day
    assert F.calendar_sheet_values(None)[1:] != values[1:]
    official = {row[0]: row[1] for row in F.calendar_sheet_values(None)[1:]}
    assert official[date(2025, 10, 11)] == 1


def test_ledger_formulas_use_the_calendar_sheet_with_exact_match():
    start, days, index = F.ledger_formulas(7, accepted="F", invoiced="G", paid="H", start="J", days="K", index_days=30)
    assert start.startswith("=") and "MAX(INT(F7),INT(G7))" in start
    assert "MATCH(INT(H7),工作日历!$A:$A,0)" in days and "INDEX(工作日历!$C:$C" in days
    assert "IFERROR(" in days and "JC_DATE_NOT_COVERED" in days
    assert index == '=IF(ISNUMBER(K7),K7/30,"")'
    for text in (start, days, index):  # Excel 2010 / WPS / LibreOffice: no dynamic arrays, no LET
        assert "LET(" not in text and "FILTER(" not in text and "@" not in text


def test_cached_values_are_the_engines_working_days(calendar, tmp_path):
    rng = np.random.default_rng(7)
    rows = []
    for i in range(300):
        a = date(2011, 12, 1) + timedelta(days=int(rng.integers(0, 5200)))
        b = a + timedelta(days=int(rng.integers(0, 4)))
        paid = max(a, b) + timedelta(days=int(rng.integers(0, 90)))
        rows.append(purchase(i, a, datetime.combine(b, datetime.min.time()) + timedelta(hours=15), paid))
    wb, ws = ledger_workbook(rows, calendar)
    path = F.save_workbook(wb, tmp_path / "ledger.xlsx")
    with_formulas = openpyxl.load_workbook(path)["回款明细"]
    cached = openpyxl.load_workbook(path, data_only=True)["回款明细"]
    assert with_formulas["K2"].value.startswith("=IF(")
    starts = [max(r[5], r[6].date()) for r in rows]
    expected = calendar.count(starts, [r[7] for r in rows])
    got = [cached.cell(row=i + 2, column=11).value for i in range(len(rows))]
    assert got == expected.tolist()
    index = [cached.cell(row=i + 2, column=12).value for i in range(len(rows))]
    assert np.allclose(index, expected / 30, rtol=0, atol=1e-12)
    assert [cached.cell(row=i + 2, column=10).value.date() for i in range(len(rows))] == starts
    assert openpyxl.load_workbook(path).calculation.fullCalcOnLoad


def test_blank_open_and_bad_rows_show_blank_or_a_chinese_text(calendar, tmp_path):
    rows = [
        purchase(1, date(2012, 1, 20), date(2012, 1, 20), None),                 # open: blank
        purchase(2, date(2012, 3, 5), date(2012, 3, 6), date(2031, 1, 5)),       # outside the calendar
        purchase(3, date(2012, 3, 5), date(2012, 3, 6), date(2012, 3, 1)),       # paid before start
        purchase(4, date(2012, 3, 5), "不知道", date(2012, 3, 9)),               # invalid 发票日期
        purchase(5, date(2012, 3, 5), date(2012, 3, 5), date(2012, 3, 5)),       # same day: 0
    ]
    wb, ws = ledger_workbook(rows, calendar)
    path = F.save_workbook(wb, tmp_path / "bad.xlsx")
    cached = openpyxl.load_workbook(path, data_only=True)["回款明细"]
    k = [cached.cell(row=r, column=11).value for r in range(2, 7)]
    assert k[0] in ("", None) and k[4] == 0
    assert "工作日历" in k[1] and "节假日调整" in k[1]
    assert "早于" in k[2]
    assert "日期" in cached["J5"].value and cached["K5"].value in ("", None)
    assert all(cached.cell(row=r, column=12).value in ("", None) for r in (2, 3, 4, 5))
    names = openpyxl.load_workbook(path).defined_names
    assert names["JC_DATE_NOT_COVERED"].attr_text.strip('"') == F.MSG_NOT_COVERED


def test_rate_formulas_blank_on_zero_or_missing_denominator(tmp_path):
    wb = new_workbook()
    rows = [["西安市", "雁塔区", f"J{i}", "机构", "2012-03", f, g, h, i_, j, k, 1.0, m, n, None]
            for i, (f, g, h, i_, j, k, m, n) in enumerate([
                (60, 100, 50, 40, 300.0, 400.0, 200.0, 150.0),
                (0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0),
                (5, None, 10, 9, 1.0, 2.0, None, 3.0),
            ])]
    ws = add_template_sheet(wb, MONTHLY_SHEET, rows=rows, validated_rows=0)
    F.add_rate_formulas(ws, F.monthly_rate_columns(MONTHLY_SHEET, "P"))
    path = F.save_workbook(wb, tmp_path / "rates.xlsx")
    cached = openpyxl.load_workbook(path, data_only=True)[MONTHLY_SHEET.sheet]
    assert [cached.cell(row=1, column=c).value for c in range(16, 20)] == ["配备率", "配送率", "使用率", "回款率"]
    assert [cached.cell(row=2, column=c).value for c in range(16, 20)] == [0.6, 0.8, 0.75, 0.75]
    assert all(cached.cell(row=3, column=c).value in ("", None) for c in range(16, 20))
    assert cached["P4"].value in ("", None) and cached["Q4"].value == 0.9 and cached["S4"].value in ("", None)
    assert openpyxl.load_workbook(path)[MONTHLY_SHEET.sheet]["P2"].value.startswith("=IFERROR(")


def test_rates_on_another_sheet_reference_its_rows(tmp_path):
    wb = new_workbook()
    report = add_template_sheet(wb, MONTHLY_SHEET, rows=[["a", "b", "J1", "n", "2012-03", 3, 4, 5, 5, 1.0, 2.0, 0, 8.0, 6.0]],
                                validated_rows=0)
    out = wb.create_sheet("机构指标")
    F.add_rate_formulas(out, F.monthly_rate_columns(MONTHLY_SHEET, "E"), source=report, source_rows=[2])
    assert out["E2"].value == "=IFERROR(IF(AND(ISNUMBER(机构月报!F2),ISNUMBER(机构月报!G2),机构月报!G2>0),机构月报!F2/机构月报!G2,\"\"),\"\")"
    path = F.save_workbook(wb, tmp_path / "r.xlsx")
    cached = openpyxl.load_workbook(path, data_only=True)["机构指标"]
    assert [cached[f"{c}2"].value for c in "EFGH"] == [0.75, 1.0, 0.5, 0.75]


def test_protect_header_locks_only_the_header(tmp_path, monkeypatch):
    monkeypatch.delenv(F.PASSWORD_ENV, raising=False)
    wb = new_workbook()
    ws = add_template_sheet(wb, LEDGER_SHEET, rows=[purchase(1, date(2012, 3, 5), date(2012, 3, 5), None)],
                            validated_rows=0)
    F.protect_header(ws)
    path = F.save_workbook(wb, tmp_path / "p.xlsx")
    back = openpyxl.load_workbook(path)["回款明细"]
    assert back.protection.sheet and not back.protection.password
    assert back["A1"].protection.locked and back["I1"].protection.locked
    assert not back["A2"].protection.locked and not back["F2"].protection.locked
    assert not back.column_dimensions["C"].protection.locked    # rows typed later stay editable
    assert back.protection.insertColumns and back.protection.deleteColumns  # 不能随意更改报表栏目
    assert not back.protection.insertRows and not back.protection.sort and not back.protection.autoFilter


def test_protect_header_password_is_configurable(monkeypatch):
    wb = new_workbook()
    ws = add_template_sheet(wb, LEDGER_SHEET, validated_rows=10)
    F.protect_header(ws, password="jc2012")
    assert ws.protection.password
    monkeypatch.setenv(F.PASSWORD_ENV, "from-env")
    ws2 = add_template_sheet(new_workbook(), LEDGER_SHEET, validated_rows=10)
    F.protect_header(ws2)
    assert ws2.protection.password and ws2.protection.password != ws.protection.password


def test_text_looking_like_a_formula_in_cached_values_is_escaped(tmp_path, calendar):
    rows = [purchase(1, date(2012, 3, 5), "<b>&", date(2012, 3, 9))]
    wb, ws = ledger_workbook(rows, calendar)
    path = F.save_workbook(wb, tmp_path / "x.xlsx")
    assert openpyxl.load_workbook(path, data_only=True)["回款明细"]["G2"].value == "<b>&"
