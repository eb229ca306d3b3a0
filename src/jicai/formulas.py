"""Native Excel formulas that keep a workbook computing without the add-in (SPEC §3.6).

Office 2016/2019, WPS, LibreOffice and a PC without the add-in have no `=JC.*` functions, so the
workbooks we write also carry plain formulas over a hidden 工作日历 sheet:

* `write_calendar_sheet` — 工作日历 (A 日期 · B 工作日 · C 累计工作日) as plain values, one row per
  day of the covered range, 节假日调整 already applied. Hidden, never password-protected (the
  refresh button rewrites it).
* `add_ledger_formulas` — 回款明细: 起算日期 = the later of 验收日期 and 发票日期, 回款天数 =
  C(结清日期) − C(起算日期) looked up with INDEX/MATCH, 回款指数 = 回款天数 / index_days.
* `add_rate_formulas` — 配备率 … 回款率 as IFERROR ratios, blank on a zero or missing denominator.
* `protect_header` — 不能随意更改报表栏目: header rows locked, data cells unlocked.

Only functions that Excel 2010, WPS and LibreOffice all know (IF, IFERROR, INDEX, MATCH, INT, MAX,
ISNUMBER): no dynamic arrays, no LET.

Every formula we add also records the value it computes (jicai.cached_values), written into the
saved file next to the formula, so a file opened without recalculation still shows numbers. The
workbook also asks for a full recalculation on load (calcPr fullCalcOnLoad), which Excel honours.
"""
from __future__ import annotations

import os
import re
from copy import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from openpyxl.styles import Alignment, Protection
from openpyxl.workbook import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from engine.cells import col_index, col_letter, parse_dates
from engine.columns import CALENDAR_SHEET, HOLIDAY_SHEET
from jicai.cached_values import cache_value, cached_values, number_text, write_cached_values  # noqa: F401 (re-exported)
from jicai.xlsx_template import BODY_FONT, BORDER, DATE_FORMAT, HEADER_FILL, HEADER_FONT, RATE_FORMAT

CAL = CALENDAR_SHEET.sheet  # 工作日历
CAL_DATES = f"{CAL}!$A:$A"
CAL_CUMULATIVE = f"{CAL}!$C:$C"

# Texts a formula shows instead of a number (what is wrong + what to do, as in findings).
MSG_NOT_COVERED = "日期无效或不在工作日历范围内：请核对日期，或在“节假日调整”中补充该年安排后刷新工作日历"
MSG_ORDER = "结清日期早于起算日期：请核对日期"
MSG_START_INVALID = "验收日期或发票日期无效：请填写如 2012-03-05 的日期"

PASSWORD_ENV = "JICAI_SHEET_PASSWORD"  # optional password for header protection (none by default)

START_HEADER = "起算日期"
DAYS_HEADER = "回款天数"
INDEX_HEADER = "回款指数"

# (header, numerator key, denominator key) in 机构月报 — SPEC §4.4.
MONTHLY_RATES: tuple[tuple[str, str, str], ...] = (
    ("配备率", "equipped_sty", "equipped_all"),
    ("配送率", "delivered_sty", "declared_sty"),
    ("使用率", "purchase_sty", "purchase_all"),
    ("回款率", "settled", "purchased"),
)

# ---------------------------------------------------------------- saving

def request_full_recalc(wb: Workbook) -> None:
    """Excel, WPS (and LibreOffice when so configured) recalculate every formula on open."""
    wb.calculation.fullCalcOnLoad = True
    wb.calculation.calcMode = "auto"


def save_workbook(wb: Workbook, path: str | Path) -> Path:
    """Save with jicai's fixed properties and the formulas' cached values (xlsx_template.save
    calls write_cached_values)."""
    from jicai.xlsx_template import save

    return save(wb, path)


# ---------------------------------------------------------------- 工作日历

@dataclass(frozen=True)
class CalendarArrays:
    """工作日历 as arrays, looked up the way MATCH(…, 0) does: by exact date."""
    dates: np.ndarray       # datetime64[D], ascending (a gap year simply has no rows)
    cumulative: np.ndarray  # int64, 累计工作日

    @classmethod
    def from_table(cls, table: pd.DataFrame) -> "CalendarArrays":
        days = pd.to_datetime(pd.Series(table["date"])).to_numpy().astype("datetime64[D]")
        order = np.argsort(days, kind="stable")
        return cls(days[order], pd.Series(table["cumulative"]).to_numpy(dtype=np.int64)[order])

    def position(self, days: np.ndarray) -> np.ndarray:
        """Row of each datetime64[D] in the calendar, -1 when absent (or NaT)."""
        if not len(self.dates):
            return np.full(len(days), -1, dtype=np.int64)
        pos = np.searchsorted(self.dates, days)
        pos = np.minimum(pos, len(self.dates) - 1)
        found = ~np.isnat(days) & (self.dates[pos] == days)
        return np.where(found, pos, -1)


def calendar_table(holidays: Sequence[Sequence[Any]] | pd.DataFrame | None = None) -> tuple[pd.DataFrame, list]:
    """(工作日历 rows as DataFrame(date, workday, cumulative), findings) — the engine's calendar
    with a workbook's 节假日调整 applied. `holidays` is that sheet's used range as rows of values
    (header row first, as a macro reads it), or an overrides DataFrame (date, kind), or None."""
    from engine.sheet import SheetData
    from engine.workdays import WorkCalendar

    if holidays is None:
        return WorkCalendar.official().table(), []
    if not isinstance(holidays, pd.DataFrame):
        holidays = SheetData(HOLIDAY_SHEET.sheet, [list(r) for r in holidays])
    cal, findings = WorkCalendar.with_overrides(holidays)
    return cal.table(), findings


def calendar_sheet_values(holidays: Sequence[Sequence[Any]] | None = None) -> list[list[Any]]:
    """The whole 工作日历 sheet (header + one row per day) as values to write at A1 — for the
    refresh_calendar button, which reads 节假日调整 with xlwings and writes this back."""
    table, _ = calendar_table(holidays)
    days = pd.to_datetime(table["date"]).dt.date.tolist()
    return [list(CALENDAR_SHEET.headers),
            *([d, int(w), int(c)] for d, w, c in zip(days, table["workday"].tolist(), table["cumulative"].tolist()))]


def write_calendar_sheet(wb: Workbook, table: pd.DataFrame) -> Worksheet:
    """(Re)write the hidden 工作日历 sheet from DataFrame(date, workday, cumulative).

    An existing 工作日历 keeps its position; its contents are replaced. Plain values only (no
    formulas), dates as real dates, so MATCH finds them in every spreadsheet program."""
    index = None
    if CAL in wb.sheetnames:
        index = wb.sheetnames.index(CAL)
        wb.remove(wb[CAL])
    ws = wb.create_sheet(CAL, index)
    ws.append(CALENDAR_SHEET.headers)
    for j, column in enumerate(CALENDAR_SHEET.columns, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        ws.column_dimensions[cell.column_letter].width = column.width
    days = pd.to_datetime(table["date"]).dt.date.tolist()
    work = table["workday"].astype(int).tolist()
    cum = table["cumulative"].astype(int).tolist()
    for d, w, c in zip(days, work, cum):
        ws.append((d, w, c))
    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        cell.number_format = DATE_FORMAT
    if days:
        ws["E1"] = (f"由集采助手按国家法定节假日（含调休）和本工作簿“节假日调整”生成，范围 {days[0]:%Y-%m-%d} 至 "
                    f"{days[-1]:%Y-%m-%d}。修改“节假日调整”后请点“刷新工作日历”按钮或运行 "
                    f"jicai calendar refresh 文件 -o 新文件。请勿手工修改本表。")
    ws.freeze_panes = "A2"
    ws.sheet_state = "hidden"
    request_full_recalc(wb)
    return ws


def read_calendar_sheet(ws: Worksheet) -> pd.DataFrame:
    """The 工作日历 sheet of a workbook back as DataFrame(date, workday, cumulative)."""
    rows = [r for r in ws.iter_rows(min_row=2, max_col=3, values_only=True) if r[0] is not None]
    frame = pd.DataFrame(rows, columns=["date", "workday", "cumulative"])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame


# ---------------------------------------------------------------- 回款明细

# Formulas name their message texts instead of spelling them: 300,000 copies of a long Chinese
# string make LibreOffice's recalculation of a 100,000-row ledger ~30% slower (measured 71 s vs 51 s).
MESSAGE_NAMES = {
    "JC_DATE_NOT_COVERED": MSG_NOT_COVERED,
    "JC_DATE_ORDER": MSG_ORDER,
    "JC_START_INVALID": MSG_START_INVALID,
}


def define_messages(wb: Workbook) -> None:
    """Workbook-level names holding the formulas' message texts (Excel, WPS and LibreOffice
    all accept a name whose value is a text constant)."""
    for name, text in MESSAGE_NAMES.items():
        wb.defined_names[name] = DefinedName(name, attr_text='"' + text.replace('"', '""') + '"')


def ledger_formulas(row: int, *, accepted: str, invoiced: str, paid: str, start: str, days: str,
                    index_days: float) -> tuple[str, str, str]:
    """The three formulas of one 回款明细 row (起算日期, 回款天数, 回款指数)."""
    f, g, h, j, k = f"{accepted}{row}", f"{invoiced}{row}", f"{paid}{row}", f"{start}{row}", f"{days}{row}"
    start_f = f'=IF(OR({f}="",{g}=""),"",IFERROR(MAX(INT({f}),INT({g})),JC_START_INVALID))'
    lookup = (f"INDEX({CAL_CUMULATIVE},MATCH(INT({h}),{CAL_DATES},0))"
              f"-INDEX({CAL_CUMULATIVE},MATCH({j},{CAL_DATES},0))")
    days_f = (f'=IF(OR({h}="",NOT(ISNUMBER({j}))),"",'
              f'IFERROR(IF(INT({h})<{j},JC_DATE_ORDER,{lookup}),JC_DATE_NOT_COVERED))')
    index_f = f'=IF(ISNUMBER({k}),{k}/{number_text(index_days)},"")'
    return start_f, days_f, index_f


def add_ledger_formulas(ws: Worksheet, calendar: pd.DataFrame | CalendarArrays, *, header_row: int = 1,
                        first_row: int | None = None, last_row: int | None = None,
                        accepted: str = "F", invoiced: str = "G", paid: str = "H",
                        start: str = "J", days: str = "K", index: str = "L",
                        index_days: float = 30) -> None:
    """Add 起算日期 / 回款天数 / 回款指数 formula columns to a 回款明细 sheet, with the values
    the formulas compute (from `calendar`, the table written to 工作日历) cached for display.

    `last_row` defaults to the last row of the sheet; blank rows get formulas that show blank,
    so a template's empty rows compute as soon as a clerk fills them."""
    cal = calendar if isinstance(calendar, CalendarArrays) else CalendarArrays.from_table(calendar)
    first_row = first_row or header_row + 1
    last_row = last_row or max(ws.max_row, first_row)
    _write_headers(ws, header_row, ((start, START_HEADER, 12), (days, DAYS_HEADER, 10), (index, INDEX_HEADER, 10)))
    define_messages(ws.parent)
    request_full_recalc(ws.parent)
    if last_row < first_row:
        return
    f_vals = _column_values(ws, accepted, first_row, last_row)
    g_vals = _column_values(ws, invoiced, first_row, last_row)
    h_vals = _column_values(ws, paid, first_row, last_row)
    values = ledger_values(f_vals, g_vals, h_vals, cal, index_days)
    cols = [col_index(c) + 1 for c in (start, days, index)]
    styles = [_style_like(ws, first_row, col, fmt) for col, fmt in zip(cols, (DATE_FORMAT, "0", "0.00"))]
    cache = cached_values(ws)
    for i, row in enumerate(range(first_row, last_row + 1)):
        formulas = ledger_formulas(row, accepted=accepted, invoiced=invoiced, paid=paid, start=start, days=days,
                                   index_days=index_days)
        for col, formula, column_values, style in zip(cols, formulas, values, styles):
            cell = ws.cell(row=row, column=col, value=formula)
            cell._style = copy(style)  # one shared style: ~3x faster than setting font/format per cell
            cache[(row, col)] = column_values[i]


def ledger_values(accepted: Sequence, invoiced: Sequence, paid: Sequence, calendar: CalendarArrays,
                  index_days: float = 30) -> tuple[list, list, list]:
    """What the ledger formulas compute for these raw cells (the cached values), vectorized:
    (起算日期 | "" | message, 回款天数 | "" | message, 回款指数 | "")."""
    f, g, h = (parse_dates(pd.Series(list(v), dtype=object)) for v in (accepted, invoiced, paid))
    n = len(f.value)
    start = np.maximum(f.value, g.value)  # NaT wins in numpy: exactly the "either invalid" case
    start_blank = f.blank | g.blank
    start_ok = ~start_blank & ~np.isnat(start)
    starts = np.full(n, "", dtype=object)
    starts[start_ok] = start[start_ok].astype(date)
    starts[~start_blank & ~start_ok] = MSG_START_INVALID

    pos_start, pos_paid = calendar.position(start), calendar.position(h.value)
    days = np.full(n, "", dtype=object)
    active = ~h.blank & start_ok
    not_covered = active & ((pos_start < 0) | (pos_paid < 0) | np.isnat(h.value))
    order = active & ~not_covered & (h.value < start)
    counted = active & ~not_covered & ~order
    days[not_covered] = MSG_NOT_COVERED
    days[order] = MSG_ORDER
    counts = calendar.cumulative[pos_paid[counted]] - calendar.cumulative[pos_start[counted]]
    days[counted] = counts.astype(int).tolist()
    indices = np.full(n, "", dtype=object)
    indices[counted] = (counts / float(index_days)).tolist()
    return starts.tolist(), days.tolist(), indices.tolist()


# ---------------------------------------------------------------- 机构月报 rates

def add_rate_formulas(ws: Worksheet, rates: Sequence[tuple[str, str, str, str]], *, header_row: int = 1,
                      first_row: int | None = None, last_row: int | None = None,
                      source: Worksheet | None = None, source_rows: Sequence[int] | None = None) -> None:
    """Add ratio columns (rate_formula) — blank on a zero or blank denominator.

    `rates` are (target column letter, header, numerator letter, denominator letter). By default
    the operands are on the same row of `ws`; with `source` (another sheet, e.g. 机构月报 for an
    机构指标 sheet) they are on that sheet's `source_rows[i]` for target row first_row + i."""
    first_row = first_row or header_row + 1
    if source_rows is not None:
        last_row = first_row + len(source_rows) - 1
    last_row = last_row or max(ws.max_row, first_row)
    _write_headers(ws, header_row, ((target, header, 10) for target, header, _, _ in rates))
    if last_row < first_row:
        return
    src = source if source is not None else ws
    rows_in_src = list(source_rows) if source_rows is not None else list(range(first_row, last_row + 1))
    prefix = "" if source is None else f"{_quote_sheet(source.title)}!"
    cache = cached_values(ws)
    for target, _header, num, den in rates:
        numerators = _column_values(src, num, rows=rows_in_src)
        denominators = _column_values(src, den, rows=rows_in_src)
        col = col_index(target) + 1
        style = _style_like(ws, first_row, col, RATE_FORMAT)
        for i, (row, src_row) in enumerate(zip(range(first_row, last_row + 1), rows_in_src)):
            cell = ws.cell(row=row, column=col, value=rate_formula(f"{prefix}{num}{src_row}", f"{prefix}{den}{src_row}"))
            cell._style = copy(style)
            cache[(row, col)] = _ratio(numerators[i], denominators[i])
    request_full_recalc(ws.parent)


def monthly_rate_columns(template, first_target: str) -> list[tuple[str, str, str, str]]:
    """The four SPEC §4.4 rates as add_rate_formulas specs, placed from `first_target` on, with
    operand letters from a Template (engine.columns.MONTHLY_SHEET) or a key -> letter mapping."""
    letter = template.letter if hasattr(template, "letter") else template.__getitem__
    start = col_index(first_target)
    return [(col_letter(start + i), header, letter(num), letter(den))
            for i, (header, num, den) in enumerate(MONTHLY_RATES)]


def rate_formula(num: str, den: str) -> str:
    """A ratio that is blank unless both operands are numbers and the denominator is positive
    (the engine's rule: no rate, never 0, on a zero or missing denominator)."""
    return f'=IFERROR(IF(AND(ISNUMBER({num}),ISNUMBER({den}),{den}>0),{num}/{den},""),"")'


def _ratio(num, den):
    """What rate_formula computes for two raw cell values."""
    if not (_is_number(num) and _is_number(den)) or den <= 0:
        return ""
    return float(num) / float(den)


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and v == v


def _quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'" if re.search(r"[^A-Za-z0-9_\u4e00-\u9fff]", title) else title


# ---------------------------------------------------------------- protection

def protect_header(ws: Worksheet, *, header_rows: int = 1, password: str | None = None,
                   columns: int | None = None) -> None:
    """Lock the header row(s) with sheet protection; every data cell stays editable.

    不能随意更改报表栏目 (seed 004): columns cannot be inserted or deleted and header cells cannot
    be edited, but rows can be inserted, deleted, sorted, filtered and formatted. No password
    unless given (or set in JICAI_SHEET_PASSWORD), so a clerk can still unprotect via 审阅."""
    columns = columns or ws.max_column
    unlocked = Protection(locked=False)
    for j in range(1, columns + 1):
        ws.column_dimensions[col_letter(j - 1)].protection = unlocked  # empty cells below the data
    done: dict[tuple, Any] = {}  # style -> same style unlocked (a handful of distinct styles)
    for row in ws.iter_rows(min_row=header_rows + 1, max_col=columns):
        for cell in row:
            key = tuple(cell._style) if cell._style is not None else ()
            if key not in done:
                cell.protection = unlocked
                done[key] = copy(cell._style)
            cell._style = copy(done[key])
    for row in ws.iter_rows(min_row=1, max_row=header_rows, max_col=columns):
        for cell in row:
            cell.protection = Protection(locked=True)
    p = ws.protection
    p.sheet = True
    password = password if password is not None else os.environ.get(PASSWORD_ENV) or None
    if password:
        p.password = password
    # False = allowed while protected (OOXML names the protected actions)
    p.formatCells = p.formatColumns = p.formatRows = False
    p.insertRows = p.deleteRows = p.sort = p.autoFilter = False
    p.insertColumns = p.deleteColumns = True
    p.selectLockedCells = p.selectUnlockedCells = False


# ---------------------------------------------------------------- helpers

def _style_like(ws: Worksheet, row: int, col: int, number_format: str):
    """The style array of a body cell with `number_format` (built once, copied to every row)."""
    cell = ws.cell(row=row, column=col)
    cell.font, cell.border, cell.number_format = BODY_FONT, BORDER, number_format
    return copy(cell._style)


def _write_headers(ws: Worksheet, header_row: int, specs: Iterable[tuple[str, str, float]]) -> None:
    for letter, header, width in specs:
        cell = ws[f"{letter}{header_row}"]
        cell.value = header
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[letter].width = width


def _column_values(ws: Worksheet, letter: str, first: int | None = None, last: int | None = None, *,
                   rows: Sequence[int] | None = None) -> list:
    j = col_index(letter) + 1
    if rows is not None:
        return [ws.cell(row=r, column=j).value for r in rows]
    return [r[0] for r in ws.iter_rows(min_row=first, max_row=last, min_col=j, max_col=j, values_only=True)]


# ---------------------------------------------------------------- whole workbooks

TEMPLATE_FORMULA_ROWS = 2000  # blank rows of a template that already carry the formulas


def workbook_calendar_table(wb: Workbook) -> pd.DataFrame:
    """The engine calendar with this workbook's own 节假日调整 rows applied."""
    if HOLIDAY_SHEET.sheet in wb.sheetnames:
        rows = [list(r) for r in wb[HOLIDAY_SHEET.sheet].iter_rows(values_only=True)]
        return calendar_table(rows)[0]
    return calendar_table(None)[0]


def add_monthly_formulas(wb: Workbook, *, formula_rows: int = TEMPLATE_FORMULA_ROWS, index_days=None,
                         protect: bool = True) -> None:
    """A monthly workbook (机构月报, 回款明细, 节假日调整) made self-computing: the 工作日历 sheet,
    回款明细 J:L and 机构月报 P:S formulas down to the last data row or `formula_rows` rows,
    whichever is further, and the header rows locked."""
    from engine.columns import LEDGER_SHEET, MONTHLY_SHEET
    from engine.scheme import DEFAULT_MONTHLY_SCHEME, load_scheme

    if index_days is None:
        index_days = float(load_scheme(DEFAULT_MONTHLY_SCHEME).monthly.index_days)
    table = workbook_calendar_table(wb)
    write_calendar_sheet(wb, table)
    if LEDGER_SHEET.sheet in wb.sheetnames:
        ws = wb[LEDGER_SHEET.sheet]
        n = len(LEDGER_SHEET.columns)
        add_ledger_formulas(ws, table, last_row=max(_last_data_row(ws, n), formula_rows + 1), index_days=index_days,
                            start=col_letter(n), days=col_letter(n + 1), index=col_letter(n + 2))
    if MONTHLY_SHEET.sheet in wb.sheetnames:
        ws = wb[MONTHLY_SHEET.sheet]
        n = len(MONTHLY_SHEET.columns)
        add_rate_formulas(ws, monthly_rate_columns(MONTHLY_SHEET, col_letter(n)),
                          last_row=max(_last_data_row(ws, n), formula_rows + 1))
    if protect:
        for name in (MONTHLY_SHEET.sheet, LEDGER_SHEET.sheet, HOLIDAY_SHEET.sheet):
            if name in wb.sheetnames:
                protect_header(wb[name])


def add_appeal_calendar(wb: Workbook, *, protect: bool = True) -> None:
    """An appeals register (reply deadlines count working days): the 工作日历 sheet, so plain
    formulas a clerk writes can count working days with 调休; the header row locked. SPEC §3.5c
    columns only — no formula column of ours."""
    from engine.columns import APPEAL_SHEET

    write_calendar_sheet(wb, workbook_calendar_table(wb))
    if protect and APPEAL_SHEET.sheet in wb.sheetnames:
        protect_header(wb[APPEAL_SHEET.sheet])


def _last_data_row(ws: Worksheet, columns: int) -> int:
    """The last row with a value in the first `columns` columns (the header row at least)."""
    last = 1
    for r, row in enumerate(ws.iter_rows(min_row=1, max_col=columns, values_only=True), start=1):
        if any(v is not None and v != "" for v in row):
            last = r
    return last


_RATE_SHAPE = re.compile(r'^=IFERROR\(IF\(AND\(ISNUMBER\(([A-Z]{1,3})(\d+)\),ISNUMBER\(([A-Z]{1,3})(\d+)\),')


def recompute_known_formulas(ws: Worksheet) -> None:
    """Cached values for this module's same-sheet rate formulas in `ws`, computed from the cells
    they refer to (after openpyxl loaded a file, which drops cached values)."""
    cache = cached_values(ws)
    for row in ws.iter_rows():
        for cell in row:
            text = cell.value
            if cell.data_type != "f" or not isinstance(text, str):
                continue
            if m := _RATE_SHAPE.match(text):
                num = ws[f"{m.group(1)}{m.group(2)}"].value
                den = ws[f"{m.group(3)}{m.group(4)}"].value
                cache[(cell.row, cell.column)] = _ratio(num, den)
