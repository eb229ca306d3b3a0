"""Regenerate the blank templates and sample workbooks in this folder from the engine's
column definitions:  python workbook_templates/generate.py   (same as `jicai templates`).
Never edit the .xlsx files here by hand: edit src/engine/columns.py or src/jicai/templates/."""
from pathlib import Path

from jicai.xlsx_template import generate_all

if __name__ == "__main__":
    for path in generate_all(Path(__file__).resolve().parent):
        print(path)
