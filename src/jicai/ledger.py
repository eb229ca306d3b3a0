"""Reading a 回款明细 ledger given with --ledger: a .csv (UTF-8, with or without BOM, or GBK /
GB18030 — what clerks' exports usually are) or a workbook (.xlsx/.xlsm/.xls).

A CSV becomes an engine `Located` directly (no list-of-rows detour: a million purchases load
in about a second): every cell read as text, numbers in 金额(元) converted when they look like
numbers (in a CSV every number is text, so that is no number-as-text warning), row numbers as
the clerk sees them when the file is opened in Excel (header = row 1). The file is only read.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from engine.cells import col_letter
from engine.columns import LEDGER_SHEET
from engine.sheet import Located, SheetData, locate
from jicai.errors import InputError
from jicai.readers import open_workbook

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


def read_ledger_file(path: str | Path) -> Located | SheetData:
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到回款明细文件：{path}")
    if path.is_dir():
        raise InputError(f"{path} 是文件夹，不是回款明细文件。")
    if path.suffix.lower() in (".csv", ".txt"):
        return read_ledger_csv(path)
    book = open_workbook(path)
    name = LEDGER_SHEET.sheet if book.has(LEDGER_SHEET.sheet) else book.sheet_names[0] if book.sheet_names else None
    if name is None:
        raise InputError(f"{path.name} 中没有任何工作表。")
    return book.sheet(name)


def decode(data: bytes, name: str) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name} 的文字编码无法识别（既不是 UTF-8 也不是 GBK）。请在 Excel 中另存为“CSV UTF-8”后再试。")


def read_ledger_csv(path: Path) -> Located:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取 {path.name}：{exc.strerror}") from None
    text = decode(data, path.name)
    first_line = text.split("\n", 1)[0]
    sep = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=False,
                            header=None, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path.name} 不是有效的 CSV 文件（{str(exc).splitlines()[0][:100]}）。请检查分隔符和引号。") from None
    return locate_frame(frame)


def locate_frame(frame: pd.DataFrame) -> Located:
    """A header-less all-text frame (first row = header) as the engine's Located ledger. The
    header is matched by engine.sheet.locate itself, so messages and moved columns behave
    exactly as for a worksheet. Findings name the sheet 回款明细 (the CSV has the same columns)."""
    if not len(frame):
        return locate(SheetData(LEDGER_SHEET.sheet, []), LEDGER_SHEET)
    header = frame.iloc[0].tolist()
    head = locate(SheetData(LEDGER_SHEET.sheet, [header]), LEDGER_SHEET)
    body = frame.iloc[1:]
    positions = {col_letter(j): j for j in range(frame.shape[1])}
    data = {}
    for column in LEDGER_SHEET.columns:
        if column.key in head.missing:
            data[column.key] = np.full(len(body), None, dtype=object)
            continue
        values = body.iloc[:, positions[head.letters[column.key]]].to_numpy(dtype=object)
        data[column.key] = _numbers(values) if column.kind == "money" else values
    located_frame = pd.DataFrame(data, index=pd.RangeIndex(2, 2 + len(body)))
    text = body.to_numpy(dtype=object)
    blank = (text == "").all(axis=1) if text.size else np.ones(len(body), dtype=bool)
    if blank.any():
        located_frame = located_frame[~blank]
    head.frame = located_frame
    return head


def _numbers(values: np.ndarray) -> np.ndarray:
    """Text that reads as a number becomes a float; blanks None; anything else stays as text
    for the engine to report (not-a-number)."""
    series = pd.Series(values, dtype=object)
    parsed = pd.to_numeric(series.str.replace(",", "", regex=False).str.strip(), errors="coerce")
    out = np.where(parsed.notna(), parsed.to_numpy(dtype=float), values).astype(object)
    out[series.to_numpy() == ""] = None
    return out
