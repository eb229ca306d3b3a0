"""结余留用 group, score sheet buttons: 导出自评模板 · 校验考核表 · 导入考核评分."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from engine.columns import RESULT_SHEET_NAME, SCORE_SHEET
from engine.findings import has_errors
from engine.scores import check_scores as check_score_sheet
from macros._findings_ui import finish, show_findings
from macros._pick import pick_sheet
from macros._sheet_io import has_sheet, new_template_sheet, read_sheet, result_sheet, sheet_names, write_table

IMPORT_LOG_SHEET = "导入记录"
IMPORT_LOG_HEADER = ["导入时间", "来源工作表", "行数", "数据校验值(SHA-256)", "导入人", "区域"]


def new_score_template(book) -> list:
    """导出自评模板: a blank 自评分数表 with the scheme's columns."""
    sheet = new_template_sheet(book, SCORE_SHEET)
    if sheet is None:
        finish(book, f"导出自评模板：工作表“{SCORE_SHEET.sheet}”已存在，未作改动。如需空白模板，请先将现有工作表改名。",
               [], "导出自评模板")
    else:
        finish(book, f"导出自评模板：已新建“{SCORE_SHEET.sheet}”工作表，请从第 2 行开始填写。", [], "导出自评模板")
    return []


def _score_sheet(book):
    data = pick_sheet(book, SCORE_SHEET, required=False)
    if data is None:  # SPEC §4.2: else the first sheet
        data = read_sheet(book, sheet_names(book)[0])
    return data


def check_scores(book, district: str | None = None) -> list:
    """校验考核表: every finding painted, listed in 校验报告, summarised in an alert."""
    from macros._batch import batch_scheme

    sheet = _score_sheet(book)
    result = check_score_sheet(sheet, batch_scheme(book), district=district)
    show_findings(book, result.findings, label="校验考核表", rows=result.rows)
    return result.findings


def import_scores(book, district: str | None = None, as_of: datetime | None = None, user: str | None = None) -> list:
    """导入考核评分: check in import mode (医保考核评分 required, rows of other districts and
    a passed deadline refused); with any error nothing is written. Otherwise the scores go to
    考核结果 (replaced) and one line is appended to 导入记录."""
    from macros._batch import batch_district, batch_findings, batch_scheme

    sheet = _score_sheet(book)
    district = district or batch_district(book)
    result = check_score_sheet(sheet, batch_scheme(book), import_mode=True, district=district)
    findings = list(result.findings) + batch_findings(book, as_of)
    if has_errors(findings) or result.rows == 0:
        note = "" if result.rows else "没有可导入的数据行。"
        show_findings(book, findings, label="导入考核评分（未导入）", rows=result.rows, note=note)
        return findings
    rows = _result_rows(result.scores)
    target = result_sheet(book, RESULT_SHEET_NAME)
    write_table(target, SCORE_SHEET.headers, rows, widths=[c.width for c in SCORE_SHEET.columns])
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()
    _append_log(book, [datetime.now().strftime("%Y-%m-%d %H:%M:%S"), sheet.name, len(rows), digest,
                       user or "", district or ""])
    show_findings(book, findings, label="导入考核评分", rows=result.rows,
                  note=f"已导入 {len(rows)} 行到“{RESULT_SHEET_NAME}”，并记入“{IMPORT_LOG_SHEET}”。")
    return findings


def _result_rows(scores) -> list[list]:
    """The checked table in template column order, numbers as numbers."""
    out = []
    keys = [c.key for c in SCORE_SHEET.columns]
    for record in scores.to_dict("records"):
        row = []
        for key in keys:
            v = record.get(key)
            if isinstance(v, float) and v != v:
                v = None
            row.append(v)
        out.append(row)
    return out


def _append_log(book, entry: list) -> None:
    if has_sheet(book, IMPORT_LOG_SHEET):
        sheet = book.sheets[IMPORT_LOG_SHEET]
        existing = read_sheet(book, IMPORT_LOG_SHEET).rows
        used = max((i + 1 for i, r in enumerate(existing) if any(v not in (None, "") for v in r)), default=0)
        if used == 0:
            write_table(sheet, IMPORT_LOG_HEADER, [entry], widths=[20, 14, 8, 68, 14, 10])
        else:
            sheet.range((used + 1, 1)).value = [[_text(v) for v in entry]]
    else:
        sheet = book.sheets.add(IMPORT_LOG_SHEET, after=book.sheets[len(book.sheets) - 1])
        write_table(sheet, IMPORT_LOG_HEADER, [entry], widths=[20, 14, 8, 68, 14, 10])


def _text(v):
    from macros._sheet_io import excel_value
    return excel_value(v)
