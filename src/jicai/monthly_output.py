"""Writing a monthly result to a new workbook (`jicai monthly -o OUT.xlsx`, the print button).

Sheets, one writer function each, columns declared in lists at the top (header, width, key,
number format) so positions are explicit and other code can find a column by its header:

* 机构指标 · 县区汇总 · 市汇总 (with a 全省 row) · 排名 (counties within their city, cities)
* 机构月报 and 回款明细 — the input values at the same cell addresses (a finding's cell is the
  same cell here, painted red or yellow); 回款明细 gets 起算日期 / 回款天数 / 回款指数 in J:L
* 校验报告 — every finding, with a link to its cell where that sheet is in this workbook
* 月报上报表 — the printable report: A4 landscape, title with the month, 单位：元, institutions
  by county with county, city and province totals, 填报人/审核人/单位负责人/日期 lines, header
  rows repeated on every page, page numbers in the footer.

Where jicai.formulas is available, the hidden 工作日历 sheet and native formulas (回款天数,
回款指数, 起算日期, the four rates of 机构指标) are added over the written values; every computed
cell also carries its value, so a viewer without recalculation shows the numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from engine.cells import col_index, col_letter, plain_value, split_a1
from engine.columns import LEDGER_SHEET, MONTHLY_SHEET
from engine.findings import SEVERITY_LABEL, Finding, Severity, sort_key, summary_line
from engine.monthly import MonthlyResult
from engine.sheet import Located, SheetData
from jicai.xlsx_template import (BODY_FONT, BORDER, DATE_FORMAT, MONEY_FORMAT, RATE_FORMAT, new_workbook,
                                 set_cell, setup_print, write_header)

INSTITUTION_OUT = "机构指标"
COUNTY_OUT = "县区汇总"
CITY_OUT = "市汇总"
RANK_OUT = "排名"
REPORT_COPY_OUT = MONTHLY_SHEET.sheet     # 机构月报
LEDGER_OUT = LEDGER_SHEET.sheet           # 回款明细
FINDINGS_OUT = "校验报告"
PRINT_OUT = "月报上报表"
INDEX_FORMAT = "0.000"
LEDGER_ROWS_LIMIT = 200_000  # above this the 回款明细 copy lists the month's purchases only
FILL = {Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"), Severity.WARNING: PatternFill("solid", fgColor="FFEB9C")}

# (header, width, key, number format)
INDICATOR_COLUMNS = [
    ("配备率", 9, "equip_rate", RATE_FORMAT), ("配送率", 9, "delivery_rate", RATE_FORMAT),
    ("使用率", 9, "usage_rate", RATE_FORMAT), ("回款率", 9, "payment_rate", RATE_FORMAT),
    ("年度累计回款率", 11, "ytd_payment_rate", RATE_FORMAT), ("平均回款指数", 10, "payment_index", INDEX_FORMAT),
    ("年度累计平均回款指数", 12, "ytd_payment_index", INDEX_FORMAT), ("回款笔数", 9, "purchases", "0"),
]
INSTITUTION_COLUMNS = [("市", 10, "city", None), ("县(区)", 10, "county", None), ("机构编码", 12, "code", None),
                       ("机构名称", 28, "name", None), *INDICATOR_COLUMNS]
COUNTY_COLUMNS = [("市", 10, "city", None), ("县(区)", 10, "county", None), ("机构数", 8, "institutions", "0"),
                  *INDICATOR_COLUMNS]
CITY_COLUMNS = [("市", 10, "city", None), ("机构数", 8, "institutions", "0"), *INDICATOR_COLUMNS]
RANKED = [c for c in INDICATOR_COLUMNS if c[2] != "purchases"]
LEDGER_EXTRA = [("起算日期", 12, "start", DATE_FORMAT), ("回款天数", 10, "days", "0"), ("回款指数", 10, "index", "0.00")]
# 月报上报表: (header, width, key, format); keys are institution/region frame columns
PRINT_COLUMNS = [
    ("序号", 5, "seq", "0"), ("县(区)", 9, "county", None), ("机构名称", 24, "name", None),
    ("配备三统一药品品规数", 9, "equipped_sty", "0"), ("配备全部药品品规数", 9, "equipped_all", "0"),
    ("配备率", 8, "equip_rate", RATE_FORMAT),
    ("申报三统一药品品规数", 9, "declared_sty", "0"), ("配送三统一药品品规数", 9, "delivered_sty", "0"),
    ("配送率", 8, "delivery_rate", RATE_FORMAT),
    ("三统一药品采购金额", 12, "purchase_sty", MONEY_FORMAT), ("全部药品采购金额", 12, "purchase_all", MONEY_FORMAT),
    ("使用率", 8, "usage_rate", RATE_FORMAT), ("周转资金月底余额", 12, "fund_balance", MONEY_FORMAT),
    ("采购药品金额", 12, "purchased", MONEY_FORMAT), ("已结算药款", 12, "settled", MONEY_FORMAT),
    ("回款率", 8, "payment_rate", RATE_FORMAT), ("年度累计回款率", 9, "ytd_payment_rate", RATE_FORMAT),
    ("平均回款指数", 8, "payment_index", INDEX_FORMAT), ("年度累计平均回款指数", 9, "ytd_payment_index", INDEX_FORMAT),
    ("备注", 14, "remark", None),
]
PRINT_HEADER_ROW = 3


def write_monthly(path: str | Path, result: MonthlyResult, *, report: SheetData | Located,
                  ledger: SheetData | Located | None = None, holidays: SheetData | None = None, scheme=None) -> Path:
    wb = new_workbook()
    marks = _marks(result.findings)
    inst_ws = _table_sheet(wb, INSTITUTION_OUT, INSTITUTION_COLUMNS, result.institutions)
    _table_sheet(wb, COUNTY_OUT, COUNTY_COLUMNS, result.counties)
    city_ws = _table_sheet(wb, CITY_OUT, CITY_COLUMNS, result.cities)
    _total_row(city_ws, CITY_COLUMNS, result.province, "全省")
    _rank_sheet(wb, result)
    report_ws = _copy_sheet(wb, REPORT_COPY_OUT, report, marks)
    ledger_ws, ledger_rows = None, []
    if ledger is not None and result.ledger is not None:
        ledger_ws, ledger_rows = _ledger_sheet(wb, result, ledger, marks)
    _findings_sheet(wb, result, present={s for s in (REPORT_COPY_OUT, LEDGER_OUT) if s in wb.sheetnames})
    _print_sheet(wb, result)
    saver = _native_formulas(wb, result, inst_ws, report_ws, ledger_ws, ledger_rows, scheme)
    return saver(wb, path)


# ------------------------------------------------------------------ helpers



def _write_row(ws: Worksheet, row: int, columns: Sequence[tuple], values: Sequence[Any], *, bold: bool = False,
               start_col: int = 1) -> None:
    for j, ((_, _, _, fmt), value) in enumerate(zip(columns, values), start=start_col):
        cell = set_cell(ws, row, j, plain_value(value))
        cell.font = Font(name="宋体", size=10, bold=bold)
        cell.border = BORDER
        if fmt:
            cell.number_format = fmt


def _table_sheet(wb: Workbook, title: str, columns: Sequence[tuple], frame: pd.DataFrame) -> Worksheet:
    ws = wb.create_sheet(title)
    write_header(ws, [c[0] for c in columns], [c[1] for c in columns])
    data = [frame[key].tolist() if key in frame else [None] * len(frame) for _, _, key, _ in columns]
    for i, values in enumerate(zip(*data), start=2):
        _write_row(ws, i, columns, values)
    ws.freeze_panes = "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{col_letter(len(columns) - 1)}{len(frame) + 1}"
    setup_print(ws, title_rows="1:1")
    return ws


def _total_row(ws: Worksheet, columns: Sequence[tuple], frame: pd.DataFrame, label: str) -> None:
    if not len(frame):
        return
    row = ws.max_row + 1
    values = [label if key == "city" else frame[key].iloc[0] if key in frame else None for _, _, key, _ in columns]
    _write_row(ws, row, columns, values, bold=True)


def _rank_sheet(wb: Workbook, result: MonthlyResult) -> None:
    ws = wb.create_sheet(RANK_OUT)
    columns = [("级别", 6, "level", None), ("市", 10, "city", None), ("县(区)", 10, "county", None)]
    for header, width, key, fmt in RANKED:
        columns += [(header, width, key, fmt), ("名次", 6, f"rank_{key}", "0")]
    write_header(ws, [c[0] for c in columns], [c[1] for c in columns])
    row = 2
    for level, frame in (("市", result.cities), ("县(区)", result.counties)):
        frame = frame.assign(level=level)
        data = [frame[key].tolist() if key in frame else [None] * len(frame) for _, _, key, _ in columns]
        for values in zip(*data):
            _write_row(ws, row, columns, values)
            row += 1
    ws["A" + str(row + 1)] = "说明：市在全部市中排名，县(区)在本市内排名；各比率由高到低、回款指数由低到高排名，并列名次相同（1、2、2、4），无数值不排名。"
    ws.freeze_panes = "D2"
    setup_print(ws, title_rows="1:1")


def _marks(findings: Sequence[Finding]) -> dict[str, dict[tuple[int, int], Severity]]:
    """sheet -> (row, 0-based column) -> worst severity (error beats warning; info unmarked)."""
    out: dict[str, dict[tuple[int, int], Severity]] = {}
    for f in findings:
        if f.severity is Severity.INFO:
            continue
        letters, row = split_a1(f.cell)
        if not row:
            continue
        sheet = out.setdefault(f.sheet, {})
        key = (row, col_index(letters))
        if sheet.get(key) is not Severity.ERROR:
            sheet[key] = f.severity
    return out


def _paint(ws: Worksheet, marks: dict[tuple[int, int], Severity]) -> None:
    for (row, col), severity in marks.items():
        ws.cell(row=row, column=col + 1).fill = FILL[severity]


def _copy_sheet(wb: Workbook, title: str, source: SheetData | Located, marks) -> Worksheet:
    """The input's values at their own addresses (never evaluated: '=…' text stays text)."""
    ws = wb.create_sheet(title)
    if isinstance(source, Located):
        _copy_located(ws, source)
        name = source.sheet
    else:
        for i, values in enumerate(source.rows):
            for j, value in enumerate(values):
                if value is not None and value != "":
                    set_cell(ws, source.first_row + i, source.first_col + j + 1, plain_value(value))
        name = source.name
    template = LEDGER_SHEET if title == LEDGER_OUT else MONTHLY_SHEET
    for j, column in enumerate(template.columns, start=1):
        ws.column_dimensions[col_letter(j - 1)].width = column.width
        fmt = {"date": DATE_FORMAT, "money": MONEY_FORMAT}.get(column.kind)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
    header_row = source.header_row if isinstance(source, Located) else 1
    for cell in ws[header_row]:
        cell.font = Font(name="宋体", size=10, bold=True)
    _paint(ws, marks.get(name, {}))
    ws.freeze_panes = f"A{header_row + 1}"
    return ws


def _copy_located(ws: Worksheet, located: Located, rows: np.ndarray | None = None) -> None:
    template = located.template
    for j, column in enumerate(template.columns, start=1):
        letter = located.letters.get(column.key, template.letter(column.key))
        set_cell(ws, located.header_row, col_index(letter) + 1, column.header)
    frame = located.frame if rows is None else located.frame.loc[rows]
    for column in template.columns:
        letter = located.letters.get(column.key)
        if letter is None:
            continue
        j = col_index(letter) + 1
        for r, value in zip(frame.index.tolist(), frame[column.key].tolist()):
            if value is not None and value != "":
                set_cell(ws, r, j, plain_value(value))


def _ledger_sheet(wb: Workbook, result: MonthlyResult, ledger: SheetData | Located, marks) -> tuple[Worksheet, list[int]]:
    f = result.ledger
    if len(f) > LEDGER_ROWS_LIMIT:
        ym = int(result.month.replace("-", ""))
        keep = f.index[(f["ym"].to_numpy() == ym) | f["open"].to_numpy()]
        located = ledger if isinstance(ledger, Located) else None
        ws = wb.create_sheet(LEDGER_OUT)
        if located is not None:
            _copy_located(ws, located, keep)
        else:
            for r in keep:
                for j, value in enumerate(ledger.rows[r - ledger.first_row]):
                    set_cell(ws, r, ledger.first_col + j + 1, plain_value(value))
            for j, value in enumerate(ledger.rows[0]):
                set_cell(ws, 1, j + 1, plain_value(value))
        ws.cell(row=1, column=14, value=f"回款明细共 {len(f)} 行，超过 {LEDGER_ROWS_LIMIT} 行，这里只列出本月结清和未结清的采购（行号与原表相同）。")
        _paint(ws, {k: v for k, v in marks.get(LEDGER_OUT, {}).items() if k[0] in set(keep.tolist())})
        rows = keep.tolist()
    else:
        ws = _copy_sheet(wb, LEDGER_OUT, ledger, marks)
        rows = f.index.tolist()
    header_row = 1
    base = len(LEDGER_SHEET.columns)
    write_header_at(ws, header_row, base, LEDGER_EXTRA)
    start = f["start"].to_numpy().astype("datetime64[D]")
    starts = pd.Series(start).dt.date.where(~np.isnat(start), None).tolist()
    values = {"start": dict(zip(f.index.tolist(), starts)),
              "days": dict(zip(f.index.tolist(), f["days"].tolist())),
              "index": dict(zip(f.index.tolist(), f["index"].tolist()))}
    for r in rows:
        for j, (_, _, key, fmt) in enumerate(LEDGER_EXTRA, start=base + 1):
            cell = ws.cell(row=r, column=j, value=plain_value(values[key][r]))
            cell.number_format = fmt
    return ws, rows


def write_header_at(ws: Worksheet, row: int, offset: int, columns: Sequence[tuple]) -> None:
    from jicai.xlsx_template import HEADER_FILL, HEADER_FONT
    for j, (header, width, _, _) in enumerate(columns, start=offset + 1):
        cell = ws.cell(row=row, column=j, value=header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[col_letter(j - 1)].width = width


def _findings_sheet(wb: Workbook, result: MonthlyResult, present: set[str]) -> None:
    ws = wb.create_sheet(FINDINGS_OUT)
    ws["A1"] = f"{result.month} 三统一月报校验 — {summary_line(result.findings)}（点“定位”列可跳到该单元格）"
    ws["A1"].font = Font(name="宋体", size=11, bold=True)
    header = [("序号", 6), ("级别", 6), ("工作表", 12), ("单元格", 9), ("问题代码", 20), ("说明", 90), ("定位", 12)]
    write_header(ws, [h for h, _ in header], [w for _, w in header], row=2)
    for i, f in enumerate(sorted(result.findings, key=sort_key), start=1):
        r = i + 2
        values = [i, SEVERITY_LABEL[f.severity], f.sheet, f.cell, f.code, f.message]
        for j, v in enumerate(values, start=1):
            set_cell(ws, r, j, v).font = BODY_FONT
        if f.severity in FILL:
            ws.cell(row=r, column=2).fill = FILL[f.severity]
        if f.sheet in present and split_a1(f.cell)[1]:
            link = ws.cell(row=r, column=7, value=f"转到 {f.cell}")
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{f.sheet}'!{f.cell}")  # in-book link
            link.font = Font(name="宋体", size=10, color="0563C1", underline="single")
    ws.freeze_panes = "A3"
    setup_print(ws, title_rows="2:2")


# ------------------------------------------------------------------ 月报上报表


def _print_rows(result: MonthlyResult) -> list[tuple[str, dict]]:
    """('inst'|'county'|'city'|'province', values) in paper order: each county's institutions
    then its total, each city's total after its counties, the province last."""
    inst = result.institutions  # report order; groupby(sort=False) keeps each group's first appearance
    counties = result.counties.set_index(["city", "county"])
    cities = result.cities.set_index("city")
    out: list[tuple[str, dict]] = []
    seq = 0
    for city, city_part in inst.groupby("city", sort=False, dropna=False):
        for county, part in city_part.groupby("county", sort=False, dropna=False):
            for rec in part.to_dict("records"):
                seq += 1
                out.append(("inst", {**rec, "seq": seq}))
            if (city, county) in counties.index:
                rec = counties.loc[(city, county)].to_dict()
                out.append(("county", {**rec, "county": county, "name": f"{county}合计"}))
        if city in cities.index:
            out.append(("city", {**cities.loc[city].to_dict(), "county": "", "name": f"{city}合计"}))
    if len(result.province):
        out.append(("province", {**result.province.iloc[0].to_dict(), "county": "", "name": "全省合计"}))
    return out


def _print_sheet(wb: Workbook, result: MonthlyResult) -> None:
    ws = wb.create_sheet(PRINT_OUT)
    year, month = result.month.split("-")
    n = len(PRINT_COLUMNS)
    last = col_letter(n - 1)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = f"药品“三统一”基础数据月报（{int(year)}年{int(month)}月）"
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws["A2"] = "填报单位（盖章）："
    ws[f"{col_letter(n - 3)}2"] = "单位：元"
    for cell in (ws["A2"], ws[f"{col_letter(n - 3)}2"]):
        cell.font = BODY_FONT
    write_header(ws, [c[0] for c in PRINT_COLUMNS], [c[1] for c in PRINT_COLUMNS], row=PRINT_HEADER_ROW)
    ws.row_dimensions[PRINT_HEADER_ROW].height = 48
    row = PRINT_HEADER_ROW + 1
    for kind, rec in _print_rows(result):
        values = [rec.get(key) for _, _, key, _ in PRINT_COLUMNS]
        values = [round(v, 2) if isinstance(v, float) and fmt == MONEY_FORMAT and v == v else v
                  for v, (_, _, _, fmt) in zip(values, PRINT_COLUMNS)]
        _write_row(ws, row, PRINT_COLUMNS, values, bold=kind != "inst")
        for j in range(1, n + 1):
            ws.cell(row=row, column=j).font = Font(name="宋体", size=9, bold=kind != "inst")
        row += 1
    row += 1
    signatures = [("A", "填报人："), ("E", "审核人："), ("J", "单位负责人："), ("O", "填报日期：　　　年　　月　　日")]
    for letter, text in signatures:
        ws[f"{letter}{row}"] = text
        ws[f"{letter}{row}"].font = Font(name="宋体", size=10)
    ws[f"A{row + 1}"] = "说明：纸质报表和电子报表同时报送，于次月15日前逐级上报；与上月差异较大的数据须在备注中说明。"
    ws[f"A{row + 1}"].font = Font(name="宋体", size=9)
    setup_print(ws, title_rows=f"{PRINT_HEADER_ROW}:{PRINT_HEADER_ROW}")
    ws.print_area = f"A1:{last}{row + 1}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    ws.freeze_panes = f"A{PRINT_HEADER_ROW + 1}"


# ------------------------------------------------------------------ native formulas (jicai.formulas)


def _native_formulas(wb: Workbook, result: MonthlyResult, inst_ws: Worksheet, report_ws: Worksheet,
                     ledger_ws: Worksheet | None, ledger_rows: list[int], scheme):
    """Add the 工作日历 sheet and plain Excel formulas over the values written above; returns the
    save function (jicai.formulas.save_workbook stores the formulas' cached values)."""
    from jicai.xlsx_template import save
    try:
        from jicai import formulas
    except ImportError:
        return save
    index_days = float(scheme.monthly.index_days) if scheme is not None else 30.0
    table = result.calendar.table() if result.calendar is not None else None
    if table is not None and ledger_ws is not None and ledger_rows:
        formulas.write_calendar_sheet(wb, table)
        if len(ledger_rows) == ledger_rows[-1] - ledger_rows[0] + 1:  # contiguous rows (not the cut-down copy)
            formulas.add_ledger_formulas(ledger_ws, table, first_row=ledger_rows[0], last_row=ledger_rows[-1],
                                         index_days=index_days)
    from_report = result.institutions.get("from_report", pd.Series(True, index=result.institutions.index))
    k = int(np.argmin(from_report.to_numpy())) if not from_report.all() else len(from_report)
    if k:  # rows with a 机构月报 row come first; ledger-only institutions have no operands
        mapping = {c.key: result.report_letters.get(c.key, MONTHLY_SHEET.letter(c.key)) for c in MONTHLY_SHEET.columns}
        specs = formulas.monthly_rate_columns(mapping, "E")
        source_rows = [int(r) for r in result.institutions["row"].tolist()[:k]]
        formulas.add_rate_formulas(inst_ws, specs, first_row=2, source=report_ws, source_rows=source_rows)
    return formulas.save_workbook

