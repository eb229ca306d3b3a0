"""The 结余留用 input workbooks (SPEC §3.2, §3.5b, §3.5c): blank templates and samples.

* 结余留用-测算数据.xlsx — blank 测算数据 (险种 as a drop-down, amounts >= 0).
* 结余留用-测算数据-示例.xlsx — a workbook `jicai retention` runs on as is: 测算数据 for the
  24 (hospital, variety) pairs of the seed's 图1.9 (T0013 湖北省直属机关医院, T0005 华中科技大学
  同济医学院, 武昌区) x 职保/居保, with made-up but fixed volumes and amounts; 自评分数表 with the
  seed's rows and a 医保考核评分 per row (the seed leaves it blank; here it is the 自评总分 except
  three rows the bureau marked down, so all tiers and the below-tier case appear); 批次设置.
  One line misses its 约定采购量 (retained 0) and one spends more than its budget (no surplus).
* 结余留用-批次设置.xlsx — 批次设置 with one sample batch.
* 结余留用-申诉台账.xlsx — blank 申诉台账 (状态 and 回访方式 as drop-downs).
* 结余留用-申诉台账-示例.xlsx — three appeals of the seed's hospitals (已回复 by 系统回复,
  已办结 after 电话回访, 待处理) and the 批次设置 they refer to.
"""
from __future__ import annotations

import random
from datetime import date, datetime

from engine.columns import APPEAL_SHEET, BATCH_SHEET, DETAIL_SHEET, FUNDS, SCORE_SHEET
from engine.scheme import load_scheme
from jicai.formulas import add_appeal_calendar
from jicai.templates.scores import seed_rows
from jicai.xlsx_template import add_template_sheet, new_workbook

DETAIL_BLANK = "结余留用-测算数据.xlsx"
DETAIL_SAMPLE = "结余留用-测算数据-示例.xlsx"
BATCH_SAMPLE = "结余留用-批次设置.xlsx"
APPEAL_BLANK = "结余留用-申诉台账.xlsx"
APPEAL_SAMPLE = "结余留用-申诉台账-示例.xlsx"

SAMPLE_BATCH = ["2026-01", "2026年度第一批集采结余留用考核", "wuhan-default", datetime(2026, 12, 31, 17, 0), "武昌区"]
# the bureau's own score where it differs from the hospital's 自评总分: (hospital, variety) -> score
BUREAU_ADJUSTED = {("T0013", "GC2_10"): 58, ("T0013", "GC2_7"): 72, ("T0005", "GC2_2"): 78}
SHORT_COMPLETION = ("T0013", "GC2_29", "居保")   # 实际采购量 < 约定采购量: nothing retained
OVERSPENT = ("T0005", "GC2_11", "职保")          # 实际支出 > 预算: no surplus

SAMPLE_APPEALS = [
    ["SS2026001", "2026-01", "T0013", "湖北省直属机关医院", "多索胺尔口服常释剂型（GC2_10）医保考核评分 58 分，低于自评 62 分，申请复核线下采购占比得分。",
     "线下采购明细表.xlsx", date(2026, 11, 2), "已回复", "经复核，线下采购占比得分按平台数据计算无误，评分维持 58 分。",
     date(2026, 11, 6), "张老师", "系统回复"],
    ["SS2026002", "2026-01", "T0005", "华中科技大学同济医学院", "阿德福韦酯口服常释剂型（GC2_2）30天回款率得分 10 分，本院回款均在 30 天内，申请更正。",
     "回款凭证.pdf", date(2026, 11, 5), "已办结", "已电话回访核实回款凭证，30天回款率得分更正为 20 分。",
     date(2026, 11, 12), "张老师", "电话回访"],
    ["SS2026003", "2026-01", "T0003", "武汉大学人民医院", "阿比特龙口服常释剂型（GC2_1）未列入测算数据，申请补录。",
     "采购合同.pdf", date(2026, 11, 16), "待处理", None, None, None, None],
]


def _scheme():
    return load_scheme("wuhan-default")


def sample_scores() -> list[list]:
    """The seed's 自评分数表 rows with a 医保考核评分 in column R."""
    rows = []
    for row in seed_rows():
        row = list(row)
        row[17] = BUREAU_ADJUSTED.get((row[1], row[3]), row[16])
        rows.append(row)
    return rows


def sample_details() -> list[list]:
    """测算数据 rows: each seed (hospital, variety) x 职保/居保 with fixed pseudo-random figures."""
    rng = random.Random(20261122)
    rows = []
    for score_row in seed_rows():
        district, hospital, name, variety, variety_name, spec = score_row[:6]
        for fund in FUNDS:
            agreed = rng.randrange(2, 60) * 100
            actual = agreed + rng.randrange(0, 30) * 10
            budget = round(agreed * rng.uniform(0.8, 3.5), 2)
            spending = round(budget * rng.uniform(0.55, 0.95), 2)
            if (hospital, variety, fund) == SHORT_COMPLETION:
                actual = agreed - 150
            if (hospital, variety, fund) == OVERSPENT:
                spending = round(budget * 1.08, 2)
            rows.append([district, hospital, name, variety, variety_name, spec, fund, agreed, actual, budget, spending])
    return rows


def build_detail_blank():
    wb = new_workbook()
    add_template_sheet(wb, DETAIL_SHEET)
    return wb


def build_detail_sample():
    wb = new_workbook()
    add_template_sheet(wb, DETAIL_SHEET, rows=sample_details())
    add_template_sheet(wb, SCORE_SHEET, scheme=_scheme(), rows=sample_scores())
    add_template_sheet(wb, BATCH_SHEET, rows=[SAMPLE_BATCH], validated_rows=50, landscape=False)
    return wb


def build_batch_sample():
    wb = new_workbook()
    add_template_sheet(wb, BATCH_SHEET, rows=[SAMPLE_BATCH], validated_rows=50, landscape=False)
    return wb


def build_appeal_blank():
    wb = new_workbook()
    add_template_sheet(wb, APPEAL_SHEET)
    add_appeal_calendar(wb)  # 工作日历 + locked header (issue 6)
    return wb


def build_appeal_sample():
    wb = new_workbook()
    add_template_sheet(wb, APPEAL_SHEET, rows=SAMPLE_APPEALS)
    add_template_sheet(wb, BATCH_SHEET, rows=[SAMPLE_BATCH], validated_rows=50, landscape=False)
    add_appeal_calendar(wb)  # 工作日历 + locked header (issue 6)
    return wb


TEMPLATES = {
    DETAIL_BLANK: build_detail_blank,
    DETAIL_SAMPLE: build_detail_sample,
    BATCH_SAMPLE: build_batch_sample,
    APPEAL_BLANK: build_appeal_blank,
    APPEAL_SAMPLE: build_appeal_sample,
}
