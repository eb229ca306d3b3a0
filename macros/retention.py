"""结余留用 group: 计算结余留用 · 申诉台账."""
from __future__ import annotations

from datetime import date

from engine.columns import APPEAL_SHEET, BATCH_SHEET, DETAIL_SHEET, RESULT_SHEET_NAME, SCORE_SHEET
from macros._batch import batch_scheme
from macros._errors import MacroStop
from macros._findings_ui import show_findings
from macros._pick import require_sheet
from macros._sheet_io import has_sheet, read_sheet, result_sheet, write_table

DETAIL_RESULT = "结余留用明细"
HOSPITAL_RESULT = "机构汇总"   # the same sheet names as `jicai retention -o`
DISTRICT_RESULT = "区域汇总"
MONEY = "#,##0.00"
RATE = "0.00%"


def compute_retention(book) -> list:
    """计算结余留用: 测算数据 + scores (考核结果, else 自评分数表) -> three result sheets
    (replaced on every run) and the findings painted on the input sheets."""
    from engine.retention import compute_retention as compute

    details = require_sheet(book, DETAIL_SHEET)
    if has_sheet(book, RESULT_SHEET_NAME):
        scores = read_sheet(book, RESULT_SHEET_NAME)
    elif has_sheet(book, SCORE_SHEET.sheet):
        scores = read_sheet(book, SCORE_SHEET.sheet)
    else:
        raise MacroStop(f"找不到考核评分：工作簿中既没有“{RESULT_SHEET_NAME}”也没有“{SCORE_SHEET.sheet}”。"
                        "请先导入考核评分，或把自评分数表放在本工作簿中。")
    result = compute(details, scores, batch_scheme(book))
    data = result.to_json()
    names = _names(details)
    write_details(book, data["details"], details_rows=result.details, names=names)
    write_hospitals(book, data["hospitals"], names)
    write_districts(book, data["districts"])
    total = sum(d["retained_total"] or 0 for d in data["districts"])
    show_findings(book, result.findings, label="计算结余留用", rows=len(data["details"]),
                  note=f"结余留用合计 {total:,.2f} 元，见“{HOSPITAL_RESULT}”“{DISTRICT_RESULT}”“{DETAIL_RESULT}”。")
    return result.findings


def _names(details) -> dict[str, str]:
    """医疗机构编号 -> 名称 from 测算数据 (the results carry codes only)."""
    from engine.cells import normalize_text
    from engine.sheet import locate
    located = locate(details, DETAIL_SHEET)
    if {"hospital_code", "hospital_name"} & located.missing:
        return {}
    out: dict[str, str] = {}
    for code, name in zip(located.frame["hospital_code"], located.frame["hospital_name"]):
        out.setdefault(normalize_text(code), normalize_text(name))
    return out


def write_details(book, rows: list[dict], details_rows, names: dict[str, str]) -> None:
    header = ["测算数据行", "医疗机构编号", "医疗机构名称", "品种序号", "险种", "医保基金预算(元)", "医保基金实际支出(元)",
              "结余金额(元)", "约定采购量完成率", "医保考核评分", "留用比例", "结余留用金额(元)"]
    excel_rows = list(details_rows.index) if len(details_rows) == len(rows) else [None] * len(rows)
    table = [[excel_rows[i], r["hospital_code"], names.get(r["hospital_code"], ""), r["variety_code"], r["fund"],
              r["budget"], r["spending"], r["surplus"], r["completion_rate"], r["score"], r["ratio"], r["retained"]]
             for i, r in enumerate(rows)]
    sheet = result_sheet(book, DETAIL_RESULT)
    write_table(sheet, header, table, widths=[10, 13, 26, 9, 6, 16, 18, 14, 14, 12, 9, 16],
                formats={5: MONEY, 6: MONEY, 7: MONEY, 8: RATE, 10: "0%", 11: MONEY})
    sheet.freeze_panes.freeze_at("1:1")


def write_hospitals(book, rows: list[dict], names: dict[str, str]) -> None:
    header = ["区域", "医疗机构编号", "医疗机构名称", "考核品种数", "医保基金预算(元)", "结余金额(元)",
              "职保结余留用金额(元)", "居保结余留用金额(元)", "结余留用合计(元)"]
    table = [[r["district"], r["hospital_code"], names.get(r["hospital_code"], ""), r["varieties"], r["budget"],
              r["surplus"], r["retained_employee"], r["retained_resident"], r["retained_total"]] for r in rows]
    sheet = result_sheet(book, HOSPITAL_RESULT)
    write_table(sheet, header, table, widths=[10, 13, 26, 10, 16, 14, 16, 16, 16],
                formats={4: MONEY, 5: MONEY, 6: MONEY, 7: MONEY, 8: MONEY})
    sheet.freeze_panes.freeze_at("1:1")


def write_districts(book, rows: list[dict]) -> None:
    header = ["区域", "医疗机构数", "考核品种数", "医保基金预算(元)", "结余金额(元)", "职保结余留用金额(元)",
              "居保结余留用金额(元)", "结余留用合计(元)"]
    table = [[r["district"], r["hospitals"], r["varieties"], r["budget"], r["surplus"], r["retained_employee"],
              r["retained_resident"], r["retained_total"]] for r in rows]
    sheet = result_sheet(book, DISTRICT_RESULT)
    write_table(sheet, header, table, widths=[10, 10, 10, 16, 14, 16, 16, 16],
                formats={3: MONEY, 4: MONEY, 5: MONEY, 6: MONEY, 7: MONEY})
    sheet.freeze_panes.freeze_at("1:1")


def appeals(book, as_of: date | None = None) -> list:
    """申诉台账: check the appeals register (replies, dates, overdue appeals)."""
    from engine.appeals import check_appeals
    from engine.workdays import workbook_calendar

    register = require_sheet(book, APPEAL_SHEET)
    batches = read_sheet(book, BATCH_SHEET.sheet) if has_sheet(book, BATCH_SHEET.sheet) else None
    scheme = batch_scheme(book)
    calendar = workbook_calendar(book_holidays(book))
    rows, findings = check_appeals(register, batches, as_of or date.today(), scheme, calendar)
    show_findings(book, findings, label="申诉台账", rows=rows)
    return findings


def book_holidays(book):
    from engine.columns import HOLIDAY_SHEET
    return read_sheet(book, HOLIDAY_SHEET.sheet) if has_sheet(book, HOLIDAY_SHEET.sheet) else None
