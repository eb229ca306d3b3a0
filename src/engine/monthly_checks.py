"""Checks of the monthly report that compare rows, months or sheets (SPEC §4.4).

* name-conflict / region-conflict: one 机构编码 with two names, or in two 县(区)/市 — within
  机构月报, within 回款明细, and 回款明细 against 机构月报 (the report's row is the reference).
* change-needs-remark: J, K, M or N changed by more than the scheme's threshold from the
  previous month with an empty 备注 (warning at the changed cell; the report month only).
* institution-missing: present last month, absent now (warning at column A of its last row).
* report-late: the report date is after day `deadline_day` of the next month (info at A1).
* zero-denominator: a rate of the report month that cannot be computed (warning at the
  denominator cell).
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from engine.cells import fmt_number
from engine.findings import Finding, finding
from engine.monthly_ledger import LedgerTable
from engine.monthly_report import ReportTable, month_text, previous_month

CHANGE_KEYS = ("purchase_sty", "purchase_all", "purchased", "settled")
# (indicator, numerator, denominator) of SPEC §4.4
RATES = (("配备率", "equipped_sty", "equipped_all"), ("配送率", "delivered_sty", "declared_sty"),
         ("使用率", "purchase_sty", "purchase_all"), ("回款率", "settled", "purchased"))


def _distinct(codes: np.ndarray, parts: list[np.ndarray], rows: np.ndarray, ids: list | None = None
              ) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's (code, value) pair id, and the distinct pairs (code, value, row of first
    occurrence, key) — a million ledger rows hold only a few thousand pairs, so the comparison
    runs on those. value = the parts joined by a space; pairs with a blank part are left out
    (that is a required-blank finding already). Pair ids number pairs by first appearance."""
    ids = ids or [None] * (len(parts) + 1)
    code_ids = _ids(codes, ids[0])
    part_ids = [_ids(part, known) for part, known in zip(parts, ids[1:])]
    n = len(code_ids)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return empty, pd.DataFrame({"code": codes[:0], "value": [], "first": empty, "row": rows[:0], "key": empty})
    # Almost every row repeats its code's first pair: only the codes' first rows and the rows
    # that differ from them can hold a pair's first appearance, so only those are hashed.
    first_of_code = np.full(int(code_ids.max()) + 1, n, dtype=np.intp)
    first_of_code[code_ids[::-1]] = np.arange(n - 1, -1, -1)
    first_row = first_of_code[code_ids]
    as_first = np.ones(n, dtype=bool)
    for p in part_ids:
        as_first &= p == p[first_row]
    others = np.flatnonzero(~as_first)
    candidates = np.union1d(others, first_of_code[first_of_code < n])
    key = code_ids[candidates].astype(np.int64)
    for p in part_ids:
        values = p[candidates].astype(np.int64)
        key = key * (int(values.max(initial=0)) + 1) + values
        if key.max(initial=0) > 2**40:  # keep the combined id far from int64 overflow
            key = pd.factorize(key)[0].astype(np.int64)
    candidate_ids = pd.factorize(key)[0].astype(np.int64)
    at_candidate = np.empty(n, dtype=np.int64)  # only set (and read) at candidate rows
    at_candidate[candidates] = candidate_ids
    pair = at_candidate[first_row]                 # each row: its code's first pair ...
    pair[others] = at_candidate[others]            # ... unless it differs from it
    first = candidates[candidate_ids > np.maximum.accumulate(np.concatenate([[-1], candidate_ids[:-1]]))]
    blank = codes[first] == ""
    for part in parts:
        blank |= part[first] == ""
    first = first[~blank]
    value = [" ".join(str(p[i]) for p in parts) for i in first]
    pairs = pd.DataFrame({"code": codes[first], "value": value, "first": first, "row": rows[first], "key": pair[first]})
    return pair, pairs  # already in order of first appearance


def _ids(values: np.ndarray, known: np.ndarray | None) -> np.ndarray:
    """Ids numbered from 0 by first appearance (known ones are canonical_text's)."""
    return known if known is not None else pd.factorize(values, use_na_sentinel=False)[0]


def _reference(pairs: pd.DataFrame) -> pd.DataFrame:
    """The first value of each code (index code; columns value, row_label)."""
    first = pairs.drop_duplicates("code").set_index("code")
    return first.assign(row_label=first["row"].astype(int).astype(str))[["value", "row_label"]]


def _conflicting_rows(key: np.ndarray, pairs: pd.DataFrame, reference: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    ref = pairs["code"].map(reference["value"])
    bad = pairs[ref.notna().to_numpy() & (pairs["value"].to_numpy() != ref.to_numpy())]
    if not len(bad):
        return np.zeros(0, dtype=np.int64), bad
    flagged = np.zeros(int(key.max()) + 1, dtype=bool)
    flagged[bad["key"].to_numpy()] = True
    return np.flatnonzero(flagged[key]), bad


def conflicts(report: ReportTable, ledger: LedgerTable | None) -> list[Finding]:
    """name-conflict and region-conflict (see module doc), at the name / county (or city) cell."""
    out: list[Finding] = []
    tables = [report] + ([ledger] if ledger is not None else [])
    references: dict[str, pd.DataFrame] = {}
    for table in tables:
        # the ledger's arrays as they are (its DataFrame is only built when output needs it)
        f, rows = (table.columns if isinstance(table, LedgerTable) else table.frame), table.located.rows
        codes = np.asarray(f["code"])
        known = getattr(table, "ids", {})
        checks = (("name", ["name"]), ("region", ["city", "county"]))
        for what, keys in checks:
            parts = [np.asarray(f[k]) for k in keys]
            key, pairs = _distinct(codes, parts, rows, [known.get(k) for k in ("code", *keys)])
            own = _reference(pairs)
            if table is report:
                references[what] = reference = own
            else:  # the report's value first, else the ledger's own first row
                base = references[what].assign(row_label=lambda t: t["row_label"] + f"（“{report.sheet}”表）")
                reference = pd.concat([base, own[~own.index.isin(base.index)]])
            positions, _ = _conflicting_rows(key, pairs, reference)
            for i in positions:
                code = codes[i]
                first = reference.loc[code]
                if what == "name":
                    out.append(finding("name-conflict", table.sheet, table.cell("name", int(rows[i])), code=code,
                                       name=parts[0][i], first_row=first["row_label"], first_name=first["value"]))
                else:
                    city, county = parts[0][i], parts[1][i]
                    at = "county" if county != first["value"].split(" ")[-1] else "city"
                    out.append(finding("region-conflict", table.sheet, table.cell(at, int(rows[i])), code=code,
                                       value=f"{city} {county}", first_row=first["row_label"], first_value=first["value"]))
    return out


def zero_denominators(report: ReportTable, month: pd.DataFrame) -> list[Finding]:
    out: list[Finding] = []
    for indicator, _, den in RATES:
        if den in report.located.missing:
            continue
        for row in month.index[month[den].to_numpy() == 0]:
            out.append(finding("zero-denominator", report.sheet, report.cell(den, int(row)),
                               column=report.located.template.column(den).header, indicator=indicator))
    return out


def changes_need_remark(report: ReportTable, month: pd.DataFrame, previous: pd.DataFrame, threshold: float) -> list[Finding]:
    """Rows of the report month whose amount moved by more than `threshold` (0.5 = 50%) from
    the previous month with an empty 备注. From 0 to anything positive counts as a change."""
    out: list[Finding] = []
    if not len(month) or not len(previous):
        return out
    prev = previous.drop_duplicates("code").set_index("code")
    no_remark = month["remark"].to_numpy() == ""
    for key in CHANGE_KEYS:
        if key in report.located.missing:
            continue
        now = month[key].to_numpy(dtype=float)
        before = month["code"].map(prev[key]).to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.abs(now - before) / before
            change = np.where(before == 0, np.where(now > 0, np.inf, 0.0), change)
        bad = no_remark & np.isfinite(now) & np.isfinite(before) & (change > threshold + 1e-12)
        header, limit = report.located.template.column(key).header, f"{threshold:.0%}"
        for row, n, b in zip(month.index[bad].tolist(), now[bad].tolist(), before[bad].tolist()):
            out.append(finding("change-needs-remark", report.sheet, report.cell(key, row), column=header,
                               previous=fmt_number(b), value=fmt_number(n), threshold=limit))
    return out


def missing_institutions(report: ReportTable, month: pd.DataFrame, previous: pd.DataFrame, ym: int) -> list[Finding]:
    gone = previous[~previous["code"].isin(set(month["code"])) & (previous["code"] != "")]
    gone = gone[~gone["code"].duplicated(keep="last")]
    return [finding("institution-missing", report.sheet, f"A{int(row)}", code=code, name=name,
                    previous_month=month_text(previous_month(ym)), month=month_text(ym))
            for row, code, name in zip(gone.index, gone["code"], gone["name"])]


def deadline(ym: int, deadline_day: int) -> date:
    year, month = divmod(ym, 100)
    return date(year + 1, 1, deadline_day) if month == 12 else date(year, month + 1, deadline_day)


def report_late(report: ReportTable, ym: int, as_of: date, deadline_day: int) -> list[Finding]:
    due = deadline(ym, deadline_day)
    if as_of <= due:
        return []
    return [finding("report-late", report.sheet, "A1", month=month_text(ym), deadline=due.isoformat(),
                    as_of=as_of.isoformat())]
