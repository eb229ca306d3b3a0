"""A first pass over a UTF-8 CSV ledger with polars, in a background thread.

`jicai monthly --ledger big.csv` spends most of its time in two things that do not depend on
each other: importing pandas & co. and parsing the CSV. polars parses in native threads
without the GIL, so the command starts this scan first and imports meanwhile (a million
purchases: the parse is over by the time pandas is imported).

The scan keeps what the engine needs and no more: a column whose values repeat (institution,
region, dates) comes back as integer codes in order of first appearance plus its distinct
texts, so only those become Python strings; a column of mostly distinct values (采购单号) as
an object array; a column where every filled cell is a plain decimal number (金额) also as
floats. Blank cells ('' or nothing) are None, and fully blank lines stay as rows, so row
numbers are those of the file.

This module imports neither pandas nor the engine (it runs while they are being imported).
It returns None whenever it cannot give exactly what the pandas reader in jicai.ledger would
— polars missing, not UTF-8, a row with too many fields, anything unexpected — and the
command then reads the file the ordinary way.
"""
from __future__ import annotations

import csv
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

# A column with at most this share of distinct values is returned as codes + distinct texts.
REPEATING = 0.25
SAMPLE = 20_000  # rows looked at to tell a column's kind
# What engine.cells reads as a plain number (its _NUMBER_TEXT), without surrounding spaces.
NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
# Text that engine.cells.normalize_text returns unchanged: ASCII (NFKC leaves it alone) with a
# printable, non-space character at each end (nothing for strip to remove).
CANONICAL_ASCII = r"^[!-~](?:[\x00-\x7F]*[!-~])?$"


@dataclass
class ScannedColumn:
    codes: object = None     # numpy int32, -1 = blank; codes number values by first appearance
    uniques: list | None = None
    text: object = None      # numpy object array (str or None) for a column of distinct values
    numbers: object = None   # numpy float64 (NaN = blank) when every filled cell is a number
    # every filled cell of a `text` column differs from the others and is already canonical
    # text (printable ASCII, no space at either end: NFKC and strip change nothing)
    distinct_canonical: bool = False


@dataclass
class ScannedCsv:
    header: list[str]
    columns: list[ScannedColumn]
    blank: object            # numpy bool: the row has no filled cell
    rows: int


def scan_in_background(path: str | Path) -> Future | None:
    """Start scanning; the Future's result is a ScannedCsv or None (it never raises). None at
    once when polars cannot be used here."""
    if not polars_usable():
        return None
    future: Future = Future()

    def work():
        try:
            future.set_result(scan(Path(path)))
        except BaseException:  # noqa: BLE001 - even a MemoryError: read the ordinary way
            future.set_result(None)

    threading.Thread(target=work, name="jicai-csv-scan", daemon=True).start()
    return future


def polars_usable() -> bool:
    """polars imports, and its own check finds every CPU feature its build needs (on an older
    processor it only warns — and would then crash — so the warning decides). Call it from the
    main thread before other threads import: warning filters are process-wide."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            import polars  # noqa: F401
        except Exception:  # ImportError, or a broken install: the pandas reader does the work
            return False
    return not any("CPU feature" in str(w.message) for w in caught)


def scan(path: Path) -> ScannedCsv | None:
    try:
        return _scan(path)
    except Exception:  # polars' parse errors and anything unforeseen: the pandas reader decides
        return None


def _scan(path: Path) -> ScannedCsv | None:
    import numpy as np
    import polars as pl
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        return None  # GBK & co.: the pandas reader knows them
    separator = "\t" if "\t" in line and "," not in line else ","
    header = next(csv.reader([line], delimiter=separator), [])
    if not any(h.strip() for h in header) or '"' in line:
        return None
    names = [f"c{j}" for j in range(len(header))]
    frame = pl.read_csv(path, has_header=False, skip_rows=1, new_columns=names, separator=separator,
                        schema={n: pl.String for n in names}, encoding="utf8", quote_char='"',
                        raise_if_empty=False)
    if frame.width != len(names):
        return None
    # a quoted empty cell ("") is as blank as an empty one; only columns that hold one are
    # rewritten (a rewritten column is a new copy of a million strings)
    quoted_empty = frame.select([(pl.col(n) == "").any() for n in names]).row(0)
    with_empty = [n for n, has in zip(names, quoted_empty) if has]
    if with_empty:
        frame = frame.with_columns([pl.when(pl.col(n) == "").then(None).otherwise(pl.col(n)).alias(n) for n in with_empty])
    rows = frame.height
    if not rows:
        return None
    blank = frame.select(pl.all_horizontal([pl.col(n).is_null() for n in names])).to_series().to_numpy()
    # which columns repeat, and which hold only numbers: told by a sample, then settled on the
    # whole column (one expression per column, run in parallel by polars)
    sample = frame.head(SAMPLE)
    repeating = [n for n in names if sample[n].n_unique() <= max(1000, sample.height * REPEATING)]
    maybe_numbers = [n for n in names if sample[n].str.contains(NUMBER).fill_null(True).all()]
    numeric = frame.select([pl.col(n).str.contains(NUMBER).fill_null(True).all() for n in maybe_numbers]).row(0) \
        if maybe_numbers else ()
    numeric = {n for n, ok in zip(maybe_numbers, numeric) if ok}
    uniques = frame.select([pl.col(n).unique(maintain_order=True).drop_nulls().implode() for n in repeating])
    uniques = {n: uniques[n][0] for n in repeating}
    codes = frame.select([pl.col(n).cast(pl.Enum(uniques[n])).to_physical().cast(pl.Int32).fill_null(-1)
                          for n in repeating])
    # a column of distinct values (采购单号): are they distinct and canonical as they stand? Told
    # here in native threads, it spares the engine hashing a million strings on the main thread.
    # Exports usually list purchases in order of their numbers: strictly increasing values are
    # distinct at the cost of one comparison each; only other columns are hashed.
    distinct = [n for n in names if n not in uniques and n not in numeric]
    canonical = set()
    if distinct:
        filled = {n: pl.col(n).drop_nulls() for n in distinct}
        ascii_ = frame.select([filled[n].str.contains(CANONICAL_ASCII).all() for n in distinct]).row(0)
        candidates = [n for n, ok in zip(distinct, ascii_) if ok]
        increasing = frame.select([(filled[n] > filled[n].shift(1)).all() for n in candidates]).row(0) \
            if candidates else ()
        canonical = {n for n, ok in zip(candidates, increasing) if ok}
        hashed = [n for n in candidates if n not in canonical]
        if hashed:
            counts = frame.select([(filled[n].n_unique() == filled[n].len()).alias(n) for n in hashed]).row(0)
            canonical |= {n for n, ok in zip(hashed, counts) if ok}
    columns = []
    for n in names:
        numbers = frame[n].cast(pl.Float64).to_numpy() if n in numeric else None
        if n in uniques:
            columns.append(ScannedColumn(codes=codes[n].to_numpy(), uniques=uniques[n].to_list(), numbers=numbers))
        else:
            columns.append(ScannedColumn(text=None if numbers is not None else frame[n].to_numpy(), numbers=numbers,
                                         distinct_canonical=n in canonical))
    return ScannedCsv(header=header, columns=columns, blank=blank, rows=rows)
