"""A button whose engine is not part of this build says so instead of failing."""
from __future__ import annotations

from macros._findings_ui import finish


def not_available(book, label: str) -> list:
    finish(book, f"{label}：该功能尚未提供。", [], label)
    return []
