"""Formula results stored next to the formulas in a saved .xlsx.

openpyxl writes a formula cell as <c r="K2" s="5"><f>…</f><v/></c> and cannot store the value
the formula computes, so a file opened without recalculation (a viewer, a phone, Excel in manual
mode) would show empty cells. Code that adds a formula records its value with `cache_value`;
after openpyxl saved the workbook, `write_cached_values` fills those <v> elements (t="str" for
text) in the sheet XML — one regex pass per sheet, then the zip is rewritten.
"""
from __future__ import annotations

import os
import re
import weakref
import zipfile
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from engine.cells import col_index

# worksheet -> {(row, column): cached value}; weak so a discarded workbook frees its cache.
_CACHE: "weakref.WeakKeyDictionary[Worksheet, dict[tuple[int, int], Any]]" = weakref.WeakKeyDictionary()


def cache_value(ws: Worksheet, row: int, column: int, value: Any) -> None:
    """Record the result a formula cell computes, written to the file by write_cached_values."""
    _CACHE.setdefault(ws, {})[(row, column)] = value


def cached_values(ws: Worksheet) -> dict[tuple[int, int], Any]:
    """The recorded results of `ws` (a live dict: callers may add many at once)."""
    return _CACHE.setdefault(ws, {})


def write_cached_values(wb: Workbook, path: str | Path) -> None:
    """Insert the recorded results of formula cells as <v> elements of the saved file.

    openpyxl writes a formula cell as <c r="K2" s="5"><f>…</f><v/></c>; we fill the <v> (and add
    t="str" for text results). The sheet XML is rewritten with one regex pass per sheet."""
    path = Path(path)
    todo = {ws.title: cache for ws in wb.worksheets if (cache := _CACHE.get(ws))}
    if not todo:
        return
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        parts = {i.filename: z.read(i.filename) for i in infos}
    changed = False
    for title, part in _sheet_parts(parts).items():
        if title in todo:
            xml = parts[part].decode("utf-8")
            parts[part] = _fill_values(xml, todo[title]).encode("utf-8")
            changed = True
    if not changed:
        return
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            z.writestr(info, parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
    os.replace(tmp, path)


# [^<]* keeps a match inside one cell (formula text has its "<" escaped); a lazy .*? could run
# on past a filled <v> into the next cell's empty one.
_FORMULA_CELL = re.compile(r'<c r="([A-Z]{1,3})(\d+)"((?: s="\d+")?)>(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)</c>')


def _fill_values(xml: str, cache: dict[tuple[int, int], Any]) -> str:
    letters: dict[str, int] = {}

    def repl(m: re.Match) -> str:
        letter, row = m.group(1), int(m.group(2))
        col = letters.get(letter) or letters.setdefault(letter, col_index(letter) + 1)
        key = (row, col)
        if key not in cache:
            return m.group(0)
        typ, text = _xml_value(cache[key])
        return f'<c r="{letter}{row}"{m.group(3)}{typ}>{m.group(4)}<v>{text}</v></c>'

    return _FORMULA_CELL.sub(repl, xml)


def _xml_value(value: Any) -> tuple[str, str]:
    if value is None:
        return ' t="str"', ""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, (datetime, date)):
        return "", number_text(excel_serial(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return ("", number_text(value)) if value == value else (' t="str"', "")  # NaN: no result
    return ' t="str"', escape(str(value))


def number_text(x) -> str:
    """A number as OOXML writes it: integers without '.0', others at full precision."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


def excel_serial(value: date | datetime) -> float:
    d = value.date() if isinstance(value, datetime) else value
    return float((np.datetime64(d, "D") - np.datetime64("1899-12-30", "D")).astype(int))


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet title -> zip part path, from workbook.xml and its relationships."""
    wb_xml = parts["xl/workbook.xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {}
    for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if "Id" in attrs and "Target" in attrs:
            target = attrs["Target"]
            targets[attrs["Id"]] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    out = {}
    for m in re.finditer(r"<sheet\b([^>]*)/?>", wb_xml):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        if rid in targets:
            out[_unescape(attrs["name"])] = targets[rid]
    return out


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
