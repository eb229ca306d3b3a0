"""Entry point of the classic desktop add-in (Windows Excel + local Python).

The .xlam's ribbon calls the VBA dispatcher JicaiDispatch, which runs
`import macros.desktop as d; d.dispatch('<control id>')` through the xlwings add-in's
RunPython; the control id is the button's script name (macros/registry.py).
"""
from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def dispatch(control_id: str) -> None:
    import xlwings as xw

    from macros.registry import BY_NAME, run_button

    book = xw.Book.caller()
    if control_id not in BY_NAME:
        book.app.alert(f"未知的按钮：{control_id}", title="集采助手", buttons="ok", mode="critical")
        return
    run_button(control_id, book)
