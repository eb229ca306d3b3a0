"""`jicai templates [--out DIR]`: (re)build every blank template and sample workbook."""
from __future__ import annotations

from jicai.xlsx_template import generate_all


def run(args) -> int:
    for path in generate_all(args.out):
        print(path)
    return 0
