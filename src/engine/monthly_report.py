"""Reading and checking the 机构月报 sheet (SPEC §3.3, §4.4) into a typed table.

One row per institution x month. Every cell problem is a finding at its cell; the typed table
keeps NaN for numbers that could not be read, so one bad cell never hides the rest of the row.
Row-level checks that need no other month live here (required cells, numbers, negatives,
F ≤ G, I ≤ H, J ≤ K, duplicate (机构编码, 年月), years other than the report's); checks that
compare months or sheets are in engine.monthly_checks.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.cells import display, fmt_number, parse_dates, parse_numbers, text_column
from engine.columns import MONTHLY_SHEET
from engine.findings import Finding, finding
from engine.sheet import Located, SheetData, locate

TEMPLATE = MONTHLY_SHEET
TEXT_KEYS = ("city", "county", "code", "name", "remark")
COUNT_KEYS = ("equipped_sty", "equipped_all", "declared_sty", "delivered_sty")
MONEY_KEYS = ("purchase_sty", "purchase_all", "fund_balance", "purchased", "settled")
NUMBER_KEYS = COUNT_KEYS + MONEY_KEYS
# (part, whole): the part can never exceed the whole (reported at the part's cell)
NOT_MORE_THAN = (("equipped_sty", "equipped_all"), ("delivered_sty", "declared_sty"), ("purchase_sty", "purchase_all"))
_MONTH_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_MONTH_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})\s*$")


def month_key(year: int, month: int) -> int:
    """2012-03 -> 201203 (sortable, cheap to compare and group)."""
    return year * 100 + month


def month_text(key: int) -> str:
    return f"{key // 100}-{key % 100:02d}"


def previous_month(key: int) -> int:
    year, month = divmod(key, 100)
    return month_key(year - 1, 12) if month == 1 else key - 1


@dataclass
class ReportTable:
    located: Located
    frame: pd.DataFrame                       # index = Excel row; typed columns (see read_report)
    findings: list[Finding] = field(default_factory=list)

    @property
    def sheet(self) -> str:
        return self.located.sheet

    def cell(self, key: str, row: int) -> str:
        return self.located.cell(key, row)


def parse_months(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """年月 cells -> (month key yyyymm, 0 where none; blank; invalid). Accepts 2012-03, 2012-3,
    2012/03, 2012年3月, 201203 and any date (or Excel serial) inside the month. Distinct values
    are parsed once: a year of reports repeats twelve month texts thousands of times."""
    raw = values.to_numpy(dtype=object)
    codes, uniques = pd.factorize(raw, use_na_sentinel=False)
    keys = np.zeros(len(uniques), dtype=np.int64)
    blank = np.zeros(len(uniques), dtype=bool)
    invalid = np.zeros(len(uniques), dtype=bool)
    for i, value in enumerate(uniques):
        keys[i], blank[i], invalid[i] = _one_month(value)
    return keys[codes], blank[codes], invalid[codes]


def _one_month(value) -> tuple[int, bool, bool]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return 0, True, False
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not text:
            return 0, True, False
        m = _MONTH_TEXT.match(text) or _MONTH_COMPACT.match(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return month_key(int(m.group(1)), int(m.group(2))), False, False
    day = parse_dates(pd.Series([value], dtype=object)).value[0]
    if np.isnat(day):
        return 0, False, True
    d = day.astype(object)
    return month_key(d.year, d.month), False, False


def read_report(sheet: SheetData | Located, year: int) -> ReportTable:
    """Typed 机构月报: text columns (canonical text), `ym` (yyyymm, 0 unknown), the nine number
    columns as float (NaN when blank/invalid; money rounded half-up to 0.01), `dup` (a later
    repeat of (机构编码, 年月): checked, but not used in indicators), `in_year`."""
    located = sheet if isinstance(sheet, Located) else locate(sheet, TEMPLATE)
    out = ReportTable(located=located, frame=pd.DataFrame(index=located.frame.index), findings=list(located.findings))
    raw, frame, rows = located.frame, out.frame, located.rows
    for key in TEXT_KEYS:
        frame[key] = text_column(raw[key]).to_numpy()
    _required_text(out, rows)
    ym, blank, invalid = parse_months(raw["month"])
    frame["ym"] = ym
    _cell_findings(out, "month", rows, blank, "required-blank")
    for i in np.flatnonzero(invalid):
        out.findings.append(finding("date-invalid", out.sheet, out.cell("month", int(rows[i])), column=_header("month"),
                                    value=display(raw["month"].iat[i])))
    other_year = (ym > 0) & (ym // 100 != year)
    for i in np.flatnonzero(other_year):
        out.findings.append(finding("month-mixed-years", out.sheet, out.cell("month", int(rows[i])), column=_header("month"),
                                    year=int(ym[i] // 100), expected_year=year))
    frame["in_year"] = (ym > 0) & ~other_year
    for key in NUMBER_KEYS:
        frame[key] = _numbers(out, raw[key], key, rows)
    _part_not_more_than_whole(out, rows)
    _duplicates(out, rows)
    return out


def _header(key: str) -> str:
    return TEMPLATE.column(key).header


def _cell_findings(out: ReportTable, key: str, rows: np.ndarray, mask: np.ndarray, code: str) -> None:
    if key in out.located.missing:
        return
    for i in np.flatnonzero(mask):
        out.findings.append(finding(code, out.sheet, out.cell(key, int(rows[i])), column=_header(key)))


def _required_text(out: ReportTable, rows: np.ndarray) -> None:
    for key in ("city", "county", "code", "name"):
        _cell_findings(out, key, rows, out.frame[key].to_numpy() == "", "required-blank")


def _numbers(out: ReportTable, raw: pd.Series, key: str, rows: np.ndarray) -> np.ndarray:
    col = parse_numbers(raw)
    if key in out.located.missing:
        return col.value
    header = _header(key)
    if TEMPLATE.column(key).required:
        _cell_findings(out, key, rows, col.blank, "required-blank")
    for i in np.flatnonzero(col.invalid):
        out.findings.append(finding("not-a-number", out.sheet, out.cell(key, int(rows[i])), column=header,
                                    value=display(col.raw.iat[i])))
    for i in np.flatnonzero(col.as_text):
        out.findings.append(finding("number-as-text", out.sheet, out.cell(key, int(rows[i])), column=header,
                                    value=display(col.raw.iat[i]), number=fmt_number(col.value[i])))
    with np.errstate(invalid="ignore"):
        negative = col.value < 0
    for i in np.flatnonzero(negative):
        out.findings.append(finding("negative-value", out.sheet, out.cell(key, int(rows[i])), column=header,
                                    value=fmt_number(col.value[i])))
    value = np.where(negative, np.nan, col.value)
    if key in MONEY_KEYS:
        value = round_cents(value)
    return value


def round_cents(values: np.ndarray) -> np.ndarray:
    """Half-up to 0.01 元 (SPEC money rule) for non-negative amounts; NaN stays NaN."""
    with np.errstate(invalid="ignore"):
        return np.floor(values * 100 + 0.5 + 1e-9) / 100


def _part_not_more_than_whole(out: ReportTable, rows: np.ndarray) -> None:
    f = out.frame
    for part, whole in NOT_MORE_THAN:
        if part in out.located.missing or whole in out.located.missing:
            continue
        a, b = f[part].to_numpy(), f[whole].to_numpy()
        with np.errstate(invalid="ignore"):
            bad = a > b + 1e-9
        for i in np.flatnonzero(bad):
            out.findings.append(finding("count-exceeds", out.sheet, out.cell(part, int(rows[i])), column=_header(part),
                                        value=fmt_number(a[i]), other=_header(whole), other_value=fmt_number(b[i])))


def _duplicates(out: ReportTable, rows: np.ndarray) -> None:
    f = out.frame
    keyed = (f["code"].to_numpy() != "") & (f["ym"].to_numpy() > 0)
    keys = pd.DataFrame({"code": f["code"].to_numpy(), "ym": f["ym"].to_numpy(), "row": rows})
    dup = keyed & keys.duplicated(["code", "ym"], keep="first").to_numpy()
    f["dup"] = dup
    if dup.any():
        first = keys[keyed].drop_duplicates(["code", "ym"]).set_index(["code", "ym"])["row"]
        for i in np.flatnonzero(dup):
            first_row = int(first.loc[(keys["code"].iat[i], keys["ym"].iat[i])])
            out.findings.append(finding("duplicate-row", out.sheet, f"A{int(rows[i])}", first_row=first_row,
                                        key=f"机构编码 {keys['code'].iat[i]}，年月 {month_text(int(keys['ym'].iat[i]))}"))
