"""结余留用 group: 计算结余留用 · 申诉台账."""
from __future__ import annotations


def compute_retention(book) -> list:
    from macros._unavailable import not_available
    return not_available(book, "计算结余留用")


def appeals(book) -> list:
    from macros._unavailable import not_available
    return not_available(book, "申诉台账")
