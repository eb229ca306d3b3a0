"""Score sheet checks (SPEC §4.2) on raw values as python-calamine returns them
('' for an empty cell, floats for numbers, error cells as their text)."""
from __future__ import annotations

import copy
from datetime import datetime
from importlib import resources

import numpy as np
import pytest

from engine.columns import SCORE_SHEET
from engine.findings import flatten
from engine.scheme import load_scheme, parse_scheme
from engine.scores import check_scores
from engine.sheet import SheetData

HEADERS = SCORE_SHEET.headers
MAXIMA = [20, 20, 10, 5, 5, 5, 15, 8, 6, 6]  # wuhan-default, SPEC §3.1
GOOD = [20.0, 20.0, 10.0, 5.0, 5.0, 5.0, 15.0, 8.0, 6.0, 6.0]


@pytest.fixture(scope="module")
def scheme():
    return load_scheme("wuhan-default")


def row(code="T0001", variety="GC2_1", name="测试医院", district="武昌区", scores=None, total="sum", bureau=90.0):
    items = list(GOOD if scores is None else scores)
    if total == "sum":  # the right total when every item is a number, else left blank
        total = float(sum(items)) if all(isinstance(x, (int, float)) for x in items) else None
    return [district, code, name, variety, "阿奇霉素口服常释剂型", "0.25g", *items, total, bureau]


def sheet(*rows, header=HEADERS, name="自评分数表"):
    return SheetData(name, [list(header), *[list(r) for r in rows]])


def codes(result, *, severity=None):
    return [(f.code, f.cell) for f in result.findings if severity is None or f.severity.value == severity]


def test_a_clean_sheet_has_no_finding(scheme):
    result = check_scores(sheet(row(), row(variety="GC2_2"), row(code="T0002", name="另一医院")), scheme)
    assert result.findings == [] and result.ok and result.rows == 3


def test_seed_sample_rows_pass_with_total_warnings(scheme):
    from jicai.templates.scores import seed_rows

    result = check_scores(sheet(*seed_rows()), scheme)
    assert result.ok and result.rows == 24
    # 图1.9's own test data: every 自评总分 differs from the sum of its items
    assert {f.code for f in result.findings} == {"total-mismatch"}
    assert ("total-mismatch", "Q2") in codes(result)
    assert "65" in result.findings[0].message and "57" in result.findings[0].message


# ------------------------------------------------------------------ headers


def test_renamed_header_is_reported_at_its_cell_and_the_column_skipped(scheme):
    header = list(HEADERS)
    header[7] = "回款率得分"
    result = check_scores(sheet(row(scores=[20, "x", 10, 5, 5, 5, 15, 8, 6, 6], total=100.0), header=header), scheme)
    assert codes(result) == [("header-mismatch", "H1")]
    assert "30天回款率得分" in result.findings[0].message and "回款率得分" in result.findings[0].message
    assert not result.ok


def test_moved_columns_are_reported_and_still_read_where_they_are(scheme):
    # G and H swapped: both header cells are wrong, values are read from the moved columns
    header = list(HEADERS)
    header[6], header[7] = header[7], header[6]
    data = row()
    data[6], data[7] = 19.0, 25.0   # G: 30天回款率得分 = 19, H: 约定采购量完成率得分 = 25 (max 20)
    result = check_scores(sheet(data, header=header), scheme)
    found = codes(result)
    assert ("header-mismatch", "G1") in found and ("header-mismatch", "H1") in found
    # 约定采购量完成率得分 is found in column H: 25 > 20 is reported at H2, not G2
    assert ("score-out-of-range", "H2") in found
    assert ("score-out-of-range", "G2") not in found
    assert result.scores.loc[2, "score_completion"] == 25.0


def test_deleted_column_reported_and_later_columns_still_checked(scheme):
    header = [h for h in HEADERS if h != "规格"]
    data = row(scores=[21.0, *GOOD[1:]], total=None)
    del data[5]
    result = check_scores(sheet(data, header=header), scheme)
    f1 = next(f for f in result.findings if f.cell == "F1")
    assert f1.code == "header-mismatch" and "规格" in f1.message and "找不到" in f1.message
    # every later column moved one to the left; the out-of-range score is found at F2
    assert ("score-out-of-range", "F2") in codes(result)
    assert ("total-blank", "P2") in codes(result)


def test_title_row_above_header(scheme):
    rows = [["集采结余留用自评分数表"] + [""] * 17, HEADERS, row(scores=[21, *GOOD[1:]])]
    result = check_scores(SheetData("自评分数表", rows), scheme)
    assert ("score-out-of-range", "G3") in codes(result)


def test_header_only_sheet_is_ok_with_zero_rows(scheme):
    result = check_scores(sheet(), scheme)
    assert result.ok and result.rows == 0 and result.findings == []
    assert list(result.scores.columns[:2]) == ["row", "district"]


def test_header_then_only_blank_rows(scheme):
    result = check_scores(sheet([""] * 18, [None] * 18, ["  "] * 18), scheme)
    assert result.ok and result.rows == 0


@pytest.mark.parametrize("rows", [[], [[]], [["", None, "  "]], [[""] * 18, [""] * 18]])
def test_empty_sheet_is_one_sheet_empty_error(scheme, rows):
    result = check_scores(SheetData("自评分数表", rows), scheme)
    assert flatten(result.findings) == [("sheet-empty", "A1")]
    assert not result.ok and result.rows == 0


def test_sheet_without_any_template_header_reports_headers_only(scheme):
    result = check_scores(SheetData("Sheet1", [["姓名", "电话"], ["张三", "123"], ["", ""], ["李四", "456"]]), scheme)
    assert {c for c, _ in codes(result)} == {"header-mismatch"}
    assert len(result.findings) == len(HEADERS)
    assert result.rows == 2


# ------------------------------------------------------------------ required columns


@pytest.mark.parametrize("index,letter", [(0, "A"), (1, "B"), (2, "C"), (3, "D")])
def test_required_blank(scheme, index, letter):
    data = row()
    data[index] = ""
    result = check_scores(sheet(row(variety="GC2_0"), data), scheme)
    assert ("required-blank", f"{letter}3") in codes(result)
    assert HEADERS[index] in next(f.message for f in result.findings if f.code == "required-blank")


def test_optional_columns_may_be_blank(scheme):
    data = row()
    data[4] = data[5] = ""
    assert check_scores(sheet(data), scheme).findings == []


def test_merged_cells_read_blank_below_their_first_cell(scheme):
    # A2:A4 and B2:B4, C2:C4 merged: calamine gives the value in row 2 only
    first = row(variety="GC2_1")
    below = [row(variety="GC2_2"), row(variety="GC2_3")]
    for r in below:
        r[0] = r[1] = r[2] = ""
    result = check_scores(sheet(first, *below), scheme)
    assert sorted(codes(result)) == sorted(
        [("required-blank", f"{c}{n}") for c in "ABC" for n in (3, 4)])


def test_whitespace_only_counts_as_blank(scheme):
    data = row()
    data[1] = " \u3000 "
    assert ("required-blank", "B2") in codes(check_scores(sheet(data), scheme))


# ------------------------------------------------------------------ scores G..P


def test_blank_score(scheme):
    scores = list(GOOD)
    scores[2] = ""
    scores[9] = None
    result = check_scores(sheet(row(scores=scores, total=80.0)), scheme)
    assert ("score-blank", "I2") in codes(result) and ("score-blank", "P2") in codes(result)
    msg = next(f.message for f in result.findings if f.cell == "I2")
    assert "药品费用增长率得分" in msg and "10" in msg


@pytest.mark.parametrize("value", ["二十", "20分", "#N/A", "#DIV/0!", "#VALUE!", True, datetime(2024, 1, 1), "=1+1", "20 20"])
def test_score_not_a_number(scheme, value):
    result = check_scores(sheet(row(scores=[value, *GOOD[1:]], total=100.0)), scheme)
    assert ("not-a-number", "G2") in codes(result)
    assert not result.ok
    f = next(f for f in result.findings if f.cell == "G2")
    assert f.severity.value == "error"
    if isinstance(value, str):
        assert value in f.message
    assert np.isnan(result.scores.loc[2, "score_completion"])


@pytest.mark.parametrize("value,number", [("20", 20), ("２０", 20), (" 15 ", 15), ("１９．５", 19.5), ("1e1", 10)])
def test_number_as_text_is_a_warning_and_the_value_is_used(scheme, value, number):
    result = check_scores(sheet(row(scores=[value, *GOOD[1:]], total=float(number + 80))), scheme)
    assert codes(result) == [("number-as-text", "G2")]
    assert result.ok
    assert result.scores.loc[2, "score_completion"] == number
    assert str(number) in result.findings[0].message


@pytest.mark.parametrize("index,value", [(0, 20.5), (0, -1.0), (7, 9.0), (9, 7.0), (6, "16")])
def test_score_out_of_range(scheme, index, value):
    scores = list(GOOD)
    scores[index] = value
    result = check_scores(sheet(row(scores=scores, total=None)), scheme)
    letter = "GHIJKLMNOP"[index]
    assert ("score-out-of-range", f"{letter}2") in codes(result)
    msg = next(f.message for f in result.findings if f.code == "score-out-of-range")
    assert f"0～{MAXIMA[index]}" in msg


def test_score_at_its_maximum_and_zero_are_fine(scheme):
    result = check_scores(sheet(row(scores=[0.0] * 10), row(variety="GC2_2")), scheme)
    assert result.findings == []


def test_too_many_decimals(scheme):
    scores = list(GOOD)
    scores[0], scores[1] = 10.125, 10.12
    result = check_scores(sheet(row(scores=scores)), scheme)
    assert codes(result) == [("too-many-decimals", "G2")]
    assert result.ok  # a warning


def test_floating_noise_is_not_decimals(scheme):
    scores = list(GOOD)
    scores[0] = 0.1 + 0.2  # 0.30000000000000004
    assert check_scores(sheet(row(scores=scores)), scheme).findings == []


def test_max_decimals_comes_from_the_scheme(scheme):
    text = _scheme_text().replace("max_decimals = 2", "max_decimals = 0")
    strict = parse_scheme(text, "test")
    scores = list(GOOD)
    scores[0] = 10.5
    assert ("too-many-decimals", "G2") in codes(check_scores(sheet(row(scores=scores)), strict))
    assert ("too-many-decimals", "G2") not in codes(check_scores(sheet(row(scores=scores)), scheme))


def test_scheme_maxima_are_used(scheme):
    text = _scheme_text().replace('{ header = "约定采购量完成率得分", max = 20 }', '{ header = "约定采购量完成率得分", max = 30 }')
    wider = parse_scheme(text, "test")
    scores = [25.0, *GOOD[1:]]
    assert ("score-out-of-range", "G2") in codes(check_scores(sheet(row(scores=scores, total=None)), scheme))
    assert ("score-out-of-range", "G2") not in codes(check_scores(sheet(row(scores=scores, total=None)), wider))


# ------------------------------------------------------------------ 自评总分 and 医保考核评分


def test_blank_total_is_a_warning_and_the_sum_is_used(scheme):
    scores = [15.0, 15.0, 10.0, 5.0, 5.0, 5.0, 15.0, 8.0, 6.0, 6.0]
    result = check_scores(sheet(row(scores=scores, total="")), scheme)
    assert codes(result) == [("total-blank", "Q2")]
    assert result.ok
    assert "90" in result.findings[0].message
    assert result.scores.loc[2, "self_total"] == 90.0


def test_total_mismatch_is_a_warning_by_default(scheme):
    result = check_scores(sheet(row(total=95.0)), scheme)
    assert codes(result) == [("total-mismatch", "Q2")]
    assert result.findings[0].severity.value == "warning" and result.ok
    assert "95" in result.findings[0].message and "100" in result.findings[0].message


def test_total_mismatch_severity_from_scheme(scheme):
    strict = parse_scheme(_scheme_text().replace('total_mismatch_severity = "warning"', 'total_mismatch_severity = "error"'), "t")
    result = check_scores(sheet(row(total=95.0)), strict)
    assert codes(result, severity="error") == [("total-mismatch", "Q2")]
    assert not result.ok


def test_total_matches_with_decimals(scheme):
    scores = [19.5, 19.25, 10, 5, 5, 5, 15, 8, 6, 6]
    assert check_scores(sheet(row(scores=scores, total=98.75)), scheme).findings == []


@pytest.mark.parametrize("value", [101.0, -1.0])
def test_total_out_of_range(scheme, value):
    result = check_scores(sheet(row(total=value)), scheme)
    assert ("score-out-of-range", "Q2") in codes(result)


def test_total_as_text(scheme):
    result = check_scores(sheet(row(total="１００")), scheme)
    assert codes(result) == [("number-as-text", "Q2")]
    result = check_scores(sheet(row(total="一百")), scheme)
    assert codes(result) == [("not-a-number", "Q2")]


def test_bureau_score_checks(scheme):
    result = check_scores(sheet(row(bureau=101.0), row(variety="2", bureau=-5.0), row(variety="3", bureau="八十"),
                                row(variety="4", bureau="８０"), row(variety="5", bureau="#N/A")), scheme)
    assert sorted(codes(result)) == sorted([("score-out-of-range", "R2"), ("score-out-of-range", "R3"),
                                            ("not-a-number", "R4"), ("number-as-text", "R5"), ("not-a-number", "R6")])
    assert result.scores.loc[5, "bureau_score"] == 80.0


def test_bureau_score_blank_only_matters_when_importing(scheme):
    s = sheet(row(bureau=None), row(variety="GC2_2", bureau=""), row(variety="GC2_3", bureau=75.0))
    assert check_scores(s, scheme).findings == []
    result = check_scores(s, scheme, import_mode=True)
    assert codes(result) == [("bureau-score-blank", "R2"), ("bureau-score-blank", "R3")]
    assert not result.ok and "100" in result.findings[0].message


# ------------------------------------------------------------------ rows


def test_duplicate_reported_on_the_later_rows(scheme):
    result = check_scores(sheet(row(), row(variety="GC2_2"), row(), row(code=" T0001", variety="ＧＣ2_1")), scheme)
    assert codes(result) == [("duplicate-row", "A4"), ("duplicate-row", "A5")]
    assert all("第 2 行" in f.message for f in result.findings)


def test_duplicate_check_ignores_blank_keys(scheme):
    a, b = row(), row()
    a[3] = b[3] = ""
    assert {c for c, _ in codes(check_scores(sheet(a, b), scheme))} == {"required-blank"}


def test_name_conflict_on_rows_differing_from_first(scheme):
    result = check_scores(sheet(row(name="甲医院"), row(variety="2", name="乙医院"), row(variety="3", name="甲医院 "),
                                row(variety="4", name="丙医院"), row(code="T0002", variety="1", name="乙医院")), scheme)
    assert codes(result) == [("name-conflict", "C3"), ("name-conflict", "C5")]
    msg = result.findings[0].message
    assert "T0001" in msg and "乙医院" in msg and "甲医院" in msg and "第 2 行" in msg


def test_name_conflict_at_moved_name_column(scheme):
    header = list(HEADERS)
    header[2], header[4] = header[4], header[2]
    a, b = row(name="甲医院"), row(variety="2", name="乙医院")
    for r in (a, b):
        r[2], r[4] = r[4], r[2]
    assert ("name-conflict", "E3") in codes(check_scores(sheet(a, b, header=header), scheme))


def test_district(scheme):
    s = sheet(row(), row(variety="2", district="江岸区"), row(variety="3", district=""), row(variety="4", district=" 武昌区 "))
    assert check_scores(s, scheme).ok is False  # the blank 区域 is required anyway
    result = check_scores(s, scheme, district="武昌区")
    assert sorted(codes(result)) == [("district-mismatch", "A3"), ("district-mismatch", "A4"), ("required-blank", "A4")]
    assert "江岸区" in next(f.message for f in result.findings if f.cell == "A3")
    assert codes(check_scores(s, scheme, district="武昌区", import_mode=True)) == codes(result)


def test_blank_rows_in_the_middle_are_ignored_and_rows_keep_their_numbers(scheme):
    result = check_scores(sheet(row(), [""] * 18, [None] * 18, row(variety="GC2_2", scores=[21, *GOOD[1:]], total=None)), scheme)
    assert result.rows == 2
    assert codes(result) == [("score-out-of-range", "G5"), ("total-blank", "Q5")]
    assert list(result.scores["row"]) == [2, 5]


def test_ragged_rows(scheme):
    short = row()[:6]  # only A..F: all ten scores are blank
    result = check_scores(sheet(row(), [*short[:3], "GC2_9", *short[4:]]), scheme)
    assert [c for c, _ in codes(result)].count("score-blank") == 10


def test_all_findings_are_collected_in_report_order(scheme):
    bad = row(code="", scores=["x", "", 99.0, *GOOD[3:]], total="abc", bureau=200.0)
    result = check_scores(sheet(bad), scheme, import_mode=True, district="洪山区")
    assert codes(result) == [("district-mismatch", "A2"), ("required-blank", "B2"), ("not-a-number", "G2"),
                             ("score-blank", "H2"), ("score-out-of-range", "I2"), ("not-a-number", "Q2"),
                             ("score-out-of-range", "R2")]
    for f in result.findings:
        assert f.sheet == "自评分数表" and f.message


def test_check_never_changes_the_sheet(scheme):
    s = sheet(row(scores=["２０", *GOOD[1:]]), row(), [""] * 18, row(total=""))
    before = copy.deepcopy(s.rows)
    check_scores(s, scheme, import_mode=True, district="武昌区")
    assert s.rows == before


def test_scores_table(scheme):
    result = check_scores(sheet(row(code=13.0, variety="ＧＣ2_1", total=""), row(code="13", variety="GC2_2", name="测试医院")), scheme)
    table = result.scores
    assert list(table.index) == [2, 3]
    assert list(table["hospital_code"]) == ["13", "13"]
    assert table.loc[2, "variety_code"] == "GC2_1"
    assert table.loc[2, "self_total"] == 100.0 and table.loc[3, "bureau_score"] == 90.0
    assert {"district", "hospital_name", "score_circulation"} <= set(table.columns)


def test_as_json_shape(scheme):
    data = check_scores(sheet(row(total=1.0)), scheme).as_json()
    assert set(data) == {"ok", "rows", "findings"}
    assert set(data["findings"][0]) == {"code", "severity", "sheet", "cell", "message"}


def test_vectorized_on_many_rows(scheme):
    rows = [row(code=f"T{i // 100:04d}", variety=f"GC2_{i % 100}", name=f"医院{i // 100}") for i in range(20000)]
    rows[12345][6] = "二十"
    rows[19999][3] = "GC2_0"  # duplicate of row index 19900
    result = check_scores(sheet(*rows), scheme)
    assert result.rows == 20000
    assert codes(result) == [("not-a-number", "G12347"), ("duplicate-row", "A20001")]


def _scheme_text() -> str:
    return resources.files("engine.schemes").joinpath("wuhan-default.toml").read_text(encoding="utf-8")
