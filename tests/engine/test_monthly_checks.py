"""Bad input in the monthly report and ledger: every problem is a finding at its cell (SPEC §4.1, §4.4)."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from engine.columns import HOLIDAY_SHEET, LEDGER_SHEET, MONTHLY_SHEET
from engine.findings import flatten
from engine.monthly import compute_monthly
from engine.scheme import load_scheme
from engine.sheet import SheetData

SCHEME = load_scheme("shaanxi-2012")
R = MONTHLY_SHEET.headers
L = LEDGER_SHEET.headers


def row(code="A1", month="2024-04", county="雁塔区", name=None, numbers=(80, 100, 50, 45, 8000, 10000, 0, 9000, 4500),
        remark=None, city="西安市"):
    return [city, county, code, name or f"机构{code}", month, *numbers, remark]


def purchase(order, accepted, invoiced, paid, code="A1", county="雁塔区", amount=100):
    return ["西安市", county, code, f"机构{code}", order, accepted, invoiced, paid, amount]


def run(report_rows, ledger_rows=None, holidays=None, month="2024-04", as_of=None):
    return compute_monthly(SheetData("机构月报", [R, *report_rows]),
                           SheetData("回款明细", [L, *ledger_rows]) if ledger_rows is not None else None,
                           SheetData("节假日调整", [HOLIDAY_SHEET.headers, *holidays]) if holidays else None,
                           month, as_of, SCHEME)


def codes(result, code=None):
    return sorted((f.code, f.sheet, f.cell) for f in result.findings if code is None or f.code == code)


def test_dates_as_text_in_several_formats_and_serials_give_the_same_days():
    ledger = [purchase(f"P{i}", a, a, p) for i, (a, p) in enumerate([
        ("2024-4-8", "2024-4-15"), ("2024/04/08", "2024/04/15"), ("2024年4月8日", "2024年4月15日"),
        (45390, 45397), ("45390", "45397"), (date(2024, 4, 8), "20240415")])]
    res = run([row()], ledger)
    assert res.ledger["days"].tolist() == [5] * 6
    assert res.findings == []


def test_unparseable_date_is_date_invalid_at_its_cell():
    res = run([row()], [purchase("P1", "2024-04-08", "昨天", "2024-04-15"),
                        purchase("P2", "2024-02-30", "2024-02-01", "2024-04-15")])
    assert codes(res) == [("date-invalid", "回款明细", "F3"), ("date-invalid", "回款明细", "G2")]
    assert "昨天" in next(f.message for f in res.findings if f.cell == "G2")


def test_paid_before_start_is_date_order_and_has_no_index():
    res = run([row()], [purchase("P1", "2024-04-08", "2024-04-10", "2024-04-09")])
    assert codes(res) == [("date-order", "回款明细", "H2")]
    assert "发票日期" in res.findings[0].message
    assert res.to_json()["institutions"][0]["purchases"] == 0


def test_institution_under_two_counties():
    res = run([row("A1"), row("A1", month="2024-03", county="长安区")],
              [purchase("P1", "2024-04-08", "2024-04-08", "2024-04-15", county="碑林区")])
    assert codes(res, "region-conflict") == [("region-conflict", "回款明细", "B2"), ("region-conflict", "机构月报", "B3")]


def test_institution_with_two_names():
    res = run([row("A1", name="一院"), row("A1", month="2024-03", name="第一医院")])
    assert codes(res) == [("name-conflict", "机构月报", "D3")]


def test_duplicate_order_number_and_duplicate_report_row():
    res = run([row("A1"), row("A1")], [purchase("P1", "2024-04-08", "2024-04-08", "2024-04-15"),
                                       purchase("P1", "2024-04-09", "2024-04-09", "2024-04-16")])
    assert codes(res, "duplicate-row") == [("duplicate-row", "回款明细", "A3"), ("duplicate-row", "机构月报", "A3")]
    assert res.to_json()["institutions"][0]["purchases"] == 1  # the repeat is left out


def test_months_from_two_years():
    res = run([row("A1"), row("A2", month="2023-12")])
    assert codes(res) == [("month-mixed-years", "机构月报", "E3")]
    assert [i["code"] for i in res.to_json()["institutions"]] == ["A1"]


def test_month_text_forms():
    res = run([row("A1", month="2024年4月"), row("A2", month="2024/4"), row("A3", month=date(2024, 4, 15)),
               row("A4", month=45397), row("A5", month="四月")])
    assert codes(res) == [("date-invalid", "机构月报", "E6")]
    assert len(res.institutions) == 4


def test_year_not_in_the_calendar_then_covered_by_holiday_rows():
    ledger = [purchase("P1", "2027-01-04", "2027-01-04", "2027-01-08")]
    report = [row(month="2027-01")]
    res = run(report, ledger, month="2027-01")
    assert codes(res) == [("calendar-not-covered", "回款明细", "G2")]  # the later of F and G: the start
    assert "2027" in res.findings[0].message and "节假日调整" in res.findings[0].message
    assert res.to_json()["institutions"][0]["payment_index"] is None
    res = run(report, ledger, holidays=[["2027-01-01", "休息", "元旦"]], month="2027-01")
    assert codes(res) == [("calendar-from-workbook", "节假日调整", "A2")]
    assert res.to_json()["institutions"][0]["payment_index"] == pytest.approx(4 / 30)


def test_counts_and_negatives():
    res = run([row(numbers=(120, 100, 50, 60, 12000, 10000, -1, 9000, 4500)),
               row("A2", numbers=("八十", 100, 50, "４５", 8000, 10000, 0, 9000, None))])
    assert codes(res) == [("count-exceeds", "机构月报", "F2"), ("count-exceeds", "机构月报", "I2"),
                          ("count-exceeds", "机构月报", "J2"), ("negative-value", "机构月报", "L2"),
                          ("not-a-number", "机构月报", "F3"), ("number-as-text", "机构月报", "I3"),
                          ("required-blank", "机构月报", "N3")]


def test_change_over_half_needs_a_remark():
    march = row(month="2024-03", numbers=(80, 100, 50, 45, 8000, 10000, 0, 9000, 4000))
    april = (80, 100, 50, 45, 12001, 10000, 0, 9000, 2000)  # J +50.01%, N −50%: only J is over
    res = run([march, row(numbers=april)])
    assert codes(res, "change-needs-remark") == [("change-needs-remark", "机构月报", "J3")]
    assert [f for f in res.findings if f.code == "count-exceeds"]  # J > K is still its own error
    assert codes(run([march, row(numbers=april, remark="新增配送企业")]), "change-needs-remark") == []


def test_missing_institution_and_late_report():
    res = run([row("A1", month="2024-03"), row("A2", month="2024-03"), row("A1")], as_of=date(2024, 5, 16))
    assert codes(res) == [("institution-missing", "机构月报", "A3"), ("report-late", "机构月报", "A1")]
    assert res.findings[-1].severity.value == "info"
    on_time = run([row("A1", month="2024-03"), row("A1")], as_of=date(2024, 5, 15))
    assert codes(on_time) == []


def test_header_moved_and_missing_columns_are_findings_not_crashes():
    headers = list(R)
    headers[5], headers[6] = headers[6], headers[5]
    rows = [row()]
    res = compute_monthly(SheetData("机构月报", [headers[:-1], *[r[:-1] for r in rows]]), None, None, "2024-04", None, SCHEME)
    assert ("header-mismatch", "F1") in flatten(res.findings) and ("header-mismatch", "O1") in flatten(res.findings)
    assert res.to_json()["institutions"][0]["equip_rate"] == pytest.approx(100 / 80)


@pytest.mark.parametrize("known_ids", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_distinct_pairs_match_a_plain_python_count(seed, known_ids):
    """_distinct hashes only the rows that differ from their code's first pair; the pairs, their
    first rows and every row's pair id must be what a dictionary walk over all rows gives."""
    from engine.monthly_checks import _distinct

    rng = np.random.default_rng(seed)
    n = 2000
    codes = np.array([f"J{k}" for k in rng.integers(0, 40, n)], dtype=object)
    names = np.array([f"名{k}" for k in rng.integers(0, 3, n)], dtype=object)
    counties = np.array([f"县{k}" for k in rng.integers(0, 2, n)], dtype=object)
    codes[rng.random(n) < 0.02] = ""
    names[rng.random(n) < 0.02] = ""
    rows = np.arange(2, n + 2)
    ids = [pd.factorize(x)[0] for x in (codes, names, counties)] if known_ids else None  # as a ledger has them
    pair_ids, pairs = _distinct(codes, [names, counties], rows, ids)
    seen: dict = {}
    expected_ids = []
    for code, name, county in zip(codes, names, counties):
        expected_ids.append(seen.setdefault((code, name, county), len(seen)))
    assert pair_ids.tolist() == expected_ids
    firsts = {}
    for i, key in enumerate(zip(codes, names, counties)):
        firsts.setdefault(key, i)
    expected = [(k[0], f"{k[1]} {k[2]}", i, i + 2, seen[k]) for k, i in firsts.items() if "" not in k]
    assert list(pairs.itertuples(index=False, name=None)) == expected
