"""Writing template sheets from the engine's column definitions (one source of truth).

`add_template_sheet()` turns an `engine.columns.Template` into a worksheet a clerk can fill:
styled header, column widths, frozen header, autofilter, Excel data validation derived from
each column's kind and the scheme's limits (so a 25 typed in a 20-point column is refused by
Excel itself), number formats and A4 print setup. `generate_all()` builds every workbook that
the modules in `jicai.templates` declare.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from engine.columns import Column, Template

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(name="宋体", bold=True, size=10)
BODY_FONT = Font(name="宋体", size=10)
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
RATE_FORMAT = "0.00%"
FIXED_TIMESTAMP = datetime(2026, 1, 1)  # generated files carry no build time, so regeneration is comparable
DEFAULT_VALIDATED_ROWS = 5000


def column_limits(column: Column, scheme=None) -> tuple[Decimal | None, Decimal | None]:
    """(min, max) a number in this column may take under the scheme; None = unbounded."""
    if column.kind == "score":
        return Decimal(0), (scheme.score.maximum(column.header) if scheme and scheme.score else None)
    if column.kind == "total":
        return Decimal(0), (scheme.score.total if scheme and scheme.score else None)
    if column.kind in ("count", "money", "number"):
        return Decimal(0), None
    return None, None


def validation_for(column: Column, scheme=None) -> DataValidation | None:
    """The Excel data-validation rule for a column, with a Chinese prompt and error text."""
    lo, hi = column_limits(column, scheme)
    if column.kind in ("score", "total") and hi is not None:
        dv = DataValidation(type="decimal", operator="between", formula1=str(lo), formula2=str(hi))
        dv.error = f"“{column.header}”只能填写 {lo} 到 {hi} 之间的数字。"
        dv.prompt = f"填写 {lo}～{hi} 之间的分数" + ("" if column.kind == "score" else "（满分 %s）" % hi)
    elif column.kind == "count":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        dv.error = f"“{column.header}”只能填写 0 或正整数。"
        dv.prompt = "填写 0 或正整数"
    elif column.kind in ("money", "number"):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
        dv.error = f"“{column.header}”只能填写 0 或正数（单位：元，最多两位小数）。" if column.kind == "money" else f"“{column.header}”只能填写 0 或正数。"
        dv.prompt = "填写 0 或正数" + ("，单位：元" if column.kind == "money" else "")
    elif column.kind in ("date", "datetime"):
        dv = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2099,12,31)")
        dv.error = f"“{column.header}”必须是日期，例如 2025-03-05。"
        dv.prompt = "填写日期，如 2025-03-05"
    elif column.kind == "choice" and column.choices:
        dv = DataValidation(type="list", formula1='"%s"' % ",".join(column.choices))
        dv.error = f"“{column.header}”只能选择：{'、'.join(column.choices)}。"
        dv.prompt = "从下拉列表中选择：" + "、".join(column.choices)
    else:
        return None
    dv.errorTitle = "输入不符合模板要求"
    dv.promptTitle = column.header[:32]
    if column.help:
        dv.prompt = column.help
    dv.errorStyle = "stop"
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.allow_blank = True
    return dv


def number_format_for(column: Column) -> str | None:
    return {"money": MONEY_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT}.get(column.kind)


def write_header(ws: Worksheet, headers: Sequence[str], widths: Sequence[float], row: int = 1) -> None:
    for j, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=row, column=j, value=header)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[cell.column_letter].width = width
    ws.row_dimensions[row].height = 36


def set_cell(ws: Worksheet, row: int, col: int, value: Any):
    """Write a value as data: text starting with '=' stays text (never becomes a formula)."""
    if isinstance(value, Decimal):
        value = float(value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def add_template_sheet(wb: Workbook, template: Template, *, scheme=None, rows: Iterable[Sequence[Any]] = (),
                       validated_rows: int = DEFAULT_VALIDATED_ROWS, ws: Worksheet | None = None,
                       landscape: bool = True) -> Worksheet:
    """Add (or fill `ws` as) a sheet laid out exactly as `template`, with optional data rows."""
    ws = ws if ws is not None else wb.create_sheet(template.sheet)
    ws.title = template.sheet
    write_header(ws, template.headers, [c.width for c in template.columns], row=template.header_row)
    first = template.header_row + 1
    n = 0
    for n, values in enumerate(rows, start=1):
        for j, value in enumerate(values, start=1):
            set_cell(ws, template.header_row + n, j, value)
    last = max(first + validated_rows - 1, template.header_row + n)
    for j, column in enumerate(template.columns, start=1):
        letter = ws.cell(row=template.header_row, column=j).column_letter
        fmt = number_format_for(column)
        if fmt:
            for r in range(first, template.header_row + n + 1):
                ws.cell(row=r, column=j).number_format = fmt
        dv = validation_for(column, scheme)
        if dv is not None:
            dv.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(row=first, column=1)
    ws.auto_filter.ref = f"A{template.header_row}:{ws.cell(row=template.header_row, column=len(template.columns)).column_letter}{max(first, template.header_row + n)}"
    setup_print(ws, title_rows=f"{template.header_row}:{template.header_row}", landscape=landscape)
    return ws


def setup_print(ws: Worksheet, *, title_rows: str | None = None, landscape: bool = True, fit_width: bool = True) -> None:
    """A4, landscape by default, fit all columns on the page width, header repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True


def new_workbook() -> Workbook:
    """An empty workbook with fixed document properties (reproducible output)."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "集采助手 jicai"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    return wb


def save(wb: Workbook, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.modified = FIXED_TIMESTAMP
    wb.save(path)
    from jicai.formulas import write_cached_values  # formula cells of jicai.formulas carry their values
    write_cached_values(wb, path)
    _make_reproducible(path)
    return path


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _make_reproducible(path: Path) -> None:
    """Same workbook, same bytes: openpyxl stamps the save time into docProps/core.xml and every
    zip entry, so regenerating an unchanged template would show as a change in git."""
    with zipfile.ZipFile(path) as z:
        parts = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    tmp = path.with_suffix(path.suffix + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    tmp.replace(path)


def all_builders() -> dict[str, Callable[[], Workbook]]:
    """Every workbook declared by a module of jicai.templates: file name -> builder."""
    import jicai.templates as pkg

    builders: dict[str, Callable[[], Workbook]] = {}
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"jicai.templates.{info.name}")
        builders.update(getattr(module, "TEMPLATES", {}))
    return builders


def generate_all(out_dir: str | Path) -> list[Path]:
    out = Path(out_dir)
    return [save(build(), out / name) for name, build in sorted(all_builders().items())]
