#!/usr/bin/env bash
# Install jicai into .venv and process the sample workbooks end to end into ./demo-output/.
set -euo pipefail
source "$(dirname "$0")/_venv.sh" ""
cd "$ROOT"
OUT="${1:-demo-output}"
mkdir -p "$OUT"
T=workbook_templates
set +e
echo "== 校验自评分数表（图1.9 示例）"; jicai scores check "$T/结余留用-自评分数表-示例.xlsx"
echo "== 校验有问题的自评分数表";    jicai scores check "$T/结余留用-自评分数表-问题示例.xlsx"
echo "== 计算结余留用（含提档测算）";  jicai retention "$T/结余留用-测算数据-示例.xlsx" --what-if -o "$OUT/结余留用结果.xlsx"
echo "== 校验申诉台账";              jicai appeals check "$T/结余留用-申诉台账-示例.xlsx" --as-of 2025-12-31
echo "== 三统一月报 2025-12";         jicai monthly "$T/三统一-月报-示例.xlsx" --month 2025-12 -o "$OUT/三统一月报-2025-12.xlsx"
echo "== 在文件上运行“校验考核表”按钮"; jicai run check_scores "$T/结余留用-自评分数表-问题示例.xlsx" -o "$OUT/校验结果.xlsx"
echo "== 工作日 2012-01-20 → 2012-02-01（含春节调休）"; jicai workdays 2012-01-20 2012-02-01
echo "结果在 $OUT/"
