"""Checking a 自评分数表 / 医保考核评分 sheet (SPEC §3.1, §4.2).

`check_scores()` validates whole columns at once (numpy masks); Python only loops over the
cells that are actually wrong, to build their findings. It returns the findings, the number
of non-blank data rows, and the parsed table the importer and the retention step use.

Decisions where SPEC is silent:
* A sheet with no value at all is one `sheet-empty` error at A1 (exit 1, not 2): the file is a
  readable workbook, the clerk just picked or emptied the wrong sheet.
* A header-only sheet has 0 rows and no finding (ok).
* When no header of the template is found at all, only the header-mismatch errors are
  reported (checking rows against columns we cannot find would only add noise).
* 医疗机构自评总分 and 医保考核评分 follow the score number rules: text like 二十 is
  not-a-number, "95" or "９５" is number-as-text (value used), < 0 or > the scheme total is
  score-out-of-range. The decimals rule applies to G..P only (SPEC §4.2).
* A blank 自评总分 gets total-blank with the sum of G..P when every item is a number; the
  total-mismatch check runs only when the total and all ten items are numbers.
* A blank 区域 with --district is both required-blank and district-mismatch (SPEC: "a blank
  区域 counts as outside").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from engine.cells import NumberColumn, blank_mask, display, fmt_number, normalize_text, parse_numbers, text_column
from engine.columns import SCORE_SHEET
from engine.findings import Finding, finding, has_errors, sort_key
from engine.scheme import Scheme, SchemeError
from engine.sheet import Located, SheetData, locate

TEMPLATE = SCORE_SHEET
SCORE_KEYS: tuple[str, ...] = tuple(c.key for c in SCORE_SHEET.of_kind("score"))
REQUIRED_KEYS: tuple[str, ...] = tuple(c.key for c in SCORE_SHEET.columns if c.required)
TEXT_KEYS: tuple[str, ...] = ("district", "hospital_code", "hospital_name", "variety_code", "variety_name", "spec")
ROW_CELL_LETTER = "A"  # SPEC §4.1: a row problem is reported at column A of the row


@dataclass
class ScoreCheck:
    rows: int                                 # non-blank data rows
    findings: list[Finding] = field(default_factory=list)
    scores: pd.DataFrame = field(default_factory=pd.DataFrame)  # index = Excel row

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def as_json(self) -> dict:
        return {"ok": self.ok, "rows": self.rows, "findings": [f.as_dict() for f in self.findings]}


def check_scores(sheet: SheetData, scheme: Scheme, *, import_mode: bool = False,
                 district: str | None = None) -> ScoreCheck:
    """Validate a score sheet. Never changes `sheet`; all findings are collected."""
    if scheme.score is None:
        raise SchemeError(f"方案 {scheme.name} 没有 [score] 部分（各项得分满分），不能用于校验自评分数表。请换用结余留用方案，如 wuhan-default。")
    if _sheet_is_blank(sheet):
        return ScoreCheck(0, [finding("sheet-empty", sheet.name, "A1", expected=sheet.name)], _empty_scores())

    located = locate(sheet, TEMPLATE)
    checker = _Checker(located, scheme)
    checker.findings.extend(located.findings)
    if len(located.missing) == len(TEMPLATE.columns):  # not a score sheet at all
        return ScoreCheck(_nonblank_body_rows(sheet, located.header_row), sorted(checker.findings, key=sort_key),
                          _empty_scores())

    checker.required()
    scores = checker.scores()
    checker.totals(scores)
    checker.bureau(import_mode)
    checker.duplicates()
    checker.name_conflicts()
    if district is not None:
        checker.district(district)
    return ScoreCheck(len(located), sorted(checker.findings, key=sort_key), checker.table(scores))


# ------------------------------------------------------------------ the checks


class _Checker:
    def __init__(self, located: Located, scheme: Scheme):
        self.loc = located
        self.rules = scheme.score
        self.frame = located.frame
        self.rows = located.rows
        self.sheet = located.sheet
        self.findings: list[Finding] = []
        self._text: dict[str, np.ndarray] = {}
        n = len(self.frame)
        self.item_sum = np.full(n, np.nan)       # sum of G..P per row (NaN if not all numbers)
        self.self_total = np.full(n, np.nan)     # 自评总分 as given, else the sum when blank
        self.bureau_score = np.full(n, np.nan)   # 医保考核评分

    # -- helpers
    def present(self, key: str) -> bool:
        return key not in self.loc.missing

    def header(self, key: str) -> str:
        return TEMPLATE.column(key).header

    def text(self, key: str) -> np.ndarray:
        """Canonical text of a column ('' for blank), computed once."""
        if key not in self._text:
            self._text[key] = text_column(self.frame[key]).to_numpy(dtype=object)
        return self._text[key]

    def add(self, code: str, key: str, mask: np.ndarray, severity: str | None = None, **fields) -> None:
        """One finding per True in mask, at `key`'s cell of that row. Field values that are arrays
        are indexed per row."""
        letter = self.loc.cell(key, 0)[:-1]
        for i in np.flatnonzero(mask):
            values = {k: (v[i] if isinstance(v, (np.ndarray, list)) else v) for k, v in fields.items()}
            self.findings.append(finding(code, self.sheet, f"{letter}{int(self.rows[i])}", severity, **values))

    # -- rules
    def required(self) -> None:
        for key in REQUIRED_KEYS:
            if self.present(key):
                self.add("required-blank", key, blank_mask(self.frame[key]), column=self.header(key))

    def number_column(self, key: str, maximum: Decimal, *, blank_code: str | None, decimals: int | None) -> NumberColumn:
        """The number rules shared by G..P, 自评总分 and 医保考核评分."""
        col = parse_numbers(self.frame[key])
        header = self.header(key)
        raw = col.raw.to_numpy(dtype=object)
        if blank_code:
            self.add(blank_code, key, col.blank, column=header, maximum=fmt_number(maximum))
        self.add("not-a-number", key, col.invalid, column=header, value=_displays(raw, col.invalid))
        self.add("number-as-text", key, col.as_text, column=header, value=_displays(raw, col.as_text),
                 number=_numbers(col.value, col.as_text))
        with np.errstate(invalid="ignore"):
            out = np.isfinite(col.value) & ((col.value < 0) | (col.value > float(maximum)))
        self.add("score-out-of-range", key, out, column=header, value=_numbers(col.value, out),
                 maximum=fmt_number(maximum))
        if decimals is not None:
            many = col.decimals_over(decimals) & ~out
            self.add("too-many-decimals", key, many, column=header, value=_numbers(col.value, many))
        return col

    def scores(self) -> dict[str, NumberColumn]:
        parsed = {}
        for key in SCORE_KEYS:
            if self.present(key):
                maximum = self.rules.maximum(self.header(key))
                parsed[key] = self.number_column(key, maximum, blank_code="score-blank", decimals=self.rules.max_decimals)
        return parsed

    def totals(self, parsed: dict[str, NumberColumn]) -> None:
        self.item_sum = _item_sum(parsed, len(self.frame))
        if not self.present("self_total"):
            return
        col = self.number_column("self_total", self.rules.total, blank_code=None, decimals=None)
        header = self.header("self_total")
        self.add("total-blank", "self_total", col.blank, column=header, total=_numbers(self.item_sum, col.blank, "—"))
        given = np.isfinite(col.value)
        with np.errstate(invalid="ignore"):
            differs = given & np.isfinite(self.item_sum) & (np.abs(col.value - self.item_sum) > 1e-6)
        self.add("total-mismatch", "self_total", differs, self.rules.total_mismatch_severity, column=header,
                 value=_numbers(col.value, differs), total=_numbers(self.item_sum, differs))
        self.self_total = np.where(given, col.value, np.where(col.blank, self.item_sum, np.nan))

    def bureau(self, import_mode: bool) -> None:
        if not self.present("bureau_score"):
            return
        col = self.number_column("bureau_score", self.rules.total,
                                 blank_code="bureau-score-blank" if import_mode else None, decimals=None)
        self.bureau_score = col.value

    def duplicates(self) -> None:
        if not (self.present("hospital_code") and self.present("variety_code")):
            return
        codes, varieties = self.text("hospital_code"), self.text("variety_code")
        keyed = (codes != "") & (varieties != "")
        if not keyed.any():
            return
        keys = pd.DataFrame({"code": codes[keyed], "variety": varieties[keyed], "row": self.rows[keyed]})
        later = keys.duplicated(["code", "variety"], keep="first").to_numpy()
        if not later.any():
            return
        first_row = keys.groupby(["code", "variety"], sort=False)["row"].transform("first").to_numpy()
        for i in np.flatnonzero(later):
            key_text = f"医疗机构编号 {keys['code'].iat[i]}，品种序号 {keys['variety'].iat[i]}"
            self.findings.append(finding("duplicate-row", self.sheet, f"{ROW_CELL_LETTER}{int(keys['row'].iat[i])}",
                                         first_row=int(first_row[i]), key=key_text))

    def name_conflicts(self) -> None:
        if not (self.present("hospital_code") and self.present("hospital_name")):
            return
        codes, names = self.text("hospital_code"), self.text("hospital_name")
        named = (codes != "") & (names != "")
        if not named.any():
            return
        table = pd.DataFrame({"code": codes[named], "name": names[named], "row": self.rows[named]})
        groups = table.groupby("code", sort=False)
        first_name = groups["name"].transform("first").to_numpy(dtype=object)
        first_row = groups["row"].transform("first").to_numpy()
        conflict = table["name"].to_numpy(dtype=object) != first_name
        for i in np.flatnonzero(conflict):
            row = int(table["row"].iat[i])
            self.findings.append(finding("name-conflict", self.sheet, self.loc.cell("hospital_name", row),
                                         code=table["code"].iat[i], name=table["name"].iat[i],
                                         first_row=int(first_row[i]), first_name=first_name[i]))

    def district(self, district: str) -> None:
        if not self.present("district"):
            return
        values = self.text("district")
        outside = values != normalize_text(district)
        self.add("district-mismatch", "district", outside, value=values, district=district)

    # -- output
    def table(self, parsed: dict[str, NumberColumn]) -> pd.DataFrame:
        n = len(self.frame)
        data: dict[str, object] = {"row": self.rows.astype(int)}
        for key in ("district", "hospital_code", "hospital_name", "variety_code", "variety_name", "spec"):
            data[key] = self.text(key) if self.present(key) else np.full(n, "", dtype=object)
        for key in SCORE_KEYS:
            data[key] = parsed[key].value if key in parsed else np.full(n, np.nan)
        data["self_total"] = self.self_total
        data["bureau_score"] = self.bureau_score
        return pd.DataFrame(data, index=pd.Index(self.rows.astype(int), name="excel_row"))


# ------------------------------------------------------------------ small helpers


def _item_sum(parsed: dict[str, NumberColumn], n: int) -> np.ndarray:
    """Sum of G..P per row; NaN when a column is missing or a row has a non-number item."""
    if len(parsed) < len(SCORE_KEYS):
        return np.full(n, np.nan)
    total = np.zeros(n)
    for col in parsed.values():
        total = total + col.value  # NaN propagates
    return np.round(total, 6)


_NOTHING = np.empty(0, dtype=object)  # field arrays are only indexed where a mask is True


def _displays(raw: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if not mask.any():
        return _NOTHING
    out = np.full(len(raw), "", dtype=object)
    for i in np.flatnonzero(mask):
        out[i] = display(raw[i])
    return out


def _numbers(values: np.ndarray, mask: np.ndarray, nan_text: str = "") -> np.ndarray:
    if not mask.any():
        return _NOTHING
    out = np.full(len(values), "", dtype=object)
    for i in np.flatnonzero(mask):
        out[i] = fmt_number(values[i]) if np.isfinite(values[i]) else nan_text
    return out


def _has_value(row: list) -> bool:
    """Same rule as cells.blank_mask, for one row; stops at the first value."""
    for v in row:
        if v is None or (isinstance(v, float) and v != v):
            continue
        if isinstance(v, str) and (v == "" or v.isspace()):
            continue
        return True
    return False


def _sheet_is_blank(sheet: SheetData) -> bool:
    return not any(_has_value(r) for r in sheet.rows)


def _nonblank_body_rows(sheet: SheetData, header_row: int) -> int:
    return sum(1 for r in sheet.rows[header_row - sheet.first_row + 1:] if _has_value(r))


def _empty_scores() -> pd.DataFrame:
    columns = ["row", *TEXT_KEYS, *SCORE_KEYS, "self_total", "bureau_score"]
    return pd.DataFrame({c: pd.Series(dtype=object if c in TEXT_KEYS else float) for c in columns},
                        index=pd.Index([], dtype=int, name="excel_row"))
