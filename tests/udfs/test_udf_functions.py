"""Every JC.* worksheet function through xlwings Server's /xlwings/custom-functions-call, as
Excel calls it: single cells, whole columns (one call fills the column) and bad input, which
shows a Chinese text in its own cell while the other rows are still computed."""
from __future__ import annotations

from datetime import date

import pytest

from jicai.commands.serve import create_app

EXCEL_EPOCH = date(1899, 12, 30)


def serial(d: str) -> int:
    """Office.js passes dates to custom functions as Excel serial numbers."""
    return (date.fromisoformat(d) - EXCEL_EPOCH).days


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient
    return TestClient(create_app())


def call(client, name: str, *args):
    body = {"client": "Office.js", "func_name": name, "args": list(args), "caller_address": "[示例.xlsx]Sheet1!Z1",
            "culture_info_name": "zh-CN", "date_format": "yyyy/m/d", "version": "0.37.8", "runtime": "1.4"}
    r = client.post("/xlwings/custom-functions-call", json=body)
    assert r.status_code == 200, r.text
    return r.json()["result"]


def col(*values):
    return [[v] for v in values]


def test_meta_has_chinese_help_for_every_function(client):
    meta = client.get("/xlwings/custom-functions-meta").json()["functions"]
    names = {f["id"] for f in meta}
    assert names == {"WORKDAYS", "PAYMENT_DAYS", "PAYMENT_INDEX", "IS_WORKDAY", "AVG_INDEX", "RATE",
                     "RETENTION_RATIO", "RETENTION"}
    for f in meta:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f["description"]), f["id"]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p["description"]) for p in f["parameters"]), f["id"]


def test_workdays_follow_china_calendar_with_make_up_days(client):
    # Spring Festival 2012: 22–28 Jan off, Sat 21 and Sun 29 Jan worked (调休)
    assert call(client, "workdays", [[serial("2012-01-20")]], [[serial("2012-02-01")]]) == [[5]]
    assert call(client, "workdays", "2012-01-20", "2012-01-21") == [[1]]        # text dates too
    assert call(client, "is_workday", col(serial("2012-01-21"), serial("2012-01-22"), serial("2012-01-30"))) == \
        [[True], [False], [True]]


def test_whole_column_with_bad_rows(client):
    starts = col(serial("2012-01-20"), "二〇一二年", "", serial("2030-01-02"), {"type": "Error", "basicValue": "#N/A"})
    ends = col(serial("2012-02-01"), serial("2012-02-01"), serial("2012-02-01"), serial("2030-02-01"), serial("2012-02-01"))
    out = call(client, "workdays", starts, ends)
    assert out[0] == [5] and out[1] == ["日期无效"] and out[2] == [""] and out[4] == ["日期无效"]
    assert "超出工作日历范围" in out[3][0] and "节假日调整" in out[3][0]


def test_payment_days_and_index(client):
    accepted = col(serial("2012-03-01"), serial("2012-03-10"), "", serial("2012-03-20"))
    invoiced = col(serial("2012-03-05"), "", serial("2012-03-01"), serial("2012-03-20"))
    paid = col(serial("2012-03-12"), serial("2012-03-16"), serial("2012-03-02"), serial("2012-03-19"))
    # start = later of the two; Mon 5 Mar -> Mon 12 Mar = 5 working days; Sat 10 -> Fri 16 = 5
    assert call(client, "payment_days", accepted, invoiced, paid) == [[5], [5], [1], ["结清日期早于验收/发票日期"]]
    index = call(client, "payment_index", accepted, invoiced, paid)
    assert index[0][0] == pytest.approx(5 / 30) and index[3][0] == "结清日期早于验收/发票日期"


def test_single_start_against_a_column_and_shape_mismatch(client):
    out = call(client, "workdays", [[serial("2012-03-01")]], col(serial("2012-03-02"), serial("2012-03-09")))
    assert out == [[1], [6]]
    bad = call(client, "workdays", col(1, 2), col(1, 2, 3))
    assert bad == [["参数区域大小不一致：请选择同样行数（和列数）的区域，或单个单元格。"]]


def test_rate_blank_on_zero_denominator(client):
    assert call(client, "rate", col(1, 2, "三", "４", 5), col(4, 0, 1, 8, "")) == [[0.25], [""], ["不是数字"], [0.5], [""]]


def test_avg_index_is_mean_of_group_means(client):
    # county A: (1 + 2) / 2 = 1.5; county B: 4; blank skipped -> (1.5 + 4) / 2
    assert call(client, "avg_index", col(1, 2, 4, ""), col("A县", "A县", "B县", "B县")) == [[2.75]]
    assert call(client, "avg_index", col(1, "x"), col("A", "B")) == [["第 2 个值不是数字"]]


def test_retention_ratio_and_amount(client):
    assert call(client, "retention_ratio", col(85, 80, 79.5, 60, 59.9, 120, "高")) == \
        [[0.5], [0.5], [0.4], [0.3], [0.0], ["评分应在 0～100 之间"], ["不是数字"]]
    out = call(client, "retention", col(10000, 5000.55, 8000, 100), col(6000, 4000.10, 5000, 200),
               col(85, 65, 75, 90), col(1.1, 1, 0.9, 1))
    # 4000 x 50%; 1000.45 x 30% = 300.135 -> 300.14 (half-up on the cent); completion 90% -> 0; no surplus -> 0
    assert out == [[2000.0], [300.14], [0.0], [0.0]]
