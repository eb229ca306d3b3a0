"""The 回款明细 ledger (SPEC §3.4, §4.4): one row per purchase, its 回款天数 and 回款指数.

start = the later of 验收日期 and 发票日期 (one of them blank: the other, after a required-blank
error); 回款天数 = working days d with start < d ≤ 结清日期; 回款指数 = 回款天数 / index_days.
A purchase belongs to the month of its 结清日期; an unsettled one is open, with its working days
up to the report date. Everything is whole-column numpy: a million purchases take well under a
second (dates are parsed once per distinct value — a ledger has a few hundred distinct dates).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from engine.cells import DateColumn, display, fmt_number, parse_dates, parse_numbers, text_column
from engine.columns import LEDGER_SHEET
from engine.findings import Finding, finding
from engine.sheet import Located, SheetData, locate
from engine.workdays import WorkCalendar

TEMPLATE = LEDGER_SHEET
TEXT_KEYS = ("city", "county", "code", "name", "order")
DATE_KEYS = ("accepted", "invoiced", "paid")


@dataclass
class LedgerTable:
    located: Located
    # key -> one value per row of located.frame: text columns, dates (datetime64[D]), start,
    # days, index, ym, open, open_days, dup, amount
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    ids: dict[str, np.ndarray] = field(default_factory=dict)  # text key -> id of each row's text
    blank: dict[str, np.ndarray] = field(default_factory=dict)  # text key -> the row's text is blank

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The columns as a DataFrame, index = row. Built on first use only: the indicators and
        checks work on the arrays, and a million-row frame costs more than all of them."""
        # dates as seconds, the finest unit pandas keeps without a copy of its own (days it has not)
        columns = {k: v.astype("datetime64[s]") if k in (*DATE_KEYS, "start") else v for k, v in self.columns.items()}
        return pd.DataFrame(columns, index=self.located.frame.index, copy=False)

    @property
    def rows(self) -> np.ndarray:
        return self.located.rows

    def __len__(self) -> int:
        return len(self.located.frame)

    @property
    def sheet(self) -> str:
        return self.located.sheet

    def cell(self, key: str, row: int) -> str:
        return self.located.cell(key, row)


def distinct_dates(values: pd.Series) -> DateColumn:
    """parse_dates, run once per distinct value and spread back (same result, ~50x faster on a ledger)."""
    raw = values.reset_index(drop=True)
    codes, uniques = _factorized(raw.array)
    parsed = parse_dates(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    return DateColumn(value=parsed.value[codes], blank=_spread(parsed.blank, codes), invalid=_spread(parsed.invalid, codes),
                      raw=raw)


_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.strip() removes from ASCII text
_EDGE_SPACE = re.compile(r"(?:^|\x00)[\s\x1c-\x1f]|[\s\x1c-\x1f](?:\x00|$)")


def canonical_text(values: pd.Series, distinct_canonical: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(engine.cells.text_column values, integer id of each canonical text). Each distinct raw
    value is normalized once; a column of distinct plain-ASCII texts (采购单号: a million
    different values) takes a shortcut — ASCII is unchanged by NFKC, so when no value has
    whitespace at either end the texts are already canonical, which two C-level passes over the
    joined values tell, instead of a million Python calls. `distinct_canonical`: the reader has
    checked that already (Located.distinct_canonical), so nothing is hashed at all."""
    text, ids, _ = canonical_text_and_blanks(values, distinct_canonical)
    return text, ids


def canonical_text_and_blanks(values: pd.Series, distinct_canonical: bool = False
                              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """canonical_text plus where the text is blank, told from the distinct values (a million
    string comparisons avoided)."""
    if distinct_canonical:
        return _distinct_canonical(values.to_numpy(dtype=object))
    codes, uniques = _factorized(values.array)
    if len(uniques) > 1000 and infer_dtype(uniques, skipna=False) == "string":
        joined = "\x00".join(uniques)
        if joined.isascii() and (not any(c in joined for c in _ASCII_SPACE) or not _EDGE_SPACE.search(joined)):
            texts = np.asarray(uniques, dtype=object)
            return texts[codes], codes, _spread(texts == "", codes)
    canon = text_column(pd.Series(uniques, dtype=object)).to_numpy()
    ids, distinct = pd.factorize(canon)  # two raw values may share one canonical text
    if not len(codes):
        return np.empty(0, dtype=object), ids[codes], np.zeros(0, dtype=bool)
    return distinct.astype(object)[ids][codes], ids[codes], _spread((distinct.astype(object) == "")[ids], codes)


def _spread(per_value: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """A per-distinct-value flag as a per-row mask."""
    return per_value[codes] if per_value.any() else np.zeros(len(codes), dtype=bool)


def _distinct_canonical(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """canonical_text_and_blanks of a column whose filled cells are all different and canonical:
    the values themselves ('' for blank), ids in order of first appearance (blanks sharing one)."""
    blank = pd.isna(values)
    if not blank.any():
        return values, np.arange(len(values), dtype=np.intp), blank
    text = values.copy()
    text[blank] = ""
    filled_before = np.cumsum(~blank) - ~blank  # filled cells above each row
    first_blank = int(np.argmax(blank))
    ids = filled_before + (np.arange(len(values)) > first_blank)  # the blank id comes in at the first blank
    ids[blank] = filled_before[first_blank]
    return text, ids.astype(np.intp), blank


def _factorized(array) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row, distinct raw values as objects, blank = None), codes in order of
    first appearance (callers find a value's first row by that). A Categorical (a CSV ledger)
    already holds the distinct values: only its integer codes are renumbered."""
    if isinstance(array, pd.Categorical):
        ordered = _first_appearance_codes(array.codes, len(array.categories))
        if ordered is not None:  # a polars scan's categories are in that order already
            codes, blank_id = ordered
            uniques = array.categories.to_numpy(dtype=object)
            return codes, uniques if blank_id is None else np.insert(uniques, blank_id, None)
        raw = array.codes.astype(np.intp)
        raw[raw < 0] = len(array.categories)  # blank cells: one more distinct value, None
        codes, first_row = groups_by_first_row(raw)
        return codes, np.append(array.categories.to_numpy(dtype=object), None)[raw[first_row]]
    # pd.factorize on the array itself: a Series would re-infer object cells (dates as Timestamps)
    codes, uniques = pd.factorize(array, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def groups_by_first_row(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(group of each row, first row of each group), groups numbered by first appearance — as
    pd.factorize numbers them. Small non-negative ids (category codes, codes x months) are
    grouped through an array indexed by id instead of a hash table."""
    n = len(ids)
    space = int(ids.max()) + 1 if n else 0
    if space > 4 * n + 1000:
        group, first = pd.factorize(ids)
        position = np.zeros(len(first), dtype=np.intp)
        position[group[::-1]] = np.arange(n - 1, -1, -1)
        return group, position
    first_row = np.full(space, n, dtype=np.intp)
    first_row[ids[::-1]] = np.arange(n - 1, -1, -1)  # reversed: the earliest write lands last
    present = np.flatnonzero(first_row < n)
    present = present[np.argsort(first_row[present], kind="stable")]
    number = np.empty(space, dtype=np.intp)
    number[present] = np.arange(len(present))
    return number[ids], first_row[present]


def _first_appearance_codes(codes: np.ndarray, n_categories: int) -> tuple[np.ndarray, int | None] | None:
    """When every category is used and each is first used after all lower ones (blanks, -1,
    aside): the codes numbered by first appearance with blank as a value of its own, and the
    blank's number (None without blanks). None when the categories are in another order.
    In order means: the running maximum starts at -1 or 0 and never jumps by more than one."""
    if not len(codes) or codes[0] > 0:
        return None
    running = np.maximum.accumulate(codes)  # in the codes' own small integer type
    if int(running[-1]) != n_categories - 1 or (np.diff(running) > 1).any():
        return None
    blank = codes < 0
    if not blank.any():
        return codes.astype(np.intp), None
    first_blank = int(np.argmax(blank))
    blank_id = int(running[first_blank]) + 1  # distinct values seen before the first blank
    out = codes.astype(np.intp)
    out += out >= blank_id
    out[blank] = blank_id
    return out, blank_id


def read_ledger(sheet: SheetData | Located, calendar: WorkCalendar, as_of: date, index_days: float) -> LedgerTable:
    """Typed ledger with payment days; findings for every bad cell (see module doc)."""
    located = sheet if isinstance(sheet, Located) else locate(sheet, TEMPLATE)
    out = LedgerTable(located=located, findings=list(located.findings))
    raw, rows = located.frame, located.rows
    cols: dict[str, np.ndarray] = {}  # built as arrays, made a DataFrame once at the end
    for key in TEXT_KEYS:
        cols[key], out.ids[key], out.blank[key] = canonical_text_and_blanks(raw[key], key in located.distinct_canonical)
        _blank_findings(out, key, rows, out.blank[key])
    for key in DATE_KEYS:
        col = distinct_dates(raw[key])
        cols[key] = col.value
        if TEMPLATE.column(key).required:
            _blank_findings(out, key, rows, col.blank)
        for i in np.flatnonzero(col.invalid):
            out.findings.append(finding("date-invalid", out.sheet, out.cell(key, int(rows[i])), column=_header(key),
                                        value=display(col.raw.iat[i])))
    cols["amount"] = _amounts(out, raw["amount"], rows)
    cols.update(_payment_days(out, cols, calendar, as_of, index_days, rows))
    cols["dup"] = _duplicate_orders(out, cols["order"], rows)
    out.columns = cols
    return out


def _header(key: str) -> str:
    return TEMPLATE.column(key).header


def _blank_findings(out: LedgerTable, key: str, rows: np.ndarray, mask: np.ndarray) -> None:
    if key in out.located.missing:
        return
    for i in np.flatnonzero(mask):
        out.findings.append(finding("required-blank", out.sheet, out.cell(key, int(rows[i])), column=_header(key)))


def _amounts(out: LedgerTable, raw: pd.Series, rows: np.ndarray) -> np.ndarray:
    col = parse_numbers(raw)
    if "amount" in out.located.missing:
        return col.value
    for i in np.flatnonzero(col.invalid):
        out.findings.append(finding("not-a-number", out.sheet, out.cell("amount", int(rows[i])), column=_header("amount"),
                                    value=display(col.raw.iat[i])))
    with np.errstate(invalid="ignore"):
        negative = col.value < 0
    for i in np.flatnonzero(negative):
        out.findings.append(finding("negative-value", out.sheet, out.cell("amount", int(rows[i])),
                                    column=_header("amount"), value=fmt_number(col.value[i])))
    return col.value


def _payment_days(out: LedgerTable, cols: dict, calendar: WorkCalendar, as_of: date, index_days: float,
                  rows: np.ndarray) -> dict[str, np.ndarray]:
    accepted, invoiced, paid = (cols[k] for k in DATE_KEYS)
    # the later of the two; NaT loses to a date (np.fmax skips NaT)
    start = np.fmax(accepted, invoiced)
    start_is_accepted = np.isnat(invoiced) | (accepted > invoiced)
    settled = ~np.isnat(paid) & ~np.isnat(start)
    order_bad = settled & (paid < start)
    for i in np.flatnonzero(order_bad):
        other = "accepted" if start_is_accepted[i] else "invoiced"
        out.findings.append(finding("date-order", out.sheet, out.cell("paid", int(rows[i])), column=_header("paid"),
                                    value=str(paid[i]), other=_header(other), other_value=str(start[i])))
    counts, uncovered = calendar.count_masked(start, paid)
    counts[~settled | order_bad] = np.nan
    uncovered &= settled & ~order_bad
    _not_covered(out, calendar, uncovered, {"start": start, "paid": paid}, start_is_accepted, rows)
    # open purchases: unsettled, started on or before the report date
    end = np.datetime64(as_of, "D")
    is_open = np.isnat(paid) & ~np.isnat(start) & (start <= end)
    so_far = np.full(len(start), np.nan)
    if is_open.any():
        idx = np.flatnonzero(is_open)
        c, unc = calendar.count_masked(start[idx], np.full(len(idx), end))
        so_far[idx] = c
        if not calendar.covers(np.array([end]))[0]:
            out.findings.append(finding("calendar-not-covered", out.sheet, "A1", value=str(end), year=as_of.year,
                                        covered=calendar.covered_text()))
        else:
            mask = np.zeros(len(start), dtype=bool)
            mask[idx[unc]] = True
            _not_covered(out, calendar, mask, {"start": start}, start_is_accepted, rows)
    return {"start": start, "days": counts, "index": counts / float(index_days),
            "ym": np.where(settled & ~order_bad, _month_keys(paid), 0), "open": is_open, "open_days": so_far}


def _month_keys(days: np.ndarray) -> np.ndarray:
    """YYYYMM of each date, 0 for NaT. A ledger spans a few hundred days: the key of each day in
    that span is worked out once and looked up (numpy's day-to-month conversion is slow)."""
    day_numbers = days.astype("datetime64[D]").view(np.int64)
    known = ~np.isnat(days)
    if not known.any():
        return np.zeros(len(days), dtype=np.int64)
    first, last = int(day_numbers[known].min()), int(day_numbers[known].max())
    span = np.arange(first, last + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    keys = np.append((span // 12 + 1970) * 100 + span % 12 + 1, 0)  # the last entry: NaT
    return keys[np.where(known, day_numbers - first, len(span))]


def _not_covered(out: LedgerTable, calendar: WorkCalendar, mask: np.ndarray, dates: dict,
                 start_is_accepted: np.ndarray, rows: np.ndarray) -> None:
    """One calendar-not-covered error per purchase, at the first of its dates the calendar lacks."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return
    covered = {name: calendar.covers(values[idx]) for name, values in dates.items()}
    for n, i in enumerate(idx):
        name = next((k for k in dates if not covered[k][n]), "paid" if "paid" in dates else "start")
        day = dates[name][i]
        key = ("accepted" if start_is_accepted[i] else "invoiced") if name == "start" else name
        out.findings.append(finding("calendar-not-covered", out.sheet, out.cell(key, int(rows[i])), value=str(day),
                                    year=int(str(day)[:4]), covered=calendar.covered_text()))


def _duplicate_orders(out: LedgerTable, orders: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A later row with the same 采购单号. Ids come in order of first appearance, so a row is a
    repeat exactly when its id is not above every id seen before it."""
    ids = out.ids["order"].astype(np.int64)
    seen = np.maximum.accumulate(np.concatenate([[-1], ids[:-1]])) if len(ids) else ids
    dup = (ids <= seen) & (orders != "")
    if dup.any():
        first_row = {}
        for i in np.flatnonzero(np.isin(ids, ids[dup])):
            first_row.setdefault(ids[i], int(rows[i]))
        for i in np.flatnonzero(dup):
            out.findings.append(finding("duplicate-row", out.sheet, f"A{int(rows[i])}", first_row=first_row[ids[i]],
                                        key=f"采购单号 {orders[i]}"))
    return dup
