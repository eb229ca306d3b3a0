"""docs/templates.md is generated from the column definitions; it must be current."""
from conftest import ROOT

from engine.columns import ALL_TEMPLATES
from jicai import columns_doc


def test_committed_doc_matches_the_column_definitions():
    committed = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    assert committed == columns_doc.render(), "run: python workbook_templates/generate.py"


def test_every_header_is_documented_with_its_letter():
    text = columns_doc.render()
    for template in ALL_TEMPLATES:
        assert f"## {template.sheet}" in text
        for i, column in enumerate(template.columns):
            assert f"| {template.letter(column.key)} | {column.header} |" in text
