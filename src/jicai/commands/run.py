"""`jicai run MACRO FILE.xlsx -o OUT.xlsx`: a ribbon button on a file, without Excel.

The file becomes the JSON book Excel would send (`jicai.payload`), the button runs on
`xw.Book(json=...)` exactly as behind the ribbon, and the returned actions are applied to a
copy of the workbook (`jicai.actions`). The alert text is printed. Exit status: 0 no error
finding, 1 error findings, 2 unusable input or a button that could not finish (then one line
on stderr and no output file).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from jicai.errors import InputError
from jicai.output_path import prepare_output_path


def run_on_payload(name: str, payload: dict, **context):
    """Run button `name` on a payload; returns (actions, Outcome). The payload is passed
    through JSON first, as it would arrive over HTTP."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    from macros.registry import run_button

    book = xw.Book(json=json.loads(json.dumps(payload)))
    try:
        outcome = run_button(name, book, **context)
        actions = json.loads(json.dumps(book.json()["actions"], ensure_ascii=False))
    finally:
        book.close()
    return actions, outcome


def run(args) -> int:
    from engine.findings import exit_code
    from jicai.actions import apply_actions
    from jicai.payload import build_payload, load_values
    from macros.registry import BY_NAME

    if args.macro not in BY_NAME:
        raise InputError(f"没有名为“{args.macro}”的按钮。可用：{'、'.join(BY_NAME)}。")
    source, target = Path(args.file), Path(args.output)
    prepare_output_path(target, [source])
    values = load_values(source)
    import openpyxl
    workbook = openpyxl.load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    payload = build_payload(source, getattr(args, "sheet", None), workbook=values, formulas=workbook)
    actions, outcome = run_on_payload(args.macro, payload)
    if outcome.error:  # unusable input (a sheet not found, ...): one line, no output file
        sys.stderr.write(f"jicai: {outcome.error}\n")
        return 2
    applied = apply_actions(workbook, actions)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    for alert in applied.alerts:
        print(alert["prompt"])
    print(f"已保存：{target}")
    return exit_code(outcome.findings)
