"""结余留用: surplus and retained amounts per 测算数据 line, per hospital and per 区域 (SPEC §4.3).

Money is exact: every amount is held as integer cents (numpy int64), obtained from the cell
value by Decimal half-up rounding to 0.01 (`to_cents`), multiplied by the exact rational of
the 留用比例 and rounded half-up to the cent with integer arithmetic. So the result equals
`(Decimal(amount) * ratio).quantize(Decimal("0.01"), ROUND_HALF_UP)` line by line, without
building 100,000 Decimal objects; totals are sums of the rounded lines. `RetentionResult.money`
turns cents into Decimal at the edge.

Decisions where SPEC is silent:
* score-missing and duplicate-row are reported at column A of the 测算数据 row (a row problem);
  detail-missing (info) at column A of the score-sheet row.
* 约定采购量 = 0 is a zero-denominator finding with severity error (SPEC: "an error finding").
* A line with an error in its amounts, its 险种 or its key (duplicate) gets no amounts at all
  (budget, surplus and retained null) so that totals stay the sum of the lines shown.
* A bureau score that is not a number or outside 0..total is reported at its cell and treated
  as missing. Duplicate score rows: the first one counts (the score check reports duplicates).
* 区域汇总.varieties is the sum of its hospitals' 考核品种数 (hospital x variety pairs).
* Hospitals and districts are listed in order of first appearance in 测算数据.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from engine.cells import display, fmt_number, parse_numbers, text_column
from engine.columns import DETAIL_SHEET, FUNDS, SCORE_SHEET, Template
from engine.findings import Finding, finding, sort_key
from engine.scheme import RetentionRules, Scheme, SchemeError
from engine.sheet import Located, SheetData, locate

EMPLOYEE, RESIDENT = FUNDS
TEXT_KEYS = ("district", "hospital_code", "hospital_name", "variety_code", "fund")  # compared or grouped
LABEL_KEYS = ("variety_name", "spec")  # only shown: kept as the clerk typed them
DEFAULT_SCORE_TOTAL = Decimal(100)
_INT64_SAFE = 2**62
# No single line of 医保基金 reaches 1万亿 元; above it a value is a typo (or 1e300), and exact
# cents of it would not fit the int64 arithmetic.
MONEY_LIMIT = 1e12
_CENT = Decimal("0.01")


# ------------------------------------------------------------------ exact money in cents


def to_cents(values: np.ndarray) -> np.ndarray:
    """Finite floats -> int64 cents, rounded half-up like Decimal(repr(x)).quantize(0.01).

    A value with at most 2 decimals is exactly rint(x*100) (checked by dividing back: x is the
    float nearest to cents/100 then). Only the others (they get a too-many-decimals warning
    anyway) go through Decimal one by one."""
    values = np.asarray(values, dtype=float)
    cents = np.rint(values * 100)
    exact = (cents / 100 == values) & (np.abs(cents) < 2**53)
    out = np.where(exact, cents, 0).astype(np.int64)
    for i in np.flatnonzero(~exact):
        out[i] = int(Decimal(repr(float(values[i]))).scaleb(2).quantize(Decimal(1), ROUND_HALF_UP))
    return out


def more_than_two_decimals(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    cents = np.rint(values * 100)
    return np.isfinite(values) & ~((cents / 100 == values) & (np.abs(cents) < 2**53))


def apply_ratio(cents: np.ndarray, ratio: Decimal) -> np.ndarray:
    """round_half_up(cents x ratio) for non-negative int64 cents, exactly (ratio = p/q)."""
    p, q = ratio.as_integer_ratio()
    cents = np.asarray(cents, dtype=np.int64)
    if p == 0 or not len(cents):
        return np.zeros(len(cents), dtype=np.int64)
    if 2 * int(cents.max()) * p + q < _INT64_SAFE:
        return (2 * cents * p + q) // (2 * q)
    return np.array([(2 * int(c) * p + q) // (2 * q) for c in cents], dtype=np.int64)


def apply_ratios(cents: np.ndarray, index: np.ndarray, ratios: list[Decimal]) -> np.ndarray:
    """apply_ratio row by row with ratios[index[i]] (0 where index is -1), one exact integer pass
    per distinct ratio: rows are grouped by one stable sort, never by comparing Decimals per row
    (the linear rule can give a thousand distinct ratios)."""
    out = np.zeros(len(cents), dtype=np.int64)
    if not ratios or not (index >= 0).any():
        return out
    group_of: dict[Decimal, int] = {}
    group = np.array([group_of.setdefault(r, len(group_of)) for r in ratios], dtype=np.int64)
    row_group = np.where(index >= 0, group[np.maximum(index, 0)], -1)
    order = np.argsort(row_group, kind="stable")
    sorted_groups = row_group[order]
    bounds = np.searchsorted(sorted_groups, np.arange(len(group_of) + 1), side="left")
    for r, g in group_of.items():
        rows = order[bounds[g]:bounds[g + 1]]
        if len(rows):
            out[rows] = apply_ratio(cents[rows], r)
    return out


def cents_to_decimal(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2).quantize(_CENT)


# ------------------------------------------------------------------ ratio rules


def score_total(scheme: Scheme) -> Decimal:
    return scheme.score.total if scheme.score is not None else DEFAULT_SCORE_TOTAL


def ratio_for(score: float, rules: RetentionRules, total: Decimal) -> Decimal:
    """留用比例 of one score: the first tier reached, or linear_cap x score / total."""
    if rules.rule == "linear":
        return rules.linear_cap * Decimal(repr(float(score))) / total
    for tier in rules.tiers:
        if score >= float(tier.min_score):
            return tier.ratio
    return rules.below_tiers_ratio


def retention_rules(scheme: Scheme) -> RetentionRules:
    if scheme.retention is None:
        raise SchemeError(f"方案 {scheme.name} 没有 [retention] 部分，不能用于计算结余留用。")
    return scheme.retention


# ------------------------------------------------------------------ result


@dataclass
class RetentionResult:
    """Frames of the computation. Money columns are integer cents (nullable Int64, <NA> = no
    amount); `money()` gives Decimal. details is indexed by the Excel row of 测算数据."""

    details: pd.DataFrame
    hospitals: pd.DataFrame
    districts: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    what_if: pd.DataFrame | None = None            # per hospital x variety, see engine.what_if
    what_if_hospitals: pd.DataFrame | None = None  # per hospital
    header_row: int = 1                            # Excel row of the 测算数据 header

    @staticmethod
    def money(cents) -> Decimal | None:
        return None if cents is None or pd.isna(cents) else cents_to_decimal(int(cents))

    def _detail_columns(self) -> dict[str, list]:
        d = self.details
        return {"hospital_code": _text(d["hospital_code"]), "variety_code": _text(d["variety_code"]),
                "fund": _text(d["fund"], none_if_blank=True), "budget": _yuan(d["budget_cents"]),
                "spending": _yuan(d["spending_cents"]), "surplus": _yuan(d["surplus_cents"]),
                "completion_rate": _floats(d["completion_rate"]), "score": _floats(d["score"]),
                "ratio": _floats(d["ratio"]), "retained": _yuan(d["retained_cents"])}

    def to_json(self) -> dict:
        """SPEC §5 shape: money in 元 rounded to 0.01, rates as fractions, null where undefined."""
        out = {"details": _records(self.details, self._detail_columns()), **self._summaries()}
        if self.what_if_hospitals is not None:
            from engine.what_if import what_if_json
            out["what_if"] = what_if_json(self)
        return out

    def to_json_text(self) -> str:
        """json.dumps(self.to_json(), ensure_ascii=False), byte for byte, ~3x faster on 100k lines:
        each detail line is one %-format of pre-encoded values (codes encoded once per distinct
        value; floats with repr, as json does)."""
        d = self.details
        encoded = []
        for key, values in (("hospital_code", _text(d["hospital_code"])), ("variety_code", _text(d["variety_code"])),
                            ("fund", _text(d["fund"], none_if_blank=True))):
            cache = {v: json.dumps(v, ensure_ascii=False) for v in set(values)}
            encoded.append([cache[v] for v in values])
        for key, scale in DETAIL_NUMBERS:
            numbers = d[key].to_numpy(dtype="float64", na_value=np.nan)
            numbers = numbers / 100 if scale else numbers
            encoded.append(["null" if v != v else repr(v) for v in numbers.tolist()])  # one pass, as json does
        template = "{" + ", ".join(f'"{k}": %s' for k in DETAIL_KEYS) + "}"
        details = ", ".join([template % row for row in zip(*encoded)])
        rest = self._summaries()
        if self.what_if_hospitals is not None:
            from engine.what_if import what_if_json
            rest["what_if"] = what_if_json(self)
        tail = json.dumps(rest, ensure_ascii=False)
        return '{"details": [' + details + "], " + tail[1:] if tail != "{}" else '{"details": [' + details + "]}"

    def _summaries(self) -> dict:
        return {"hospitals": _summary_records(self.hospitals, ("district", "hospital_code", "varieties")),
                "districts": _summary_records(self.districts, ("district", "hospitals", "varieties")),
                "findings": [f.as_dict() for f in sorted(self.findings, key=sort_key)]}


DETAIL_KEYS = ("hospital_code", "variety_code", "fund", "budget", "spending", "surplus", "completion_rate", "score",
               "ratio", "retained")
# (frame column, holds cents) of the numeric detail keys, in DETAIL_KEYS order
DETAIL_NUMBERS = (("budget_cents", True), ("spending_cents", True), ("surplus_cents", True),
                  ("completion_rate", False), ("score", False), ("ratio", False), ("retained_cents", True))
SUMMARY_MONEY = ("budget", "surplus", "retained_employee", "retained_resident", "retained_total")


def _summary_records(frame: pd.DataFrame, head: tuple[str, ...]) -> list[dict]:
    cols = {k: [int(x) if isinstance(x, (int, np.integer)) else x for x in frame[k].tolist()] for k in head}
    cols.update({k: _yuan(frame[f"{k}_cents"]) for k in SUMMARY_MONEY})
    return _records(frame, cols)


def _records(frame: pd.DataFrame, columns: dict[str, list]) -> list[dict]:
    keys = list(columns)
    return [dict(zip(keys, values)) for values in zip(*columns.values())] if len(frame) else []


def _yuan(cents: pd.Series) -> list:
    """Int64 cents -> float 元 (cents/100 is correctly rounded: the float of the Decimal)."""
    values = cents.to_numpy(dtype="float64", na_value=np.nan) / 100
    return [None if v != v else v for v in values.tolist()]


def _floats(series: pd.Series) -> list:
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return [None if v != v else v for v in values.tolist()]


def _text(series: pd.Series, none_if_blank: bool = False) -> list:
    values = series.tolist()
    return [None if (none_if_blank and not v) else v for v in values]


# ------------------------------------------------------------------ scores


@dataclass
class ScoreTable:
    scores: pd.Series                 # "hospital\x1fvariety" -> score (float), first occurrence
    keys: np.ndarray                  # key of every score row with a score ('' if no code)
    rows: np.ndarray                  # Excel rows of those score rows
    has_score: np.ndarray             # the row has a usable score
    findings: list[Finding]
    sheet: str


# the three columns retention needs; locating only them skips building 15 unused columns
SCORE_KEYS = Template(sheet=SCORE_SHEET.sheet, columns=tuple(
    SCORE_SHEET.column(k) for k in ("hospital_code", "variety_code", "bureau_score")))


def read_scores(scores: SheetData, scheme: Scheme) -> ScoreTable:
    """(医疗机构编号, 品种序号) -> 医保考核评分 from a 考核结果 / 自评分数表 sheet. Only the three
    columns are read; the full sheet check is `jicai scores check`'s job."""
    located = locate(scores, SCORE_KEYS)  # header findings about the other 15 columns are not ours
    findings: list[Finding] = []
    for key in sorted(located.missing, key=SCORE_SHEET.index):
        findings.append(finding("header-mismatch", scores.name, f"{SCORE_SHEET.letter(key)}{located.header_row}",
                                expected=SCORE_SHEET.column(key).header, actual="",
                                hint="表中找不到该栏目，无法读取考核评分。"))
    frame = located.frame
    rows = located.rows
    hospital = text_column(frame["hospital_code"]).to_numpy(dtype=object)
    variety = text_column(frame["variety_code"]).to_numpy(dtype=object)
    keyed = (hospital != "") & (variety != "")
    keys = np.where(keyed, hospital + "\x1f" + variety, "") if len(frame) else np.array([], dtype=object)
    number = parse_numbers(frame["bureau_score"])
    value = number.value
    total = float(score_total(scheme))
    header = SCORE_SHEET.column("bureau_score").header
    raw = number.raw.to_numpy(dtype=object)
    if "bureau_score" not in located.missing:
        for i in np.flatnonzero(number.invalid):
            findings.append(finding("not-a-number", scores.name, located.cell("bureau_score", int(rows[i])),
                                    column=header, value=display(raw[i])))
        with np.errstate(invalid="ignore"):
            out_of_range = np.isfinite(value) & ((value < 0) | (value > total))
        for i in np.flatnonzero(out_of_range):
            findings.append(finding("score-out-of-range", scores.name, located.cell("bureau_score", int(rows[i])),
                                    column=header, value=fmt_number(value[i]), maximum=fmt_number(total)))
    else:
        out_of_range = np.zeros(len(frame), dtype=bool)
    has_score = keyed & np.isfinite(value) & ~out_of_range
    table = pd.Series(value[has_score], index=keys[has_score], dtype=float)
    table = table[~table.index.duplicated(keep="first")]
    return ScoreTable(table, keys, rows, has_score, findings, scores.name)


# ------------------------------------------------------------------ details


class _Details:
    """Parsed 测算数据 columns, with findings collected as the rules run."""

    def __init__(self, located: Located):
        self.loc = located
        self.frame = located.frame
        self.rows = located.rows
        self.n = len(self.frame)
        self.sheet = located.sheet
        self.findings: list[Finding] = list(located.findings)
        self.blank: dict[str, np.ndarray] = {}
        self.text = {k: text_column(self.frame[k]).to_numpy(dtype=object) if self.n else np.array([], dtype=object)
                     for k in TEXT_KEYS}

    def present(self, key: str) -> bool:
        return key not in self.loc.missing

    def add(self, code: str, key: str | None, mask: np.ndarray, severity: str | None = None, **fields) -> None:
        for i in np.flatnonzero(mask):
            values = {k: (v(i) if callable(v) else v[i] if isinstance(v, (np.ndarray, list)) else v)
                      for k, v in fields.items()}
            cell = self.loc.cell(key, int(self.rows[i])) if key else f"A{int(self.rows[i])}"
            self.findings.append(finding(code, self.sheet, cell, severity, **values))

    def required(self, number_blank: dict[str, np.ndarray]) -> None:
        """required-blank; text columns are blank when their canonical text is '' (cheaper than
        blank_mask on 100k cells), number columns use the blank mask of their parse."""
        for column in DETAIL_SHEET.columns:
            if column.required and self.present(column.key):
                blank = number_blank[column.key] if column.key in number_blank else self.text[column.key] == ""
                self.add("required-blank", column.key, blank, column=column.header)

    def fund(self) -> np.ndarray:
        fund = self.text["fund"]
        ok = np.isin(fund, FUNDS)
        if self.present("fund"):
            self.add("unknown-fund", "fund", ~ok & (fund != ""), value=fund)
        return ok

    def number(self, key: str, *, money: bool) -> tuple[np.ndarray, np.ndarray]:
        """(value, usable): usable = a number >= 0; findings for text, negatives, decimals."""
        col = parse_numbers(self.frame[key])
        self.blank[key] = col.blank
        if not self.present(key):
            return col.value, np.zeros(self.n, dtype=bool)
        header = DETAIL_SHEET.column(key).header
        raw = col.raw.to_numpy(dtype=object)
        shown = lambda i: display(raw[i])  # noqa: E731  (formatted only for the cells reported)
        number = lambda i: fmt_number(col.value[i])  # noqa: E731
        self.add("not-a-number", key, col.invalid, column=header, value=shown)
        self.add("number-as-text", key, col.as_text, column=header, value=shown, number=number)
        with np.errstate(invalid="ignore"):
            negative = np.isfinite(col.value) & (col.value < 0)
        self.add("negative-value", key, negative, column=header, value=number)
        usable = np.isfinite(col.value) & ~negative
        if money:
            with np.errstate(invalid="ignore"):
                too_large = usable & (col.value >= MONEY_LIMIT)
            self.add("amount-too-large", key, too_large, column=header, value=number, limit=f"{MONEY_LIMIT:,.0f}")
            usable &= ~too_large
            over = more_than_two_decimals(np.where(usable, col.value, 0.0)) & usable
            self.add("too-many-decimals", key, over, column=header, value=number)
        return col.value, usable

    def duplicates(self) -> np.ndarray:
        h, v, f = self.text["hospital_code"], self.text["variety_code"], self.text["fund"]
        keyed = (h != "") & (v != "") & (f != "")
        later = np.zeros(self.n, dtype=bool)
        if not keyed.any():
            return later
        keys = pd.DataFrame({"h": h[keyed], "v": v[keyed], "f": f[keyed], "row": self.rows[keyed]})
        dup = keys.duplicated(["h", "v", "f"], keep="first").to_numpy()
        if dup.any():
            first_row = keys.groupby(["h", "v", "f"], sort=False)["row"].transform("first").to_numpy()
            for i in np.flatnonzero(dup):
                self.findings.append(finding(
                    "duplicate-row", self.sheet, f"A{int(keys['row'].iat[i])}", first_row=int(first_row[i]),
                    key=f"医疗机构编号 {keys['h'].iat[i]}，品种序号 {keys['v'].iat[i]}，险种 {keys['f'].iat[i]}"))
            later[np.flatnonzero(keyed)[dup]] = True
        return later


def compute_retention(details: SheetData, scores: SheetData, scheme: Scheme, *, what_if: bool = False) -> RetentionResult:
    """Compute 结余留用 for every 测算数据 line (see module doc). Inputs are never changed."""
    rules = retention_rules(scheme)
    total = score_total(scheme)
    located = locate(details, DETAIL_SHEET)
    d = _Details(located)
    agreed, agreed_ok = d.number("agreed_volume", money=False)
    actual, actual_ok = d.number("actual_volume", money=False)
    budget, budget_ok = d.number("budget", money=True)
    spending, spending_ok = d.number("spending", money=True)
    d.required(d.blank)
    fund_ok = d.fund()
    zero_agreed = agreed_ok & (agreed == 0)
    d.add("zero-denominator", "agreed_volume", zero_agreed, severity="error",
          column=DETAIL_SHEET.column("agreed_volume").header, indicator="约定采购量完成率")
    duplicate = d.duplicates()

    # completion rate
    rate_ok = agreed_ok & actual_ok & ~zero_agreed
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(rate_ok, actual / np.where(rate_ok, agreed, 1.0), np.nan)

    # scores
    table = read_scores(scores, scheme)
    d.findings.extend(table.findings)
    h, v = d.text["hospital_code"], d.text["variety_code"]
    keyed = (h != "") & (v != "")
    detail_keys = np.where(keyed, h + "\x1f" + v, "") if d.n else np.array([], dtype=object)
    score = pd.Series(detail_keys, dtype=object).map(table.scores).to_numpy(dtype=float, copy=True) if d.n else np.array([])
    score[~keyed] = np.nan
    score_ok = np.isfinite(score)
    for i in np.flatnonzero(keyed & ~score_ok & ~duplicate):
        d.findings.append(finding("score-missing", d.sheet, f"A{int(d.rows[i])}",
                                  subject=f"医疗机构 {h[i]} 的品种 {v[i]} "))
    detail_set = set(detail_keys[keyed].tolist())
    orphan = table.has_score & np.array([k not in detail_set for k in table.keys], dtype=bool)
    for i in np.flatnonzero(orphan):
        hc, vc = table.keys[i].split("\x1f")
        d.findings.append(finding("detail-missing", table.sheet, f"A{int(table.rows[i])}",
                                  subject=f"医疗机构 {hc} 的品种 {vc} "))

    # ratio per distinct score; ratio_index[i] = position of row i's ratio in `ratios` (-1: none)
    ratio = np.full(d.n, np.nan)
    ratio_index = np.full(d.n, -1, dtype=np.int64)
    ratios: list[Decimal] = []
    if score_ok.any():
        uniq, inverse = np.unique(score[score_ok], return_inverse=True)
        ratios = [ratio_for(s, rules, total) for s in uniq.tolist()]
        ratio_index[score_ok] = inverse
        ratio[score_ok] = np.array([float(r) for r in ratios])[inverse]

    # money
    money_ok = budget_ok & spending_ok & fund_ok & ~duplicate
    budget_c = np.zeros(d.n, dtype=np.int64)
    spending_c = np.zeros(d.n, dtype=np.int64)
    budget_c[money_ok] = to_cents(budget[money_ok])
    spending_c[money_ok] = to_cents(spending[money_ok])
    surplus_c = np.maximum(budget_c - spending_c, 0)
    eligible = money_ok & score_ok & rate_ok
    completed = ~np.asarray(rules.require_completion, dtype=bool) | (
        np.nan_to_num(rate, nan=-1.0) >= float(rules.min_completion_rate) - 1e-12)
    compute = eligible & completed
    retained_c = apply_ratios(surplus_c, np.where(compute, ratio_index, -1), ratios)

    frame = pd.DataFrame({k: d.text[k] for k in TEXT_KEYS}, index=pd.Index(d.rows, name="row"))
    for k in LABEL_KEYS:
        frame[k] = d.frame[k].to_numpy(dtype=object)
    frame["fund"] = np.where(fund_ok, d.text["fund"], "")
    frame["agreed_volume"] = np.where(agreed_ok, agreed, np.nan)
    frame["actual_volume"] = np.where(actual_ok, actual, np.nan)
    frame["budget_cents"] = _nullable(budget_c, money_ok)
    frame["spending_cents"] = _nullable(spending_c, money_ok)
    frame["surplus_cents"] = _nullable(surplus_c, money_ok)
    frame["completion_rate"] = rate
    frame["score"] = score
    frame["ratio"] = ratio
    frame["retained_cents"] = _nullable(retained_c, eligible)
    frame["completion_met"] = rate_ok & completed

    hospitals = _hospitals(frame)
    districts = _districts(hospitals)
    result = RetentionResult(frame, hospitals, districts, sorted(d.findings, key=sort_key),
                             header_row=located.header_row)
    if what_if:
        from engine.what_if import add_what_if
        add_what_if(result, scheme)
    return result


def _nullable(values: np.ndarray, ok: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.where(ok, values, 0).astype(np.int64), ~ok)


def _hospitals(details: pd.DataFrame) -> pd.DataFrame:
    """考核品种数, 预算, 结余, 职保留用, 居保留用, 合计 per hospital (sums of rounded lines)."""
    coded = details[details["hospital_code"] != ""]
    cols = ["district", "hospital_code", "hospital_name", "varieties", *(f"{k}_cents" for k in SUMMARY_MONEY)]
    if coded.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    codes, uniques = pd.factorize(coded["hospital_code"], sort=False)
    fund = coded["fund"].to_numpy(dtype=object)
    retained = coded["retained_cents"].to_numpy(dtype=np.int64, na_value=0)
    sums = pd.DataFrame({
        "budget_cents": coded["budget_cents"].to_numpy(dtype=np.int64, na_value=0),
        "surplus_cents": coded["surplus_cents"].to_numpy(dtype=np.int64, na_value=0),
        "retained_employee_cents": np.where(fund == EMPLOYEE, retained, 0),
        "retained_resident_cents": np.where(fund == RESIDENT, retained, 0),
    }).groupby(codes, sort=True).sum()
    firsts = pd.DataFrame({"district": coded["district"].to_numpy(dtype=object),
                           "hospital_name": coded["hospital_name"].to_numpy(dtype=object)}).groupby(codes, sort=True).first()
    variety = coded["variety_code"].to_numpy(dtype=object)
    varieties = pd.Series(np.where(variety == "", None, variety)).groupby(codes, sort=True).nunique()
    out = pd.DataFrame({"district": firsts["district"].to_numpy(dtype=object),
                        "hospital_code": np.asarray(uniques, dtype=object),
                        "hospital_name": firsts["hospital_name"].to_numpy(dtype=object),
                        "varieties": varieties.to_numpy(dtype=np.int64)})
    for k in ("budget_cents", "surplus_cents", "retained_employee_cents", "retained_resident_cents"):
        out[k] = sums[k].to_numpy(dtype=np.int64)
    out["retained_total_cents"] = out["retained_employee_cents"] + out["retained_resident_cents"]
    return out


def _districts(hospitals: pd.DataFrame) -> pd.DataFrame:
    money = [f"{k}_cents" for k in SUMMARY_MONEY]
    if hospitals.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ["district", "hospitals", "varieties", *money]})
    grouped = hospitals.groupby("district", sort=False)
    out = grouped[["varieties", *money]].sum()
    out.insert(0, "hospitals", grouped.size())
    return out.reset_index()[["district", "hospitals", "varieties", *money]]
