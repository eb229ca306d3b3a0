"""Writing a retention result to a new workbook (`jicai retention -o OUT.xlsx`).

Sheets: 结余留用明细 (the 测算数据 values cell for cell at the same addresses, plus the computed
columns to their right — so a finding's cell in 测算数据 is the same cell here, painted red or
yellow), 机构汇总, 区域汇总 (with a native bar chart of retained amounts per 区域), 提档测算
(with --what-if) and 校验报告 (every finding, with a link to its cell when the sheet is here).

openpyxl's write-only mode streams rows (100k lines in seconds); amounts are written from
integer cents, so the values equal the Decimal results exactly.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from engine.cells import col_letter, plain_value, split_a1
from engine.findings import SEVERITY_LABEL, Finding, Severity, sort_key, summary_line
from engine.retention import RetentionResult
from engine.sheet import SheetData
from jicai.xlsx_template import (BORDER, FIXED_TIMESTAMP, HEADER_FILL, HEADER_FONT, MONEY_FORMAT,
                                 RATE_FORMAT)

DETAIL_OUT = "结余留用明细"
HOSPITAL_OUT = "机构汇总"
DISTRICT_OUT = "区域汇总"
WHAT_IF_OUT = "提档测算"
REPORT_OUT = "校验报告"
REPORT_HEADER = ["序号", "级别", "工作表", "单元格", "问题代码", "说明", "定位"]
FILL = {Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"), Severity.WARNING: PatternFill("solid", fgColor="FFEB9C")}
COMPUTED = [("结余金额(元)", 14, MONEY_FORMAT), ("约定采购量完成率", 12, RATE_FORMAT), ("医保考核评分", 10, None),
            ("留用比例", 9, RATE_FORMAT), ("结余留用金额(元)", 15, MONEY_FORMAT)]
HOSPITAL_HEADER = [("区域", 10), ("医疗机构编号", 13), ("医疗机构名称", 26), ("考核品种数", 10), ("医保基金预算(元)", 16),
                   ("结余金额(元)", 14), ("职保结余留用金额(元)", 16), ("居保结余留用金额(元)", 16), ("结余留用合计(元)", 16)]
DISTRICT_HEADER = [("区域", 10), ("医疗机构数", 10), ("考核品种数", 10), ("医保基金预算(元)", 16), ("结余金额(元)", 14),
                   ("职保结余留用金额(元)", 16), ("居保结余留用金额(元)", 16), ("结余留用合计(元)", 16)]
MONEY_COLUMNS = ["budget_cents", "surplus_cents", "retained_employee_cents", "retained_resident_cents", "retained_total_cents"]


def write_retention(path: str | Path, result: RetentionResult, details: SheetData, *, header_row: int = 1,
                    title: str = "") -> Path:
    wb = Workbook(write_only=True)
    wb.properties.creator = "集采助手 jicai"
    wb.properties.created = wb.properties.modified = FIXED_TIMESTAMP
    try:
        _details_sheet(wb, result, details, header_row)
        _hospital_sheet(wb, result.hospitals)
        _district_sheet(wb, result.districts, title)
        if result.what_if_hospitals is not None:
            _what_if_sheet(wb, result)
        _report_sheet(wb, result.findings, present={DETAIL_OUT: details.name})
    except BaseException:
        _discard(wb)
        raise
    path = Path(path)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        wb.save(partial)
        partial.replace(path)  # never leave a half-written workbook under the clerk's file name
    finally:
        partial.unlink(missing_ok=True)
    return path


def _discard(wb: Workbook) -> None:
    """Close half-written streaming sheets, so that no 'Exception ignored' trace from their
    generators reaches the clerk's terminal when an error stops the writing."""
    for ws in wb.worksheets:
        try:
            ws.close()
        except Exception:  # noqa: BLE001 - best effort on the way out of an error
            pass


def _new_sheet(wb: Workbook, title: str, title_rows: str = "1:1"):
    """A write-only sheet with its print setup: it must be set before the first row is
    appended, when openpyxl writes the sheet's head."""
    ws = wb.create_sheet(title)
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    return ws


# ------------------------------------------------------------------ cells


def _header(ws, titles: Sequence[tuple[str, float]], offset: int = 0) -> list:
    cells = []
    for j, (text, width) in enumerate(titles):
        c = WriteOnlyCell(ws, value=text)
        c.font, c.fill, c.border = HEADER_FONT, HEADER_FILL, BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[col_letter(offset + j)].width = width
        cells.append(c)
    return cells


def _styled(ws, value, number_format: str | None = None, fill: PatternFill | None = None, bold: bool = False):
    c = WriteOnlyCell(ws, value=value)
    if number_format:
        c.number_format = number_format
    if fill is not None:
        c.fill = fill
    if bold:
        c.font = Font(name="宋体", size=10, bold=True)
    return c


def _text_cell(ws, value: str):
    c = WriteOnlyCell(ws, value=value)
    c.data_type = "s"  # '=...' from a clerk's cell is text, never a formula
    return c


def _cents(values: pd.Series) -> list:
    arr = values.to_numpy(dtype="float64", na_value=np.nan) / 100
    return [None if v != v else v for v in arr.tolist()]


def _floats(values: pd.Series) -> list:
    arr = values.to_numpy(dtype="float64", na_value=np.nan)
    return [None if v != v else v for v in arr.tolist()]


# ------------------------------------------------------------------ sheets


def _details_sheet(wb: Workbook, result: RetentionResult, details: SheetData, header_row: int) -> None:
    ws = _new_sheet(wb, DETAIL_OUT, f"{header_row}:{header_row}")
    width = max((len(r) for r in details.rows), default=0)
    width = max(width, 11)
    for j in range(width):
        ws.column_dimensions[col_letter(details.first_col + j)].width = 14
    ws.freeze_panes = f"A{header_row + 1}"
    marks: dict[tuple[int, int], Severity] = {}
    for f in result.findings:
        if f.sheet == details.name and f.severity is not Severity.INFO:
            letters, row = split_a1(f.cell)
            if row:
                from engine.cells import col_index
                key = (row, col_index(letters) - details.first_col)
                if marks.get(key) is not Severity.ERROR:
                    marks[key] = f.severity
    d = result.details
    computed = {int(r): v for r, v in zip(d.index.tolist(), zip(
        _cents(d["surplus_cents"]), _floats(d["completion_rate"]), _floats(d["score"]), _floats(d["ratio"]),
        _cents(d["retained_cents"])))}
    formats = [fmt for _, _, fmt in COMPUTED]
    for i, raw in enumerate(details.rows):
        row_no = details.first_row + i
        out: list = []
        for j in range(width):
            value = plain_value(raw[j]) if j < len(raw) else None
            mark = marks.get((row_no, j))
            if row_no == header_row:
                out.append(_header(ws, [(value, 14)], offset=details.first_col + j)[0])
            elif mark is not None:
                out.append(_styled(ws, value, fill=FILL[mark]))
            elif isinstance(value, str) and value.startswith("="):
                out.append(_text_cell(ws, value))
            else:
                out.append(value)
        if row_no == header_row:
            out += _header(ws, [(t, w) for t, w, _ in COMPUTED], offset=details.first_col + width)
        elif row_no in computed:
            out += [v if v is None or fmt is None else _styled(ws, v, fmt) for v, fmt in zip(computed[row_no], formats)]
        ws.append(out)


def _summary_rows(ws, frame: pd.DataFrame, head: list[str], label_width: int) -> Iterable[list]:
    money = [_cents(frame[k]) for k in MONEY_COLUMNS]
    heads = [frame[k].tolist() for k in head]
    for values in zip(*heads, *money):
        yield [*values[:len(head)], *(_styled(ws, v, MONEY_FORMAT) for v in values[len(head):])]
    totals = [int(frame[k].sum()) / 100 if len(frame) else 0.0 for k in MONEY_COLUMNS]
    counts = [int(frame[k].sum()) for k in head[label_width:]]
    yield [_styled(ws, "合计", bold=True), *([None] * (label_width - 1)), *counts,
           *(_styled(ws, v, MONEY_FORMAT, bold=True) for v in totals)]


def _hospital_sheet(wb: Workbook, hospitals: pd.DataFrame) -> None:
    ws = _new_sheet(wb, HOSPITAL_OUT)
    ws.freeze_panes = "A2"
    ws.append(_header(ws, HOSPITAL_HEADER))
    for row in _summary_rows(ws, hospitals, ["district", "hospital_code", "hospital_name", "varieties"], 3):
        ws.append(row)


def _district_sheet(wb: Workbook, districts: pd.DataFrame, title: str) -> None:
    ws = _new_sheet(wb, DISTRICT_OUT)
    ws.freeze_panes = "A2"
    ws.append(_header(ws, DISTRICT_HEADER))
    for row in _summary_rows(ws, districts, ["district", "hospitals", "varieties"], 1):
        ws.append(row)
    n = len(districts)
    if n:
        chart = BarChart()
        chart.type = "col"
        chart.title = title or "各区域结余留用金额（元）"
        chart.y_axis.title = "元"
        chart.x_axis.title = "区域"
        data = Reference(ws, min_col=6, max_col=7, min_row=1, max_row=n + 1)  # 职保 and 居保, stacked
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, f"A{n + 4}")


def _what_if_sheet(wb: Workbook, result: RetentionResult) -> None:
    ws = _new_sheet(wb, WHAT_IF_OUT)
    ws.freeze_panes = "A2"
    h = result.what_if_hospitals
    ws.append(_header(ws, [("区域", 10), ("医疗机构编号", 13), ("医疗机构名称", 26), ("可提档品种数", 11),
                           ("当前结余留用(元)", 16), ("提档后结余留用(元)", 17), ("可多留用(元)", 14)]))
    for values in zip(h["district"].tolist(), h["hospital_code"].tolist(), h["hospital_name"].tolist(),
                      h["improvable"].tolist(), _cents(h["retained_cents"]), _cents(h["retained_next_cents"]),
                      _cents(h["extra_cents"])):
        ws.append([*values[:4], *(_styled(ws, v, MONEY_FORMAT) for v in values[4:])])
    ws.append([])
    v = result.what_if
    ws.append(_header(ws, [("区域", 10), ("医疗机构编号", 13), ("医疗机构名称", 26), ("品种序号", 11),
                           ("品种名称", 16), ("医保考核评分", 17), ("下一档评分", 14), ("当前留用比例", 12),
                           ("下一档留用比例", 12), ("当前结余留用(元)", 16), ("提档后结余留用(元)", 17),
                           ("可多留用(元)", 14)]))
    for values in zip(v["district"].tolist(), v["hospital_code"].tolist(), v["hospital_name"].tolist(),
                      v["variety_code"].tolist(), v["variety_name"].tolist(), _floats(v["score"]),
                      _floats(v["next_score"]), _floats(v["ratio"]), _floats(v["next_ratio"]),
                      _cents(v["retained_cents"]), _cents(v["retained_next_cents"]), _cents(v["extra_cents"])):
        ws.append([*values[:7], _styled(ws, values[7], RATE_FORMAT), _styled(ws, values[8], RATE_FORMAT),
                   *(_styled(ws, x, MONEY_FORMAT) for x in values[9:])])


def _report_sheet(wb: Workbook, findings: Sequence[Finding], present: dict[str, str]) -> None:
    """`present`: output sheet -> the input sheet whose cells it mirrors (links go there)."""
    ws = _new_sheet(wb, REPORT_OUT, "2:2")
    ws.freeze_panes = "A3"
    ws.append([_styled(ws, f"结余留用计算 — {summary_line(findings)}（点“定位”列可跳到该单元格）", bold=True)])
    ws.append(_header(ws, list(zip(REPORT_HEADER, [6, 6, 14, 9, 20, 90, 12]))))
    mirrored = {source: target for target, source in present.items()}
    for i, f in enumerate(sorted(findings, key=sort_key), start=1):
        target = mirrored.get(f.sheet)
        link = None
        if target and split_a1(f.cell)[1]:
            link = WriteOnlyCell(ws, value=f"=HYPERLINK(\"#'{target}'!{f.cell}\",\"转到 {f.cell}\")")
            link.font = Font(name="宋体", size=10, color="0563C1", underline="single")
        row = [i, SEVERITY_LABEL[f.severity], f.sheet, f.cell, f.code, _text_cell(ws, f.message), link]
        if f.severity in FILL:
            row[1] = _styled(ws, row[1], fill=FILL[f.severity])
        ws.append(row)
