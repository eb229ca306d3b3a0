"""Findings: every problem the engine sees, as a value (SPEC §4.1).

A finding is never raised: checks return lists of them and the caller decides what to do
(colour a cell, print a table, exit 1). Codes are stable kebab-case strings that scripts and
tests rely on; the Chinese text lives in ONE table (`MESSAGES`) so wording is reviewed in
one place and every adapter shows the same sentence.
"""
from __future__ import annotations

from collections import Counter
from enum import Enum
from typing import Iterable, Sequence

from pydantic import BaseModel, ConfigDict


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    sheet: str
    cell: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity.value, "sheet": self.sheet,
                "cell": self.cell, "message": self.message}


# code -> (default severity, Chinese message template). Templates are filled with str.format;
# every message says what is wrong AND what the clerk should do. Never rename a code.
MESSAGES: dict[str, tuple[Severity, str]] = {
    "header-mismatch": (Severity.ERROR, "表头应为“{expected}”，实际为“{actual}”。{hint}请按模板恢复表头和列顺序，不要增删或移动栏目。"),
    "sheet-missing": (Severity.ERROR, "找不到工作表“{expected}”。请使用模板中的工作表名称，或用 --sheet 指定。"),
    "sheet-empty": (Severity.ERROR, "工作表“{expected}”没有任何数据行。请在表头下方填写数据后再校验。"),
    "required-blank": (Severity.ERROR, "“{column}”未填写。请补填该项。"),
    "score-blank": (Severity.ERROR, "“{column}”未填写。请填写 0 到 {maximum} 之间的分数（没有得分请填 0）。"),
    "not-a-number": (Severity.ERROR, "“{column}”的值“{value}”不是数字。请只填写阿拉伯数字，不要带单位或文字。"),
    "number-as-text": (Severity.WARNING, "“{column}”的值“{value}”是文本格式或全角数字，已按 {number} 计算。建议改为数值格式的半角数字。"),
    "score-out-of-range": (Severity.ERROR, "“{column}”为 {value}，超出允许范围 0～{maximum}。请核对后改正。"),
    "too-many-decimals": (Severity.WARNING, "“{column}”的值 {value} 超过 2 位小数。请保留两位小数。"),
    "total-blank": (Severity.WARNING, "“{column}”未填写，已按各项得分之和 {total} 计算。建议补填。"),
    "total-mismatch": (Severity.WARNING, "“{column}”为 {value}，但各项得分之和为 {total}。请核对自评总分或各项得分。"),
    "duplicate-row": (Severity.ERROR, "与第 {first_row} 行重复（{key}）。请删除重复行或改正编号。"),
    "name-conflict": (Severity.ERROR, "编号 {code} 的名称“{name}”与第 {first_row} 行的“{first_name}”不一致。同一编号只能对应一个名称，请统一。"),
    "bureau-score-blank": (Severity.ERROR, "“医保考核评分”未填写，不能导入。请填写 0 到 {maximum} 之间的考核评分。"),
    "district-mismatch": (Severity.ERROR, "区域为“{value}”，不属于本辖区“{district}”。请删除该行或改正区域。"),
    "deadline-passed": (Severity.ERROR, "批次“{batch}”的填报截止时间为 {deadline}，现在（{as_of}）已截止，不能再导入数据。如需补录请联系市医保局。"),
    "score-missing": (Severity.ERROR, "{subject}找不到对应的医保考核评分。请在考核结果或自评分数表中补填该机构该品种的评分。"),
    "unknown-fund": (Severity.ERROR, "险种“{value}”无法识别。险种只能填写“职保”或“居保”。"),
    "zero-denominator": (Severity.WARNING, "“{column}”为 0 或空白，{indicator}无法计算（留空）。如确无数据可忽略，否则请补填。"),
    "count-exceeds": (Severity.ERROR, "“{column}”({value}) 大于“{other}”({other_value})。请核对这两个数。"),
    "date-invalid": (Severity.ERROR, "“{column}”的值“{value}”不是有效日期。请填写如 2012-03-05 的日期。"),
    "date-order": (Severity.ERROR, "“{column}”({value}) 早于“{other}”({other_value})。请核对日期。"),
    "calendar-not-covered": (Severity.ERROR, "日期 {value} 所在的 {year} 年不在工作日历范围内（{covered}）。请在“节假日调整”工作表中补充 {year} 年的放假和调休安排，或升级集采助手。"),
    "region-conflict": (Severity.ERROR, "机构 {code} 同时属于“{value}”和第 {first_row} 行的“{first_value}”。请统一该机构所属的县(区)/市。"),
    "change-needs-remark": (Severity.WARNING, "“{column}”由上月的 {previous} 变为 {value}，变化超过 {threshold}，但“备注”为空。需备注说明原因。"),
    "institution-missing": (Severity.WARNING, "机构 {code}（{name}）上月（{previous_month}）有报表，本月（{month}）没有。请补报或在备注中说明。"),
    "report-late": (Severity.INFO, "{month} 月报应于 {deadline} 前上报，报告日期为 {as_of}，已逾期。"),
    "calendar-from-workbook": (Severity.INFO, "{year} 年不在官方日历范围内，已按工作簿“节假日调整”中的安排计算（周一至周五上班，另加调整行）。请确认该年安排完整。"),
    "negative-value": (Severity.ERROR, "“{column}”为负数 {value}。请填写 0 或正数。"),
    "choice-invalid": (Severity.ERROR, "“{column}”的值“{value}”无效，只能填写：{choices}。"),
    "month-mixed-years": (Severity.ERROR, "“{column}”出现了 {year} 年的数据，与本表 {expected_year} 年不一致。一个文件只能包含同一年度的月报。"),
    "reply-missing": (Severity.ERROR, "状态为“{status}”，但“{column}”未填写。已回复或已办结的申诉必须填写回复内容、回复日期和回复人。"),
    "appeal-late": (Severity.WARNING, "申诉提交日期 {value} 晚于批次“{batch}”的截止时间 {deadline}。请确认是否受理。"),
    "appeal-overdue": (Severity.WARNING, "申诉已提交 {workdays} 个工作日仍未回复（超过 {limit} 个工作日）。请尽快回复或电话回访。"),
    "unknown-batch": (Severity.ERROR, "批次“{value}”不在“批次设置”中。请先在批次设置中登记该批次，或改正批次编号。"),
    "detail-missing": (Severity.INFO, "{subject}有考核评分，但测算数据中没有该机构该品种的明细行。请确认是否漏报测算数据。"),
    "amount-too-large": (Severity.ERROR, "“{column}”为 {value}，超过 {limit} 元，不像是一个品种的医保基金金额。请核对单位（元）和数值。"),
}


def finding(code: str, sheet: str, cell: str, severity: Severity | str | None = None, /, **fields) -> Finding:
    """Build a finding from the message table. `severity` overrides the code's default
    (some checks are configurable in the scheme, e.g. total-mismatch). The first four are
    positional-only so that templates may use {code}, {sheet} or {cell} as fields."""
    default, template = MESSAGES[code]
    text = template.format_map(_Blank(fields))
    return Finding(code=code, severity=Severity(severity) if severity else default,
                   sheet=sheet, cell=cell, message=text)


class _Blank(dict):
    """Missing template fields render as empty text instead of raising: a message with a gap
    is better than a crash in front of a clerk."""

    def __missing__(self, key: str) -> str:
        return ""


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def exit_code(findings: Iterable[Finding]) -> int:
    """SPEC §5: 0 when no error finding, 1 otherwise (2 is for unusable input, raised elsewhere)."""
    return 1 if has_errors(findings) else 0


def count_by_severity(findings: Sequence[Finding]) -> dict[str, int]:
    counts = Counter(f.severity.value for f in findings)
    return {s.value: counts.get(s.value, 0) for s in Severity}


def summary_line(findings: Sequence[Finding], rows: int | None = None) -> str:
    """The one-line Chinese summary used by the CLI and by macro alerts."""
    c = count_by_severity(findings)
    head = f"共 {rows} 行数据，" if rows is not None else ""
    if not findings:
        return f"{head}未发现问题。"
    return f"{head}发现错误 {c['error']} 处、警告 {c['warning']} 处、提示 {c['info']} 处。"


def flatten(findings: Iterable[Finding], keys: Sequence[str] = ("code", "cell")) -> list[tuple]:
    """Compact view for tests, in the spirit of frictionless' report.flatten()."""
    return [tuple(f.as_dict()[k] for k in keys) for f in findings]


def sort_key(f: Finding) -> tuple:
    """Report order: sheet, then row, then column (A1 addresses sorted numerically)."""
    from engine.cells import split_a1
    col, row = split_a1(f.cell)
    return (f.sheet, row, len(col), col, f.code)
