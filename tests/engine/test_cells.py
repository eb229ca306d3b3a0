"""A1 helpers and whole-column parsing of raw cell values (engine.cells)."""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from engine.cells import (blank_mask, blank_rows, col_index, col_letter, display, fmt_number, header_key, normalize_text,
                          parse_date, parse_dates, parse_numbers, split_a1, text_column)


def series(*values) -> pd.Series:
    return pd.Series(list(values), dtype=object)


@pytest.mark.parametrize("index,letters", [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")])
def test_column_letters_round_trip(index, letters):
    assert col_letter(index) == letters
    assert col_index(letters) == index
    assert col_index(letters.lower()) == index


@pytest.mark.parametrize("address,expected", [("A1", ("A", 1)), ("$R$12", ("R", 12)), ("xfd1048576", ("XFD", 1048576)),
                                              ("", ("", 0)), ("A", ("", 0)), ("1A", ("", 0))])
def test_split_a1(address, expected):
    assert split_a1(address) == expected


@pytest.mark.parametrize("value,text", [(None, ""), (float("nan"), ""), (13.0, "13"), (13.5, "13.5"), ("　Ｔ０００１ ", "T0001"),
                                        ("ＧＣ2_1", "GC2_1"), (date(2024, 3, 5), "2024-03-05"),
                                        (datetime(2024, 3, 5), "2024-03-05"), (True, "True"), ("=1+1", "=1+1")])
def test_normalize_text(value, text):
    assert normalize_text(value) == text


def test_text_column_equals_normalize_text_on_every_kind_of_cell():
    values = ["武昌区", " 武昌区", "武昌区", "Ｔ０１", None, "", "  ", 13.0, 13, True, 1.0, date(2024, 1, 2), float("nan"), "a\u3000"]
    out = text_column(series(*values))
    assert list(out) == [normalize_text(v) for v in values]
    assert list(out.index) == list(range(len(values)))


def test_text_column_keeps_the_index():
    s = pd.Series(["a", "b"], index=[7, 9], dtype=object)
    assert list(text_column(s).index) == [7, 9]


def test_header_key_ignores_all_whitespace():
    assert header_key("医疗机构\n自评总分 ") == "医疗机构自评总分"


def test_blank_mask():
    values = [None, float("nan"), "", "   ", "\u3000", "\n", "0", 0.0, 0, False, "x", " x "]
    assert list(blank_mask(series(*values))) == [True] * 6 + [False] * 6


def test_blank_mask_two_dimensional_and_blank_rows():
    grid = np.array([[None, "", " "], ["", 0.0, None], ["  ", "", "x"], ["\t", None, ""], ["", "", ""]], dtype=object)
    assert blank_mask(grid).tolist() == [[True, True, True], [True, False, True], [True, True, False],
                                         [True, True, True], [True, True, True]]
    assert blank_rows(grid).tolist() == [True, False, False, True, True]
    assert blank_rows(np.empty((3, 0), dtype=object)).tolist() == [True, True, True]


def test_parse_numbers_classifies_every_cell():
    col = parse_numbers(series(20.0, 7, np.float64(3.5), np.int64(4), "15", "２０", " 1,200 ", "50%", "二十", "20分",
                               "#N/A", True, datetime(2024, 1, 1), None, "", "  ", float("nan"), "-3", "1e2"))
    value = [20, 7, 3.5, 4, 15, 20, 1200, 0.5, None, None, None, None, None, None, None, None, None, -3, 100]
    got = [None if np.isnan(v) else v for v in col.value]
    assert got == value
    assert list(np.flatnonzero(col.as_text)) == [4, 5, 6, 7, 17, 18]
    assert list(np.flatnonzero(col.invalid)) == [8, 9, 10, 11, 12]
    assert list(np.flatnonzero(col.blank)) == [13, 14, 15, 16]


def test_parse_numbers_all_floats_fast_path_keeps_nan_as_blank():
    col = parse_numbers(series(1.0, 2.5, float("nan"), 4))
    assert col.blank.tolist() == [False, False, True, False]
    assert not col.as_text.any() and not col.invalid.any()
    assert col.value[:2].tolist() == [1.0, 2.5]


def test_parse_numbers_empty_column():
    col = parse_numbers(series())
    assert len(col.value) == 0 and len(col.blank) == 0


def test_parse_numbers_ignores_the_index():
    col = parse_numbers(pd.Series(["1", 2.0], index=[10, 11], dtype=object))
    assert col.value.tolist() == [1.0, 2.0] and list(col.raw.index) == [0, 1]


def test_decimals_over():
    col = parse_numbers(series(1.0, 1.25, 1.255, 0.1 + 0.2, 19.555, -2.125, 100.01))
    assert col.decimals_over(2).tolist() == [False, False, True, False, True, True, False]
    assert col.decimals_over(0).tolist() == [False, True, True, True, True, True, True]


def test_display_and_fmt_number():
    assert display(20.0) == "20" and display(None) == "" and display("二十") == "二十" and display(2.5) == "2.5"
    assert fmt_number(20.0) == "20" and fmt_number(float("nan")) == "" and fmt_number(1 / 3) == "0.3333333333"


def test_parse_dates():
    col = parse_dates(series(date(2012, 3, 5), datetime(2012, 3, 5, 14, 0), 40973.0, "40973", "2012-3-5", "2012/03/05",
                             "2012.3.5", "2012年3月5日", "20120305", "２０１２－３－５", "2012-02-30", "明天", None, "", True))
    expected = [np.datetime64("2012-03-05")] * 10
    assert col.value[:10].tolist() == [d.astype(date) for d in expected]
    assert col.invalid.tolist() == [False] * 10 + [True, True, False, False, True]
    assert col.blank.tolist() == [False] * 12 + [True, True, False]


def test_parse_date():
    assert parse_date("2026-11-22") == date(2026, 11, 22)
    assert parse_date("不是日期") is None


def test_parse_numbers_numeric_dtype_column():
    col = parse_numbers(pd.Series([1.5, np.nan, -2.0], index=[5, 6, 7]))
    assert col.blank.tolist() == [False, True, False]
    assert not col.as_text.any() and not col.invalid.any()
    assert col.value[[0, 2]].tolist() == [1.5, -2.0] and list(col.raw.index) == [0, 1, 2]


def test_blank_rows_equals_every_cell_blank_on_random_grids():
    """The column-by-column shortcut gives exactly blank_mask(grid).all(axis=1)."""
    rng = np.random.default_rng(7)
    kinds = np.array([None, "", " ", "\u3000", "\t\n", np.nan, "x", 0.0, " y ", 3], dtype=object)
    for shape in ((50, 1), (200, 4), (300, 9)):
        grid = kinds[rng.choice(len(kinds), size=shape, p=[.3, .2, .1, .05, .05, .1, .05, .05, .05, .05])]
        grid[rng.random(shape[0]) < 0.3] = None  # some fully blank rows
        assert blank_rows(grid).tolist() == blank_mask(grid).all(axis=1).tolist()
