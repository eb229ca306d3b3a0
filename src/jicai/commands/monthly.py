"""`jicai monthly FILE.xlsx --month YYYY-MM [--ledger FILE] [--as-of DATE] [--scheme] [-o OUT.xlsx] [--json]`
(SPEC §4.4, §5).

Reads 机构月报 (else the only sheet), 回款明细 (or --ledger .csv/.xlsx) and 节假日调整 with
python-calamine, runs engine.monthly.compute_monthly and prints the JSON object or a short
Chinese summary; -o writes the result workbook (never over an input file).
"""
from __future__ import annotations

import re

from engine.columns import HOLIDAY_SHEET, LEDGER_SHEET, MONTHLY_SHEET
from jicai.errors import InputError
from jicai.output_path import prepare_output_path
from jicai.readers import open_workbook

_MONTH = re.compile(r"^\s*\d{4}-(0?[1-9]|1[0-2])\s*$")


def run(args) -> int:
    if not _MONTH.match(args.month or ""):
        raise InputError(f"--month：月份“{args.month}”无效，请写成 YYYY-MM，例如 2012-03。")
    if args.output:
        prepare_output_path(args.output, [args.file, args.ledger])
    book = open_workbook(args.file)
    # calamine parses the report in the background (without the GIL) while pandas, pydantic and
    # the engine are imported. One sheet only: a CalamineWorkbook cannot read two sheets at once
    # ("Already borrowed"), so every other sheet is read after this one has been collected.
    report_name = _report_sheet(book)
    book.prefetch(report_name)
    scanned = None
    if args.ledger and str(args.ledger).lower().endswith((".csv", ".txt")):
        # a CSV ledger is parsed by polars' native threads while pandas & co. are imported
        from jicai.csv_scan import scan_in_background
        scanned = scan_in_background(args.ledger)

    from engine.cells import parse_date
    from engine.findings import exit_code
    from engine.monthly import compute_monthly, prepare_ledger, prepare_report
    from engine.scheme import DEFAULT_MONTHLY_SCHEME, load_scheme
    from jicai.ledger import read_ledger_file
    from jicai.report import print_json

    as_of = None
    if args.as_of:
        as_of = parse_date(args.as_of)
        if as_of is None:
            raise InputError(f"--as-of 的值“{args.as_of}”不是有效日期。请写成 2012-04-10 的形式。")
    scheme = load_scheme(args.scheme, default=DEFAULT_MONTHLY_SCHEME)
    ledger_source = None
    if args.ledger and scanned is None:
        # parsed with pandas while calamine is still reading the report on the other core
        ledger_source = read_ledger_file(args.ledger)
    report = book.sheet(report_name)
    # the report is checked while polars may still be parsing the ledger
    report_table = prepare_report(report, args.month)
    holidays = book.sheet(HOLIDAY_SHEET.sheet) if book.has(HOLIDAY_SHEET.sheet) else None
    if args.ledger:
        if scanned is not None:
            ledger_source = read_ledger_file(args.ledger, scanned)
        ledger = prepare_ledger(ledger_source, holidays, args.month, as_of, scheme)
    else:
        ledger_source = ledger = book.sheet(LEDGER_SHEET.sheet) if book.has(LEDGER_SHEET.sheet) else None
    result = compute_monthly(report_table, ledger, holidays, args.month.strip(), as_of, scheme)
    if args.output:
        from jicai.monthly_output import write_monthly
        write_monthly(args.output, result, report=report, ledger=ledger_source, holidays=holidays, scheme=scheme)
    if args.json:
        print_json(result.to_json())
    else:
        _print_summary(result, args)
    return exit_code(result.findings)


def _report_sheet(book) -> str:
    if book.has(MONTHLY_SHEET.sheet):
        return MONTHLY_SHEET.sheet
    if len(book.sheet_names) == 1:
        return book.sheet_names[0]
    raise InputError(f"{book.path.name} 中找不到工作表“{MONTHLY_SHEET.sheet}”。现有工作表：{'、'.join(book.sheet_names)}。")


def _fmt_rate(x) -> str:
    return "—" if x is None or x != x else f"{x:.2%}"


def _fmt_index(x) -> str:
    return "—" if x is None or x != x else f"{x:.3f}"


def _print_summary(result, args) -> None:
    from jicai.report import print_findings

    print(f"{result.month} 三统一月报（报告日期 {result.as_of.isoformat()}）：机构 {len(result.institutions)} 家，"
          f"县(区) {len(result.counties)} 个，市 {len(result.cities)} 个，未结清采购 {len(result.open)} 笔。")
    head = "配备率 配送率 使用率 回款率 年累计回款率 平均回款指数 年累计平均回款指数"
    print(f"{'市':<8}{head}")
    for _, r in result.cities.iterrows():
        print(f"{r['city']:<8}" + " ".join(_fmt_rate(r[k]) for k in ("equip_rate", "delivery_rate", "usage_rate",
                                                                         "payment_rate", "ytd_payment_rate"))
              + " " + _fmt_index(r["payment_index"]) + " " + _fmt_index(r["ytd_payment_index"]))
    if len(result.province):
        p = result.province.iloc[0]
        print(f"{'全省':<7}" + " ".join(_fmt_rate(p[k]) for k in ("equip_rate", "delivery_rate", "usage_rate",
                                                                  "payment_rate", "ytd_payment_rate"))
              + " " + _fmt_index(p["payment_index"]) + " " + _fmt_index(p["ytd_payment_index"]))
    if args.output:
        print(f"结果已写入 {args.output}")
    print_findings(result.findings)
