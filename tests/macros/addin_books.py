"""Workbooks for the add-in tests, laid out from the engine's column definitions, plus the
generated sample workbooks when they exist. Each builder writes an .xlsx and returns its path."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from engine.columns import BATCH_SHEET, DETAIL_SHEET, RESULT_SHEET_NAME, SCORE_SHEET

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "workbook_templates"
FULL = [20, 20, 10, 5, 5, 5, 15, 8, 6, 6]   # wuhan-default maxima, sum 100


def score_row(district, code, name, variety, scores=FULL, total=None, bureau=None):
    total = sum(s for s in scores if isinstance(s, (int, float))) if total is None else total
    return [district, code, name, variety, f"品种{variety}", "0.25g", *scores, total, bureau]


def _save(wb, path: Path) -> Path:
    wb.save(path)
    return path


def score_book(path: Path, rows: list[list], *, batch: list | None = None, extra_sheets: dict | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SCORE_SHEET.sheet
    ws.append(SCORE_SHEET.headers)
    for r in rows:
        ws.append(r)
    if batch is not None:
        b = wb.create_sheet(BATCH_SHEET.sheet)
        b.append(BATCH_SHEET.headers)
        b.append(batch)
    for name, sheet_rows in (extra_sheets or {}).items():
        s = wb.create_sheet(name)
        for r in sheet_rows:
            s.append(r)
    return _save(wb, path)


def clean_scores(path: Path, district="江岸区", bureau=95) -> Path:
    rows = [score_row(district, f"H00{h}", f"{district}第{h}医院", str(v), bureau=bureau - v) for h in (1, 2) for v in (1, 2, 3)]
    return score_book(path, rows)


def faulty_scores(path: Path) -> Path:
    rows = [
        score_row("江岸区", "H001", "甲医院", "1", bureau=90),
        score_row("江岸区", "H001", "甲医院", "2", scores=[25, "二十", 10, 5, 5, 5, 15, 8, 6, 6], total=100, bureau=88),
        score_row("江岸区", "H001", "甲医院", "1", bureau=90),            # duplicate of row 2
        score_row("江岸区", "H002", "乙医院", "1", scores=[20, 20, 10, 5, 5, 5, 15, 8, 6, "6"], bureau=70),
    ]
    return score_book(path, rows)


def retention_book(path: Path) -> Path:
    """测算数据 for two hospitals x two varieties x two funds, and the bureau's 考核结果."""
    wb = openpyxl.Workbook()
    d = wb.active
    d.title = DETAIL_SHEET.sheet
    d.append(DETAIL_SHEET.headers)
    plan = [("H001", "甲医院", "1", 100, 110, 10000.00, 6000.00),
            ("H001", "甲医院", "2", 100, 90, 8000.00, 5000.00),     # completion 90% -> nothing retained
            ("H002", "乙医院", "1", 50, 50, 5000.55, 4000.10)]
    for code, name, variety, agreed, actual, budget, spending in plan:
        for fund, share in (("职保", 0.6), ("居保", 0.4)):
            d.append(["江岸区", code, name, variety, f"品种{variety}", "0.25g", fund, agreed, actual,
                      round(budget * share, 2), round(spending * share, 2)])
    r = wb.create_sheet(RESULT_SHEET_NAME)
    r.append(SCORE_SHEET.headers)
    r.append(score_row("江岸区", "H001", "甲医院", "1", bureau=85))
    r.append(score_row("江岸区", "H001", "甲医院", "2", bureau=75))
    r.append(score_row("江岸区", "H002", "乙医院", "1", bureau=65))
    return _save(wb, path)


def future_batch() -> list:
    return ["2026-01", "2026年第一批", "wuhan-default", datetime(2099, 12, 31, 17, 0), "江岸区"]


def past_batch() -> list:
    return ["2025-01", "2025年第一批", "wuhan-default", datetime(2025, 1, 31, 17, 0), "江岸区"]
