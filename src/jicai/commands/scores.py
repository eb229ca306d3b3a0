"""`jicai scores check FILE [--sheet] [--scheme] [--import] [--district] [--as-of] [--json]` (SPEC §4.2, §5).

Reads the sheet with python-calamine (no openpyxl, no xlwings on this path: it must stay fast
on 100k rows) and never writes anything. The engine is imported inside run() on purpose: the
sheet is read in the background meanwhile.

When the workbook has a 批次设置 sheet (SPEC §3.5b), its current batch (the latest deadline)
gives the scheme unless --scheme is given (as `jicai retention` does), and with --import its
区域 is the district unless --district is given, and its 填报截止时间 is checked against
--as-of (default now). Exit 0 no error finding, 1 error findings, 2 unusable
input (raised as InputError / SchemeError and printed as one line by jicai.cli).
"""
from __future__ import annotations

from jicai.errors import InputError
from jicai.readers import open_workbook


def run(args) -> int:
    from engine.columns import BATCH_SHEET, SCORE_SHEET

    book = open_workbook(args.file)
    # Start reading the sheet now: calamine parses without the GIL while pandas, pydantic and
    # the engine are imported below (~0.4 s of a 100k-row check). This is only a hint with the
    # same rule as find_sheet; find_sheet decides.
    guess = args.sheet or (SCORE_SHEET.sheet if book.has(SCORE_SHEET.sheet) else (book.sheet_names or [None])[0])
    if guess:
        book.prefetch(guess)
    if book.has(BATCH_SHEET.sheet):
        book.prefetch(BATCH_SHEET.sheet)

    from engine.findings import exit_code, sort_key
    from engine.scheme import load_scheme
    from engine.scores import check_scores
    from engine.sheet import find_sheet
    from jicai.report import findings_json, print_findings, print_json

    name = find_sheet(book.sheet_names, args.sheet, SCORE_SHEET.sheet)
    if name is None:
        if args.sheet:
            raise InputError(f"{book.path.name} 中找不到工作表“{args.sheet}”。现有工作表：{'、'.join(book.sheet_names)}。")
        raise InputError(f"{book.path.name} 中没有任何工作表。")
    from jicai.batch_settings import batch_scheme_ref, current_batch_of

    batch = current_batch_of(book)
    scheme = load_scheme(args.scheme or batch_scheme_ref(book, batch))
    as_of = _as_of(args.as_of)  # a bad --as-of is unusable input even without a 批次设置 sheet
    # importing: the workbook's own district (批次设置.区域) unless --district says otherwise
    district = args.district or (batch.district if args.import_mode and batch is not None and batch.district else None)
    result = check_scores(book.sheet(name), scheme, import_mode=args.import_mode, district=district)
    findings = list(result.findings)
    if args.import_mode and book.has(BATCH_SHEET.sheet):
        findings += _deadline_findings(book.sheet(BATCH_SHEET.sheet), as_of)
        findings.sort(key=sort_key)
    if args.json:
        print_json({"ok": exit_code(findings) == 0, "rows": result.rows, "findings": findings_json(findings)})
    else:
        print(f"工作表“{name}”（方案 {scheme.name}{'，导入模式' if args.import_mode else ''}"
              f"{'，辖区 ' + district if district else ''}）")
        print_findings(findings, result.rows)
    return exit_code(findings)


def _deadline_findings(batch_sheet, as_of) -> list:
    """SPEC §3.5b: with --import, a report date after 填报截止时间 is a deadline-passed error
    at that cell (engine.batches decides which batch and how a date-only deadline reads)."""
    from engine.batches import check_deadline

    return list(check_deadline(batch_sheet, as_of))


def _as_of(text: str | None):
    from datetime import datetime

    if not text:
        return datetime.now()
    from engine.cells import parse_dates
    import pandas as pd

    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            pass
    parsed = parse_dates(pd.Series([text], dtype=object)).value[0]
    if str(parsed) == "NaT":
        raise InputError(f"--as-of 的值“{text}”不是有效日期。请写成 2026-11-22 或 2026-11-22 17:00。")
    # a date alone is the start of that day (a deadline later that day has not passed yet)
    return datetime.combine(parsed.astype(object), datetime.min.time())
