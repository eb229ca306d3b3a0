"""The 三统一 monthly report: check, compute and rank (SPEC §4.4), one call for every adapter.

`compute_monthly(report, ledger, holidays, month, as_of, scheme)` takes the sheets as raw
values (SheetData, or a Located ledger straight from a CSV) and returns a `MonthlyResult` with
one DataFrame per level, the open purchases, the ledger with its payment days, and every
finding; `to_json()` is SPEC §5's monthly object.

Decisions where SPEC is silent:
* Institutions of the month = those with a 机构月报 row for the month, then (appended) those
  with settled purchases in the month but no report row (their rates are null).
* An institution's county/city is its first 机构月报 row's (else its first ledger row's).
* Rows of other years are month-mixed-years errors and are left out; months after the report
  month are ignored. A later duplicate (机构编码, 年月) row or 采购单号 is left out.
* Open purchases: 结清日期 blank and start on or before the report date.
* Ranks are given for counties (within their city) and cities; a null value has rank null.
"""
from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from engine.findings import Finding, sort_key
from engine.monthly_checks import (changes_need_remark, conflicts, missing_institutions, report_late,
                                   zero_denominators)
from engine.monthly_indicators import INDICATORS, LOW_IS_BEST, compute_levels
from engine.monthly_ledger import LedgerTable, groups_by_first_row, read_ledger
from engine.monthly_report import ReportTable, month_key, previous_month, read_report
from engine.ranking import rank_indicators
from engine.scheme import Scheme
from engine.sheet import Located, SheetData
from engine.workdays import WorkCalendar, calendar_from_sheet

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_month(text: str) -> tuple[int, int]:
    """'2012-03' -> (2012, 3); ValueError with a Chinese message otherwise."""
    m = _MONTH.match(str(text or ""))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"月份“{text}”无效，请写成 YYYY-MM，例如 2012-03。")
    return int(m.group(1)), int(m.group(2))


@dataclass
class MonthlyResult:
    month: str                       # YYYY-MM
    as_of: date
    institutions: pd.DataFrame       # code, name, city, county, indicators, purchases, row
    counties: pd.DataFrame           # city, county, indicators, purchases, institutions, rank_<indicator>
    cities: pd.DataFrame
    province: pd.DataFrame           # one row
    open: pd.DataFrame               # code, order, start, workdays, row
    ledger_table: LedgerTable | None
    findings: list[Finding] = field(default_factory=list)
    calendar: WorkCalendar | None = None
    report_letters: dict[str, str] = field(default_factory=dict)  # 机构月报 key -> column where found

    @property
    def ledger(self) -> pd.DataFrame | None:
        """The typed ledger with start, days, index (index = source row); made when first asked for."""
        return self.ledger_table.frame if self.ledger_table is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "as_of": self.as_of.isoformat(),
            "institutions": _records(self.institutions, ("city", "county", "code", "name")),
            "counties": _records(self.counties, ("city", "county"), ranks=True),
            "cities": _records(self.cities, ("city",), ranks=True),
            "province": (_records(self.province, ()) or [{}])[0],
            "open": [{"code": c, "order": o, "start": s, "workdays": w}
                     for c, o, s, w in zip(self.open["code"].tolist(), self.open["order"].tolist(),
                                           _iso_dates(self.open["start"]), _ints(self.open["workdays"]))],
            "findings": [f.as_dict() for f in sorted(self.findings, key=sort_key)],
        }


def _iso_dates(values: pd.Series) -> list[str]:
    """'YYYY-MM-DD' per date; a ledger has a few hundred distinct days, each formatted once."""
    days = values.to_numpy().astype("datetime64[D]")
    distinct, inverse = np.unique(days.view(np.int64), return_inverse=True)
    text = np.datetime_as_string(distinct.view("datetime64[D]"), unit="D").astype(object)
    return text[inverse.reshape(-1)].tolist()


def _ints(values: pd.Series) -> list[int | None]:
    """Whole numbers as Python ints, NaN as None (a column at a time, not a call per cell)."""
    v = values.to_numpy(dtype=float)
    missing = np.isnan(v)
    out = np.where(missing, 0, v).astype(np.int64).astype(object)
    out[missing] = None
    return out.tolist()


def _records(frame: pd.DataFrame, labels: tuple[str, ...], ranks: bool = False) -> list[dict]:
    cols = {k: frame[k].tolist() for k in labels}
    cols.update({k: _floats(frame[k]) for k in INDICATORS})
    cols["purchases"] = frame["purchases"].to_numpy(dtype=np.int64).tolist()
    rank_cols = {k: _ints(frame[f"rank_{k}"]) for k in INDICATORS} if ranks else {}
    out = []
    for i in range(len(frame)):
        r: dict[str, Any] = {k: cols[k][i] for k in labels}
        r.update({k: cols[k][i] for k in INDICATORS})
        r["purchases"] = cols["purchases"][i]
        if ranks:
            r["ranks"] = {k: rank_cols[k][i] for k in INDICATORS}
        out.append(r)
    return out


def _floats(values: pd.Series) -> list[float | None]:
    """Python floats, NaN as None (a column at a time)."""
    v = values.to_numpy(dtype=float)
    out = v.astype(object)
    out[np.isnan(v)] = None
    return out.tolist()


def report_date(month: str, as_of: date | None) -> date:
    """--as-of, default the last day of the month (SPEC §4.4)."""
    year, mon = parse_month(month)
    return as_of or date(year, mon, _calendar.monthrange(year, mon)[1])


def prepare_ledger(ledger: SheetData | Located, holidays: SheetData | None, month: str, as_of: date | None,
                   scheme: Scheme) -> LedgerTable:
    """The ledger step alone (the CLI runs it beside the workbook read); pass the result to
    compute_monthly as `ledger`."""
    cal, _ = calendar_from_sheet(holidays)
    return read_ledger(ledger, cal, report_date(month, as_of), float(scheme.monthly.index_days))


def prepare_report(report: SheetData | Located, month: str) -> ReportTable:
    """The 机构月报 step alone (the CLI runs it while the ledger file is still being parsed);
    pass the result to compute_monthly as `report`."""
    return read_report(report, parse_month(month)[0])


def compute_monthly(report: SheetData | Located | ReportTable, ledger: SheetData | Located | LedgerTable | None,
                    holidays: SheetData | None, month: str, as_of: date | None, scheme: Scheme) -> MonthlyResult:
    year, mon = parse_month(month)
    ym = month_key(year, mon)
    as_of = report_date(month, as_of)
    rules = scheme.monthly
    cal, findings = calendar_from_sheet(holidays)
    table = report if isinstance(report, ReportTable) else read_report(report, year)
    findings += table.findings
    if ledger is None or isinstance(ledger, LedgerTable):
        ledger_table = ledger
    else:
        ledger_table = read_ledger(ledger, cal, as_of, float(rules.index_days))
    if ledger_table is not None:
        findings += ledger_table.findings
    findings += conflicts(table, ledger_table)

    usable = table.frame[table.frame["in_year"] & ~table.frame["dup"]]
    usable = usable.assign(row=usable.index)
    month_rows = usable[usable["ym"] == ym]
    previous = usable[usable["ym"] == previous_month(ym)]
    findings += zero_denominators(table, month_rows)
    findings += changes_need_remark(table, month_rows, previous, float(rules.change_threshold))
    findings += missing_institutions(table, month_rows, previous, ym)
    findings += report_late(table, ym, as_of, rules.deadline_day)

    year_rows = usable[(usable["ym"] <= ym)]
    monthly_index, ledger_members = _monthly_index(ledger_table, year, ym)
    regions = _regions(usable, ledger_table)
    members = _members(regions, month_rows, ledger_members)
    levels = compute_levels(month_rows, year_rows, monthly_index, members, ym, regions)
    counties = _ranked(levels["county"], group="city")
    cities = _ranked(levels["city"], group=None)
    return MonthlyResult(month=f"{year}-{mon:02d}", as_of=as_of, institutions=levels["institution"],
                         counties=counties, cities=cities, province=levels["province"],
                         open=_open(ledger_table), ledger_table=ledger_table,
                         findings=findings, calendar=cal, report_letters=dict(table.located.letters))


def _monthly_index(ledger: LedgerTable | None, year: int, ym: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per (code, month) mean 回款指数 and purchase count for January..month of `year`, and
    the institutions with purchases in the month (code, name, city, county from the ledger)."""
    empty = pd.DataFrame({"code": pd.Series(dtype=object), "ym": pd.Series(dtype=np.int64),
                          "value": pd.Series(dtype=float), "purchases": pd.Series(dtype=np.int64)})
    if ledger is None:
        return empty, pd.DataFrame(columns=["code", "name", "city", "county", "row"])
    f = ledger.columns
    ym_col = f["ym"]
    use = (ym_col // 100 == year) & (ym_col <= ym) & ~f["dup"] & np.isfinite(f["index"]) & ~ledger.blank["code"]
    # group on integer ids (code id x 13 + month), not on a million strings
    ids = ledger.ids["code"][use].astype(np.int64) * 13 + ym_col[use] % 100
    index = f["index"][use]
    group, position = groups_by_first_row(ids)
    sums = np.bincount(group, weights=index, minlength=len(position))
    sizes = np.bincount(group, minlength=len(position))
    grouped = pd.DataFrame({"code": f["code"][use][position], "ym": ym_col[use][position], "value": sums / sizes,
                            "purchases": sizes})
    in_month = use & (ym_col == ym)
    members = pd.DataFrame({k: f[k][in_month] for k in ("code", "name", "city", "county")})
    members["row"] = ledger.located.rows[in_month]
    return grouped, members.drop_duplicates("code")


def _regions(report: pd.DataFrame, ledger: LedgerTable | None) -> pd.DataFrame:
    """Every institution's city and county (index code): its first 机构月报 row of the year,
    else its first ledger row. Earlier months' members count in year-to-date values even when
    absent this month."""
    first = report[report["code"] != ""].drop_duplicates("code").set_index("code")[["city", "county"]]
    if ledger is None or not len(ledger):
        return first
    ids = ledger.ids["code"].astype(np.int64)
    firsts = np.flatnonzero(ids > np.maximum.accumulate(np.concatenate([[-1], ids[:-1]])))
    f = ledger.columns
    from_ledger = pd.DataFrame({k: f[k][firsts] for k in ("city", "county")}, index=f["code"][firsts])
    from_ledger = from_ledger[(from_ledger.index != "") & ~from_ledger.index.isin(first.index)]
    return pd.concat([first, from_ledger])


def _members(regions: pd.DataFrame, month_rows: pd.DataFrame, ledger_members: pd.DataFrame) -> pd.DataFrame:
    """The month's institutions: those with a 机构月报 row, then ledger-only ones; regions from `regions`."""
    base = month_rows[["code", "name", "row"]].drop_duplicates("code").copy()
    extra = ledger_members[~ledger_members["code"].isin(set(base["code"]))][["code", "name", "row"]].copy()
    members = pd.concat([base.assign(from_report=True), extra.assign(from_report=False)], ignore_index=True)
    for col in ("city", "county"):
        members[col] = members["code"].map(regions[col]).to_numpy()
    return members[["city", "county", "code", "name", "row", "from_report"]]


def _ranked(frame: pd.DataFrame, group: str | None) -> pd.DataFrame:
    ranks = rank_indicators(frame, {k: k in LOW_IS_BEST for k in INDICATORS}, group=group)
    return frame.join(ranks.add_prefix("rank_"))


def _open(ledger: LedgerTable | None) -> pd.DataFrame:
    cols = ["code", "order", "start", "workdays", "row"]
    if ledger is None:
        return pd.DataFrame(columns=cols)
    f = ledger.columns
    o = f["open"] & ~f["dup"]
    return pd.DataFrame({"code": f["code"][o], "order": f["order"][o], "start": f["start"][o],
                         "workdays": np.maximum(f["open_days"][o], 0), "row": ledger.rows[o]})
