"""Shared plumbing of the JC.* worksheet functions: ranges in, arrays out, one text error
per bad cell.

Excel hands a function either a single value or a 2-D list (a range). Arguments are turned
into 2-D object arrays and broadcast against each other (a single cell against a column, a
column against a column of the same length), the work is done on whole columns with numpy,
and every cell that cannot be computed gets a short Chinese text instead of failing the
whole array — so one bad date in 10,000 rows shows up in its own row only.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from engine.cells import parse_dates, parse_numbers

def _stub_pyodide() -> None:
    """xlwings checks every argument value for Pyodide's JsNull with `from pyodide.ffi import
    JsNull` inside a try/except ImportError. Outside Pyodide that import fails — and a failed
    import is searched for again on every call: ~40 µs per cell, 1.2 s for a 10,000-row
    column. A stub module whose JsNull nothing is an instance of makes the check free.
    (Every other pyodide use in xlwings is behind `sys.platform == "emscripten"`.)"""
    import sys
    import types
    if sys.platform == "emscripten" or "pyodide" in sys.modules:
        return
    try:
        import pyodide  # noqa: F401
        return
    except ImportError:
        pass
    pkg, ffi = types.ModuleType("pyodide"), types.ModuleType("pyodide.ffi")
    ffi.JsNull = type("JsNull", (), {})
    pkg.ffi = ffi
    pkg.__path__ = []
    sys.modules["pyodide"], sys.modules["pyodide.ffi"] = pkg, ffi


_stub_pyodide()

ERR_SHAPE = "参数区域大小不一致：请选择同样行数（和列数）的区域，或单个单元格。"


class ShapeError(ValueError):
    pass


def grid(value: Any) -> np.ndarray:
    """Any argument as a 2-D object array (a scalar is 1x1, a row list is 1xN). Arguments
    arrive raw (no per-cell conversion by xlwings, for speed): "" or None for an empty
    cell, an Office.js error as {"type": "Error", "basicValue": "#N/A"}."""
    if isinstance(value, np.ndarray):
        arr = value.astype(object)
    elif isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (list, tuple)):
            width = max(len(r) for r in value)
            arr = np.empty((len(value), width), dtype=object)
            try:
                arr[...] = value
            except ValueError:  # ragged rows
                for i, r in enumerate(value):
                    arr[i, :len(r)] = list(r)
        else:
            arr = np.empty((1, len(value)), dtype=object)
            arr[0, :] = list(value)
    else:
        arr = np.empty((1, 1), dtype=object)
        arr[0, 0] = value
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    return _plain(arr)


def _plain(arr: np.ndarray) -> np.ndarray:
    """Office.js rich values (errors, entities) -> their basic value."""
    for idx in zip(*np.nonzero(np.frompyfunc(lambda v: isinstance(v, dict), 1, 1)(arr).astype(bool))):
        v = arr[idx]
        arr[idx] = v.get("basicValue", "#VALUE!")
    return arr


def broadcast(*args: Any) -> list[np.ndarray]:
    grids = [grid(a) for a in args]
    try:
        shape = np.broadcast_shapes(*(g.shape for g in grids))
    except ValueError:
        raise ShapeError(ERR_SHAPE) from None
    return [np.broadcast_to(g, shape) for g in grids]


def as_dates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(datetime64[D] flat array, blank mask, invalid mask) for a 2-D grid of cells."""
    parsed = parse_dates(pd.Series(values.ravel(), dtype=object))
    return parsed.value, parsed.blank, parsed.invalid


def as_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    parsed = parse_numbers(pd.Series(values.ravel(), dtype=object))
    return parsed.value, parsed.blank, parsed.invalid


def to_excel(values: np.ndarray, errors: np.ndarray, shape: tuple[int, int]) -> Any:
    """Flat results + per-cell error texts ('' = no error) -> a 2-D list (custom functions
    declare a matrix result; a single cell is [[v]]). NaN and None become blank cells."""
    out = np.where(errors != "", errors, values.astype(object)).reshape(shape)
    rows = [[_cell(v) for v in row] for row in out.tolist()]
    return rows


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    if isinstance(v, (np.generic,)):
        return v.item()
    return v


def text_errors(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def guarded(func: Callable) -> Callable:
    """A shape mismatch (or any input problem raised as ValueError) becomes one text cell."""
    import functools

    @functools.wraps(func)
    def wrapper(*args):
        try:
            return func(*args)
        except ShapeError as exc:
            return [[str(exc)]]
    return wrapper
