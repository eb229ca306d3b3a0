"""`jicai retention FILE [--scheme] [--scores FILE] [-o OUT.xlsx] [--what-if] [--json]` (SPEC §4.3, §5).

The workbook holds 测算数据; the scores come from its 考核结果 sheet when it exists, else its
自评分数表 (column 医保考核评分), or from another workbook with --scores. The scheme is --scheme,
else the 方案 of the current batch in 批次设置, else wuhan-default. Reads with python-calamine,
never writes the input; -o writes a new workbook (never over the input).
"""
from __future__ import annotations

import sys
from pathlib import Path

from engine.columns import DETAIL_SHEET, RESULT_SHEET_NAME, SCORE_SHEET
from engine.findings import exit_code, sort_key
from engine.retention import RetentionResult, compute_retention
from engine.scheme import load_scheme
from jicai.errors import InputError
from jicai.batch_settings import batch_scheme_ref, current_batch_of
from jicai.output_path import prepare_output_path
from jicai.readers import Workbook, open_workbook
from jicai.report import print_findings


def run(args) -> int:
    book = open_workbook(args.file)
    if not book.has(DETAIL_SHEET.sheet):
        raise InputError(f"{book.path.name} 中找不到工作表“{DETAIL_SHEET.sheet}”。现有工作表：{'、'.join(book.sheet_names)}。"
                         f"请使用测算数据模板。")
    scores_book = open_workbook(args.scores) if args.scores else book
    score_sheet = _score_sheet_name(scores_book)
    output = Path(args.output) if args.output else None
    if output is not None:
        prepare_output_path(output, [book.path, scores_book.path])
    scheme = load_scheme(args.scheme or batch_scheme_ref(book, current_batch_of(book)))
    details = book.sheet(DETAIL_SHEET.sheet)
    result = compute_retention(details, scores_book.sheet(score_sheet), scheme, what_if=args.what_if)
    if output is not None:
        from jicai.retention_output import write_retention
        try:
            write_retention(output, result, details, header_row=result.header_row)
        except PermissionError:
            raise InputError(f"无法写入 {output}：文件可能正在 Excel 中打开，请关闭后重试，或另取一个文件名。") from None
        except OSError as exc:
            raise InputError(f"无法写入 {output}：{exc.strerror or exc}") from None
    if args.json:
        sys.stdout.write(result.to_json_text() + "\n")
    else:
        _print_summary(result, score_sheet, scheme.name, output)
    return exit_code(result.findings)


def _score_sheet_name(book: Workbook) -> str:
    for name in (RESULT_SHEET_NAME, SCORE_SHEET.sheet):
        if book.has(name):
            return name
    raise InputError(f"{book.path.name} 中找不到“{RESULT_SHEET_NAME}”或“{SCORE_SHEET.sheet}”工作表，无法取得医保考核评分。"
                     f"请先导入考核评分，或用 --scores 指定评分工作簿。")


def _print_summary(result: RetentionResult, score_sheet: str, scheme_name: str, output: Path | None) -> None:
    d = result.districts
    print(f"结余留用（方案 {scheme_name}，评分取自“{score_sheet}”）：{len(result.details)} 行明细，"
          f"{len(result.hospitals)} 家医疗机构，{len(d)} 个区域")
    for district, hospitals, budget, surplus, emp, res, total in zip(
            d["district"], d["hospitals"], d["budget_cents"], d["surplus_cents"], d["retained_employee_cents"],
            d["retained_resident_cents"], d["retained_total_cents"]):
        print(f"  {district or '（未填区域）'}：{hospitals} 家，预算 {budget / 100:,.2f} 元，结余 {surplus / 100:,.2f} 元，"
              f"职保留用 {emp / 100:,.2f} 元，居保留用 {res / 100:,.2f} 元，合计 {total / 100:,.2f} 元")
    if result.what_if_hospitals is not None:
        extra = int(result.what_if_hospitals["extra_cents"].sum())
        print(f"  提档测算：各品种评分提高一档，共可多留用 {extra / 100:,.2f} 元（详见 -o 输出的“提档测算”表或 --json）")
    if output is not None:
        print(f"已写入 {output}")
    print_findings(sorted(result.findings, key=sort_key), len(result.details), out=sys.stdout)
