"""Benchmark of the native formulas (issue 6). Prints figures; asserts nothing.

    /work/venv/bin/python bench/bench_recalc.py [--rows 100000]

A 回款明细 of N purchases (2012–2026, one in five unsettled) with the 工作日历 sheet and the
起算日期 / 回款天数 / 回款指数 formulas is written by jicai.formulas (cached values included),
then LibreOffice headless loads it with a forced full recalculation (the test profile of
tests/conftest.py) and saves it as .xlsx. Printed: time to add the formulas, to save, and the
LibreOffice load + recalculate + save wall time (target: under a minute for 100,000 rows),
with a check that the recalculated 回款天数 equal the engine's WorkCalendar.count.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import convert_with_libreoffice, find_soffice  # noqa: E402  (the forced-recalc profile)
from engine.columns import LEDGER_SHEET  # noqa: E402
from engine.workdays import WorkCalendar  # noqa: E402
from jicai import formulas  # noqa: E402
from jicai.xlsx_template import add_template_sheet, new_workbook  # noqa: E402


def ledger_rows(n: int, seed: int = 6) -> list[list]:
    rng = np.random.default_rng(seed)
    first = date(2012, 1, 1)
    accepted = rng.integers(0, (date(2026, 10, 1) - first).days, n)
    lag = rng.choice([0, 0, 1, 2, 3], n)
    paid = rng.integers(5, 60, n)
    open_ = rng.random(n) < 0.2
    rows = []
    for i in range(n):
        a = first + timedelta(days=int(accepted[i]))
        b = a + timedelta(days=int(lag[i]))
        rows.append(["西安市", "雁塔区", f"J{i % 500:04d}", "机构", f"CG{i:07d}", a, b,
                     None if open_[i] else b + timedelta(days=int(paid[i])), 1000.0])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    soffice = find_soffice()
    if soffice is None:
        sys.exit("LibreOffice (soffice) not found")
    calendar = WorkCalendar.official()
    rows = ledger_rows(args.rows)
    with tempfile.TemporaryDirectory(prefix="bench-recalc-") as tmp:
        tmp = Path(tmp)
        wb = new_workbook()
        ws = add_template_sheet(wb, LEDGER_SHEET, rows=rows, validated_rows=0)
        t0 = time.perf_counter()
        formulas.write_calendar_sheet(wb, calendar.table())
        formulas.add_ledger_formulas(ws, calendar.table(), last_row=len(rows) + 1)
        t1 = time.perf_counter()
        path = formulas.save_workbook(wb, tmp / "ledger.xlsx")
        t2 = time.perf_counter()
        size = path.stat().st_size / 1e6
        out = convert_with_libreoffice(soffice, path, "xlsx", tmp / "recalc")
        t3 = time.perf_counter()
        back = openpyxl.load_workbook(out, data_only=True, read_only=True)["回款明细"]
        got = [r[0] for r in back.iter_rows(min_row=2, min_col=11, max_col=11, values_only=True)]
        settled = [i for i, r in enumerate(rows) if r[7] is not None]
        expected = calendar.count([max(rows[i][5], rows[i][6]) for i in settled], [rows[i][7] for i in settled])
        agree = sum(int(got[i] == e) for i, e in zip(settled, expected.tolist()))
    print(f"rows: {args.rows:,} ({len(settled):,} settled), formula cells: {3 * args.rows:,}, "
          f"工作日历 rows: {len(calendar.table()):,}")
    print(f"add formulas + cached values: {t1 - t0:6.1f} s")
    print(f"save .xlsx (openpyxl + <v> insert): {t2 - t1:6.1f} s, {size:.1f} MB")
    print(f"LibreOffice load + full recalc + save: {t3 - t2:6.1f} s  (target < 60 s)")
    print(f"回款天数 equal to WorkCalendar.count: {agree:,} of {len(settled):,}")


if __name__ == "__main__":
    main()
