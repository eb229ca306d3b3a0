"""Worksheet functions, namespace JC (SPEC §7): =JC.WORKDAYS(...), =JC.PAYMENT_DAYS(...), ...

Each takes single cells or whole ranges and returns one value per row (an array that
spills), so a single formula fills a whole column. A cell that cannot be computed shows a
Chinese text saying why, in its own row; the rest of the column is still computed.
The same decorators serve xlwings Server (Office.js custom functions) and the classic
desktop add-in (Import Functions of the xlwings add-in).
"""
from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import numpy as np  # noqa: E402
# The Office.js decorators whatever mode xlwings was first imported in (tests and `jicai run`
# import it without XLWINGS_ON_SERVER, where xw.func is a no-op); the classic desktop add-in
# registers its own aliases in udfs.desktop.
from xlwings.server import arg, func, ret  # noqa: E402

from udfs._cells import as_dates, as_numbers, broadcast, guarded, text_errors, to_excel  # noqa: E402

Cells = Any  # a value or a 2-D list of values (a range)


def _args(**docs: str):
    """Chinese help for each argument (Excel shows it while typing the formula). Arguments
    arrive "raw": no per-cell conversion by xlwings, the column is parsed at once below.
    The docs are kept on the function for the classic add-in's aliases (udfs.desktop)."""
    def decorate(f):
        for name, doc in reversed(docs.items()):
            f = arg(name, "raw", doc=doc)(f)
        f.jc_arg_docs = docs
        return f
    return decorate

ERR_DATE = "日期无效"
ERR_BLANK = ""          # a blank input row gives a blank result (a half-filled column stays tidy)
ERR_ORDER = "结清日期早于验收/发票日期"
ERR_NUMBER = "不是数字"


# ------------------------------------------------------------------ working days


def _calendar():
    from engine.workdays import WorkCalendar
    return WorkCalendar.official()


def _not_covered_text() -> str:
    return f"日期超出工作日历范围（{_calendar().covered_text()}），请在“节假日调整”中补充该年安排"


def _count_workdays(start: np.ndarray, end: np.ndarray, start_bad: np.ndarray, end_bad: np.ndarray):
    """Working days d with start < d <= end (engine calendar); (values, error texts)."""
    nat = np.datetime64("NaT", "D")
    counts, uncovered = _calendar().count_masked(np.where(start_bad, nat, start), np.where(end_bad, nat, end))
    errors = text_errors(len(counts))
    errors[uncovered] = _not_covered_text()
    return counts, errors


def _date_args(*args):
    grids = broadcast(*args)
    shape = grids[0].shape
    parsed = [as_dates(g) for g in grids]
    return shape, parsed


@func
@ret("raw")
@_args(start="开始日期（不计入），可选整列", end="结束日期（计入），可选整列")
@guarded
def workdays(start, end):
    """两个日期之间的工作日数（不含开始日，含结束日），按国家法定节假日和调休计算。"""
    shape, [(s, sb, si), (e, eb, ei)] = _date_args(start, end)
    values, errors = _count_workdays(s, e, sb | si, eb | ei)
    invalid = si | ei
    errors = np.where(invalid, ERR_DATE, errors)
    vals, errs = _merge_blank(values, np.where((sb | eb) & ~invalid, None, errors))
    return to_excel(vals, errs, shape)


def _payment_days(accepted, invoiced, paid):
    shape, [(a, ab, ai), (v, vb, vi), (p, pb, pi)] = _date_args(accepted, invoiced, paid)
    # start = the later of 验收日期 and 发票日期; one of them blank -> the other (SPEC §4.4)
    start = np.where(ab | ai, v, np.where(vb | vi, a, np.maximum(a, v)))
    start_bad = (ab | ai) & (vb | vi)
    values, errors = _count_workdays(start, p, start_bad, pb | pi)
    order = ~start_bad & ~(pb | pi) & (p < start)
    errors = np.where(order & (errors == ""), ERR_ORDER, errors)
    invalid = ai | vi | pi
    errors = np.where(invalid, ERR_DATE, errors)
    blank = (ab & vb) | pb
    result_errors = np.where(blank & ~invalid, None, errors)
    return shape, values, result_errors


def _merge_blank(values: np.ndarray, errors: np.ndarray):
    """errors: '' ok, None blank, text error."""
    blank = np.array([e is None for e in errors], dtype=bool)
    vals = values.astype(object)
    vals[blank] = None
    errs = np.where(blank, "", errors).astype(object)
    return vals, errs


@func
@ret("raw")
@_args(accepted="验收日期，可选整列", invoiced="发票日期，可选整列", paid="结清日期，可选整列")
@guarded
def payment_days(accepted, invoiced, paid):
    """回款天数：从验收日期和发票日期中较晚的一天起（不含）到结清日期（含）的工作日数。"""
    shape, values, errors = _payment_days(accepted, invoiced, paid)
    vals, errs = _merge_blank(values, errors)
    return to_excel(vals, errs, shape)


@func
@ret("raw")
@_args(accepted="验收日期，可选整列", invoiced="发票日期，可选整列", paid="结清日期，可选整列")
@guarded
def payment_index(accepted, invoiced, paid):
    """回款指数 = 回款天数 / 30（三统一月报口径）。"""
    shape, values, errors = _payment_days(accepted, invoiced, paid)
    vals, errs = _merge_blank(values / 30.0, errors)
    return to_excel(vals, errs, shape)


@func
@ret("raw")
@_args(day="日期，可选整列")
@guarded
def is_workday(day):
    """是否工作日（含调休上班日）：是返回 TRUE，否返回 FALSE。"""
    shape, [(d, db, di)] = _date_args(day)
    cal = _calendar()
    bad = db | di
    days = np.where(bad, np.datetime64("NaT", "D"), d)
    covered = cal.covers(days)
    values = np.zeros(len(days), dtype=bool)
    if covered.any():
        values[covered] = cal.is_workday(days[covered])
    errors = text_errors(len(days))
    errors[~bad & ~covered] = _not_covered_text()
    errors = np.where(di, ERR_DATE, errors)
    vals, errs = _merge_blank(values.astype(object), np.where(db & ~di, None, errors))
    return to_excel(vals, errs, shape)


# ------------------------------------------------------------------ rates and averages


@func
@ret("raw")
@_args(numerator="分子，可选整列", denominator="分母，可选整列")
@guarded
def rate(numerator, denominator):
    """比率 = 分子 / 分母（配备率、配送率、使用率、回款率）。分母为 0 或空白时留空。"""
    n_grid, d_grid = broadcast(numerator, denominator)
    n, nb, ni = as_numbers(n_grid)
    d, db, di = as_numbers(d_grid)
    errors = text_errors(len(n)).astype(object)
    errors[ni | di] = ERR_NUMBER
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(~(nb | db) & (d != 0), n / np.where(d == 0, 1, d), np.nan)
    return to_excel(values, errors, n_grid.shape)


@func
@ret("raw")
@_args(values="各机构（或各县）的回款指数，一列", groups="对应的分组（县或市），一列，与 values 等长")
@guarded
def avg_index(values, groups):
    """分组平均的平均：先求每组平均，再求各组平均的平均（县→市→省的口径）。空白值不计入。"""
    v_grid, g_grid = broadcast(values, groups)
    v, vb, vi = as_numbers(v_grid)
    if vi.any():
        first = int(np.flatnonzero(vi)[0])
        return [[f"第 {first + 1} 个值不是数字"]]
    keys = np.array([str(g).strip() if g is not None else "" for g in g_grid.ravel()], dtype=object)
    keep = ~vb & ~np.isnan(v)
    if not keep.any():
        return [[""]]
    import pandas as pd
    means = pd.Series(v[keep]).groupby(keys[keep]).mean()
    return [[float(means.mean())]]


# ------------------------------------------------------------------ retention


@func
@ret("raw")
@_args(score="医保考核评分，可选整列")
@guarded
def retention_ratio(score):
    """留用比例：按当前方案的评分档次（默认 ≥80 分 50%，≥70 分 40%，≥60 分 30%，否则 0）。"""
    from udfs._retention import ratios
    grid_ = broadcast(score)[0]
    s, sb, si = as_numbers(grid_)
    values, errors = ratios(s)
    errors = np.where(si, ERR_NUMBER, errors).astype(object)
    vals, errs = _merge_blank(values, np.where(sb & ~si, None, errors))
    return to_excel(vals, errs, grid_.shape)


@func
@ret("raw")
@_args(budget="医保基金预算(元)，可选整列", spending="医保基金实际支出(元)，可选整列", score="医保考核评分，可选整列", completion_rate="约定采购量完成率（如 1.05 或 105%），可选整列")
@guarded
def retention(budget, spending, score, completion_rate):
    """结余留用金额 = 结余金额 × 留用比例，按分四舍五入；完成率低于 100% 时为 0。"""
    from udfs._retention import amounts
    grids = broadcast(budget, spending, score, completion_rate)
    parsed = [as_numbers(g) for g in grids]
    (b, bb, bi), (sp, spb, spi), (s, sb, si), (c, cb, ci) = parsed
    invalid = bi | spi | si | ci
    blank = bb | spb | sb | cb
    values, errors = amounts(b, sp, s, c, ~(invalid | blank))
    errors = np.where(invalid, ERR_NUMBER, errors).astype(object)
    vals, errs = _merge_blank(values, np.where(blank & ~invalid, None, errors))
    return to_excel(vals, errs, grids[0].shape)


def round_money(x: float) -> float:
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
