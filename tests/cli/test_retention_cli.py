"""`jicai retention` end to end (SPEC §4.3, §5): JSON shape, exit codes, -o workbook."""
from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest

from conftest import run_cli, sha256
from engine.columns import DETAIL_SHEET, RESULT_SHEET_NAME, SCORE_SHEET
from jicai.templates.retention import build_detail_sample, sample_details, sample_scores

DETAIL_KEYS = {"hospital_code", "variety_code", "fund", "budget", "spending", "surplus", "completion_rate", "score",
               "ratio", "retained"}
HOSPITAL_KEYS = {"district", "hospital_code", "varieties", "budget", "surplus", "retained_employee",
                 "retained_resident", "retained_total"}
DISTRICT_KEYS = {"district", "hospitals", "varieties", "budget", "surplus", "retained_employee",
                 "retained_resident", "retained_total"}


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "测算.xlsx"
    build_detail_sample().save(path)
    return path


def _ratio(score: float) -> Decimal:
    return Decimal("0.5") if score >= 80 else Decimal("0.4") if score >= 70 else Decimal("0.3") if score >= 60 else Decimal(0)


def test_json_shape_and_amounts(sample):
    before = sha256(sample)
    proc = run_cli("retention", str(sample), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"details", "hospitals", "districts", "findings"}
    assert out["findings"] == []
    assert all(set(d) == DETAIL_KEYS for d in out["details"])
    assert [set(h) for h in out["hospitals"]] == [HOSPITAL_KEYS] * 2
    assert [set(d) for d in out["districts"]] == [DISTRICT_KEYS]
    scores = {(r[1], r[3]): r[17] for r in sample_scores()}
    cent = Decimal("0.01")
    total = Decimal(0)
    for row, d in zip(sample_details(), out["details"]):
        budget, spending = Decimal(repr(row[9])), Decimal(repr(row[10]))
        surplus = max(budget - spending, Decimal(0))
        expected = Decimal(0) if row[8] < row[7] else (surplus * _ratio(scores[(row[1], row[3])])).quantize(cent, ROUND_HALF_UP)
        assert Decimal(repr(d["retained"])) == expected
        assert d["fund"] == row[6] and d["score"] == scores[(row[1], row[3])]
        total += expected
    assert Decimal(repr(out["districts"][0]["retained_total"])) == total
    assert {h["hospital_code"]: h["varieties"] for h in out["hospitals"]} == {"T0013": 11, "T0005": 13}
    assert sha256(sample) == before


def test_text_output_and_exit_code_with_errors(tmp_path):
    wb = build_detail_sample()
    ws = wb[DETAIL_SHEET.sheet]
    ws["G2"] = "职工"          # unknown fund
    ws["J3"] = -100            # negative amount
    ws["H4"] = 0               # 约定采购量 0
    ws["K5"] = "=1+1"          # text that looks like a formula
    ws["K5"].data_type = "s"
    ws["J6"] = 123.456         # 3 decimals
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    proc = run_cli("retention", str(path), "--json")
    assert proc.returncode == 1, proc.stderr
    found = {(f["code"], f["cell"]) for f in json.loads(proc.stdout)["findings"]}
    assert {("unknown-fund", "G2"), ("negative-value", "J3"), ("zero-denominator", "H4"), ("not-a-number", "K5"),
            ("too-many-decimals", "J6")} <= found
    text = run_cli("retention", str(path))
    assert text.returncode == 1 and "unknown-fund" in text.stdout and "Traceback" not in text.stderr


def test_scores_from_result_sheet_then_score_sheet_then_other_file(tmp_path):
    wb = build_detail_sample()
    path = tmp_path / "a.xlsx"
    wb.save(path)
    base = json.loads(run_cli("retention", str(path), "--json").stdout)["details"][0]
    assert base["score"] == 65.0
    result = wb.create_sheet(RESULT_SHEET_NAME)
    result.append(SCORE_SHEET.headers)
    result.append(["武昌区", "T0013", "湖北省直属机关医院", "GC2_5", "", "", *([None] * 11), 90])
    wb.save(path)
    out = json.loads(run_cli("retention", str(path), "--json").stdout)
    assert out["details"][0]["score"] == 90.0
    assert sum(f["code"] == "score-missing" for f in out["findings"]) == 46  # 23 other varieties x 2 funds
    # --scores: another workbook's scores
    other = openpyxl.Workbook()
    ws = other.active
    ws.title = SCORE_SHEET.sheet
    ws.append(SCORE_SHEET.headers)
    for r in sample_scores():
        ws.append([*r[:17], 61])
    other_path = tmp_path / "scores.xlsx"
    other.save(other_path)
    out = json.loads(run_cli("retention", str(path), "--scores", str(other_path), "--json").stdout)
    assert {d["score"] for d in out["details"]} == {61.0}


def test_output_workbook(sample, tmp_path):
    out_path = tmp_path / "结果.xlsx"
    proc = run_cli("retention", str(sample), "--what-if", "-o", str(out_path))
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(out_path)
    assert wb.sheetnames == ["结余留用明细", "机构汇总", "区域汇总", "提档测算", "校验报告"]
    detail = wb["结余留用明细"]
    assert [c.value for c in detail[1]][:11] == DETAIL_SHEET.headers
    assert detail["P1"].value == "结余留用金额(元)"
    js = json.loads(run_cli("retention", str(sample), "--json").stdout)
    assert [detail.cell(row=i + 2, column=16).value for i in range(len(js["details"]))] == [d["retained"] for d in js["details"]]
    district = wb["区域汇总"]
    assert district["A2"].value == "武昌区" and district["H2"].value == js["districts"][0]["retained_total"]
    assert len(district._charts) == 1 and district._charts[0].tagname == "barChart"
    hospitals = wb["机构汇总"]
    assert [hospitals.cell(row=r, column=2).value for r in (2, 3)] == ["T0013", "T0005"]
    assert hospitals["A4"].value == "合计" and hospitals["I4"].value == js["districts"][0]["retained_total"]


def test_output_never_overwrites_input_and_unusable_input(sample, tmp_path):
    before = sha256(sample)
    proc = run_cli("retention", str(sample), "-o", str(sample))
    assert proc.returncode == 2 and "输入文件" in proc.stderr and sha256(sample) == before
    missing = run_cli("retention", str(tmp_path / "nope.xlsx"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    no_details = tmp_path / "x.xlsx"
    wb.save(no_details)
    proc = run_cli("retention", str(no_details))
    assert proc.returncode == 2 and "测算数据" in proc.stderr
    bad_scheme = run_cli("retention", str(sample), "--scheme", "no-such-scheme")
    assert bad_scheme.returncode == 2 and len(bad_scheme.stderr.strip().splitlines()) == 1


def test_scheme_named_in_batch_sheet(tmp_path):
    scheme = tmp_path / "linear.toml"
    scheme.write_text('name = "linear"\n[retention]\nrule = "linear"\nlinear_cap = "0.5"\n', encoding="utf-8")
    wb = build_detail_sample()
    wb["批次设置"]["C2"] = "linear.toml"
    path = tmp_path / "b.xlsx"
    wb.save(path)
    out = json.loads(run_cli("retention", str(path), "--json").stdout)
    assert out["details"][0]["ratio"] == 0.5 * 65 / 100


def test_output_opens_in_libreoffice_with_working_links(tmp_path, recalc):
    wb = build_detail_sample()
    wb[DETAIL_SHEET.sheet]["J3"] = "一千"
    path = tmp_path / "in.xlsx"
    wb.save(path)
    out_path = tmp_path / "out.xlsx"
    assert run_cli("retention", str(path), "-o", str(out_path)).returncode == 1
    back = openpyxl.load_workbook(recalc(out_path), data_only=True)
    report = back["校验报告"]
    rows = [[c.value for c in r] for r in report.iter_rows(min_row=3)]
    assert rows[0][2:5] == ["测算数据", "J3", "not-a-number"] and rows[0][6] == "转到 J3"
    assert back["结余留用明细"]["J3"].value == "一千"
    assert back["区域汇总"]["H2"].value == json.loads(run_cli("retention", str(path), "--json").stdout)["districts"][0]["retained_total"]
