"""通用 group: 清除标记 and 刷新工作日历."""
from __future__ import annotations

from engine.columns import CALENDAR_SHEET, HOLIDAY_SHEET
from engine.findings import has_errors
from macros._findings_ui import REPORT_SHEET, clear_marks as _clear_marks, finish, show_findings
from macros._sheet_io import has_sheet, read_sheet, result_sheet, write_table


def clear_marks(book) -> list:
    """清除标记: remove the fills and notes of the last check and its 校验报告."""
    count = _clear_marks(book, delete_report=True)
    finish(book, f"清除标记：已清除 {count} 个单元格的标记，并删除“{REPORT_SHEET}”。" if count
           else f"清除标记：没有需要清除的标记（未找到“{REPORT_SHEET}”或其中没有标记）。", [], "清除标记")
    return []


def refresh_calendar(book) -> list:
    """刷新工作日历: rebuild the hidden 工作日历 sheet (SPEC §3.6) from the official calendar and
    the workbook's 节假日调整, so plain Excel formulas count working days with 调休."""
    from engine.workdays import calendar_from_sheet

    holidays = read_sheet(book, HOLIDAY_SHEET.sheet) if has_sheet(book, HOLIDAY_SHEET.sheet) else None
    calendar, findings = calendar_from_sheet(holidays)
    if has_errors(findings):
        show_findings(book, findings, label="刷新工作日历（未刷新）")
        return findings
    table = calendar.table()
    rows = [[d, int(w), int(c)] for d, w, c in zip(table["date"].dt.date, table["workday"], table["cumulative"])]
    sheet = result_sheet(book, CALENDAR_SHEET.sheet)
    write_table(sheet, CALENDAR_SHEET.headers, rows, widths=[c.width for c in CALENDAR_SHEET.columns],
                formats={0: "yyyy-mm-dd"})
    first, last = rows[0][0], rows[-1][0]
    sheet["E1"].value = (f"由集采助手按国家法定节假日（含调休）和本工作簿“节假日调整”生成，范围 {first:%Y-%m-%d} 至 "
                         f"{last:%Y-%m-%d}。修改“节假日调整”后请点“刷新工作日历”。请勿手工修改本表。")
    sheet.freeze_panes.freeze_at("1:1")
    sheet.visible = False
    show_findings(book, findings, label="刷新工作日历",
                  note=f"“{CALENDAR_SHEET.sheet}”已更新：{first:%Y-%m-%d} 至 {last:%Y-%m-%d}，共 {len(rows)} 天。")
    return findings
