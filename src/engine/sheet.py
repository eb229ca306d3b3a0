"""A worksheet's raw values, and finding a template's columns in it.

`SheetData` is what every adapter hands the engine: a sheet name and its used range as rows
of raw values, row 0 being Excel row 1 (the CLI reads it with python-calamine, macros from an
xlwings book). `locate()` matches the header row against a `Template`, reports header problems
as findings, and returns a DataFrame keyed by column `key` whose index is the Excel row
number — so every later finding can name its cell even when a clerk moved a column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from engine.cells import blank_rows, col_letter, display, header_key
from engine.columns import Template
from engine.findings import Finding, finding


@dataclass
class SheetData:
    name: str
    rows: list[list[Any]]
    first_row: int = 1   # Excel row number of rows[0]
    first_col: int = 0   # 0-based column index of rows[i][0]

    @classmethod
    def from_frame(cls, name: str, frame: pd.DataFrame) -> "SheetData":
        """A sheet whose header row is the frame's columns (tests, CSV ledgers)."""
        rows = [list(frame.columns)] + frame.astype(object).where(frame.notna(), None).values.tolist()
        return cls(name, rows)


@dataclass
class Located:
    """A template's columns found in a sheet."""

    template: Template
    sheet: str
    frame: pd.DataFrame                 # columns = template keys (raw objects), index = Excel row
    letters: dict[str, str]             # key -> column letter where it was actually found
    missing: set[str] = field(default_factory=set)  # keys whose header was not found
    findings: list[Finding] = field(default_factory=list)
    header_row: int = 1
    # keys whose filled cells a reader has already found all different and in canonical form
    # (engine.cells.normalize_text would change none of them): the engine then skips hashing them
    distinct_canonical: set[str] = field(default_factory=set)

    def cell(self, key: str, row: int) -> str:
        letter = self.letters.get(key)  # not .get(key, default): the default would be computed every call
        return f"{letter if letter is not None else self.template.letter(key)}{row}"

    def header_cell(self, key: str) -> str:
        return self.cell(key, self.header_row)

    @property
    def rows(self) -> np.ndarray:
        return self.frame.index.to_numpy()

    def __len__(self) -> int:
        return len(self.frame)


HEADER_SEARCH_ROWS = 5  # a title line above the header is common in clerks' copies


def locate(sheet: SheetData, template: Template, *, extra_keys: Sequence[str] = ()) -> Located:
    """Find the template's columns by header text.

    A header in the wrong place is a header-mismatch error at the cell where it belongs, but
    the column is still read from where it was found, so one moved column does not hide every
    other problem. A missing header is reported once and its checks are skipped. Fully blank
    rows are dropped (SPEC §4.2); the index keeps the real Excel row numbers."""
    rows = sheet.rows
    lengths = set(map(len, rows))  # one C-level pass; a single length means no ragged rows
    width = max(lengths, default=0)
    expected = {header_key(c.header): c.key for c in template.columns}

    # pick the header row: the first of the top rows matching the most headers
    best_row, best_hits = 0, -1
    for i, r in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for v in r if header_key(v) in expected)
        if hits > best_hits:
            best_row, best_hits = i, hits
    header_row_no = sheet.first_row + best_row
    header = [header_key(v) for v in rows[best_row]] if rows else []
    header += [""] * (width - len(header))

    found: dict[str, int] = {}
    for j, h in enumerate(header):
        key = expected.get(h)
        if key is not None and key not in found:
            found[key] = j

    findings: list[Finding] = []
    letters: dict[str, str] = {}
    missing: set[str] = set()
    for pos, col in enumerate(template.columns):
        expected_letter = col_letter(sheet.first_col + pos)
        cell = f"{expected_letter}{header_row_no}"
        actual = display(rows[best_row][pos]) if rows and pos < len(rows[best_row]) else ""
        if col.key in found:
            j = found[col.key]
            letters[col.key] = col_letter(sheet.first_col + j)
            if j != pos:
                findings.append(finding("header-mismatch", sheet.name, cell, expected=col.header, actual=actual,
                                        hint=f"“{col.header}”现在位于 {letters[col.key]} 列，本次已按该列读取。"))
        else:
            missing.add(col.key)
            findings.append(finding("header-mismatch", sheet.name, cell, expected=col.header, actual=actual,
                                    hint="表中找不到该栏目，相关检查已跳过。"))

    body = rows[best_row + 1:]
    data = {}
    n = len(body)
    grid = _grid(body, width, same_width=len(lengths) == 1)
    for col in template.columns:
        j = found.get(col.key)
        data[col.key] = np.full(n, None, dtype=object) if j is None else grid[:, j]
    for key in extra_keys:
        data.setdefault(key, np.full(n, None, dtype=object))
    frame = pd.DataFrame(data, index=pd.RangeIndex(header_row_no + 1, header_row_no + 1 + n), dtype=object)
    if n:
        present = [found[c.key] for c in template.columns if c.key in found]
        if present:
            frame = frame[~blank_rows(grid[:, present])]
    return Located(template=template, sheet=sheet.name, frame=frame, letters=letters, missing=missing,
                   findings=findings, header_row=header_row_no)


def _grid(body: list[list[Any]], width: int, same_width: bool) -> np.ndarray:
    """Rows as a 2-D object array (ragged rows padded with None). `same_width`: every row has
    `width` cells."""
    grid = np.full((len(body), width), None, dtype=object)
    if body and same_width:
        grid[:] = body  # one C-level copy (calamine rows are all the same width)
    else:
        for i, r in enumerate(body):
            grid[i, :len(r)] = r
    return grid


def find_sheet(sheets: Sequence[str], wanted: str | None, default: str) -> str | None:
    """SPEC §4.2: the sheet named `wanted` (if given), else `default`, else the first sheet."""
    if wanted:
        return wanted if wanted in sheets else None
    if default in sheets:
        return default
    return sheets[0] if sheets else None
