"""Regenerate the blank templates and sample workbooks in this folder, and docs/templates.md,
from the engine's column definitions:  python workbook_templates/generate.py
Never edit the .xlsx files here by hand: edit src/engine/columns.py or src/jicai/templates/."""
from pathlib import Path

from jicai import columns_doc
from jicai.xlsx_template import generate_all

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    for path in generate_all(HERE):
        print(path)
    print(columns_doc.write(HERE.parent / "docs" / "templates.md"))
