"""How findings look in Excel (SPEC §4.1): error cells red with a note, warning cells
yellow with a note, a 校验报告 sheet listing every finding with a link to its cell, an alert
with a one-line summary, and the list in the task pane.

Marks are remembered through the 校验报告 sheet itself: before painting a new run, the
cells listed in the previous report lose their fill and note, so a corrected cell does not
stay red, and 清除标记 (clear_marks) removes them all. Values are never touched.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Iterable, Sequence

from engine.cells import split_a1
from engine.findings import SEVERITY_LABEL, Finding, Severity, count_by_severity, sort_key, summary_line
from macros._sheet_io import formula, has_sheet, note_addresses, read_sheet, result_sheet, sheet_names, write_table

REPORT_SHEET = "校验报告"
REPORT_HEADER = ["序号", "级别", "工作表", "单元格", "问题代码", "说明", "定位"]
FILL = {Severity.ERROR: "#FFC7CE", Severity.WARNING: "#FFEB9C"}
NOTE_LIMIT = 1000        # notes are one Excel call each; beyond this the report lists the rest
TASKPANE_LIMIT = 500
TASKPANE_CALLBACK = "jicaiShowFindings"
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def show_findings(book, findings: Sequence[Finding], *, label: str, rows: int | None = None,
                  note: str = "") -> str:
    """Paint, report, alert. Returns the one-line summary shown in the alert."""
    findings = sorted(findings, key=sort_key)
    clear_marks(book, delete_report=False)
    noted = paint(book, findings)
    if findings:
        write_report(book, findings, label)
    elif has_sheet(book, REPORT_SHEET):
        delete_sheet(book, REPORT_SHEET)
    summary = f"{label}：{summary_line(findings, rows)}"
    if findings:
        summary += f"详见“{REPORT_SHEET}”工作表。"
    if noted < len({(f.sheet, f.cell) for f in findings if f.severity is not Severity.INFO}):
        summary += f"（批注仅加在前 {NOTE_LIMIT} 个单元格）"
    if note:
        summary += note
    finish(book, summary, findings, label)
    return summary


def finish(book, summary: str, findings: Sequence[Finding] = (), label: str = "集采助手") -> None:
    """The alert, and the findings handed to the task pane (Office.js add-in only)."""
    worst = "critical" if any(f.severity is Severity.ERROR for f in findings) else "info"
    book.app.alert(summary, title="集采助手", buttons="ok", mode=worst)
    if isinstance(getattr(book, "api", None), dict):  # JSON book: the task pane is listening
        payload = {"title": label, "summary": summary, "counts": count_by_severity(findings),
                   "findings": [f.as_dict() for f in findings[:TASKPANE_LIMIT]], "total": len(findings)}
        book.app.macro(TASKPANE_CALLBACK)(json.dumps(payload, ensure_ascii=False))


def paint(book, findings: Sequence[Finding]) -> int:
    """Fill each finding's cell by its worst severity and put all its messages in one note.
    Returns how many notes were written."""
    present = set(sheet_names(book))
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.sheet in present and f.severity is not Severity.INFO and _is_a1(f.cell):
            by_cell[(f.sheet, f.cell.replace("$", "").upper())].append(f)
    runs: dict[tuple[str, str, str], list[int]] = defaultdict(list)   # (sheet, column, color) -> rows
    for (sheet, cell), items in by_cell.items():
        col, row = split_a1(cell)
        worst = min((f.severity for f in items), key=_RANK.__getitem__)
        runs[(sheet, col, FILL[worst])].append(row)
    for (sheet, col, color), rows in runs.items():
        for first, last in _spans(sorted(rows)):
            book.sheets[sheet].range(f"{col}{first}:{col}{last}").color = color
    written = 0
    noted: dict[str, set[str] | None] = {}
    for (sheet, cell), items in list(by_cell.items())[:NOTE_LIMIT]:
        text = "\n".join(f"【{SEVERITY_LABEL[f.severity]}】{f.message}" for f in items)
        ws = book.sheets[sheet]
        if sheet not in noted:
            noted[sheet] = note_addresses(ws)
        rng = ws.range(cell)
        has_note = (cell in noted[sheet]) if noted[sheet] is not None else rng.note is not None
        if has_note:
            rng.note.text = text
        elif noted[sheet] is not None:
            rng.impl.add_note(text)  # the JSON book: we know there is no note, skip xlwings' O(notes) lookup
            noted[sheet].add(cell)
        else:
            rng.add_note(text)
        written += 1
    return written


def _spans(rows: list[int]) -> Iterable[tuple[int, int]]:
    start = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            yield start, prev
            start = r
        prev = r
    yield start, prev


def write_report(book, findings: Sequence[Finding], label: str):
    sheet = result_sheet(book, REPORT_SHEET)
    present = set(sheet_names(book))
    rows = []
    for i, f in enumerate(findings, start=1):
        link = _link(f.sheet, f.cell) if f.sheet in present and _is_a1(f.cell) else None
        rows.append([i, SEVERITY_LABEL[f.severity], f.sheet, f.cell, f.code, f.message, link])
    write_table(sheet, REPORT_HEADER, rows, widths=[6, 6, 14, 9, 20, 90, 10],
                title=f"{label} — {summary_line(findings)}（点“定位”列可跳到该单元格）")
    sheet.freeze_panes.freeze_at("2:2")
    return sheet


def _link(sheet: str, cell: str):
    target = "'" + sheet.replace("'", "''") + "'!" + cell
    # a formula rather than a hyperlink object: it jumps inside the workbook in Excel on
    # Windows, Mac and the web alike, and the address stays readable as plain text in D
    return formula(f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}","转到 {cell}")')


def clear_marks(book, *, delete_report: bool = True) -> int:
    """Remove the fills and notes listed in the current 校验报告; returns how many cells."""
    if not has_sheet(book, REPORT_SHEET):
        return 0
    report = read_sheet(book, REPORT_SHEET)
    present = set(sheet_names(book))
    cells: dict[str, set[str]] = defaultdict(set)
    header_seen = False
    for row in report.rows:
        if not header_seen:
            header_seen = [str(v or "").strip() for v in row[:len(REPORT_HEADER)]] == REPORT_HEADER
            continue
        if len(row) < 4 or row[1] not in (SEVERITY_LABEL[Severity.ERROR], SEVERITY_LABEL[Severity.WARNING]):
            continue
        sheet, cell = str(row[2] or ""), str(row[3] or "").replace("$", "").upper()
        if sheet in present and sheet != REPORT_SHEET and _is_a1(cell):
            cells[sheet].add(cell)
    count = 0
    for sheet, addresses in cells.items():
        ws = book.sheets[sheet]
        notes = note_addresses(ws)
        for cell in sorted(addresses):
            rng = ws.range(cell)
            rng.color = None
            if (cell in notes) if notes is not None else rng.note is not None:
                rng.note.delete()
            count += 1
    if delete_report:
        delete_sheet(book, REPORT_SHEET)
    return count


def _is_a1(cell: str) -> bool:
    return split_a1(cell)[1] > 0


def delete_sheet(book, name: str) -> None:
    if has_sheet(book, name) and len(book.sheets) > 1:
        book.sheets[name].delete()
