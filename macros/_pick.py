"""Which sheet a button works on."""
from __future__ import annotations

from engine.cells import header_key
from engine.sheet import SheetData
from macros._errors import MacroStop
from macros._sheet_io import active_sheet_name, read_sheet, sheet_names


def looks_like(sheet: SheetData, template) -> bool:
    """At least half of the template's headers appear in the sheet's top rows."""
    wanted = {header_key(h) for h in template.headers}
    best = max((sum(1 for v in row if header_key(v) in wanted) for row in sheet.rows[:5]), default=0)
    return best * 2 >= len(wanted)


def pick_sheet(book, template, *, required: bool = True) -> SheetData | None:
    """The active sheet when it is laid out as `template`, else the sheet named like the
    template, else (score sheets, SPEC §4.2) the first sheet."""
    names = sheet_names(book)
    active = active_sheet_name(book)
    if active != template.sheet:
        data = read_sheet(book, active)
        if looks_like(data, template):
            return data
    if template.sheet in names:
        return read_sheet(book, template.sheet)
    if not required:
        return None
    raise MacroStop(f"找不到工作表“{template.sheet}”。请先打开（选中）要处理的“{template.sheet}”，"
                    f"或用“{template.sheet}”作为工作表名称。")


def require_sheet(book, template) -> SheetData:
    if template.sheet not in sheet_names(book):
        raise MacroStop(f"找不到工作表“{template.sheet}”。请使用模板中的工作表名称。")
    return read_sheet(book, template.sheet)
