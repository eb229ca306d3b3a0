"""`jicai appeals check FILE [--as-of DATE] [--scheme] [--json]` -> {"ok","rows","findings"} (SPEC §3.5c, §5).

The register is the sheet 申诉台账 (else the first sheet); a 批次设置 sheet in the same workbook
enables the unknown-batch and appeal-late checks, a 节假日调整 sheet adjusts the working-day
calendar used for appeal-overdue. The report date is --as-of, default today.
"""
from __future__ import annotations

from datetime import date

from engine.appeals import check_appeals
from engine.cells import parse_date
from engine.columns import APPEAL_SHEET, BATCH_SHEET
from engine.findings import exit_code, sort_key
from engine.scheme import load_scheme
from engine.sheet import find_sheet
from jicai.errors import InputError
from jicai.readers import Workbook, open_workbook
from jicai.report import findings_json, print_findings, print_json


def run(args) -> int:
    book = open_workbook(args.file)
    name = find_sheet(book.sheet_names, None, APPEAL_SHEET.sheet)
    if name is None:
        raise InputError(f"{book.path.name} 中没有任何工作表。")
    as_of = _as_of(args.as_of)
    scheme = load_scheme(getattr(args, "scheme", None))
    batches = book.sheet(BATCH_SHEET.sheet) if book.has(BATCH_SHEET.sheet) else None
    calendar, calendar_findings = workbook_calendar(book)
    rows, findings = check_appeals(book.sheet(name), batches, as_of, scheme, calendar)
    findings = sorted([*findings, *calendar_findings], key=sort_key)
    if args.json:
        print_json({"ok": exit_code(findings) == 0, "rows": rows, "findings": findings_json(findings)})
    else:
        print(f"申诉台账“{name}”（报告日期 {as_of.isoformat()}，回复时限 {scheme.appeals.reply_workdays} 个工作日）")
        print_findings(findings, rows)
    return exit_code(findings)


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    day = parse_date(text.strip())
    if day is None:
        raise InputError(f"--as-of 的值“{text}”不是有效日期。请写成 2026-11-22。")
    return day


def workbook_calendar(book: Workbook):
    """China's official working-day calendar with the workbook's 节假日调整 rows applied, and
    the findings about those rows."""
    from engine.columns import HOLIDAY_SHEET
    from engine.workdays import calendar_from_sheet

    return calendar_from_sheet(book.sheet(HOLIDAY_SHEET.sheet) if book.has(HOLIDAY_SHEET.sheet) else None)
