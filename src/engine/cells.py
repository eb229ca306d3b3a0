"""Turning raw cell values into typed columns, whole columns at a time.

Raw values come from python-calamine, openpyxl or an xlwings JSON book, so one column may
hold floats, ints, str (including "２０", "20 ", "#N/A"), bools, dates and None. Everything
here works on a pandas Series of such objects and returns arrays + masks, never loops over
cells in Python where pandas can do it. A value is never evaluated: "=1+1" is just text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype as _infer_dtype

EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!",
                          "#CONNECT!", "#BUSY!", "#PYTHON!"})

# ---------------------------------------------------------------- A1 addresses


def col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 25 -> Z, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """Excel letters -> 0-based index."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def split_a1(address: str) -> tuple[str, int]:
    m = _A1.match(address or "")
    if not m:
        return ("", 0)
    return (m.group(1).upper(), int(m.group(2)))


def a1(letter: str, row: int) -> str:
    return f"{letter}{row}"


# ---------------------------------------------------------------- text


def normalize_text(value) -> str:
    """Canonical text of a cell for comparisons: NFKC (full-width letters/digits/brackets to
    half-width), whitespace stripped. Numbers that are whole print without '.0' so that a code
    typed as 13 and as "13" compare equal."""
    if value is None:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10] if not isinstance(value, datetime) or value.time() == datetime.min.time() else value.isoformat(sep=" ")
    return unicodedata.normalize("NFKC", str(value)).strip()


def header_key(value) -> str:
    """Header comparison key: NFKC, no whitespace at all (line breaks inside header cells are common)."""
    return re.sub(r"\s+", "", normalize_text(value))


def _objects(values) -> np.ndarray:
    return values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)


def _is_str(v: np.ndarray) -> np.ndarray:
    if len(v) and _infer_dtype(v, skipna=False) == "string":  # all str: one C pass
        return np.ones(len(v), dtype=bool)
    kinds = np.fromiter((type(x) for x in v), dtype=object, count=len(v))
    return kinds == str


def text_column(values: pd.Series) -> pd.Series:
    """Column of canonical text ('' for blank): exactly normalize_text of every cell.

    Speed (100k rows): str cells are factorized and each distinct text normalized once —
    codes, names and districts repeat a lot; other cells go through normalize_text."""
    v = _objects(values).reshape(-1)
    out = np.empty(len(v), dtype=object)
    is_str = _is_str(v)
    if is_str.any():
        codes, uniques = pd.factorize(v[is_str])
        nfkc = unicodedata.normalize
        canon = np.array([nfkc("NFKC", u).strip() for u in uniques] + [""], dtype=object)
        out[is_str] = canon[codes]  # code -1 cannot occur for str, "" added for safety
    for i in np.flatnonzero(~is_str):
        out[i] = normalize_text(v[i])
    index = values.index if isinstance(values, pd.Series) else None
    return pd.Series(out, index=index, dtype=object)


def _whitespace_text(v: np.ndarray) -> np.ndarray:
    """True where a cell is non-empty text made only of whitespace (factorized: each distinct
    text is tested once)."""
    out = np.zeros(len(v), dtype=bool)
    is_str = _is_str(v)
    if is_str.any():
        codes, uniques = pd.factorize(v[is_str])
        spaces = np.array([u.isspace() for u in uniques] + [False], dtype=bool)
        out[is_str] = spaces[codes]
    return out


def blank_mask(values) -> np.ndarray:
    """True where a cell is empty: None, NaN, '' or only whitespace. Works elementwise on a
    Series or an object array of any shape."""
    v = _objects(values)
    out = np.array(pd.isna(v) | (v == ""), dtype=bool)  # C loops; a fresh contiguous array
    flat, out_flat = v.reshape(-1), out.reshape(-1)
    rest = np.flatnonzero(~out_flat)
    if len(rest):
        out_flat[rest[_whitespace_text(flat[rest])]] = True
    return out


def blank_rows(grid: np.ndarray) -> np.ndarray:
    """For a 2-D object array: True where every cell of the row is blank (see blank_mask).

    Cheaper than blank_mask(grid).all(axis=1) on big sheets (see below)."""
    if grid.size == 0:
        return np.ones(grid.shape[0], dtype=bool)
    # Column by column over the rows still possibly blank: the first column settles nearly
    # every row of a filled sheet, so the other columns are looked at only for a few rows.
    candidates = np.arange(grid.shape[0])
    for j in range(grid.shape[1]):
        cells = grid[candidates, j]
        candidates = candidates[blank_mask(cells)]
        if not len(candidates):
            break
    blank = np.zeros(grid.shape[0], dtype=bool)
    blank[candidates] = True
    return blank


# ---------------------------------------------------------------- numbers


@dataclass
class NumberColumn:
    """A column parsed as numbers. `value` is float (NaN where no number)."""

    value: np.ndarray
    blank: np.ndarray        # empty cell
    as_text: np.ndarray      # number given as text / full-width digits (accepted, value used)
    invalid: np.ndarray      # not a number at all (text, Excel error, bool, date)
    raw: pd.Series           # original values, for messages

    def decimals_over(self, places: int = 2) -> np.ndarray:
        """True where the number has more than `places` decimals (floating noise tolerated)."""
        v = self.value
        with np.errstate(invalid="ignore"):
            scaled = v * 10**places
            return np.isfinite(v) & (np.abs(scaled - np.round(scaled)) > 1e-6 * np.maximum(1, np.abs(scaled)))


_NUMERIC_TYPES = (float, int, np.float64, np.float32, np.int64, np.int32)


def _numeric_kinds(kinds: np.ndarray) -> np.ndarray:
    """True where the cell's type is a real number (bool is not: TRUE is not a score).
    numpy >= 2.4 cannot compare `array == np.float64` directly, hence the 1-element arrays."""
    out = np.zeros(len(kinds), dtype=bool)
    for t in _NUMERIC_TYPES:
        out |= kinds == np.array([t], dtype=object)
    return out


_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _text_to_number(s: str) -> float | None:
    t = unicodedata.normalize("NFKC", s).strip().replace(",", "")
    if t.endswith("%") and _NUMBER_TEXT.match(t[:-1].strip()):
        return float(t[:-1]) / 100
    if _NUMBER_TEXT.match(t):
        return float(t)
    return None


def parse_numbers(values: pd.Series) -> NumberColumn:
    """Parse a column of raw cells as numbers, classifying every cell."""
    raw = values.reset_index(drop=True)
    n = len(raw)
    blank = np.zeros(n, dtype=bool)
    as_text = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    if raw.dtype.kind in "fiu":  # already numbers (a CSV column of numbers): nothing to classify
        value = raw.to_numpy(dtype=float)
        return NumberColumn(value=value, blank=np.isnan(value), as_text=as_text, invalid=invalid, raw=raw)
    v = raw.to_numpy(dtype=object)
    # Fastest path: every cell a float/int (a fully filled score column) — one C pass.
    if n and _infer_dtype(v, skipna=False) in ("floating", "integer", "mixed-integer-float"):
        value = v.astype(float)
        return NumberColumn(value=value, blank=np.isnan(value), as_text=as_text, invalid=invalid, raw=raw)
    value = np.full(n, np.nan)
    kinds = np.fromiter((type(x) for x in v), dtype=object, count=n)
    is_num = _numeric_kinds(kinds)
    if is_num.any():
        value[is_num] = v[is_num].astype(float)
        blank |= is_num & np.isnan(value)
    blank |= (kinds == np.array([type(None)], dtype=object)) | (v == "")
    others = np.flatnonzero(~is_num & ~blank)
    blank[others[_whitespace_text(v[others])]] = True
    for i in np.flatnonzero(~is_num & ~blank):  # only text and odd cells: the few bad ones
        x = v[i]
        if isinstance(x, str):
            num = _text_to_number(x)
            if num is None:
                invalid[i] = True
            else:
                value[i] = num
                as_text[i] = True
        else:  # bool, date, datetime, anything else
            invalid[i] = True
    return NumberColumn(value=value, blank=blank, as_text=as_text, invalid=invalid, raw=raw)


def plain_value(value):
    """An engine value as a plain Python one for writers: numpy scalars become Python
    numbers, NaN becomes None; everything else (text, dates, Decimal) is returned as is."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def display(value) -> str:
    """A raw value as the clerk would see it, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


def fmt_number(x: float) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    x = float(x)
    return str(int(x)) if x.is_integer() else f"{x:.10g}"


# ---------------------------------------------------------------- dates

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_DATE_TEXT = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*$")
_DATE_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


@dataclass
class DateColumn:
    value: np.ndarray       # datetime64[D], NaT where no date
    blank: np.ndarray
    invalid: np.ndarray
    raw: pd.Series


def _ymd(y: int, m: int, d: int):
    try:
        return np.datetime64(date(y, m, d), "D")
    except ValueError:
        return None


def parse_dates(values: pd.Series) -> DateColumn:
    """Parse a column of raw cells as calendar dates.

    Accepts date/datetime objects, Excel serial numbers (as numbers or numeric text), and text
    like 2012-3-5, 2012/03/05, 2012.3.5, 2012年3月5日, 20120305 (full-width digits too).
    Anything else is invalid (never guessed)."""
    raw = values.reset_index(drop=True)
    n = len(raw)
    v = raw.to_numpy(dtype=object)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    blank = np.zeros(n, dtype=bool)
    invalid = np.zeros(n, dtype=bool)
    kinds = np.fromiter((type(x) for x in v), dtype=object, count=n)
    is_num = _numeric_kinds(kinds)
    if is_num.any():
        serial = v[is_num].astype(float)
        ok = np.isfinite(serial) & (serial >= 1) & (serial < 2958466)
        days = np.where(ok, np.floor(np.nan_to_num(serial)), 0).astype("int64")
        conv = EXCEL_EPOCH + days.astype("timedelta64[D]")
        idx = np.flatnonzero(is_num)
        out[idx[ok]] = conv[ok]
        nan = np.isnan(serial)
        blank[idx[nan]] = True
        invalid[idx[~ok & ~nan]] = True
    blank |= kinds == np.array([type(None)], dtype=object)
    for i in np.flatnonzero(~is_num & ~blank):
        x = v[i]
        if isinstance(x, datetime):
            out[i] = np.datetime64(x.date(), "D")
        elif isinstance(x, date):
            out[i] = np.datetime64(x, "D")
        elif isinstance(x, pd.Timestamp):
            out[i] = np.datetime64(x.date(), "D")
        elif isinstance(x, str):
            t = unicodedata.normalize("NFKC", x).strip()
            if not t:
                blank[i] = True
                continue
            m = _DATE_TEXT.match(t) or _DATE_COMPACT.match(t)
            d = _ymd(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
            if d is None and _NUMBER_TEXT.match(t):
                serial = float(t)
                if 1 <= serial < 2958466:
                    d = EXCEL_EPOCH + np.timedelta64(int(serial), "D")
            if d is None:
                invalid[i] = True
            else:
                out[i] = d
        else:
            invalid[i] = True
    return DateColumn(value=out, blank=blank, invalid=invalid, raw=raw)


def parse_date(value) -> date | None:
    """One value (a CLI argument, a UDF argument): a date or None if it is not one."""
    col = parse_dates(pd.Series([value], dtype=object))
    d = col.value[0]
    return None if np.isnat(d) else d.astype(date)
