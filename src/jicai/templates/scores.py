"""The 自评分数表 workbooks (SPEC §3.1): the blank template hospitals fill, and two samples.

* 结余留用-自评分数表.xlsx — blank: header from engine.columns.SCORE_SHEET, Excel data
  validation on G..P from the default scheme's maxima (so Excel itself refuses a 25 in a
  20-point column), 自评总分/医保考核评分 0..total.
* 结余留用-自评分数表-示例.xlsx — the 24 complete rows of the seed's 图1.9, values exactly as
  printed. They pass the check (exit 0) but every 自评总分 differs from the sum of its items
  in the seed's own test data, so each row carries a total-mismatch warning: left as is,
  because the sample shows what a real export looks like and what the checker says about it.
  医保考核评分 is blank, as in the export; import mode reports bureau-score-blank.
* 结余留用-自评分数表-问题示例.xlsx — for trying the checker: the seed's 25th row (T0003,
  only the first score filled, as in 图1.9) plus one row per typical mistake (score written
  as 20分 / 二十 / full-width ２０ / an #N/A error value / out of range / too many decimals,
  a duplicate row, a conflicting hospital name, a blank 区域).
"""
from __future__ import annotations

from engine.columns import SCORE_SHEET
from engine.scheme import load_scheme
from jicai.xlsx_template import add_template_sheet, new_workbook

BLANK_NAME = "结余留用-自评分数表.xlsx"
SAMPLE_NAME = "结余留用-自评分数表-示例.xlsx"
PROBLEM_SAMPLE_NAME = "结余留用-自评分数表-问题示例.xlsx"

_T0013 = ("武昌区", "T0013", "湖北省直属机关医院")
_T0005 = ("武昌区", "T0005", "华中科技大学同济医学院")

# 图1.9, rows 2..25: (hospital, 品种序号, 品种名称, 规格, G..P, 自评总分); 医保考核评分 blank.
_SEED = (
    (_T0013, "GC2_5", "阿奇霉素口服常释剂型", "0.25g", (20, 0, 10, 0, 0, 0, 15, 0, 6, 6), 65),
    (_T0013, "GC2_6", "奥美沙坦酯口服常释剂型", "20mg", (20, 0, 10, 0, 0, 0, 15, 0, 6, 6), 65),
    (_T0013, "GC2_7", "比索洛尔口服常释剂型", "5mg", (20, 0, 10, 0, 5, 0, 15, 0, 6, 6), 70),
    (_T0013, "GC2_10", "多索胺尔口服常释剂型", "5mg", (20, 0, 10, 0, 0, 0, 12, 0, 6, 6), 62),
    (_T0013, "GC2_13", "格列美脲口服常释剂型", "2mg", (20, 0, 10, 0, 5, 0, 15, 0, 6, 6), 70),
    (_T0013, "GC2_15", "甲磺酸二甲胺常释剂型", "0.2g", (20, 0, 10, 0, 0, 0, 15, 0, 6, 6), 65),
    (_T0013, "GC2_17", "坎地沙坦酯口服常释剂型", "5mg", (20, 0, 10, 0, 0, 0, 15, 0, 6, 6), 65),
    (_T0013, "GC2_20", "莫西沙星口服常释剂型", "0.4g", (20, 0, 10, 0, 0, 0, 15, 0, 6, 6), 65),
    (_T0013, "GC2_21", "曲美他嗪缓释控释剂型", "35mg", (20, 0, 10, 0, 0, 0, 15, 0, 6, 6), 65),
    (_T0013, "GC2_29", "辛伐他汀口服常释剂型", "20mg", (20, 0, 10, 0, 0, 0, 15, 0, 6, 6), 65),
    (_T0013, "GC2_33", "左西替利嗪口服常释剂型", "5mg", (20, 0, 10, 0, 0, 0, 15, 0, 6, 6), 65),
    (_T0005, "GC2_2", "阿德福韦酯口服常释剂型", "10mg", (20, 10, 5, 0, 5, 0, 0, 0, 6, 6), 80),
    (_T0005, "GC2_4", "阿莫西林口服常释剂型", "0.25g", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
    (_T0005, "GC2_5", "阿奇霉素口服常释剂型", "0.25g", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
    (_T0005, "GC2_10", "多索胺尔口服常释剂型", "5mg", (20, 20, 10, 5, 3, 5, 0, 0, 6, 6), 93),
    (_T0005, "GC2_11", "氟康唑口服常释剂型", "50mg", (20, 20, 10, 5, 0, 5, 0, 0, 6, 6), 90),
    (_T0005, "GC2_12", "缬沙坦口服常释剂型", "0.2g", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
    (_T0005, "GC2_13", "格列美脲口服常释剂型", "2mg", (20, 20, 10, 5, 0, 5, 0, 0, 6, 6), 90),
    (_T0005, "GC2_15", "甲磺酸二甲胺常释剂型", "0.2g", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
    (_T0005, "GC2_18", "铝碳酸镁咀嚼片", "0.5g", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
    (_T0005, "GC2_20", "莫西沙星口服常释剂型", "0.4g", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
    (_T0005, "GC2_21", "曲美他嗪缓释控释剂型", "35mg", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
    (_T0005, "GC2_29", "辛伐他汀口服常释剂型", "20mg", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
    (_T0005, "GC2_30", "异烟肼口服常释剂型", "0.1g", (20, 20, 10, 5, 5, 5, 0, 0, 6, 6), 95),
)

# 图1.9 row 26: only 约定采购量完成率得分 filled.
SEED_INCOMPLETE_ROW = ["武昌区", "T0003", "武汉大学人民医院", "GC2_1", "阿比特龙口服常释剂型", "0.25g", 20,
                       *([None] * 9), None, None]


def seed_rows() -> list[list]:
    """The 24 complete sample rows of 图1.9 as sheet rows (A..R)."""
    return [[*hospital, code, name, spec, *scores, total, None] for hospital, code, name, spec, scores, total in _SEED]


def problem_rows() -> list[list]:
    """One row per typical mistake, after the seed's incomplete T0003 row (see module doc)."""
    def row(district, code, name, variety, scores, total=None, bureau=None):
        return [district, code, name, variety, "示例品种", "10mg", *scores, total, bureau]

    ok = [20, 20, 10, 5, 5, 5, 15, 8, 6, 6]
    return [
        SEED_INCOMPLETE_ROW,
        row("武昌区", "T0003", "武汉大学人民医院", "GC2_2", ["20分", *ok[1:]], 100),                 # not-a-number
        row("武昌区", "T0003", "武汉大学人民医院", "GC2_3", ["二十", *ok[1:]], 100),                 # not-a-number
        row("武昌区", "T0003", "武汉大学人民医院", "GC2_4", ["２０", *ok[1:]], 100),                 # number-as-text
        row("武昌区", "T0003", "武汉大学人民医院", "GC2_5", ["#N/A", *ok[1:]], 100),                # Excel error value
        row("武昌区", "T0003", "武汉大学人民医院", "GC2_6", [25, *ok[1:]], 105),                    # out of range (G, Q)
        row("武昌区", "T0003", "武汉大学人民医院", "GC2_7", [19.555, *ok[1:]], 99.555),             # decimals
        row("武昌区", "T0003", "武汉大学人民医院", "GC2_7", ok, 100),                               # duplicate of the row above
        row("武昌区", "T0003", "武大人民医院", "GC2_8", ok, 100),                                   # name conflict
        row(None, "T0003", "武汉大学人民医院", "GC2_9", ok, 100),                                   # blank 区域
    ]


def _scheme():
    return load_scheme("wuhan-default")


def build_blank():
    wb = new_workbook()
    add_template_sheet(wb, SCORE_SHEET, scheme=_scheme())
    return wb


def build_sample():
    wb = new_workbook()
    add_template_sheet(wb, SCORE_SHEET, scheme=_scheme(), rows=seed_rows())
    return wb


def build_problem_sample():
    wb = new_workbook()
    add_template_sheet(wb, SCORE_SHEET, scheme=_scheme(), rows=problem_rows())
    return wb


TEMPLATES = {
    BLANK_NAME: build_blank,
    SAMPLE_NAME: build_sample,
    PROBLEM_SAMPLE_NAME: build_problem_sample,
}
