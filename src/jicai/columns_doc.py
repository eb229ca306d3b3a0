"""docs/templates.md, generated from the engine's column definitions and the default scheme,
so the documentation of every template column cannot drift from the code that checks it."""
from __future__ import annotations

from pathlib import Path

from engine.cells import col_letter
from engine.columns import ALL_TEMPLATES, Column
from engine.scheme import load_scheme
from jicai.xlsx_template import column_limits

KIND_LABEL = {"text": "文本", "code": "编号（文本）", "score": "分数", "total": "总分", "count": "整数",
              "money": "金额（元，两位小数）", "date": "日期", "datetime": "日期时间", "month": "年月",
              "choice": "下拉选择", "number": "数值"}


def _rule(column: Column, scheme) -> str:
    lo, hi = column_limits(column, scheme)
    parts = []
    if column.required:
        parts.append("必填")
    if column.choices:
        parts.append("只能为 " + " / ".join(column.choices))
    if hi is not None:
        parts.append(f"{lo}～{hi}")
    elif lo is not None:
        parts.append(f"≥ {lo}")
    if column.help:
        parts.append(column.help)
    return "；".join(parts)


def render() -> str:
    scheme = load_scheme()
    out = ["# 模板栏目说明（自动生成，请勿手改）", "",
           "由 `src/engine/columns.py` 与默认方案 `wuhan-default` 生成：`python workbook_templates/generate.py`。", ""]
    for t in ALL_TEMPLATES:
        out += [f"## {t.sheet}", "", f"第 {t.header_row} 行为表头，数据从第 {t.header_row + 1} 行开始。", "",
                "| 列 | 表头 | 类型 | 规则 |", "|---|---|---|---|"]
        out += [f"| {col_letter(i)} | {c.header} | {KIND_LABEL.get(c.kind, c.kind)} | {_rule(c, scheme)} |"
                for i, c in enumerate(t.columns)]
        out.append("")
    return "\n".join(out)


def write(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path
