"""通用 group: 清除标记 and 刷新工作日历."""
from __future__ import annotations

from macros._findings_ui import REPORT_SHEET, clear_marks as _clear_marks, finish


def clear_marks(book) -> list:
    """清除标记: remove the fills and notes of the last check and its 校验报告."""
    count = _clear_marks(book, delete_report=True)
    finish(book, f"清除标记：已清除 {count} 个单元格的标记，并删除“{REPORT_SHEET}”。" if count
           else f"清除标记：没有需要清除的标记（未找到“{REPORT_SHEET}”或其中没有标记）。", [], "清除标记")
    return []


def refresh_calendar(book) -> list:
    from macros._unavailable import not_available
    return not_available(book, "刷新工作日历")
