"""三统一月报 group: 新建月报 · 校验月报 · 计算指标 · 指标排名 · 生成上报表.

The report month is the latest 年月 in 机构月报 (earlier months of the year feed the 年度累计
figures); the report date is that month's last day (SPEC §4.4). Result sheets carry the
same names and columns as `jicai monthly -o` and are replaced on every run.
"""
from __future__ import annotations

from typing import Any, Sequence

from engine.cells import plain_value
from engine.columns import HOLIDAY_SHEET, LEDGER_SHEET, MONTHLY_SHEET
from macros._errors import MacroStop
from macros._findings_ui import finish, show_findings
from macros._pick import pick_sheet
from macros._sheet_io import has_sheet, new_template_sheet, read_sheet, result_sheet, write_table


def new_monthly_report(book) -> list:
    """新建月报: blank 机构月报 and 回款明细 sheets (existing ones are left alone)."""
    made = [t.sheet for t in (MONTHLY_SHEET, LEDGER_SHEET) if new_template_sheet(book, t) is not None]
    kept = [t.sheet for t in (MONTHLY_SHEET, LEDGER_SHEET) if t.sheet not in made]
    text = "新建月报：" + (f"已新建“{'”“'.join(made)}”。" if made else "") + \
        (f"“{'”“'.join(kept)}”已存在，未作改动。" if kept else "")
    finish(book, text, [], "新建月报")
    return []


def _compute(book):
    from engine.monthly import compute_monthly
    from engine.scheme import DEFAULT_MONTHLY_SCHEME, load_scheme

    report = pick_sheet(book, MONTHLY_SHEET)
    month = report_month(report)
    ledger = read_sheet(book, LEDGER_SHEET.sheet) if has_sheet(book, LEDGER_SHEET.sheet) else None
    holidays = read_sheet(book, HOLIDAY_SHEET.sheet) if has_sheet(book, HOLIDAY_SHEET.sheet) else None
    return compute_monthly(report, ledger, holidays, month, None, load_scheme(None, default=DEFAULT_MONTHLY_SCHEME))


def report_month(report) -> str:
    from engine.monthly_report import month_text, parse_months
    from engine.sheet import locate

    located = locate(report, MONTHLY_SHEET)
    keys = parse_months(located.frame["month"])[0] if "month" not in located.missing and len(located) else []
    keys = [int(k) for k in keys if k]
    if not keys:
        raise MacroStop(f"“{report.name}”中没有可识别的“年月”，无法确定报表月份。请按 2012-03 的格式填写年月。")
    return month_text(max(keys))


def check_monthly(book) -> list:
    """校验月报: every finding of 机构月报 / 回款明细 painted and listed; nothing computed is written."""
    result = _compute(book)
    show_findings(book, result.findings, label=f"校验月报（{result.month}）", rows=len(result.institutions))
    return result.findings


def compute_monthly(book) -> list:
    """计算指标: 机构指标, 县区汇总, 市汇总 (with the province line)."""
    from jicai import monthly_output as out

    result = _compute(book)
    _frame_sheet(book, out.INSTITUTION_OUT, out.INSTITUTION_COLUMNS, result.institutions)
    _frame_sheet(book, out.COUNTY_OUT, out.COUNTY_COLUMNS, result.counties)
    total = None
    if len(result.province):
        total = ["全省" if key == "city" else _get(result.province.iloc[0], key) for _, _, key, _ in out.CITY_COLUMNS]
    _frame_sheet(book, out.CITY_OUT, out.CITY_COLUMNS, result.cities, extra=total)
    show_findings(book, result.findings, label=f"计算指标（{result.month}）", rows=len(result.institutions),
                  note=f"指标见“{out.INSTITUTION_OUT}”“{out.COUNTY_OUT}”“{out.CITY_OUT}”。")
    return result.findings


def rank_monthly(book) -> list:
    """指标排名: cities among all cities, counties within their city, per indicator."""
    from jicai import monthly_output as out

    result = _compute(book)
    columns = [("级别", 6, "level", None), ("市", 10, "city", None), ("县(区)", 10, "county", None)]
    for header, width, key, fmt in out.RANKED:
        columns += [(header, width, key, fmt), ("名次", 6, f"rank_{key}", "0")]
    rows: list[list[Any]] = []
    for level, frame in (("市", result.cities), ("县(区)", result.counties)):
        rows += _rows(columns, frame.assign(level=level))
    sheet = _frame_sheet(book, out.RANK_OUT, columns, None, rows=rows)
    sheet.range((len(rows) + 3, 1)).value = ("说明：市在全部市中排名，县(区)在本市内排名；各比率由高到低、回款指数由低到高排名，"
                                             "并列名次相同（1、2、2、4），无数值不排名。")
    show_findings(book, result.findings, label=f"指标排名（{result.month}）", rows=len(result.institutions),
                  note=f"排名见“{out.RANK_OUT}”。")
    return result.findings


def print_monthly(book) -> list:
    """生成上报表: the printable 月报上报表 (institutions, county/city/province totals)."""
    from jicai import monthly_output as out

    result = _compute(book)
    year, month = result.month.split("-")
    rows = [[_get(rec, key) for _, _, key, _ in out.PRINT_COLUMNS] for _, rec in out._print_rows(result)]
    sheet = result_sheet(book, out.PRINT_OUT)
    n = len(out.PRINT_COLUMNS)
    sheet.range((1, 1)).value = [[f"药品“三统一”基础数据月报（{int(year)}年{int(month)}月）"] + [None] * (n - 3) + ["单位：元", None]]
    sheet.range((1, 1)).font.bold = True
    sheet.range((1, 1)).font.size = 16
    sheet.range((2, 1)).value = "填报单位（盖章）："
    last = write_table(sheet, [c[0] for c in out.PRINT_COLUMNS], rows, top=out.PRINT_HEADER_ROW,
                       widths=[c[1] for c in out.PRINT_COLUMNS],
                       formats={j: c[3] for j, c in enumerate(out.PRINT_COLUMNS) if c[3]})
    sheet.range((out.PRINT_HEADER_ROW, 1), (out.PRINT_HEADER_ROW, n)).wrap_text = True
    sheet.range((last + 2, 1)).value = [["填报人：", None, None, None, "审核人：", None, None, None, None,
                                         "单位负责人：", None, None, None, None, "填报日期：　　　年　　月　　日"]]
    sheet.range((last + 3, 1)).value = "说明：纸质报表和电子报表同时报送，于次月15日前逐级上报；与上月差异较大的数据须在备注中说明。"
    sheet.page_setup.print_area = f"A1:{_letter(len(out.PRINT_COLUMNS))}{last + 3}"
    sheet.freeze_panes.freeze_at(f"{out.PRINT_HEADER_ROW}:{out.PRINT_HEADER_ROW}")
    sheet.activate()
    show_findings(book, result.findings, label=f"生成上报表（{result.month}）", rows=len(result.institutions),
                  note=f"上报表见“{out.PRINT_OUT}”，打印前请在“页面布局”中选择 A4 横向。")
    return result.findings


# ------------------------------------------------------------------ writing frames


def _get(record, key: str) -> Any:
    return plain_value(record.get(key) if hasattr(record, "get") else None)


def _rows(columns: Sequence[tuple], frame) -> list[list[Any]]:
    data = [frame[key].tolist() if key in frame else [None] * len(frame) for _, _, key, _ in columns]
    return [[plain_value(v) for v in values] for values in zip(*data)]


def _frame_sheet(book, name: str, columns: Sequence[tuple], frame, *, rows=None, extra=None):
    rows = rows if rows is not None else _rows(columns, frame)
    if extra is not None:
        rows = rows + [extra]
    sheet = result_sheet(book, name)
    write_table(sheet, [c[0] for c in columns], rows, widths=[c[1] for c in columns],
                formats={j: c[3] for j, c in enumerate(columns) if c[3]})
    if extra is not None:
        sheet.range((len(rows) + 1, 1), (len(rows) + 1, len(columns))).font.bold = True
    sheet.freeze_panes.freeze_at("1:1")
    return sheet


def _letter(n: int) -> str:
    from engine.cells import col_letter
    return col_letter(n - 1)
