"""The JSON book Excel's add-in (xlwings.js `getBookData`) sends, built from an .xlsx file.

`jicai run` and the tests use it so that a macro sees exactly what it would see behind a
ribbon button: every sheet's values from A1 to the last non-empty cell, dates as ISO
strings ending in "Z" (xlwings turns them back into datetimes), blanks as "", error cells
as their text ("#N/A"), the cached result of a formula (never the formula), the defined
names, which cells carry a note, and the active sheet.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from jicai.errors import InputError  # noqa: E402


def xlwings_version() -> str:
    from importlib.metadata import version
    return version("xlwings")


def build_payload(path: str | Path, active_sheet: str | None = None, *, workbook=None, formulas=None) -> dict:
    """Payload for `xw.Book(json=...)` from a workbook file. `workbook` (loaded with
    data_only=True) and `formulas` (loaded normally) may be passed when already open; the
    second tells which cells hold a formula, which Excel counts as used even when the file
    carries no cached result for it."""
    path = Path(path)
    wb = workbook if workbook is not None else load_values(path)
    if formulas is None:
        formulas = load_values(path, data_only=False)
    names = [ws.title for ws in wb.worksheets]
    if active_sheet is not None and active_sheet not in names:
        raise InputError(f"工作簿“{path.name}”中没有工作表“{active_sheet}”。可用的工作表：{'、'.join(names)}。")
    active = names.index(active_sheet) if active_sheet else wb.worksheets.index(wb.active) if wb.active in wb.worksheets else 0
    return {
        "client": "Office.js",
        "version": xlwings_version(),
        "book": {"name": path.name, "active_sheet_index": active, "selection": "A1", "calculation": "Automatic"},
        "names": _names(wb),
        "sheets": [_sheet(ws, formulas[ws.title]) for ws in wb.worksheets],
    }


def load_values(path: Path, data_only: bool = True):
    """Open with cached formula results (data_only), as Excel would report them."""
    if not path.exists():
        raise InputError(f"找不到文件“{path}”。请检查路径。")
    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except Exception as exc:  # zip/xml errors of a corrupt or non-xlsx file
        raise InputError(f"无法打开“{path.name}”：不是有效的 .xlsx 工作簿（{type(exc).__name__}）。") from None


def _sheet(ws, ws_formulas) -> dict:
    values, first_row, first_col = _values(ws, ws_formulas)
    rows, cols = len(values), (len(values[0]) if values else 0)
    filled = bool(rows and cols and any(v != "" for row in values for v in row))
    if filled:
        address = f"{get_column_letter(first_col)}{first_row}:{get_column_letter(cols)}{rows}"
        used_rows, used_cols = rows - first_row + 1, cols - first_col + 1
    else:
        address, used_rows, used_cols, values = None, 0, 0, [[""]]
    return {
        "name": ws.title,
        "visibility": {"visible": "Visible", "hidden": "Hidden"}.get(ws.sheet_state, "VeryHidden"),
        "show_gridlines": bool(ws.sheet_view.showGridLines if ws.sheet_view.showGridLines is not None else True),
        "print_area": _print_area(ws),
        "notes": [{"address": c.coordinate} for c in ws._cells.values() if c.comment is not None],
        "notes_supported": True,
        "used_range_address": address,
        "used_range_row_count": used_rows,
        "used_range_column_count": used_cols,
        "values": values,
        "pictures": [], "shapes": [], "charts": [], "tables": [], "pivot_tables": [],
    }


def _values(ws, ws_formulas) -> tuple[list[list[Any]], int, int]:
    """Cell values A1..last used cell, plus the first used row/column (1-based). A formula
    cell is used even without a cached result (it is sent as "", as Excel sends "")."""
    grid = [[_json_value(v) for v in row] for row in ws.iter_rows(values_only=True)]
    for cell in ws_formulas._cells.values():
        if isinstance(cell.value, str) and cell.data_type == "f":
            r, c = cell.row - 1, cell.column - 1
            while len(grid) <= r:
                grid.append([])
            row = grid[r]
            if len(row) <= c:
                row.extend([""] * (c + 1 - len(row)))
            if row[c] == "" and row[c] is not _FORMULA:
                row[c] = _FORMULA
    last_row = 0
    last_col = 0
    first_row = first_col = None
    for i, row in enumerate(grid, start=1):
        nonblank = [j for j, v in enumerate(row, start=1) if v is _FORMULA or v != ""]
        if nonblank:
            last_row = i
            last_col = max(last_col, nonblank[-1])
            first_row = first_row or i
            first_col = min(first_col or nonblank[0], nonblank[0])
    values = [[("" if v is _FORMULA else v) for v in row[:last_col]] + [""] * (last_col - len(row))
              for row in grid[:last_row]]
    return values, first_row or 1, first_col or 1


class _Formula(str):
    pass


_FORMULA = _Formula("")  # a formula cell without a cached result: used, but its value is ""


def _json_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool) or isinstance(v, (int, float, str)):
        return v
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"
    if isinstance(v, dt.date):
        return f"{v.isoformat()}T00:00:00.000Z"
    if isinstance(v, dt.time):  # Excel sends a time of day as a fraction of a day
        return (v.hour * 3600 + v.minute * 60 + v.second) / 86400
    if isinstance(v, dt.timedelta):
        return v.total_seconds() / 86400
    return str(v)


def _print_area(ws) -> str | None:
    area = ws.print_area
    if not area:
        return None
    parts = area if isinstance(area, (list, tuple)) else str(area).split(",")
    return ",".join(p.split("!")[-1].replace("$", "") for p in parts)


def _names(wb) -> list[dict]:
    out = []
    sheet_index = {ws.title: i for i, ws in enumerate(wb.worksheets)}

    def entry(name: str, refers_to: str, scope: int | None) -> dict:
        target_sheet, address = None, None
        text = refers_to.lstrip("=")
        if "!" in text and "," not in text:
            sheet, address = text.rsplit("!", 1)
            sheet = sheet.strip("'").replace("''", "'")
            target_sheet = sheet_index.get(sheet)
            address = address.replace("$", "") if target_sheet is not None else None
        return {
            "name": name if scope is None else f"{_quote(wb.worksheets[scope].title)}!{name}",
            "refers_to": "=" + text,
            "type": "Range" if address else "String",
            "sheet_index": target_sheet if address else None,
            "address": address,
            "scope_sheet_name": None if scope is None else wb.worksheets[scope].title,
            "scope_sheet_index": scope,
            "book_scope": scope is None,
        }

    for name, dn in wb.defined_names.items():
        if dn.value and not name.startswith("_xlnm."):
            out.append(entry(name, dn.value, None))
    for i, ws in enumerate(wb.worksheets):
        for name, dn in ws.defined_names.items():
            if dn.value and not name.startswith("_xlnm."):
                out.append(entry(name, dn.value, i))
    return out


def _quote(sheet: str) -> str:
    return sheet if sheet.isidentifier() else "'" + sheet.replace("'", "''") + "'"
