"""结余留用 engine (SPEC §4.3): exact Decimal half-up amounts, summaries, bad input as findings."""
from __future__ import annotations

import copy
import json
import random
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from engine.columns import DETAIL_SHEET, SCORE_SHEET
from engine.findings import flatten
from engine.retention import apply_ratio, compute_retention, to_cents
from engine.scheme import load_scheme, parse_scheme
from engine.sheet import SheetData

CENT = Decimal("0.01")
SCHEME = load_scheme("wuhan-default")


def line(hospital="T0013", variety="GC2_5", fund="职保", agreed=100, actual=100, budget=1000, spending=600,
         district="武昌区", name=None):
    name = name or {"T0013": "湖北省直属机关医院", "T0005": "华中科技大学同济医学院"}.get(hospital, "测试医院")
    return [district, hospital, name, variety, "阿奇霉素口服常释剂型", "0.25g", fund, agreed, actual, budget, spending]


def details(*rows) -> SheetData:
    return SheetData("测算数据", [DETAIL_SHEET.headers, *[list(r) for r in rows]])


def scores(*pairs, sheet="考核结果") -> SheetData:
    """pairs: (hospital, variety, bureau score)."""
    rows = [[("武昌区"), h, "医院", v, "品种", "规格", *([None] * 10), None, s] for h, v, s in pairs]
    return SheetData(sheet, [SCORE_SHEET.headers, *rows])


def q(x) -> Decimal:
    return Decimal(repr(float(x))).quantize(CENT, ROUND_HALF_UP)


def expected_retained(budget, spending, ratio) -> Decimal:
    surplus = max(q(budget) - q(spending), Decimal(0))
    return (surplus * Decimal(ratio)).quantize(CENT, ROUND_HALF_UP)


def dec(x) -> Decimal:
    return Decimal(repr(x))


# ------------------------------------------------------------------ amounts


@pytest.mark.parametrize("score, ratio", [(95, "0.50"), (80, "0.50"), (79.99, "0.40"), (70, "0.40"),
                                          (65, "0.30"), (60, "0.30"), (59.5, "0"), (0, "0")])
def test_tier_ratio_and_amount(score, ratio):
    r = compute_retention(details(line(budget=12345.67, spending=2345.66)), scores(("T0013", "GC2_5", score)), SCHEME)
    d = r.to_json()["details"][0]
    assert d["ratio"] == float(Decimal(ratio))
    assert d["surplus"] == 10000.01
    assert dec(d["retained"]) == expected_retained(12345.67, 2345.66, ratio)
    assert d["score"] == score and d["completion_rate"] == 1.0


def test_half_up_per_line_and_totals_are_sums_of_rounded_lines():
    # surplus 0.01 x 50% = 0.005 -> 0.01 on each line; a total rounded once would be 0.01, not 0.03
    rows = [line(variety=f"V{i}", budget=10.01, spending=10) for i in range(3)]
    r = compute_retention(details(*rows), scores(*[("T0013", f"V{i}", 90) for i in range(3)]), SCHEME)
    out = r.to_json()
    assert [d["retained"] for d in out["details"]] == [0.01, 0.01, 0.01]
    assert out["hospitals"][0]["retained_total"] == 0.03
    assert out["districts"][0]["retained_employee"] == 0.03


def test_random_lines_equal_decimal_half_up_exactly():
    rng = random.Random(42)
    rows, pairs, expect = [], [], []
    tiers = [(80, "0.50"), (70, "0.40"), (60, "0.30"), (0, "0")]
    for i in range(3000):
        budget = rng.randrange(0, 10**9) / 100
        spending = round(budget * rng.uniform(0.3, 1.2), rng.choice((2, 2, 3)))  # some with 3 decimals
        score = rng.choice((55, 60, 65.5, 70, 79.75, 80, 100))
        rows.append(line(hospital=f"H{i % 37}", variety=f"V{i}", budget=budget, spending=spending))
        pairs.append((f"H{i % 37}", f"V{i}", score))
        ratio = next(r for m, r in tiers if score >= m)
        expect.append(expected_retained(budget, spending, ratio))
    out = compute_retention(details(*rows), scores(*pairs), SCHEME).to_json()
    got = [dec(d["retained"]) for d in out["details"]]
    assert got == expect
    by_hospital = {}
    for d, e in zip(out["details"], expect):
        by_hospital[d["hospital_code"]] = by_hospital.get(d["hospital_code"], Decimal(0)) + e
    assert {h["hospital_code"]: dec(h["retained_total"]) for h in out["hospitals"]} == by_hospital
    assert dec(out["districts"][0]["retained_total"]) == sum(expect)


@pytest.mark.parametrize("value", [1.005, 2.675, 0.125, 1234567.895, 0.045, 99.994999, 10.0, 0.0, 7.5])
def test_to_cents_matches_decimal_of_the_displayed_value(value):
    assert to_cents(np.array([value]))[0] == int(q(value) * 100)


def test_apply_ratio_exact_beyond_int64_products():
    cents = np.array([10**17, 3, 5, 999_999_999_999_999], dtype=np.int64)
    ratio = Decimal("0.4375123456789")
    got = apply_ratio(cents, ratio)
    want = [int((Decimal(int(c)) * ratio).quantize(Decimal(1), ROUND_HALF_UP)) for c in cents]
    assert got.tolist() == want


def test_completion_below_100_percent_retains_zero_and_exactly_100_retains():
    rows = [line(variety="A", agreed=100, actual=99.99), line(variety="B", agreed=300, actual=300),
            line(variety="C", agreed=3, actual=1)]
    r = compute_retention(details(*rows), scores(("T0013", "A", 90), ("T0013", "B", 90), ("T0013", "C", 90)), SCHEME)
    d = r.to_json()["details"]
    assert d[0]["retained"] == 0.0 and d[0]["completion_rate"] == pytest.approx(0.9999)
    assert d[1]["retained"] == 200.0
    assert d[2]["retained"] == 0.0 and d[2]["completion_rate"] == pytest.approx(1 / 3)
    assert r.findings == []


def _scheme(retention: str):
    text = f'name = "t"\n[retention]\n{retention}\n'
    return parse_scheme(text, "test")


def test_completion_rule_is_configurable():
    row = line(agreed=100, actual=90, budget=100, spending=0)
    sc = scores(("T0013", "GC2_5", 90))
    off = _scheme('tiers = [{ min_score = 80, ratio = "0.5" }]\nrequire_completion = false')
    assert compute_retention(details(row), sc, off).to_json()["details"][0]["retained"] == 50.0
    lower = _scheme('tiers = [{ min_score = 80, ratio = "0.5" }]\nmin_completion_rate = "0.9"')
    assert compute_retention(details(row), sc, lower).to_json()["details"][0]["retained"] == 50.0
    assert compute_retention(details(row), sc, SCHEME).to_json()["details"][0]["retained"] == 0.0


def test_linear_rule():
    scheme = _scheme('rule = "linear"\nlinear_cap = "0.5"')  # no [score]: total 100
    r = compute_retention(details(line(budget=1000.01, spending=0)), scores(("T0013", "GC2_5", 87.5)), scheme)
    d = r.to_json()["details"][0]
    assert d["ratio"] == 0.4375
    assert dec(d["retained"]) == (Decimal("1000.01") * Decimal("0.4375")).quantize(CENT, ROUND_HALF_UP)  # 437.504375


def test_no_surplus_when_spending_exceeds_budget():
    r = compute_retention(details(line(budget=100, spending=150)), scores(("T0013", "GC2_5", 90)), SCHEME)
    d = r.to_json()["details"][0]
    assert d["surplus"] == 0.0 and d["retained"] == 0.0


# ------------------------------------------------------------------ summaries


def test_hospital_and_district_summaries():
    rows = [line("T0013", "GC2_5", "职保", budget=1000, spending=600),
            line("T0013", "GC2_5", "居保", budget=500, spending=100),
            line("T0013", "GC2_6", "职保", budget=200, spending=100),
            line("T0005", "GC2_2", "居保", budget=300, spending=0),
            line("T0009", "GC2_2", "职保", budget=50, spending=0, district="江岸区")]
    sc = scores(("T0013", "GC2_5", 85), ("T0013", "GC2_6", 72), ("T0005", "GC2_2", 65), ("T0009", "GC2_2", 90))
    out = compute_retention(details(*rows), sc, SCHEME).to_json()
    assert out["hospitals"] == [
        {"district": "武昌区", "hospital_code": "T0013", "varieties": 2, "budget": 1700.0, "surplus": 900.0,
         "retained_employee": 240.0, "retained_resident": 200.0, "retained_total": 440.0},
        {"district": "武昌区", "hospital_code": "T0005", "varieties": 1, "budget": 300.0, "surplus": 300.0,
         "retained_employee": 0.0, "retained_resident": 90.0, "retained_total": 90.0},
        {"district": "江岸区", "hospital_code": "T0009", "varieties": 1, "budget": 50.0, "surplus": 50.0,
         "retained_employee": 25.0, "retained_resident": 0.0, "retained_total": 25.0}]
    assert out["districts"] == [
        {"district": "武昌区", "hospitals": 2, "varieties": 3, "budget": 2000.0, "surplus": 1200.0,
         "retained_employee": 240.0, "retained_resident": 290.0, "retained_total": 530.0},
        {"district": "江岸区", "hospitals": 1, "varieties": 1, "budget": 50.0, "surplus": 50.0,
         "retained_employee": 25.0, "retained_resident": 0.0, "retained_total": 25.0}]
    assert set(out) == {"details", "hospitals", "districts", "findings"}
    assert set(out["details"][0]) == {"hospital_code", "variety_code", "fund", "budget", "spending", "surplus",
                                      "completion_rate", "score", "ratio", "retained"}


def test_json_text_is_json_dumps_of_to_json():
    rows = [line(variety="A", budget="1,234.5"), line(variety="B", fund="职工"), line(variety="C", agreed=0),
            line(variety="D", budget=1e9 + 0.07, spending=3.333)]
    r = compute_retention(details(*rows), scores(("T0013", "A", 88), ("T0013", "B", 61), ("T0013", "D", 79)),
                          SCHEME, what_if=True)
    assert r.to_json_text() == json.dumps(r.to_json(), ensure_ascii=False)
    assert json.loads(r.to_json_text())["details"][1]["fund"] is None


# ------------------------------------------------------------------ bad input


def codes(result):
    return flatten(result.findings, ("code", "sheet", "cell", "severity"))


def test_unknown_fund():
    r = compute_retention(details(line(fund="职工医保")), scores(("T0013", "GC2_5", 90)), SCHEME)
    assert ("unknown-fund", "测算数据", "G2", "error") in codes(r)
    d = r.to_json()["details"][0]
    assert d["fund"] is None and d["retained"] is None
    assert r.to_json()["hospitals"][0]["retained_total"] == 0.0


def test_negative_and_text_amounts():
    rows = [line(variety="A", budget=-5), line(variety="B", spending="一百"), line(variety="C", budget="2,000.50"),
            line(variety="D", spending="#N/A")]
    sc = scores(*[("T0013", v, 90) for v in "ABCD"])
    r = compute_retention(details(*rows), sc, SCHEME)
    found = codes(r)
    assert ("negative-value", "测算数据", "J2", "error") in found
    assert ("not-a-number", "测算数据", "K3", "error") in found
    assert ("number-as-text", "测算数据", "J4", "warning") in found
    assert ("not-a-number", "测算数据", "K5", "error") in found
    d = r.to_json()["details"]
    assert [x["retained"] for x in d] == [None, None, 700.25, None]
    assert "一百" in next(f.message for f in r.findings if f.cell == "K3")


def test_agreed_volume_zero_or_blank():
    rows = [line(variety="A", agreed=0), line(variety="B", agreed=None)]
    r = compute_retention(details(*rows), scores(("T0013", "A", 90), ("T0013", "B", 90)), SCHEME)
    found = codes(r)
    assert ("zero-denominator", "测算数据", "H2", "error") in found
    assert ("required-blank", "测算数据", "H3", "error") in found
    for d in r.to_json()["details"]:
        assert d["completion_rate"] is None and d["retained"] is None and d["surplus"] == 400.0


def test_detail_without_score_and_score_without_detail():
    sc = scores(("T0013", "GC2_5", 90), ("T0013", "GC2_99", 90), ("T0013", "GC2_6", None))
    r = compute_retention(details(line(variety="GC2_5"), line(variety="GC2_6")), sc, SCHEME)
    found = codes(r)
    assert ("score-missing", "测算数据", "A3", "error") in found
    assert ("detail-missing", "考核结果", "A3", "info") in found
    assert not any(c == "detail-missing" and cell == "A4" for c, _, cell, _ in found)
    d = r.to_json()["details"][1]
    assert d["score"] is None and d["ratio"] is None and d["retained"] is None and d["surplus"] == 400.0


def test_bad_bureau_score_is_reported_and_treated_as_missing():
    sc = scores(("T0013", "A", "九十"), ("T0013", "B", 120))
    r = compute_retention(details(line(variety="A"), line(variety="B")), sc, SCHEME)
    found = codes(r)
    assert ("not-a-number", "考核结果", "R2", "error") in found
    assert ("score-out-of-range", "考核结果", "R3", "error") in found
    assert ("score-missing", "测算数据", "A2", "error") in found and ("score-missing", "测算数据", "A3", "error") in found


def test_duplicate_line_reported_on_later_row_and_left_out_of_totals():
    rows = [line(budget=1000, spending=0), line(budget=5000, spending=0), line(fund="居保", budget=10, spending=0)]
    r = compute_retention(details(*rows), scores(("T0013", "GC2_5", 90)), SCHEME)
    assert ("duplicate-row", "测算数据", "A3", "error") in codes(r)
    out = r.to_json()
    assert out["details"][1]["budget"] is None
    assert out["hospitals"][0]["budget"] == 1010.0 and out["hospitals"][0]["retained_total"] == 505.0


def test_more_than_two_decimals_warns_and_uses_half_up():
    r = compute_retention(details(line(budget=100.005, spending=0.004)), scores(("T0013", "GC2_5", 90)), SCHEME)
    found = codes(r)
    assert ("too-many-decimals", "测算数据", "J2", "warning") in found
    assert ("too-many-decimals", "测算数据", "K2", "warning") in found
    d = r.to_json()["details"][0]
    assert d["budget"] == 100.01 and d["spending"] == 0.0 and d["retained"] == 50.01


def test_required_blank_and_moved_or_missing_headers():
    header = DETAIL_SHEET.headers[:]
    header[9], header[10] = header[10], header[9]  # 预算 and 支出 swapped
    sheet = SheetData("测算数据", [header, line(budget=100, spending=1000)[:9] + [100, 1000]])
    r = compute_retention(sheet, scores(("T0013", "GC2_5", 90)), SCHEME)
    assert ("header-mismatch", "测算数据", "J1", "error") in codes(r)
    assert r.to_json()["details"][0]["budget"] == 1000.0  # read from where it was found
    missing = SheetData("测算数据", [DETAIL_SHEET.headers[:9], line()[:9]])
    r = compute_retention(missing, scores(("T0013", "GC2_5", 90)), SCHEME)
    assert ("header-mismatch", "测算数据", "J1", "error") in codes(r)
    assert r.to_json()["details"][0]["retained"] is None
    blank = compute_retention(details(line(hospital=None)), scores(("T0013", "GC2_5", 90)), SCHEME)
    assert ("required-blank", "测算数据", "B2", "error") in codes(blank)


def test_score_sheet_without_bureau_column():
    sheet = SheetData("自评分数表", [SCORE_SHEET.headers[:17], ["武昌区", "T0013", "x", "GC2_5"] + [1] * 13])
    r = compute_retention(details(line()), sheet, SCHEME)
    assert ("header-mismatch", "自评分数表", "R1", "error") in codes(r)
    assert ("score-missing", "测算数据", "A2", "error") in codes(r)


def test_inputs_are_not_changed():
    d = details(line(budget="1,000"), line(variety="X", fund="?", spending=-1))
    s = scores(("T0013", "GC2_5", "85"))
    before = (copy.deepcopy(d.rows), copy.deepcopy(s.rows))
    compute_retention(d, s, SCHEME, what_if=True)
    assert (d.rows, s.rows) == before


def test_empty_details():
    r = compute_retention(details(), scores(), SCHEME)
    assert r.to_json() == {"details": [], "hospitals": [], "districts": [], "findings": []}


def test_codes_match_across_text_and_numbers():
    # 品种序号 typed as a number in one sheet and as text in the other is the same variety
    r = compute_retention(details(line(hospital="T0013", variety=13.0)), scores(("T0013", "13", 90)), SCHEME)
    assert r.to_json()["details"][0]["retained"] == 200.0


def test_title_line_above_the_header_keeps_real_row_numbers():
    sheet = SheetData("测算数据", [["2026年度结余留用测算数据"], DETAIL_SHEET.headers, line(), line(variety="X", fund="?")])
    r = compute_retention(sheet, scores(("T0013", "GC2_5", 90), ("T0013", "X", 90)), SCHEME)
    assert r.header_row == 2 and list(r.details.index) == [3, 4]
    assert ("unknown-fund", "测算数据", "G4", "error") in codes(r)


def test_absurd_amounts_are_findings_not_crashes():
    rows = [line(variety="A", budget=1e300), line(variety="B", spending=5e12)]
    r = compute_retention(details(*rows), scores(("T0013", "A", 90), ("T0013", "B", 90)), SCHEME)
    assert {("amount-too-large", "J2"), ("amount-too-large", "K3")} <= set(flatten(r.findings))
    assert [d["retained"] for d in r.to_json()["details"]] == [None, None]


def test_linear_rule_with_many_distinct_scores_is_exact():
    scheme = _scheme('rule = "linear"\nlinear_cap = "0.45"')
    rng = random.Random(3)
    rows, pairs, expect = [], [], []
    for i in range(1500):
        budget, score = rng.randrange(0, 10**8) / 100, rng.randrange(0, 10001) / 100
        rows.append(line(variety=f"V{i}", budget=budget, spending=0))
        pairs.append(("T0013", f"V{i}", score))
        ratio = Decimal("0.45") * Decimal(repr(score)) / Decimal(100)
        expect.append((q(budget) * ratio).quantize(CENT, ROUND_HALF_UP))
    out = compute_retention(details(*rows), scores(*pairs), scheme, what_if=True).to_json()
    assert [dec(d["retained"]) for d in out["details"]] == expect
    assert all(v["extra"] >= 0 for h in out["what_if"] for v in h["varieties"])


def test_garbage_cells_give_findings_never_exceptions():
    from datetime import date, datetime
    junk = [None, "", " ", "abc", "#N/A", "#DIV/0!", True, False, date(2026, 1, 1), datetime(2026, 1, 1, 8), -1, 0,
            1e300, "１２３", 1.005, "=SUM(A1)", "  5 ", 10**20, float("nan"), "50%", "1e3"]
    rng = random.Random(11)
    rows = [[rng.choice(junk) if rng.random() < 0.4 else v for v in line(variety=f"V{i % 7}", fund=rng.choice(["职保", "居保"]))]
            for i in range(400)]
    pairs = [(rng.choice(["T0013", None, "x"]), f"V{i % 9}", rng.choice(junk + [85, 72, 61, 30])) for i in range(60)]
    r = compute_retention(details(*rows), scores(*pairs), SCHEME, what_if=True)
    out = r.to_json()
    assert len(out["details"]) == 400 and r.findings
    assert json.loads(r.to_json_text()) == json.loads(json.dumps(out))
    assert all(f.cell and f.message for f in r.findings)
