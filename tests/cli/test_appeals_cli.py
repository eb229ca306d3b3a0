"""`jicai appeals check` end to end (SPEC §3.5c, §5): {"ok","rows","findings"}, exit codes."""
from __future__ import annotations

import json
from datetime import date

import openpyxl

from conftest import run_cli, sha256
from engine.columns import HOLIDAY_SHEET
from jicai.templates.retention import build_appeal_blank, build_appeal_sample


def test_sample_register_as_of_dates(tmp_path):
    path = tmp_path / "申诉.xlsx"
    build_appeal_sample().save(path)
    before = sha256(path)
    proc = run_cli("appeals", "check", str(path), "--as-of", "2026-11-20", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"ok": True, "rows": 3, "findings": []}
    late = json.loads(run_cli("appeals", "check", str(path), "--as-of", "2026-12-10", "--json").stdout)
    assert late["ok"] is True
    assert [(f["code"], f["cell"], f["severity"]) for f in late["findings"]] == [("appeal-overdue", "H4", "warning")]
    assert sha256(path) == before


def test_errors_exit_1_and_holiday_sheet_is_used(tmp_path):
    wb = build_appeal_sample()
    ws = wb["申诉台账"]
    ws["I3"] = None            # 已办结 without a reply
    ws["J2"] = date(2026, 11, 1)  # reply before the submission
    holidays = wb.create_sheet(HOLIDAY_SHEET.sheet)
    holidays.append(HOLIDAY_SHEET.headers)
    for day in range(23, 28):  # the week after 11-20 off: not overdue on 12-04 any more
        holidays.append([date(2026, 11, day), "休息", "测试"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    proc = run_cli("appeals", "check", str(path), "--as-of", "2026-12-04", "--json")
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["ok"] is False and out["rows"] == 3
    assert [(f["code"], f["cell"]) for f in out["findings"]] == [("date-order", "J2"), ("reply-missing", "I3")]
    text = run_cli("appeals", "check", str(path), "--as-of", "2026-12-04")
    assert text.returncode == 1 and "reply-missing" in text.stdout


def test_blank_register_and_unusable_input(tmp_path):
    path = tmp_path / "blank.xlsx"
    build_appeal_blank().save(path)
    proc = run_cli("appeals", "check", str(path), "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == {"ok": True, "rows": 0, "findings": []}
    bad_date = run_cli("appeals", "check", str(path), "--as-of", "明天")
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr and "Traceback" not in bad_date.stderr
    not_a_workbook = tmp_path / "x.xlsx"
    not_a_workbook.write_text("hello", encoding="utf-8")
    proc = run_cli("appeals", "check", str(not_a_workbook))
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
