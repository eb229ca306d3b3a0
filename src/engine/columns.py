"""The one declarative definition of every template's columns (SPEC §3).

Headers are exact and in column order. Everything else — the blank templates, Excel data
validation, the validators' column lookup, the docs table in README — is derived from these
definitions, so a header is spelled in exactly one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "code", "score", "total", "count", "money", "date", "datetime", "month", "choice", "number"]


@dataclass(frozen=True)
class Column:
    key: str                      # stable English name used in code and JSON
    header: str                   # exact Chinese header (SPEC §3)
    kind: Kind = "text"
    required: bool = False        # blank in a non-empty row is a required-blank error
    width: float = 12             # column width in the generated template
    choices: tuple[str, ...] = ()  # allowed values for kind == "choice"
    help: str = ""                # input prompt shown by Excel data validation and in docs


@dataclass(frozen=True)
class Template:
    sheet: str                    # sheet name in workbooks
    columns: tuple[Column, ...]
    title: str = ""
    header_row: int = 1           # data starts on the next row
    keys: tuple[str, ...] = field(default=())  # the columns that identify a row (duplicate check)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def letter(self, key: str) -> str:
        """Column letter of `key` in the template layout."""
        from engine.cells import col_letter  # here, not at the top: importing the column
        # definitions must stay free of pandas (jicai scores check reads the sheet meanwhile)

        return col_letter(self.index(key))

    def index(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        raise KeyError(key)

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]

    def of_kind(self, *kinds: str) -> list[Column]:
        return [c for c in self.columns if c.kind in kinds]


# ------------------------------------------------------------------ 结余留用 (Wuhan)

SCORE_INDICATORS: tuple[tuple[str, str], ...] = (
    ("score_completion", "约定采购量完成率得分"),
    ("score_payment_30d", "30天回款率得分"),
    ("score_cost_growth", "药品费用增长率得分"),
    ("score_nonwinning_volume", "非中选产品采购量占比得分"),
    ("score_nonwinning_amount", "非中选产品采购金额占比得分"),
    ("score_similar_drugs", "疗效近似的其它通用名药品费用情况得分"),
    ("score_offline", "线下采购占比得分"),
    ("score_policy_violations", "执行集采政策的违规次数得分"),
    ("score_price_violations", "价格违规次数得分"),
    ("score_circulation", "集采中选药品规范流转得分"),
)

SCORE_SHEET = Template(
    sheet="自评分数表",
    title="集采结余留用自评分数表",
    keys=("hospital_code", "variety_code"),
    columns=(
        Column("district", "区域", "text", required=True, width=10),
        Column("hospital_code", "医疗机构编号", "code", required=True, width=13),
        Column("hospital_name", "医疗机构名称", "text", required=True, width=26),
        Column("variety_code", "品种序号", "code", required=True, width=10),
        Column("variety_name", "品种名称", "text", width=26),
        Column("spec", "规格", "text", width=9),
        *(Column(key, header, "score", width=11, help="填写 0 至本项满分之间的数字") for key, header in SCORE_INDICATORS),
        Column("self_total", "医疗机构自评总分", "total", width=11, help="各项得分之和"),
        Column("bureau_score", "医保考核评分", "total", width=11, help="区医保局考核评分，0 至满分"),
    ),
)

# The bureau's imported scores: same layout as the score sheet (import_scores copies it).
RESULT_SHEET_NAME = "考核结果"

FUNDS = ("职保", "居保")

DETAIL_SHEET = Template(
    sheet="测算数据",
    title="结余留用测算数据",
    keys=("hospital_code", "variety_code", "fund"),
    columns=(
        Column("district", "区域", "text", required=True, width=10),
        Column("hospital_code", "医疗机构编号", "code", required=True, width=13),
        Column("hospital_name", "医疗机构名称", "text", required=True, width=26),
        Column("variety_code", "品种序号", "code", required=True, width=10),
        Column("variety_name", "品种名称", "text", width=26),
        Column("spec", "规格", "text", width=9),
        Column("fund", "险种", "choice", required=True, width=8, choices=FUNDS, help="职保 或 居保"),
        Column("agreed_volume", "约定采购量", "number", required=True, width=12),
        Column("actual_volume", "实际采购量", "number", required=True, width=12),
        Column("budget", "医保基金预算(元)", "money", required=True, width=16),
        Column("spending", "医保基金实际支出(元)", "money", required=True, width=18),
    ),
)

BATCH_SHEET = Template(
    sheet="批次设置",
    title="结余留用批次设置",
    keys=("batch_code",),
    columns=(
        Column("batch_code", "批次编号", "code", required=True, width=12),
        Column("batch_name", "批次名称", "text", required=True, width=28),
        Column("scheme", "方案", "text", width=16, help="方案名称（如 wuhan-default）或方案文件路径"),
        Column("deadline", "填报截止时间", "datetime", required=True, width=20),
        Column("district", "区域", "text", width=10),
    ),
)

APPEAL_STATUSES = ("待处理", "已回复", "已办结")
FOLLOW_UP_WAYS = ("系统回复", "电话回访")

APPEAL_SHEET = Template(
    sheet="申诉台账",
    title="结余留用申诉台账",
    keys=("appeal_code",),
    columns=(
        Column("appeal_code", "申诉编号", "code", required=True, width=12),
        Column("batch_code", "批次", "code", required=True, width=10),
        Column("hospital_code", "医疗机构编号", "code", required=True, width=13),
        Column("hospital_name", "医疗机构名称", "text", required=True, width=24),
        Column("content", "申诉内容", "text", required=True, width=36),
        Column("evidence", "证明材料", "text", width=20),
        Column("submitted", "提交日期", "date", required=True, width=12),
        Column("status", "状态", "choice", required=True, width=9, choices=APPEAL_STATUSES),
        Column("reply", "回复内容", "text", width=36),
        Column("replied", "回复日期", "date", width=12),
        Column("replier", "回复人", "text", width=10),
        Column("follow_up", "回访方式", "choice", width=10, choices=FOLLOW_UP_WAYS),
    ),
)

# ------------------------------------------------------------------ 三统一 monthly (Shaanxi)

MONTHLY_SHEET = Template(
    sheet="机构月报",
    title="药品“三统一”基础数据月报",
    keys=("code", "month"),
    columns=(
        Column("city", "市", "text", required=True, width=10),
        Column("county", "县(区)", "text", required=True, width=10),
        Column("code", "机构编码", "code", required=True, width=12),
        Column("name", "机构名称", "text", required=True, width=24),
        Column("month", "年月", "month", required=True, width=10, help="如 2012-03"),
        Column("equipped_sty", "配备三统一药品品规数", "count", required=True, width=12),
        Column("equipped_all", "配备全部药品品规数", "count", required=True, width=12),
        Column("declared_sty", "申报三统一药品品规数", "count", required=True, width=12),
        Column("delivered_sty", "配送三统一药品品规数", "count", required=True, width=12),
        Column("purchase_sty", "三统一药品采购金额(元)", "money", required=True, width=14),
        Column("purchase_all", "全部药品采购金额(元)", "money", required=True, width=14),
        Column("fund_balance", "周转资金月底余额(元)", "money", width=14),
        Column("purchased", "采购药品金额(元)", "money", required=True, width=14),
        Column("settled", "已结算药款(元)", "money", required=True, width=14),
        Column("remark", "备注", "text", width=20),
    ),
)

LEDGER_SHEET = Template(
    sheet="回款明细",
    title="药款回款明细",
    keys=("order",),
    columns=(
        Column("city", "市", "text", required=True, width=10),
        Column("county", "县(区)", "text", required=True, width=10),
        Column("code", "机构编码", "code", required=True, width=12),
        Column("name", "机构名称", "text", required=True, width=24),
        Column("order", "采购单号", "code", required=True, width=16),
        Column("accepted", "验收日期", "date", required=True, width=12),
        Column("invoiced", "发票日期", "date", required=True, width=12),
        Column("paid", "结清日期", "date", width=12, help="未结清请留空"),
        Column("amount", "金额(元)", "money", width=14),
    ),
)

HOLIDAY_KINDS = ("休息", "上班")

HOLIDAY_SHEET = Template(
    sheet="节假日调整",
    title="节假日调整",
    keys=("date",),
    columns=(
        Column("date", "日期", "date", required=True, width=12),
        Column("kind", "类型", "choice", required=True, width=8, choices=HOLIDAY_KINDS),
        Column("note", "说明", "text", width=30),
    ),
)

CALENDAR_SHEET = Template(
    sheet="工作日历",
    title="工作日历",
    keys=("date",),
    columns=(
        Column("date", "日期", "date", width=12),
        Column("workday", "工作日", "count", width=8),
        Column("cumulative", "累计工作日", "count", width=10),
    ),
)

ALL_TEMPLATES: tuple[Template, ...] = (
    SCORE_SHEET, DETAIL_SHEET, BATCH_SHEET, APPEAL_SHEET,
    MONTHLY_SHEET, LEDGER_SHEET, HOLIDAY_SHEET, CALENDAR_SHEET,
)
