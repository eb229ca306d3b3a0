"""The 三统一 monthly workbooks (SPEC §3.3–3.5): the blank report and a sample year.

* 三统一-月报.xlsx — blank: 机构月报, 回款明细 and 节假日调整, laid out from engine.columns with
  Excel data validation (whole numbers for 品规数, amounts ≥ 0, real dates, 休息/上班 list).
* 三统一-月报-示例.xlsx — a made-up but plausible year (2025) for two cities, four counties and
  ten institutions: twelve monthly rows each and about three purchases per institution and
  month, the December ones partly unsettled. Generated from a fixed seed, so regenerating gives
  the same file; `jicai monthly 三统一-月报-示例.xlsx --month 2025-12` passes with no error.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from engine.columns import HOLIDAY_SHEET, LEDGER_SHEET, MONTHLY_SHEET
from jicai.formulas import add_monthly_formulas
from jicai.xlsx_template import add_template_sheet, new_workbook

BLANK_NAME = "三统一-月报.xlsx"
SAMPLE_NAME = "三统一-月报-示例.xlsx"
SAMPLE_YEAR = 2025

# city -> county -> institutions (code, name)
REGIONS = {
    "西安市": {"雁塔区": [("610113001", "雁塔区电子城街道社区卫生服务中心"), ("610113002", "雁塔区鱼化寨街道社区卫生服务中心"),
                      ("610113003", "雁塔区曲江街道社区卫生服务中心")],
            "长安区": [("610116001", "长安区韦曲街道社区卫生服务中心"), ("610116002", "长安区引镇中心卫生院")]},
    "宝鸡市": {"渭滨区": [("610302001", "渭滨区经二路街道社区卫生服务中心"), ("610302002", "渭滨区神农镇卫生院")],
            "陈仓区": [("610304001", "陈仓区虢镇中心卫生院"), ("610304002", "陈仓区阳平镇卫生院"),
                    ("610304003", "陈仓区千河镇卫生院")]},
}


def institutions() -> list[tuple[str, str, str, str]]:
    return [(city, county, code, name) for city, counties in REGIONS.items()
            for county, members in counties.items() for code, name in members]


def sample_report(year: int = SAMPLE_YEAR, seed: int = 2012) -> list[list]:
    """Twelve 机构月报 rows per institution; month-to-month amounts move less than 50%."""
    rng = random.Random(seed)
    rows = []
    for city, county, code, name in institutions():
        equipped_all = rng.randint(260, 420)
        declared = rng.randint(150, 230)
        purchase_all = rng.randint(80, 200) * 1000.0
        for month in range(1, 13):
            equipped_sty = int(equipped_all * rng.uniform(0.55, 0.85))
            delivered = int(declared * rng.uniform(0.85, 1.0))
            total = round(purchase_all * rng.uniform(0.85, 1.15), 2)
            sty = round(total * rng.uniform(0.6, 0.8), 2)
            purchased = sty
            settled = round(purchased * rng.uniform(0.75, 1.0), 2)
            balance = round(rng.uniform(50000, 300000), 2)
            rows.append([city, county, code, name, f"{year}-{month:02d}", equipped_sty, equipped_all, declared,
                         delivered, sty, total, balance, purchased, settled, None])
    return rows


def sample_ledger(year: int = SAMPLE_YEAR, seed: int = 2012) -> list[list]:
    """About three purchases per institution and month; settled 5–45 days after the later of
    验收日期 and 发票日期; a purchase settling after the year's end is left unsettled (open)."""
    rng = random.Random(seed + 1)
    rows, n = [], 0
    end = date(year, 12, 31)
    for city, county, code, name in institutions():
        for month in range(1, 13):
            for _ in range(rng.randint(2, 4)):
                n += 1
                accepted = date(year, month, rng.randint(1, 28))
                invoiced = accepted + timedelta(days=rng.choice((0, 0, 1, 2, 3)))
                paid = max(accepted, invoiced) + timedelta(days=rng.randint(5, 45))
                amount = round(rng.uniform(2000, 60000), 2)
                rows.append([city, county, code, name, f"CG{year}{n:05d}", accepted, invoiced,
                             paid if paid <= end else None, amount])
    return rows


def build_blank():
    wb = new_workbook()
    for template in (MONTHLY_SHEET, LEDGER_SHEET, HOLIDAY_SHEET):
        add_template_sheet(wb, template)
    add_monthly_formulas(wb)  # 工作日历 + native formulas + locked headers (issue 6)
    return wb


def build_sample():
    wb = new_workbook()
    add_template_sheet(wb, MONTHLY_SHEET, rows=sample_report())
    add_template_sheet(wb, LEDGER_SHEET, rows=sample_ledger())
    add_template_sheet(wb, HOLIDAY_SHEET)
    add_monthly_formulas(wb)  # 工作日历 + native formulas + locked headers (issue 6)
    return wb


TEMPLATES = {
    BLANK_NAME: build_blank,
    SAMPLE_NAME: build_sample,
}
