"""Proof of agreement (issue 6): LibreOffice, forced to recalculate every formula, computes the
same numbers as the engine — in the sample workbooks and in a `jicai monthly -o` output, also
after dates were edited across the 2012 Spring Festival and the 2025 National Day.
Day counts must be equal, ratios within 1e-9."""
from __future__ import annotations

import json
from datetime import date, datetime

import numpy as np
import openpyxl
import pytest

from conftest import run_cli
from engine.monthly_indicators import ratio
from engine.workdays import WorkCalendar
from jicai import formulas as F
from jicai.templates import monthly as monthly_templates
from jicai.xlsx_template import save

MONTH = "2025-12"


@pytest.fixture(scope="module")
def calendar():
    return WorkCalendar.official()


@pytest.fixture
def sample(tmp_path):
    return save(monthly_templates.build_sample(), tmp_path / monthly_templates.SAMPLE_NAME)


@pytest.fixture
def monthly_output(sample, tmp_path):
    out = tmp_path / "月报结果.xlsx"
    proc = run_cli("monthly", str(sample), "--month", MONTH, "-o", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    return out, json.loads(proc.stdout)


def _day(v):
    return v.date() if isinstance(v, datetime) else v


def _blank(v):
    return v is None or v == ""


def ledger_rows(path):
    """(row, 验收, 发票, 结清, 起算日期, 回款天数, 回款指数) of a (recalculated) 回款明细."""
    ws = openpyxl.load_workbook(path, data_only=True, read_only=True)["回款明细"]
    header = next(ws.iter_rows(max_row=1, values_only=True))
    col = {h: i for i, h in enumerate(header) if h}
    out = []
    for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        row = list(row) + [None] * (len(header) - len(row))
        if all(_blank(row[col[h]]) for h in ("验收日期", "发票日期", "结清日期")):
            continue
        out.append((r, *(row[col[h]] for h in ("验收日期", "发票日期", "结清日期", "起算日期", "回款天数", "回款指数"))))
    return out


def assert_ledger_agrees(path, calendar, index_days=30):
    rows = ledger_rows(path)
    assert rows, "no ledger rows"
    settled = 0
    for r, accepted, invoiced, paid, start, days, index in rows:
        expected_start = max(_day(accepted), _day(invoiced))
        assert _day(start) == expected_start, f"J{r}"
        if _blank(paid):
            assert _blank(days) and _blank(index), f"K{r}: open purchase has no days"
            continue
        expected = int(calendar.count(expected_start, _day(paid))[0])
        assert days == expected, f"K{r}: LibreOffice {days!r}, engine {expected}"
        assert abs(index - expected / index_days) <= 1e-9, f"L{r}"
        settled += 1
    return settled


def assert_all_formulas_recalculated_as_cached(original, recalculated):
    """Every formula cell of our file: the value LibreOffice computed equals the cached value
    we wrote (numbers within 1e-9), and no formula ends in an error value."""
    formulas_wb = openpyxl.load_workbook(original, read_only=True)
    cached_wb = openpyxl.load_workbook(original, data_only=True, read_only=True)
    lo_wb = openpyxl.load_workbook(recalculated, data_only=True, read_only=True)
    checked = 0
    for ws in formulas_wb.worksheets:
        cached_rows = cached_wb[ws.title].iter_rows(values_only=True)
        lo_rows = lo_wb[ws.title].iter_rows(values_only=True)
        for r, (frow, crow, lrow) in enumerate(zip(ws.iter_rows(values_only=True), cached_rows, lo_rows), start=1):
            for j, f in enumerate(frow):
                if not (isinstance(f, str) and f.startswith("=")):
                    continue
                want = crow[j] if j < len(crow) else None
                got = lrow[j] if j < len(lrow) else None
                where = f"{ws.title}!{openpyxl.utils.get_column_letter(j + 1)}{r}"
                assert not (isinstance(got, str) and got.startswith("#")), f"{where}: {got}"
                if isinstance(want, (int, float)) and not isinstance(want, bool):
                    assert isinstance(got, (int, float)) and abs(got - want) <= 1e-9, f"{where}: {got!r} != {want!r}"
                elif isinstance(want, datetime):
                    assert _day(got) == want.date(), where
                else:
                    assert _blank(got) == _blank(want) and (_blank(got) or got == want), f"{where}: {got!r} != {want!r}"
                checked += 1
    return checked


def test_monthly_output_recalculates_to_the_engines_values(monthly_output, calendar, recalc):
    out, result = monthly_output
    lo = recalc(out)
    assert assert_ledger_agrees(lo, calendar) > 300
    ws = openpyxl.load_workbook(lo, data_only=True)["机构指标"]
    header = [c.value for c in ws[1]]
    keys = {"配备率": "equip_rate", "配送率": "delivery_rate", "使用率": "usage_rate", "回款率": "payment_rate"}
    by_code = {i["code"]: i for i in result["institutions"]}
    compared = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        inst = by_code.get(row[header.index("机构编码")])
        if inst is None:
            continue
        for h, key in keys.items():
            got, want = row[header.index(h)], inst[key]
            if want is None:
                assert _blank(got)
            else:
                assert abs(got - want) <= 1e-9, (inst["code"], h, got, want)
            compared += 1
    assert compared == 4 * len(result["institutions"])
    assert assert_all_formulas_recalculated_as_cached(out, lo) > 1000


def test_sample_workbook_recalculates_to_the_engines_values(sample, calendar, recalc):
    lo = recalc(sample)
    book = openpyxl.load_workbook(sample)
    if "回款天数" not in [c.value for c in book["回款明细"][1]]:
        pytest.skip("sample workbook carries no native formulas yet")
    assert assert_ledger_agrees(lo, calendar) > 300
    ws = openpyxl.load_workbook(lo, data_only=True)["机构月报"]
    header = [c.value for c in ws[1]]
    parts = {"配备率": ("配备三统一药品品规数", "配备全部药品品规数"), "配送率": ("配送三统一药品品规数", "申报三统一药品品规数"),
             "使用率": ("三统一药品采购金额(元)", "全部药品采购金额(元)"), "回款率": ("已结算药款(元)", "采购药品金额(元)")}
    n = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        if _blank(row[0]):
            continue
        for h, (num, den) in parts.items():
            want = float(ratio(row[header.index(num)], row[header.index(den)]))
            got = row[header.index(h)]
            assert (np.isnan(want) and _blank(got)) or abs(got - want) <= 1e-9
            n += 1
    assert n >= 4 * 120
    assert assert_all_formulas_recalculated_as_cached(sample, lo) > 1000


# (accepted, invoiced, paid): spans over 春节 2012 (1-22..1-28 off, Sat 1-21 and Sun 1-29 worked)
# and 国庆 2025 (10-1..10-8 off, Sun 9-28 and Sat 10-11 worked), plus a same-day and a one-day span.
EDITS = [
    (date(2012, 1, 19), date(2012, 1, 20), date(2012, 1, 31)),
    (date(2012, 1, 20), date(2012, 1, 20), date(2012, 1, 29)),
    (date(2012, 1, 21), date(2012, 1, 18), date(2012, 2, 1)),
    (date(2012, 1, 28), date(2012, 1, 28), date(2012, 1, 29)),
    (date(2025, 9, 26), date(2025, 9, 27), date(2025, 10, 9)),
    (date(2025, 9, 28), date(2025, 9, 28), date(2025, 10, 11)),
    (date(2025, 9, 30), date(2025, 9, 29), date(2025, 10, 13)),
    (date(2025, 10, 1), date(2025, 10, 8), date(2025, 10, 8)),
    (date(2024, 12, 30), date(2025, 1, 2), date(2025, 1, 2)),
]


def test_edited_dates_recalculate_across_spring_festival_and_national_day(monthly_output, calendar, recalc, tmp_path):
    out, _ = monthly_output
    wb = openpyxl.load_workbook(out)
    ws = wb["回款明细"]
    for r, (accepted, invoiced, paid) in enumerate(EDITS, start=2):
        ws[f"F{r}"], ws[f"G{r}"], ws[f"H{r}"] = accepted, invoiced, paid
    ws["H20"] = None   # settled -> open: 回款天数 becomes blank
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)    # openpyxl keeps no cached values: LibreOffice must compute every number
    lo = recalc(edited)
    assert_ledger_agrees(lo, calendar)
    back = {r: days for r, _, _, _, _, days, _ in ledger_rows(lo)}
    expected = [int(calendar.count(max(a, b), p)[0]) for a, b, p in EDITS]
    assert [back[r] for r in range(2, 2 + len(EDITS))] == expected
    # counted by hand from the State Council notices (start exclusive, paid inclusive)
    assert expected[:4] == [4, 2, 4, 1] and expected[4:7] == [4, 5, 4]
    assert _blank(back[20])


def test_refreshed_calendar_recalculates_to_the_engine_with_overrides(sample, calendar, recalc, tmp_path):
    wb = openpyxl.load_workbook(sample)
    hol = wb["节假日调整"]
    hol["A2"], hol["B2"], hol["C2"] = date(2025, 10, 11), "休息", "不调休"
    edited = tmp_path / "holidays.xlsx"
    wb.save(edited)
    out = tmp_path / "refreshed.xlsx"
    proc = run_cli("calendar", "refresh", str(edited), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    if "回款天数" not in [c.value for c in openpyxl.load_workbook(out)["回款明细"][1]]:
        pytest.skip("sample workbook carries no native formulas yet")
    lo = recalc(out)
    from engine.sheet import SheetData
    cal, _ = WorkCalendar.with_overrides(SheetData("节假日调整", [["日期", "类型", "说明"], [date(2025, 10, 11), "休息", ""]]))
    assert assert_ledger_agrees(lo, cal) > 300
    assert assert_all_formulas_recalculated_as_cached(out, lo) > 1000


def test_appeals_register_calendar_counts_reply_days_with_plain_formulas(calendar, recalc, tmp_path):
    """The appeals register carries 工作日历: a clerk's own INDEX/MATCH formula counts the working
    days of a reply across the 2025 National Day exactly as the engine does."""
    from jicai.templates import retention as retention_templates

    path = save(retention_templates.build_appeal_sample(), tmp_path / "appeals.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["申诉台账"]
    assert ws.protection.sheet and not ws.protection.password and wb["工作日历"].sheet_state == "hidden"
    assert [c.value for c in ws[1] if c.value is not None] == [c.header for c in retention_templates.APPEAL_SHEET.columns]
    spans = [(date(2025, 9, 26), date(2025, 10, 13)), (date(2012, 1, 20), date(2012, 2, 3)), (date(2025, 3, 3), date(2025, 3, 3))]
    for r, (submitted, replied) in enumerate(spans, start=20):
        ws[f"G{r}"], ws[f"J{r}"] = submitted, replied
        ws[f"N{r}"] = (f"=INDEX(工作日历!$C:$C,MATCH(J{r},工作日历!$A:$A,0))"
                       f"-INDEX(工作日历!$C:$C,MATCH(G{r},工作日历!$A:$A,0))")
    wb.save(tmp_path / "edited.xlsx")
    lo = openpyxl.load_workbook(recalc(tmp_path / "edited.xlsx"), data_only=True)["申诉台账"]
    got = [lo[f"N{r}"].value for r in range(20, 20 + len(spans))]
    assert got == [int(calendar.count(a, b)[0]) for a, b in spans]
