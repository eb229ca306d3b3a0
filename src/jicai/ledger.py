"""Reading a 回款明细 ledger given with --ledger: a .csv (UTF-8, with or without BOM, or GBK /
GB18030 — what clerks' exports usually are) or a workbook (.xlsx/.xlsm/.xls).

A CSV becomes an engine `Located` directly (no list-of-rows detour: a million purchases load
in about a second): every cell read as text, numbers in 金额(元) converted when they look like
numbers (in a CSV every number is text, so that is no number-as-text warning), row numbers as
the clerk sees them when the file is opened in Excel (header = row 1). The file is only read.
"""
from __future__ import annotations

import csv
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pandas as pd

from engine.cells import col_index
from engine.columns import LEDGER_SHEET
from engine.sheet import Located, SheetData, locate
from jicai.csv_scan import ScannedColumn, ScannedCsv
from jicai.errors import InputError
from jicai.readers import open_workbook

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


def read_ledger_file(path: str | Path, scanned: Future | None = None) -> Located | SheetData:
    """The ledger as the engine takes it. `scanned`: a jicai.csv_scan of the same file started
    earlier; used when it succeeded, else the file is read here."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到回款明细文件：{path}")
    if path.is_dir():
        raise InputError(f"{path} 是文件夹，不是回款明细文件。")
    if path.suffix.lower() in (".csv", ".txt"):
        result = scanned.result() if scanned is not None else None
        return _located_from_scan(result) if result is not None else read_ledger_csv(path)
    book = open_workbook(path)
    name = LEDGER_SHEET.sheet if book.has(LEDGER_SHEET.sheet) else book.sheet_names[0] if book.sheet_names else None
    if name is None:
        raise InputError(f"{path.name} 中没有任何工作表。")
    return book.sheet(name)


def read_ledger_csv(path: Path) -> Located:
    """The C parser reads the file directly (no decoded copy in memory): UTF-8 first, GB18030
    when that fails. Text columns as str; 金额(元) as numbers when every cell is one."""
    last_error = None
    for encoding in ENCODINGS:
        try:
            return _read_csv(path, encoding)
        except UnicodeDecodeError as exc:
            last_error = exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
            raise InputError(f"{path.name} 不是有效的 CSV 文件（{str(exc).splitlines()[0][:100]}）。请检查分隔符和引号。") from None
        except OSError as exc:
            raise InputError(f"无法读取 {path.name}：{exc.strerror or exc}") from None
    raise InputError(f"{path.name} 的文字编码无法识别（既不是 UTF-8 也不是 GBK）。请在 Excel 中另存为“CSV UTF-8”后再试。") from last_error


def _read_csv(path: Path, encoding: str) -> Located:
    with path.open("rb") as fh:
        head = fh.read(65536)
    first_line = head.split(b"\n", 1)[0].decode(encoding, errors="strict" if b"\n" in head else "ignore")
    sep = "\t" if "\t" in first_line and "," not in first_line else ","
    header = next(csv.reader([first_line.rstrip("\r")], delimiter=sep), [])
    if not any(h.strip() for h in header):
        return locate(SheetData(LEDGER_SHEET.sheet, [header]), LEDGER_SHEET)
    head_located = locate(SheetData(LEDGER_SHEET.sheet, [header]), LEDGER_SHEET)
    width = len(header)
    amount = None if "amount" in head_located.missing else col_index(head_located.letters["amount"])
    order = None if "order" in head_located.missing else col_index(head_located.letters["order"])
    # Text columns whose values repeat (institutions, regions, dates) are read as categories:
    # the C parser hashes their bytes and makes one Python string per distinct value, not one
    # per row, so the engine never factorizes a million strings. 采购单号 is distinct on every
    # row, where a category would only add a sort: it is read as plain text.
    dtype = {j: object if j == order else "category" for j in range(width) if j != amount}
    with _serial_parser():
        frame = pd.read_csv(path, sep=sep, header=None, skiprows=1, names=list(range(width)), dtype=dtype,
                            keep_default_na=False, na_values=[""], skip_blank_lines=False, encoding=encoding,
                            engine="c", index_col=False)
    return _located(head_located, frame, amount)


def _serial_parser():
    """pandas >= 3.1 splits a large CSV across threads, but gives category columns up after a
    full parallel pass (the chunks' categories differ) and reads the file again; one serial
    read is the faster of the two. Older pandas has no such option and reads serially anyway."""
    from contextlib import nullcontext

    try:
        pd.get_option("mode.max_threads")
    except (KeyError, pd.errors.OptionError):
        return nullcontext()
    return pd.option_context("mode.max_threads", 1)


def _located(head: Located, frame: pd.DataFrame, amount: int | None) -> Located:
    """Attach the body to the header match: columns by key, index = row number (header = 1)."""
    data = {}
    for column in LEDGER_SHEET.columns:
        if column.key in head.missing:
            data[column.key] = np.full(len(frame), None, dtype=object)
            continue
        j = col_index(head.letters[column.key])
        values = frame[j]
        if j == amount and not pd.api.types.is_numeric_dtype(values):
            values = pd.Series(_numbers(values.to_numpy(dtype=object)))
        # text stays a Categorical (codes + distinct values) for the engine's canonical_text
        data[column.key] = values.array if j != amount or values.dtype == object else values.to_numpy()
    # fully blank lines (kept so row numbers match the file): only rows with a blank first
    # column can be, so the whole-row test runs on those few
    candidates = np.flatnonzero(pd.isna(frame[0]).to_numpy()) if len(frame) else np.zeros(0, dtype=int)
    blank = np.zeros(len(frame), dtype=bool)
    if len(candidates):
        blank[candidates] = frame.iloc[candidates].isna().all(axis=1).to_numpy()
    located_frame = pd.DataFrame(data, index=pd.RangeIndex(2, 2 + len(frame)))
    if blank.any():
        located_frame = located_frame[~blank]
    head.frame = located_frame
    return head


def _located_from_scan(scanned: ScannedCsv) -> Located:
    """The same Located as _read_csv gives, from a polars scan: repeating text as Categoricals
    (codes and distinct values straight from the scan), distinct text as objects, 金额 as
    floats when every filled cell is a number, else through _numbers like the pandas reader."""
    head = locate(SheetData(LEDGER_SHEET.sheet, [scanned.header]), LEDGER_SHEET)
    data = {}
    for column in LEDGER_SHEET.columns:
        if column.key in head.missing:
            data[column.key] = np.full(scanned.rows, None, dtype=object)
            continue
        scan = scanned.columns[col_index(head.letters[column.key])]
        if column.key == "amount":
            data[column.key] = scan.numbers if scan.numbers is not None else _numbers(_texts(scan))
        elif scan.codes is not None:
            dtype = pd.CategoricalDtype(pd.Index(scan.uniques, dtype=object))
            data[column.key] = pd.Categorical.from_codes(scan.codes, dtype=dtype, validate=False)
        else:
            data[column.key] = scan.text
            if scan.distinct_canonical:
                head.distinct_canonical.add(column.key)
    frame = pd.DataFrame(data, index=pd.RangeIndex(2, 2 + scanned.rows))
    if scanned.blank.any():
        frame = frame[~scanned.blank]
    head.frame = frame
    return head


def _texts(scan: ScannedColumn) -> np.ndarray:
    if scan.codes is None:
        return scan.text
    return np.append(np.asarray(scan.uniques, dtype=object), None)[scan.codes]  # code -1: the None


def _numbers(values: np.ndarray) -> np.ndarray:
    """A 金额 column with some non-numbers: text that reads as a number becomes a float, blanks
    None, anything else stays as text for the engine to report (not-a-number)."""
    series = pd.Series(values, dtype=object)
    parsed = pd.to_numeric(series.astype(str).str.replace(",", "", regex=False).str.strip(), errors="coerce")
    out = np.where(parsed.notna(), parsed.to_numpy(dtype=float), values).astype(object)
    out[pd.isna(series).to_numpy()] = None
    return out
