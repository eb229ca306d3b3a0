"""`jicai calendar refresh FILE -o OUT`: rebuild the hidden 工作日历 sheet in a copy of FILE
after the clerk edited 节假日调整 or a new calendar year was published (SPEC §3.6).

The copy keeps every other sheet. Formulas keep their cached values, except the 回款明细 ones
that depend on the calendar (起算日期, 回款天数, 回款指数), whose values are recomputed from the
new calendar, so the file shows correct numbers even before a recalculation. Problems in
节假日调整 are findings, printed; with an error among them nothing is written and the exit
status is 1 (as the refresh_calendar button refuses to refresh). Exit 2: unreadable input, or
-o naming the input.
"""
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from engine.columns import HOLIDAY_SHEET, LEDGER_SHEET
from engine.findings import exit_code, has_errors
from engine.workdays import WorkCalendar
from jicai import formulas
from jicai.errors import InputError
from jicai.readers import open_workbook
from jicai.report import print_findings


def run(args) -> int:
    source, output = Path(args.file), Path(args.output)
    book = open_workbook(source)  # missing, corrupt, password-protected: one line, exit 2
    _check_output(source, output)
    holidays = book.sheet(HOLIDAY_SHEET.sheet) if book.has(HOLIDAY_SHEET.sheet) else None
    calendar, findings = WorkCalendar.with_overrides(holidays) if holidays is not None else (WorkCalendar.official(), [])
    if has_errors(findings):  # as the refresh_calendar button: a half-applied schedule would miscount
        print_findings(findings)
        print("“节假日调整”有错误，未生成新文件。请改正上面列出的单元格后再刷新。")
        return 1
    table = calendar.table()
    wb = refresh_workbook(source, table)
    try:
        formulas.save_workbook(wb, output)
    except OSError as exc:
        raise InputError(f"无法写入 {output}：{exc.strerror or exc}。请确认文件没有在 Excel 中打开、文件夹可写。") from None
    print_findings(findings)
    print(f"已重建“工作日历”：{table['date'].iloc[0]:%Y-%m-%d} 至 {table['date'].iloc[-1]:%Y-%m-%d}，"
          f"共 {len(table)} 天（{calendar.covered_text()}）。已保存到 {output}")
    return exit_code(findings)


def refresh_workbook(source: Path, table):
    """The workbook at `source` (openpyxl) with 工作日历 rewritten and cached values kept."""
    try:
        wb = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
        values = load_workbook(source, data_only=True, read_only=True)
    except Exception as exc:  # readers.open_workbook accepted it, so this is rare
        raise InputError(f"无法打开 {source.name}（{type(exc).__name__}）。请用 Excel 打开并另存为 .xlsx 后再试。") from None
    for ws in wb.worksheets:
        _keep_cached_values(ws, values[ws.title])
    values.close()
    formulas.write_calendar_sheet(wb, table)
    for ws in wb.worksheets:
        formulas.recompute_known_formulas(ws)
    if LEDGER_SHEET.sheet in wb.sheetnames:
        _recompute_ledger(wb[LEDGER_SHEET.sheet], table)
    return wb


def _check_output(source: Path, output: Path) -> None:
    if output.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"输出文件 {output.name} 必须是 .xlsx 工作簿。")
    if output.resolve() == source.resolve():
        raise InputError(f"输出文件不能与输入文件 {source.name} 相同：输入文件不会被修改，请另取一个文件名。")
    if not output.parent.exists():
        raise InputError(f"输出文件夹 {output.parent} 不存在。")


def _keep_cached_values(ws: Worksheet, values) -> None:
    """openpyxl drops formula results on load; record them again from a values-only read."""
    formula_cells = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.data_type == "f"]
    if not formula_cells:
        return
    grid = {}
    last = max(r for r, _ in formula_cells)
    for r, row in enumerate(values.iter_rows(min_row=1, max_row=last, values_only=True), start=1):
        grid[r] = row
    for r, c in formula_cells:
        row = grid.get(r, ())
        formulas.cache_value(ws, r, c, row[c - 1] if c - 1 < len(row) else None)


_INDEX_DIVISOR = re.compile(r"/\s*([0-9]+(?:\.[0-9]+)?)\s*,")


def _recompute_ledger(ws: Worksheet, table) -> None:
    """New cached values for the ledger's calendar formulas (found by their headers)."""
    header_row, columns = _find_headers(ws, ("验收日期", "发票日期", "结清日期", formulas.START_HEADER,
                                             formulas.DAYS_HEADER, formulas.INDEX_HEADER))
    if header_row is None or formulas.DAYS_HEADER not in columns:
        return
    first, last = header_row + 1, ws.max_row
    if last < first:
        return
    read = {h: [ws.cell(row=r, column=columns[h]).value for r in range(first, last + 1)]
            for h in ("验收日期", "发票日期", "结清日期") if h in columns}
    if len(read) < 3:
        return
    index_days = 30.0
    if formulas.INDEX_HEADER in columns:
        text = ws.cell(row=first, column=columns[formulas.INDEX_HEADER]).value
        m = _INDEX_DIVISOR.search(text) if isinstance(text, str) else None
        index_days = float(m.group(1)) if m else index_days
    starts, days, indices = formulas.ledger_values(read["验收日期"], read["发票日期"], read["结清日期"],
                                                   formulas.CalendarArrays.from_table(table), index_days)
    for header, values in ((formulas.START_HEADER, starts), (formulas.DAYS_HEADER, days), (formulas.INDEX_HEADER, indices)):
        col = columns.get(header)
        if col is None:
            continue
        for i, r in enumerate(range(first, last + 1)):
            if ws.cell(row=r, column=col).data_type == "f":
                formulas.cache_value(ws, r, col, values[i])


def _find_headers(ws: Worksheet, headers) -> tuple[int | None, dict[str, int]]:
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=5, values_only=True), start=1):
        found = {str(v).strip(): j for j, v in enumerate(row, start=1) if isinstance(v, str) and str(v).strip() in headers}
        if formulas.DAYS_HEADER in found:
            return r, found
    return None, {}

