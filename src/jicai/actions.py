"""Apply the actions a macro returns (xlwings' JSON action list) to an openpyxl workbook.

This is the headless twin of xlwings.js `runActions`: each action names a function
(`setValues`, `addSheet`, `addNote`, ...) and a target given by sheet position and a
0-based rectangle. Values are typed the way Excel types a value written through
Office.js (`range.values = ...`): "=..." becomes a formula, "'..." stays text without the
apostrophe, "12" and "2012-03-05" become a number and a date. Actions are applied in
order, so sheet positions always refer to the workbook as the previous actions left it.

An action we do not know raises `UnsupportedAction`: silently skipping one would hand
the clerk a workbook that differs from what Excel would show.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink

NOTE_AUTHOR = "集采助手"
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_PERCENT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)%$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$")


class UnsupportedAction(ValueError):
    pass


@dataclass
class Applied:
    """What applying the actions produced besides workbook changes."""

    alerts: list[dict] = field(default_factory=list)      # {"prompt","title","buttons","mode"}
    callbacks: list[tuple[str, list]] = field(default_factory=list)  # runMacro (task pane JS)
    count: int = 0


def apply_actions(wb, actions: list[dict]) -> Applied:
    applied = Applied()
    for action in actions:
        func = action.get("func")
        handler = _HANDLERS.get(func)
        if handler is None:
            raise UnsupportedAction(f"无法在文件上执行 Excel 操作“{func}”。")
        handler(wb, action, applied)
        applied.count += 1
    return applied


# ------------------------------------------------------------------ targets

def _sheet(wb, action):
    return wb.worksheets[int(action["sheet_position"])]


EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384


def _cells(wb, action):
    """Rows of openpyxl cells covered by the action's rectangle. Whole rows/columns
    ("A:A" is 1,048,576 rows) are cut to the sheet's used area: formatting empty cells
    beyond it would change nothing visible and cost millions of cell objects."""
    ws = _sheet(wb, action)
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    nrows, ncols = action["row_count"], action["column_count"]
    if nrows >= EXCEL_ROWS:
        nrows = max(0, ws.max_row - r0 + 1)
    if ncols >= EXCEL_COLUMNS:
        ncols = max(0, ws.max_column - c0 + 1)
    return ws, [[ws.cell(row=r0 + i, column=c0 + j) for j in range(ncols)] for i in range(nrows)]


def _args(action) -> list:
    args = action.get("args")
    return args if isinstance(args, list) else [args]


# ------------------------------------------------------------------ values

def excel_typed(value: Any) -> tuple[Any, str | None]:
    """(value, number format or None) as Excel stores a value entered via Office.js."""
    if value is None or value == "":
        return None, None
    if not isinstance(value, str):
        return value, None
    s = value
    if s.startswith("'"):
        return _Text(s[1:]), None
    if s.startswith("=") and len(s) > 1:
        return s, None  # a formula
    t = s.strip()
    if _NUMBER.match(t):
        number = float(t)
        return (int(number) if number.is_integer() and abs(number) < 2**53 and "." not in t and "e" not in t.lower() else number), None
    if _PERCENT.match(t):
        return float(t[:-1]) / 100, "0%" if "." not in t else "0.00%"
    m = _DATE.match(t)
    if m:
        try:
            return dt.datetime(int(m[1]), int(m[2]), int(m[3])), "yyyy-mm-dd"
        except ValueError:
            return s, None
    m = _DATETIME.match(t)
    if m:
        try:
            return dt.datetime(*(int(x) for x in m.groups(default="0"))), "yyyy-mm-dd hh:mm:ss"
        except ValueError:
            return s, None
    if t.upper() in ("TRUE", "FALSE"):
        return t.upper() == "TRUE", None
    return s, None


class _Text(str):
    """Marks text that must never become a formula."""


def _put(cell, value: Any) -> None:
    typed, fmt = excel_typed(value)
    if isinstance(typed, _Text):
        cell.value = str(typed)
        if cell.value.startswith("="):
            cell.data_type = "s"
    else:
        cell.value = typed
    if fmt and cell.number_format == "General":
        cell.number_format = fmt


def _set_values(wb, action, applied):
    _, rows = _cells(wb, action)
    values = action.get("values") or [[]]
    for i, row in enumerate(rows):
        src = values[i] if i < len(values) else []
        for j, cell in enumerate(row):
            _put(cell, src[j] if j < len(src) else None)


def _set_formula(wb, action, applied):
    _set_values(wb, action, applied)


# ------------------------------------------------------------------ formats

def _fill(wb, action, applied):
    color = _args(action)[0]
    _, rows = _cells(wb, action)
    fill = PatternFill() if color is None else PatternFill("solid", fgColor=_argb(color))
    for row in rows:
        for cell in row:
            cell.fill = fill


def _argb(color: str) -> str:
    return "FF" + str(color).lstrip("#").upper()


def _number_format(wb, action, applied):
    fmt = str(_args(action)[0])
    _, rows = _cells(wb, action)
    for row in rows:
        for cell in row:
            cell.number_format = fmt


def _column_width(wb, action, applied):
    points = float(_args(action)[0])
    ws = _sheet(wb, action)
    # Office.js widths are points; openpyxl's are characters of the default font
    # (Calibri 11: 7 px per character plus 5 px padding; 1 pt = 4/3 px).
    chars = max(0.0, (points * 4 / 3 - 5) / 7)
    for j in range(min(action["column_count"], max(ws.max_column, 1))):
        ws.column_dimensions[get_column_letter(action["start_column"] + 1 + j)].width = round(chars, 2)


def _row_height(wb, action, applied):
    ws = _sheet(wb, action)
    for i in range(min(action["row_count"], max(ws.max_row, 1))):
        ws.row_dimensions[action["start_row"] + 1 + i].height = float(_args(action)[0])


def _font(wb, action, applied):
    prop, value = _args(action)[:2]
    _, rows = _cells(wb, action)
    for row in rows:
        for cell in row:
            f = cell.font
            kw = dict(name=f.name, size=f.size, bold=f.bold, italic=f.italic, color=f.color, underline=f.underline)
            if prop == "color":
                kw["color"] = None if value is None else _argb(value)
            else:
                kw[prop] = bool(value) if prop in ("bold", "italic") else value
            cell.font = Font(**kw)


def _alignment(attr):
    def handler(wb, action, applied):
        value = _args(action)[0]
        if attr != "wrap_text":
            value = {"General": "general", "Left": "left", "Center": "center", "Right": "right", "Fill": "fill",
                     "Justify": "justify", "CenterAcrossSelection": "centerContinuous", "Distributed": "distributed",
                     "Top": "top", "Bottom": "bottom"}.get(value, str(value).lower())
        _, rows = _cells(wb, action)
        for row in rows:
            for cell in row:
                a = cell.alignment
                kw = dict(horizontal=a.horizontal, vertical=a.vertical, wrap_text=a.wrap_text)
                kw[attr] = bool(value) if attr == "wrap_text" else value
                cell.alignment = Alignment(**kw)
    return handler


def _autofit(wb, action, applied):
    if _args(action)[0] != "columns":
        return
    ws = _sheet(wb, action)
    last_row = min(action["start_row"] + action["row_count"], ws.max_row)
    for j in range(min(action["column_count"], max(ws.max_column - action["start_column"], 0))):
        col = action["start_column"] + 1 + j
        _fit_column(ws, col, range(action["start_row"] + 1, last_row + 1))


def _sheet_autofit(wb, action, applied):
    if _args(action)[0] != "columns":
        return
    ws = _sheet(wb, action)
    for col in range(1, ws.max_column + 1):
        _fit_column(ws, col, range(1, ws.max_row + 1))


def _fit_column(ws, col: int, rows) -> None:
    widest = 0
    for r in rows:
        v = ws.cell(row=r, column=col).value
        if v is None or (isinstance(v, str) and v.startswith("=")):
            continue
        text = v.strftime("%Y-%m-%d") if isinstance(v, (dt.date, dt.datetime)) else str(v)
        widest = max(widest, sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))
    if widest:
        ws.column_dimensions[get_column_letter(col)].width = min(80, widest + 2)


# ------------------------------------------------------------------ clearing

def _clear_range(what):
    def handler(wb, action, applied):
        _, rows = _cells(wb, action)
        for row in rows:
            for cell in row:
                _clear_cell(cell, what)
    return handler


def _clear_cell(cell, what: str) -> None:
    if what in ("contents", "all"):
        cell.value = None
        cell.hyperlink = None
    if what in ("formats", "all"):
        cell.style = "Normal"
    if what == "all":
        cell.comment = None


def _clear_sheet(what):
    def handler(wb, action, applied):
        ws = _sheet(wb, action)
        if what == "all":
            for cell in list(ws._cells.values()):
                cell.comment = None
            ws._cells.clear()
            ws._hyperlinks = []
            for merged in list(ws.merged_cells.ranges):
                ws.unmerge_cells(str(merged))
            return
        for cell in list(ws._cells.values()):
            _clear_cell(cell, what)
    return handler


# ------------------------------------------------------------------ notes, links, names

def _cell_at(ws, address: str):
    return ws[str(address).replace("$", "").split("!")[-1]]


def _add_note(wb, action, applied):
    address, text = _args(action)[:2]
    cell = _cell_at(_sheet(wb, action), address)
    cell.comment = _comment(str(text))


def _set_note_text(wb, action, applied):
    address, text = _args(action)[:2]
    cell = _cell_at(_sheet(wb, action), address)
    if cell.comment is None:
        raise UnsupportedAction(f"{address} 没有批注，无法修改批注内容。")
    cell.comment = _comment(str(text))


def _comment(text: str) -> Comment:
    c = Comment(text, NOTE_AUTHOR)
    lines = text.count("\n") + 1 + len(text) // 24
    c.width, c.height = 240, min(400, 20 + 16 * lines)
    return c


def _delete_note(wb, action, applied):
    cell = _cell_at(_sheet(wb, action), _args(action)[0])
    cell.comment = None


def _hyperlink(wb, action, applied):
    address, text, tip = (_args(action) + [None, None, None])[:3]
    _, rows = _cells(wb, action)
    for row in rows:
        for cell in row:
            link = Hyperlink(ref=cell.coordinate, tooltip=tip or None)
            if str(address).startswith("#"):
                link.location = str(address)[1:]
            else:
                link.target = str(address)
            cell.hyperlink = link
            if text is not None:
                cell.value = text
            elif cell.value is None:
                cell.value = address


def _range_ref(ws, action) -> str:
    first = f"${get_column_letter(action['start_column'] + 1)}${action['start_row'] + 1}"
    last = f"${get_column_letter(action['start_column'] + action['column_count'])}${action['start_row'] + action['row_count']}"
    quoted = "'" + ws.title.replace("'", "''") + "'"
    return f"{quoted}!{first}" + ("" if first == last else f":{last}")


def _set_range_name(wb, action, applied):
    ws = _sheet(wb, action)
    name = str(_args(action)[0])
    if name in wb.defined_names:
        del wb.defined_names[name]
    wb.defined_names[name] = DefinedName(name, attr_text=_range_ref(ws, action))


def _names_add(wb, action, applied):
    name, refers_to = _args(action)[:2]
    text = str(refers_to).lstrip("=")
    if action.get("sheet_position") is None:
        wb.defined_names[str(name)] = DefinedName(str(name), attr_text=text)
    else:
        _sheet(wb, action).defined_names[str(name)] = DefinedName(str(name), attr_text=text)


def _name_delete(wb, action, applied):
    args = _args(action)
    name, book_scope, scope_index = str(args[2]).split("!")[-1], bool(args[4]), args[5]
    names = wb.defined_names if book_scope else wb.worksheets[int(scope_index)].defined_names
    if name in names:
        del names[name]


def _name_refers_to(wb, action, applied):
    name, book_scope, scope_index, refers_to = _args(action)[:4]
    names = wb.defined_names if book_scope else wb.worksheets[int(scope_index)].defined_names
    names[str(name).split("!")[-1]] = DefinedName(str(name).split("!")[-1], attr_text=str(refers_to).lstrip("="))


# ------------------------------------------------------------------ sheets

def _add_sheet(wb, action, applied):
    position, name = (_args(action) + [None, None])[:2]
    wb.create_sheet(title=None if name is None else str(name), index=int(position))


def _sheet_name(wb, action, applied):
    ws = _sheet(wb, action)
    old, new = ws.title, str(_args(action)[0])
    ws.title = new
    for dn in list(wb.defined_names.values()):  # Excel rewrites references to the renamed sheet
        if dn.attr_text and old in dn.attr_text:
            dn.attr_text = dn.attr_text.replace(f"'{old}'!", f"'{new}'!").replace(f"{old}!", f"'{new}'!")


def _sheet_position(wb, action, applied):
    ws = _sheet(wb, action)
    wb.move_sheet(ws, offset=int(_args(action)[0]) - wb.worksheets.index(ws))


def _sheet_delete(wb, action, applied):
    ws = _sheet(wb, action)
    if len(wb.worksheets) == 1:
        raise UnsupportedAction("不能删除工作簿中唯一的工作表。")
    wb.remove(ws)


def _sheet_visibility(wb, action, applied):
    state = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}[str(_args(action)[0])]
    _sheet(wb, action).sheet_state = state


def _gridlines(wb, action, applied):
    _sheet(wb, action).sheet_view.showGridLines = bool(_args(action)[0])


def _activate(wb, action, applied):
    index = int(_args(action)[0])
    wb.active = index
    for i, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = i == index


def _freeze(wb, action, applied):
    """Excel freezes the given range in the top-left pane; openpyxl names the first
    unfrozen cell, i.e. the one below and right of that range."""
    ws = _sheet(wb, action)
    ref = str(_args(action)[0]).split("!")[-1].replace("$", "")
    if ":" not in ref:
        ref = f"{ref}:{ref}"
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    row = (max_row or 0) + 1
    col = (max_col or 0) + 1 if min_row is not None or max_row is None else 1
    if min_row is None:  # whole columns "A:B"
        row = 1
    ws.freeze_panes = ws.cell(row=row, column=col)


def _unfreeze(wb, action, applied):
    _sheet(wb, action).freeze_panes = None


def _print_area(wb, action, applied):
    ws = _sheet(wb, action)
    area = _args(action)[0]
    ws.print_area = area if area else None


def _hidden(axis):
    def handler(wb, action, applied):
        ws = _sheet(wb, action)
        hidden = bool(_args(action)[0])
        if axis == "rows":
            for i in range(min(action["row_count"], max(ws.max_row, 1))):
                ws.row_dimensions[action["start_row"] + 1 + i].hidden = hidden
        else:
            for j in range(min(action["column_count"], max(ws.max_column, 1))):
                ws.column_dimensions[get_column_letter(action["start_column"] + 1 + j)].hidden = hidden
    return handler


# ------------------------------------------------------------------ app-level

def _alert(wb, action, applied):
    prompt, title, buttons, mode = (_args(action) + ["", "", "", ""])[:4]
    applied.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})


def _run_macro(wb, action, applied):
    args = _args(action)
    applied.callbacks.append((str(args[0]), args[1:]))


def _noop(wb, action, applied):
    """Screen updating, calculation mode, select: no effect on the saved file."""


_HANDLERS = {
    "setValues": _set_values,
    "setFormula": _set_formula,
    "setRangeColor": _fill,
    "setNumberFormat": _number_format,
    "setColumnWidth": _column_width,
    "setRowHeight": _row_height,
    "setFontProperty": _font,
    "setWrapText": _alignment("wrap_text"),
    "setHorizontalAlignment": _alignment("horizontal"),
    "setVerticalAlignment": _alignment("vertical"),
    "setAutofit": _autofit,
    "setSheetAutofit": _sheet_autofit,
    "rangeClear": _clear_range("all"),
    "rangeClearContents": _clear_range("contents"),
    "rangeClearFormats": _clear_range("formats"),
    "sheetClear": _clear_sheet("all"),
    "sheetClearContents": _clear_sheet("contents"),
    "sheetClearFormats": _clear_sheet("formats"),
    "addNote": _add_note,
    "setNoteText": _set_note_text,
    "deleteNote": _delete_note,
    "addHyperlink": _hyperlink,
    "setRangeName": _set_range_name,
    "namesAdd": _names_add,
    "nameDelete": _name_delete,
    "setNameRefersTo": _name_refers_to,
    "addSheet": _add_sheet,
    "setSheetName": _sheet_name,
    "setSheetPosition": _sheet_position,
    "sheetDelete": _sheet_delete,
    "setSheetVisibility": _sheet_visibility,
    "setShowGridlines": _gridlines,
    "activateSheet": _activate,
    "freezePaneAtRange": _freeze,
    "freezePaneUnfreeze": _unfreeze,
    "setPrintArea": _print_area,
    "setRowHidden": _hidden("rows"),
    "setColumnHidden": _hidden("columns"),
    "alert": _alert,
    "runMacro": _run_macro,
    "setScreenUpdating": _noop,
    "setCalculation": _noop,
    "calculate": _noop,
    "rangeSelect": _noop,
}
