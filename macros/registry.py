"""The ribbon buttons (SPEC §6): script name -> handler, label, group, icon colour.

One table drives the Office.js manifest, the desktop ribbon XML and VBA dispatcher, the
xlwings Server scripts and `jicai run`, so a button cannot exist in one and not another.
Handlers are imported lazily: a button's engine is loaded only when it is clicked.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Button:
    name: str          # script name (stable; SPEC §6)
    label: str         # ribbon label
    group: str         # ribbon group
    tip: str           # tooltip
    module: str        # macros.<module>
    color: str         # icon colour (RRGGBB)

    def handler(self) -> Callable:
        return getattr(importlib.import_module(f"macros.{self.module}"), self.name)


GROUPS = ("结余留用", "三统一月报", "通用")

BUTTONS: tuple[Button, ...] = (
    Button("new_score_template", "导出自评模板", "结余留用", "新建“自评分数表”工作表（按当前方案的栏目和分值上限）。", "scores", "2E75B6"),
    Button("check_scores", "校验考核表", "结余留用", "校验自评分数表：表头、必填、分值范围、重复、名称一致等，问题单元格标红/黄并生成校验报告。", "scores", "C00000"),
    Button("import_scores", "导入考核评分", "结余留用", "校验无误后把医保考核评分导入“考核结果”表，并在“导入记录”中登记。有任何错误则不导入。", "scores", "548235"),
    Button("compute_retention", "计算结余留用", "结余留用", "按测算数据和考核评分计算各医院、各区的结余留用金额（职保/居保）。", "retention", "BF8F00"),
    Button("appeals", "申诉台账", "结余留用", "校验申诉台账：状态、回复、超期未回复的申诉。", "retention", "7030A0"),
    Button("new_monthly_report", "新建月报", "三统一月报", "新建三统一“机构月报”“回款明细”工作表。", "monthly", "2E75B6"),
    Button("check_monthly", "校验月报", "三统一月报", "校验机构月报和回款明细，问题单元格标红/黄并生成校验报告。", "monthly", "C00000"),
    Button("compute_monthly", "计算指标", "三统一月报", "计算配备率、配送率、使用率、回款率、回款天数和回款指数（机构、县、市、省）。", "monthly", "548235"),
    Button("rank_monthly", "指标排名", "三统一月报", "各市在全省、各县在本市按指标排名。", "monthly", "BF8F00"),
    Button("print_monthly", "生成上报表", "三统一月报", "生成可打印的月报上报表（A4 横向）。", "monthly", "7030A0"),
    Button("clear_marks", "清除标记", "通用", "清除上次校验留下的红/黄底色和批注，并删除校验报告。", "common", "7F7F7F"),
    Button("refresh_calendar", "刷新工作日历", "通用", "按官方日历和“节假日调整”重建“工作日历”工作表。", "common", "0070C0"),
)

BY_NAME = {b.name: b for b in BUTTONS}


def get(name: str) -> Button:
    return BY_NAME[name]


@dataclass
class Outcome:
    """What a button run left behind besides the workbook actions."""

    findings: list
    error: str | None = None   # an unexpected failure, already shown to the clerk in an alert


def run_button(name: str, book, **context) -> Outcome:
    """Run a button on `book`. `context` carries what the caller knows beyond the workbook
    (the signed-in user's district, the report date); a handler takes what it declares."""
    import inspect
    import logging
    import os

    handler = get(name).handler()
    accepted = inspect.signature(handler).parameters
    kwargs = {k: v for k, v in context.items() if k in accepted and v is not None}
    try:
        return Outcome(list(handler(book, **kwargs) or []))
    except Exception as exc:  # the clerk gets a sentence, the server log gets the traceback
        if os.environ.get("JICAI_DEBUG"):
            raise
        from macros._errors import MacroStop
        if not isinstance(exc, MacroStop):
            log = logging.getLogger("jicai.macros")
            log.addHandler(logging.NullHandler())  # the CLI prints the sentence, not a traceback
            log.exception("button %s failed", name)
        message = getattr(exc, "clerk_message", None) or (
            f"“{get(name).label}”未能完成：内部错误（{type(exc).__name__}: {str(exc)[:200]}）。"
            "请把工作簿和这段文字发给技术支持。")
        book.app.alert(message, title="集采助手", buttons="ok", mode="critical")
        return Outcome([], error=message)
