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


def _reference(codes: np.ndarray, values: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """First non-blank value of each code: DataFrame indexed by code with value, row."""
    keep = (codes != "") & (values != "")
    table = pd.DataFrame({"code": codes[keep], "value": values[keep], "row": rows[keep]})
    return table.drop_duplicates("code").set_index("code")


def _conflicts(codes: np.ndarray, values: np.ndarray, rows: np.ndarray, reference: pd.DataFrame) -> np.ndarray:
    """Positions whose non-blank value differs from the code's reference value."""
    keep = np.flatnonzero((codes != "") & (values != ""))
    if not len(keep):
        return keep
    # compare on distinct (code, value) pairs only: a million ledger rows have a few thousand
    pairs = pd.DataFrame({"code": codes[keep], "value": values[keep]})
    ref = pairs["code"].map(reference["value"])
    bad = ref.notna().to_numpy() & (pairs["value"].to_numpy() != ref.to_numpy())
    return keep[bad]


def conflicts(report: ReportTable, ledger: LedgerTable | None) -> list[Finding]:
    out: list[Finding] = []
    rf, rrows = report.frame, report.located.rows
    region = (rf["city"] + " " + rf["county"]).str.strip().to_numpy()
    sources = [(report, rrows, rf["name"].to_numpy(), region)]
    if ledger is not None:
        lf = ledger.frame
        sources.append((ledger, ledger.located.rows, lf["name"].to_numpy(),
                        (lf["city"] + " " + lf["county"]).str.strip().to_numpy()))
    ref_name = _reference(rf["code"].to_numpy(), rf["name"].to_numpy(), rrows)
    ref_region = _reference(rf["code"].to_numpy(), region, rrows)
    for table, rows, names, regions in sources:
        codes = table.frame["code"].to_numpy()
        own_name, own_region = ref_name, ref_region
        if table is not report:  # ledger: the report's value first, else the ledger's own first row
            own_name = _merge(ref_name, _reference(codes, names, rows), report.sheet)
            own_region = _merge(ref_region, _reference(codes, regions, rows), report.sheet)
        for i in _conflicts(codes, names, rows, own_name):
            first = own_name.loc[codes[i]]
            out.append(finding("name-conflict", table.sheet, table.cell("name", int(rows[i])), code=codes[i],
                               name=names[i], first_row=first["row_label"] if "row_label" in first else int(first["row"]),
                               first_name=first["value"]))
        county = table.frame["county"].to_numpy()
        for i in _conflicts(codes, regions, rows, own_region):
            first = own_region.loc[codes[i]]
            first_county = str(first["value"]).split(" ")[-1]
            key = "county" if county[i] != first_county else "city"
            out.append(finding("region-conflict", table.sheet, table.cell(key, int(rows[i])), code=codes[i],
                               value=regions[i], first_value=first["value"],
                               first_row=first["row_label"] if "row_label" in first else int(first["row"])))
    return out


def _merge(report_ref: pd.DataFrame, ledger_ref: pd.DataFrame, report_sheet: str) -> pd.DataFrame:
    a = report_ref.assign(row_label=[f"{r}（“{report_sheet}”表）" for r in report_ref["row"]])
    b = ledger_ref[~ledger_ref.index.isin(a.index)].assign(row_label=lambda t: t["row"].astype(str))
    return pd.concat([a, b])


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
        for row, n, b in zip(month.index[bad], now[bad], before[bad]):
            out.append(finding("change-needs-remark", report.sheet, report.cell(key, int(row)),
                               column=report.located.template.column(key).header, previous=fmt_number(b),
                               value=fmt_number(n), threshold=f"{threshold:.0%}"))
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
