"""三统一月报 group: 新建月报 · 校验月报 · 计算指标 · 指标排名 · 生成上报表."""
from __future__ import annotations

from engine.columns import LEDGER_SHEET, MONTHLY_SHEET
from macros._findings_ui import finish
from macros._sheet_io import new_template_sheet


def new_monthly_report(book) -> list:
    """新建月报: blank 机构月报 and 回款明细 sheets (existing ones are left alone)."""
    made = [t.sheet for t in (MONTHLY_SHEET, LEDGER_SHEET) if new_template_sheet(book, t) is not None]
    kept = [t.sheet for t in (MONTHLY_SHEET, LEDGER_SHEET) if t.sheet not in made]
    text = "新建月报：" + (f"已新建“{'”“'.join(made)}”。" if made else "") + \
        (f"“{'”“'.join(kept)}”已存在，未作改动。" if kept else "")
    finish(book, text, [], "新建月报")
    return []


def _pending(book, label):
    from macros._unavailable import not_available
    return not_available(book, label)


def check_monthly(book) -> list:
    return _pending(book, "校验月报")


def compute_monthly(book) -> list:
    return _pending(book, "计算指标")


def rank_monthly(book) -> list:
    return _pending(book, "指标排名")


def print_monthly(book) -> list:
    return _pending(book, "生成上报表")
