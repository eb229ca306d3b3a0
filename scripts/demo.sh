#!/usr/bin/env bash
# Install jicai into .venv and process the sample workbooks end to end into ./demo-output/.
set -euo pipefail
source "$(dirname "$0")/_venv.sh" ""
cd "$ROOT"
OUT="${1:-demo-output}"
mkdir -p "$OUT"
T=workbook_templates
set +e
echo "== 校验自评分数表";      jicai scores check "$T/结余留用-示例.xlsx"
echo "== 计算结余留用";        jicai retention "$T/结余留用-示例.xlsx" -o "$OUT/结余留用结果.xlsx"
echo "== 校验申诉台账";        jicai appeals check "$T/结余留用-示例.xlsx"
echo "== 三统一月报";          jicai monthly "$T/三统一月报-示例.xlsx" --month 2012-03 -o "$OUT/三统一月报-2012-03.xlsx"
echo "== 工作日 2012-01-20 → 2012-02-01"; jicai workdays 2012-01-20 2012-02-01
echo "结果在 $OUT/"
