"""三统一 indicators per institution, county, city and the province (SPEC §4.4, seed 004 item 16).

* Rates: institution = its row's ratio; a region = ratio of the sums over its institutions
  (pairs where both numbers are known). A zero or unknown denominator gives NaN (null).
* 年度累计回款率 = ΣN / ΣM over January..month.
* 平均回款指数: institution = mean of its purchases' 回款指数 in the month; county = mean of its
  institutions' values; city = mean of its counties'; province = mean of its cities'. Members
  without a value are skipped, never counted as 0.
* 年度累计平均回款指数 = mean of that level's monthly values January..month (months without a
  value skipped), each month computed with the same mean-of-means rule.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

RATE_PARTS = {  # output key -> (numerator, denominator)
    "equip_rate": ("equipped_sty", "equipped_all"),
    "delivery_rate": ("delivered_sty", "declared_sty"),
    "usage_rate": ("purchase_sty", "purchase_all"),
    "payment_rate": ("settled", "purchased"),
}
INDICATORS = ("equip_rate", "delivery_rate", "usage_rate", "payment_rate", "ytd_payment_rate",
              "payment_index", "ytd_payment_index")
NUMBER_KEYS = ("equipped_sty", "equipped_all", "declared_sty", "delivered_sty", "purchase_sty", "purchase_all",
               "fund_balance", "purchased", "settled")
LOW_IS_BEST = {"payment_index", "ytd_payment_index"}
LEVELS = ("institution", "county", "city", "province")


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isfinite(num) & np.isfinite(den) & (den > 0), num / den, np.nan)


def _pair_sums(frame: pd.DataFrame, by: list[str], num: str, den: str) -> pd.DataFrame:
    both = frame[num].notna() & frame[den].notna()
    part = frame.loc[both, by + [num, den]]
    return part.groupby(by, sort=False)[[num, den]].sum()


def _group_ratio(frame: pd.DataFrame, by: list[str], num: str, den: str, keys: pd.DataFrame) -> np.ndarray:
    """Ratio of sums per group, aligned to the rows of `keys` (columns `by`)."""
    if not by:
        both = frame[num].notna() & frame[den].notna()
        value = ratio(frame.loc[both, num].sum(), frame.loc[both, den].sum())
        return np.full(len(keys), float(value))
    sums = _pair_sums(frame, by, num, den)
    aligned = sums.reindex(pd.MultiIndex.from_frame(keys[by]) if len(by) > 1 else keys[by[0]])
    return ratio(aligned[num].to_numpy(), aligned[den].to_numpy())


def mean_of_means(values: pd.DataFrame, up: list[str]) -> pd.DataFrame:
    """One level up: mean of the non-null `value` of each group of `up` (with `ym`)."""
    known = values[values["value"].notna()]
    if not up:
        return known.groupby("ym", sort=False)["value"].mean().reset_index()
    return known.groupby(up + ["ym"], sort=False)["value"].mean().reset_index()


def region_keys(institutions: pd.DataFrame) -> dict[str, list[str]]:
    return {"institution": ["code"], "county": ["city", "county"], "city": ["city"], "province": []}


def compute_levels(month_rows: pd.DataFrame, year_rows: pd.DataFrame, monthly_index: pd.DataFrame,
                   members: pd.DataFrame, ym: int, regions: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """All four levels for month `ym`.

    month_rows: the month's report rows (code, numbers); year_rows: January..month rows (code,
    ym, settled, purchased); monthly_index: per (code, ym) mean 回款指数 and purchase count
    (columns code, ym, value, purchases) for January..month; members: one row per institution
    of the month (code, name, city, county), in output order; regions: city and county of every
    institution of the year (index code) — earlier months' members count in year-to-date values."""
    region = members.set_index("code")[["city", "county"]]
    everyone = regions if regions is not None else region
    inst = members.copy()
    month = month_rows.drop_duplicates("code").set_index("code")
    for key, (num, den) in RATE_PARTS.items():
        inst[key] = ratio(month[num].reindex(inst["code"]).to_numpy(), month[den].reindex(inst["code"]).to_numpy())
    ytd = _pair_sums(year_rows, ["code"], "settled", "purchased").reindex(inst["code"])
    inst["ytd_payment_rate"] = ratio(ytd["settled"].to_numpy(), ytd["purchased"].to_numpy())
    for key in NUMBER_KEYS:  # the month's own numbers, for the printed report
        inst[key] = month[key].reindex(inst["code"]).to_numpy(dtype=float)
    inst["remark"] = month["remark"].reindex(inst["code"]).fillna("").to_numpy(dtype=object)

    # the index hierarchy, month by month, then the year-to-date mean of the monthly values
    idx = _with_region(monthly_index, everyone)
    per_level = {"institution": idx[["code", "city", "county", "ym", "value"]]}
    per_level["county"] = mean_of_means(per_level["institution"], ["city", "county"])
    per_level["city"] = mean_of_means(per_level["county"], ["city"])
    per_level["province"] = mean_of_means(per_level["city"], [])
    counts = idx[idx["ym"] == ym].set_index("code")["purchases"]
    inst["purchases"] = counts.reindex(inst["code"]).fillna(0).astype(int).to_numpy()

    # region numbers: sums over the month's institutions (joined to their region)
    month_in = _with_region(month_rows.drop_duplicates("code"), region)
    year_in = _with_region(year_rows, everyone)
    out = {"institution": inst}
    # Each level takes one group-by over every sum it needs (pandas' per-call overhead, not
    # the arithmetic, is the cost here). A rate sums only rows where both of its numbers are
    # known: the other rows' values are masked to NaN, which the sum skips.
    month_sums = _masked_pairs(month_in, RATE_PARTS.items())
    month_sums = month_sums.assign(**{key: month_in[key].to_numpy(dtype=float) for key in NUMBER_KEYS})
    year_sums = _masked_pairs(year_in, [("ytd_payment_rate", ("settled", "purchased"))])
    for level, by in (("county", ["city", "county"]), ("city", ["city"]), ("province", [])):
        keys = inst[by].drop_duplicates().reset_index(drop=True) if by else pd.DataFrame(index=[0])
        frame = keys.copy()
        month_totals = _group_sums(month_sums, by, keys, NUMBER_KEYS)
        year_totals = _group_sums(year_sums, by, keys, ())
        for key in RATE_PARTS:
            frame[key] = ratio(month_totals[f"{key}/num"], month_totals[f"{key}/den"])
        frame["ytd_payment_rate"] = ratio(year_totals["ytd_payment_rate/num"], year_totals["ytd_payment_rate/den"])
        for key in NUMBER_KEYS:  # sums of the known numbers (min_count: all unknown stays unknown)
            frame[key] = month_totals[key]
        frame["purchases"] = (inst.groupby(by, sort=False)["purchases"].sum().reindex(
            pd.MultiIndex.from_frame(keys[by]) if len(by) > 1 else keys[by[0]]).to_numpy() if by
            else [int(inst["purchases"].sum())])
        frame["institutions"] = (inst.groupby(by, sort=False)["code"].size().reindex(
            pd.MultiIndex.from_frame(keys[by]) if len(by) > 1 else keys[by[0]]).to_numpy() if by else [len(inst)])
        out[level] = frame
    for level, frame in out.items():
        by = region_keys(frame)[level]
        frame["payment_index"] = _lookup(per_level[level][per_level[level]["ym"] == ym], by, frame)
        ytd_means = per_level[level][per_level[level]["ym"] <= ym]
        ytd_means = ytd_means.groupby(by, sort=False)["value"].mean().reset_index() if by else \
            pd.DataFrame({"value": [ytd_means["value"].mean()]})
        frame["ytd_payment_index"] = _lookup(ytd_means, by, frame)
    return out


def _masked_pairs(rows: pd.DataFrame, parts) -> pd.DataFrame:
    """Columns '<key>/num' and '<key>/den' per rate, NaN where either number is unknown, plus
    the rows' city and county."""
    out = {k: rows[k].to_numpy() for k in ("city", "county")}
    for key, (num, den) in parts:
        a, b = rows[num].to_numpy(dtype=float), rows[den].to_numpy(dtype=float)
        both = ~np.isnan(a) & ~np.isnan(b)
        out[f"{key}/num"], out[f"{key}/den"] = np.where(both, a, np.nan), np.where(both, b, np.nan)
    return pd.DataFrame(out)


def _group_sums(sums: pd.DataFrame, by: list[str], keys: pd.DataFrame, counted: tuple[str, ...]) -> dict:
    """Per group of `by` (aligned to the rows of `keys`), the sum of every number column of
    `sums`: pair columns summed over their known rows (0 when none), `counted` columns NaN
    when all are unknown. One group-by for all of them."""
    columns = [c for c in sums.columns if c not in ("city", "county")]
    pairs = [c for c in columns if c not in counted]
    if not by:
        totals = {c: np.array([sums[c].sum()]) for c in pairs}
        totals.update({c: np.array([sums[c].sum(min_count=1)]) for c in counted})
        return totals
    grouped = sums.groupby(by, sort=False)
    index = pd.MultiIndex.from_frame(keys[by]) if len(by) > 1 else keys[by[0]]
    totals = {}
    if pairs:
        part = grouped[pairs].sum().reindex(index)
        totals.update({c: part[c].to_numpy(dtype=float) for c in pairs})
    if counted:
        part = grouped[list(counted)].sum(min_count=1).reindex(index)
        totals.update({c: part[c].to_numpy(dtype=float) for c in counted})
    return totals


def _lookup(values: pd.DataFrame, by: list[str], frame: pd.DataFrame) -> np.ndarray:
    if not by:
        return np.full(len(frame), float(values["value"].iloc[0]) if len(values) else np.nan)
    series = values.set_index(by)["value"]
    index = pd.MultiIndex.from_frame(frame[by]) if len(by) > 1 else frame[by[0]]
    return series.reindex(index).to_numpy(dtype=float)


def _with_region(rows: pd.DataFrame, region: pd.DataFrame) -> pd.DataFrame:
    """Rows of the month's institutions, with the institution's city and county (not the row's own)."""
    rows = rows[rows["code"].isin(region.index)]
    return rows.assign(city=rows["code"].map(region["city"]).to_numpy(),
                       county=rows["code"].map(region["county"]).to_numpy())
