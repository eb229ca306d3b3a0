"""`jicai calendar refresh FILE -o OUT` on real files, through the real command."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from conftest import run_cli, sha256
from engine.columns import CALENDAR_SHEET, HOLIDAY_SHEET, LEDGER_SHEET
from engine.workdays import WorkCalendar
from jicai import formulas as F
from jicai.xlsx_template import add_template_sheet, new_workbook

# 2025-10-11 (Saturday) is an official make-up working day after National Day.
ROWS = [
    ["西安市", "雁塔区", "J001", "机构一", "CG0001", date(2025, 9, 26), date(2025, 9, 26), date(2025, 10, 15), 100.0],
    ["西安市", "雁塔区", "J001", "机构一", "CG0002", date(2012, 1, 16), date(2012, 1, 17), date(2012, 2, 3), 200.0],
    ["西安市", "雁塔区", "J001", "机构一", "CG0003", date(2026, 12, 20), date(2026, 12, 21), date(2027, 1, 8), 300.0],
]


def workbook(path, holiday_rows=()):
    wb = new_workbook()
    ws = add_template_sheet(wb, LEDGER_SHEET, rows=ROWS, validated_rows=10)
    add_template_sheet(wb, HOLIDAY_SHEET, rows=holiday_rows, validated_rows=10)
    table = WorkCalendar.official().table()
    F.write_calendar_sheet(wb, table)
    F.add_ledger_formulas(ws, table, last_row=len(ROWS) + 1)
    wb.create_sheet("说明")["A1"] = "保留我"
    return F.save_workbook(wb, path)


def cached(path, sheet="回款明细"):
    return openpyxl.load_workbook(path, data_only=True)[sheet]


def test_refresh_applies_new_holiday_rows_and_keeps_the_rest(tmp_path):
    src = workbook(tmp_path / "in.xlsx")
    before = cached(src)
    assert "工作日历" in before["K4"].value  # 2027 not covered yet
    # the clerk edits 节假日调整 after the file was made: 10-11 becomes a rest day, 2027 is published
    wb = openpyxl.load_workbook(src)
    hol = wb[HOLIDAY_SHEET.sheet]
    for r, row in enumerate([[date(2025, 10, 11), "休息", "调整"], [date(2027, 1, 1), "休息", "元旦"]], start=2):
        for c, v in enumerate(row, start=1):
            hol.cell(row=r, column=c, value=v)
    wb.save(src)
    digest = sha256(src)
    out = tmp_path / "out.xlsx"
    proc = run_cli("calendar", "refresh", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "2027" in proc.stdout and not proc.stderr
    assert sha256(src) == digest
    book = openpyxl.load_workbook(out)
    assert book[CALENDAR_SHEET.sheet].sheet_state == "hidden"
    assert book["说明"]["A1"].value == "保留我"
    assert book["回款明细"]["K2"].value.startswith("=")
    cal, _ = WorkCalendar.with_overrides(openpyxl_rows(book[HOLIDAY_SHEET.sheet]))
    after = cached(out)
    official = WorkCalendar.official()
    assert after["K2"].value == int(cal.count(date(2025, 9, 26), date(2025, 10, 15))[0])
    assert after["K2"].value == int(official.count(date(2025, 9, 26), date(2025, 10, 15))[0]) - 1
    assert after["K3"].value == before["K3"].value == int(official.count(date(2012, 1, 17), date(2012, 2, 3))[0])
    assert after["K4"].value == int(cal.count(date(2026, 12, 21), date(2027, 1, 8))[0])
    assert abs(after["L4"].value - after["K4"].value / 30) < 1e-12
    days = [r[0] for r in book[CALENDAR_SHEET.sheet].iter_rows(min_row=2, max_col=1, values_only=True)]
    assert days[-1].date() == date(2027, 12, 31)


def openpyxl_rows(ws):
    from engine.sheet import SheetData
    return SheetData(ws.title, [list(r) for r in ws.iter_rows(values_only=True)])


def test_bad_holiday_rows_are_findings_exit_1_and_no_output(tmp_path):
    src = workbook(tmp_path / "in.xlsx", holiday_rows=[["2025-13-01", "休息", "写错的日期"], [date(2025, 10, 11), "放假", ""]])
    out = tmp_path / "out.xlsx"
    proc = run_cli("calendar", "refresh", str(src), "-o", str(out))
    assert proc.returncode == 1
    assert "date-invalid" in proc.stdout and "choice-invalid" in proc.stdout
    assert "A2" in proc.stdout and "B3" in proc.stdout
    assert not out.exists()


def test_workbook_without_calendar_gets_one(tmp_path):
    wb = new_workbook()
    add_template_sheet(wb, LEDGER_SHEET, rows=ROWS, validated_rows=10)
    src = tmp_path / "plain.xlsx"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    proc = run_cli("calendar", "refresh", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert CALENDAR_SHEET.sheet in openpyxl.load_workbook(out).sheetnames


@pytest.mark.parametrize("case", ["same", "missing", "not-a-workbook"])
def test_unusable_input_is_exit_2_with_one_line(tmp_path, case):
    src = workbook(tmp_path / "in.xlsx")
    if case == "same":
        args = [str(src), "-o", str(src)]
    elif case == "missing":
        args = [str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "o.xlsx")]
    else:
        bad = tmp_path / "bad.xlsx"
        bad.write_text("not a workbook", encoding="utf-8")
        args = [str(bad), "-o", str(tmp_path / "o.xlsx")]
    digest = sha256(src)
    proc = run_cli("calendar", "refresh", *args)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert sha256(src) == digest
