"""Indicators of the 三统一 monthly report, against values worked out by hand (SPEC §4.4).

April 2024: 4–6 April off (清明), Sunday 7 April worked; Sunday 28 April worked (劳动节调休).
"""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from engine.columns import LEDGER_SHEET, MONTHLY_SHEET
from engine.monthly import compute_monthly
from engine.scheme import load_scheme
from engine.sheet import SheetData

SCHEME = load_scheme("shaanxi-2012")
R = MONTHLY_SHEET.headers
L = LEDGER_SHEET.headers

REPORT = [
    R,
    ["西安市", "雁塔区", "A1", "一院", "2024-03", 80, 100, 50, 40, 8000, 10000, 0, 9000, 4500, None],
    ["西安市", "雁塔区", "A1", "一院", "2024-04", 80, 100, 50, 45, 8000, 10000, 0, 9000, 9000, "集中结算"],
    ["西安市", "雁塔区", "A2", "二院", "2024-04", 60, 100, 40, 40, 5000, 10000, 0, 4000, 2000, None],
    ["西安市", "长安区", "A3", "三院", "2024-04", 90, 100, 50, 50, 6000, 10000, 0, 5000, 5000, None],
    ["宝鸡市", "渭滨区", "B1", "四院", "2024-04", 50, 100, 20, 10, 3000, 10000, 0, 2000, 1000, None],
]
LEDGER = [
    L,
    ["西安市", "雁塔区", "A1", "一院", "P1", "2024-04-01", "2024-04-02", "2024-04-12", 100],   # 7 days
    ["西安市", "雁塔区", "A1", "一院", "P2", "2024-03-29", "2024-03-25", "2024-04-30", 100],   # 22 days
    ["西安市", "雁塔区", "A2", "二院", "P3", "2024/04/08", "2024年4月8日", 45397, 100],        # 5 days (serial = 2024-04-15)
    ["西安市", "长安区", "A3", "三院", "P4", "2024-04-15", "2024-04-15", "2024-04-19", 100],   # 4 days
    ["宝鸡市", "渭滨区", "B1", "四院", "P5", "2024-04-01", "2024-04-01", "2024-04-03", 100],   # 2 days
    ["西安市", "雁塔区", "A1", "一院", "P6", "2024-03-01", "2024-03-01", "2024-03-08", 100],   # March: 5 days
    ["西安市", "雁塔区", "A2", "二院", "P7", "2024-04-22", "2024-04-23", None, 100],           # open: 6 days
]


@pytest.fixture(scope="module")
def result():
    return compute_monthly(SheetData("机构月报", REPORT), SheetData("回款明细", LEDGER), None, "2024-04", None, SCHEME)


def by(records, key, value):
    return next(r for r in records if r[key] == value)


def test_per_purchase_days_follow_the_official_calendar(result):
    days = dict(zip(result.ledger["order"], result.ledger["days"]))
    assert {k: days[k] for k in ("P1", "P2", "P3", "P4", "P5", "P6")} == {"P1": 7, "P2": 22, "P3": 5, "P4": 4, "P5": 2, "P6": 5}
    assert result.ledger.set_index("order").loc["P1", "index"] == pytest.approx(7 / 30)


def test_institution_rates_and_indices(result):
    j = result.to_json()
    a1 = by(j["institutions"], "code", "A1")
    assert a1 == pytest.approx({**a1, "equip_rate": 0.8, "delivery_rate": 0.9, "usage_rate": 0.8, "payment_rate": 1.0,
                                "ytd_payment_rate": 0.75, "payment_index": 14.5 / 30, "ytd_payment_index": 9.75 / 30})
    assert (a1["city"], a1["county"], a1["name"], a1["purchases"]) == ("西安市", "雁塔区", "一院", 2)
    a3 = by(j["institutions"], "code", "A3")
    assert a3["payment_index"] == pytest.approx(4 / 30) and a3["purchases"] == 1


def test_region_rates_are_ratios_of_sums(result):
    j = result.to_json()
    yanta = by(j["counties"], "county", "雁塔区")
    assert yanta["city"] == "西安市"
    assert yanta["equip_rate"] == pytest.approx(0.7)
    assert yanta["delivery_rate"] == pytest.approx(85 / 90)
    assert yanta["payment_rate"] == pytest.approx(11 / 13)
    assert yanta["ytd_payment_rate"] == pytest.approx(15500 / 22000)
    xian = by(j["cities"], "city", "西安市")
    assert xian["equip_rate"] == pytest.approx(230 / 300) and xian["payment_rate"] == pytest.approx(16 / 18)
    assert j["province"]["equip_rate"] == pytest.approx(0.7)
    assert j["province"]["purchases"] == 5 and xian["purchases"] == 4 and yanta["purchases"] == 3


def test_index_is_a_mean_of_means_up_the_hierarchy(result):
    j = result.to_json()
    assert by(j["counties"], "county", "雁塔区")["payment_index"] == pytest.approx(9.75 / 30)
    assert by(j["cities"], "city", "西安市")["payment_index"] == pytest.approx(6.875 / 30)  # not pooled 9.5/30
    assert j["province"]["payment_index"] == pytest.approx(4.4375 / 30)


def test_year_to_date_index_averages_monthly_values_skipping_empty_months(result):
    j = result.to_json()
    assert by(j["institutions"], "code", "A2")["ytd_payment_index"] == pytest.approx(5 / 30)
    assert by(j["counties"], "county", "雁塔区")["ytd_payment_index"] == pytest.approx(7.375 / 30)
    assert by(j["counties"], "county", "长安区")["ytd_payment_index"] == pytest.approx(4 / 30)
    assert by(j["cities"], "city", "西安市")["ytd_payment_index"] == pytest.approx(5.9375 / 30)
    assert j["province"]["ytd_payment_index"] == pytest.approx(4.71875 / 30)


def test_ranks_counties_within_city_and_cities_overall(result):
    j = result.to_json()
    yanta, changan = by(j["counties"], "county", "雁塔区"), by(j["counties"], "county", "长安区")
    assert (yanta["ranks"]["equip_rate"], changan["ranks"]["equip_rate"]) == (2, 1)
    assert (yanta["ranks"]["payment_index"], changan["ranks"]["payment_index"]) == (2, 1)  # low is best
    assert by(j["counties"], "county", "渭滨区")["ranks"]["equip_rate"] == 1
    xian, baoji = by(j["cities"], "city", "西安市"), by(j["cities"], "city", "宝鸡市")
    assert (xian["ranks"]["equip_rate"], baoji["ranks"]["equip_rate"]) == (1, 2)
    assert (xian["ranks"]["payment_index"], baoji["ranks"]["payment_index"]) == (2, 1)


def test_open_purchases_count_working_days_to_the_report_date(result):
    assert result.to_json()["open"] == [{"code": "A2", "order": "P7", "start": "2024-04-23", "workdays": 6}]
    later = compute_monthly(SheetData("机构月报", REPORT), SheetData("回款明细", LEDGER), None, "2024-04",
                            date(2024, 5, 6), SCHEME)
    assert later.to_json()["open"][0]["workdays"] == 7  # May 1–5 off, May 6 on
    assert later.to_json()["as_of"] == "2024-05-06"


def test_json_shape(result):
    j = result.to_json()
    assert set(j) == {"month", "as_of", "institutions", "counties", "cities", "province", "open", "findings"}
    assert j["month"] == "2024-04" and j["as_of"] == "2024-04-30"
    rate_keys = {"equip_rate", "delivery_rate", "usage_rate", "payment_rate", "ytd_payment_rate", "payment_index",
                 "ytd_payment_index", "purchases"}
    assert set(j["institutions"][0]) == {"city", "county", "code", "name"} | rate_keys
    assert set(j["counties"][0]) == {"city", "county", "ranks"} | rate_keys
    assert set(j["cities"][0]) == {"city", "ranks"} | rate_keys
    assert set(j["province"]) == rate_keys
    assert j["findings"] == []  # the remark explains A1's doubled 已结算药款


def test_zero_denominator_gives_null_and_a_warning():
    rows = [R, ["西安市", "雁塔区", "A1", "一院", "2024-04", 0, 0, 0, 0, 0, 0, 0, 0, 0, None]]
    res = compute_monthly(SheetData("机构月报", rows), None, None, "2024-04", None, SCHEME)
    inst = res.to_json()["institutions"][0]
    assert [inst[k] for k in ("equip_rate", "delivery_rate", "usage_rate", "payment_rate", "ytd_payment_rate")] == [None] * 5
    assert sorted((f.code, f.cell) for f in res.findings) == [
        ("zero-denominator", "G2"), ("zero-denominator", "H2"), ("zero-denominator", "K2"), ("zero-denominator", "M2")]
    assert res.to_json()["province"]["equip_rate"] is None
    assert res.to_json()["counties"][0]["ranks"]["equip_rate"] is None


def test_members_without_a_value_are_skipped_not_zero():
    rows = [R, ["西安市", "雁塔区", "A1", "一院", "2024-04", 1, 2, 1, 1, 1, 2, 0, 1, 1, None],
            ["西安市", "雁塔区", "A2", "二院", "2024-04", 1, 2, 1, 1, 1, 2, 0, 1, 1, None]]
    ledger = [L, ["西安市", "雁塔区", "A1", "一院", "P1", "2024-04-08", "2024-04-08", "2024-04-15", 1]]
    j = compute_monthly(SheetData("机构月报", rows), SheetData("回款明细", ledger), None, "2024-04", None, SCHEME).to_json()
    assert by(j["institutions"], "code", "A2")["payment_index"] is None
    assert j["counties"][0]["payment_index"] == pytest.approx(5 / 30)


def test_year_to_date_counts_institutions_absent_this_month():
    rows = [R, ["西安市", "雁塔区", "A1", "一院", "2024-04", 1, 2, 1, 1, 1, 2, 0, 4, 1, None],
            ["西安市", "雁塔区", "A2", "二院", "2024-03", 1, 2, 1, 1, 1, 2, 0, 4, 3, None]]
    ledger = [L, ["西安市", "雁塔区", "A1", "一院", "P1", "2024-04-08", "2024-04-08", "2024-04-15", 1],   # 5 days
              ["西安市", "雁塔区", "A2", "二院", "P2", "2024-03-01", "2024-03-01", "2024-03-08", 1]]   # 5 days
    ledger[2][7] = "2024-03-11"                                                                          # 6 days
    res = compute_monthly(SheetData("机构月报", rows), SheetData("回款明细", ledger), None, "2024-04", None, SCHEME)
    j = res.to_json()
    assert [i["code"] for i in j["institutions"]] == ["A1"]
    county = j["counties"][0]
    assert county["payment_index"] == pytest.approx(5 / 30)
    assert county["ytd_payment_index"] == pytest.approx((6 / 30 + 5 / 30) / 2)   # March counts A2
    assert county["ytd_payment_rate"] == pytest.approx((1 + 3) / (4 + 4))
    assert county["payment_rate"] == pytest.approx(1 / 4)


def test_categorical_ledger_columns_number_values_by_first_appearance():
    """A CSV ledger arrives as Categoricals (sorted categories); ids must still follow the rows."""
    from engine.monthly_ledger import _factorized, canonical_text

    values = pd.Categorical(["乙", None, "甲", "乙", " 甲 ", "丙", None])
    codes, uniques = _factorized(values)
    assert codes.tolist() == [0, 1, 2, 0, 3, 4, 1]
    assert uniques.tolist() == ["乙", None, "甲", " 甲 ", "丙"]
    text, ids = canonical_text(pd.Series(values))
    assert text.tolist() == ["乙", "", "甲", "乙", "甲", "丙", ""]
    assert ids.tolist() == [0, 1, 2, 0, 2, 3, 1]
    plain_text, plain_ids = canonical_text(pd.Series(np.asarray(values, dtype=object), dtype=object))
    assert plain_text.tolist() == text.tolist() and plain_ids.tolist() == ids.tolist()


@pytest.mark.parametrize("values", [["A1", None, "B2", "C3", None, "D4"], [None, "A1", "B2"], ["A1", "B2"], [None, None]])
def test_distinct_canonical_text_needs_no_hashing_and_gives_the_same_ids(values):
    from engine.monthly_ledger import canonical_text

    column = pd.Series(np.asarray(values, dtype=object), dtype=object)
    text, ids = canonical_text(column, distinct_canonical=True)
    plain_text, plain_ids = canonical_text(column)
    assert text.tolist() == plain_text.tolist() and ids.tolist() == plain_ids.tolist()


@pytest.mark.parametrize("values, categories", [
    (["乙", "甲", "乙", "丙"], ["乙", "甲", "丙"]),        # categories in order of first appearance (a polars scan)
    (["乙", "甲", "乙", "丙"], ["乙", "丙", "甲"]),        # not: renumbered
    (["乙", None, "甲"], ["乙", "甲"]),                    # a blank: None numbered where it first appears
    ([None, "乙", None, "甲", "乙"], ["乙", "甲"]),        # ... blank first
    (["甲", None, "乙", None], ["乙", "甲"]),              # ... and categories out of order
    (["乙", "乙"], ["乙", "甲"]),                          # an unused category
])
def test_factorized_categoricals_match_plain_factorizing(values, categories):
    from engine.monthly_ledger import _factorized

    codes, uniques = _factorized(pd.Categorical(values, categories=categories))
    plain_codes, plain_uniques = _factorized(np.asarray(values, dtype=object))
    def blank_as_none(xs):
        return [None if x is None or x != x else x for x in xs]

    assert codes.tolist() == plain_codes.tolist() and blank_as_none(uniques) == blank_as_none(plain_uniques)


@pytest.mark.parametrize("values", [
    ["乙", None, " ", "甲", "", "Ｂ"],                              # blanks of three kinds, full-width text
    pd.Categorical(["乙", None, "甲", "乙", " "]),                  # a CSV ledger's categories
    [f"P{k:05d}" for k in range(1200)] + ["", None],               # the ASCII shortcut with blanks
    [f"P{k:05d}" for k in range(1200)],                            # ... and without
])
def test_blank_mask_from_distinct_values_is_the_text_compared_with_blank(values):
    from engine.monthly_ledger import canonical_text_and_blanks

    column = pd.Series(values) if isinstance(values, pd.Categorical) else pd.Series(np.asarray(values, dtype=object))
    text, ids, blank = canonical_text_and_blanks(column)
    assert blank.tolist() == (text == "").tolist()


@pytest.mark.parametrize("ids", [[5, 5, 2, 7, 2], [], [0], list(range(40, 0, -3)) * 3, [10**9, 3, 10**9]])
def test_groups_by_first_row_number_groups_as_factorize_does(ids):
    from engine.monthly_ledger import groups_by_first_row

    ids = np.asarray(ids, dtype=np.int64)
    group, first_row = groups_by_first_row(ids)
    expected_group, distinct = pd.factorize(ids)
    assert group.tolist() == expected_group.tolist()
    assert first_row.tolist() == [int(np.flatnonzero(ids == v)[0]) for v in distinct]
