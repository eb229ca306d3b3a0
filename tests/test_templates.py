"""The committed workbook_templates/*.xlsx are exactly what the generator builds now, they open
in LibreOffice, and the score template's Excel data validation carries the scheme's maxima.

openpyxl's zips are not byte-stable, so "exactly" is semantic: sheet names, cell values and
number formats, data validations, merged cells, freeze panes, column widths, print setup and
defined names."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import TEMPLATES_DIR, run_soffice
from engine.columns import SCORE_SHEET
from engine.scheme import load_scheme
from jicai.templates.scores import BLANK_NAME, PROBLEM_SAMPLE_NAME, SAMPLE_NAME
from jicai.xlsx_template import all_builders, generate_all

COMMITTED = sorted(TEMPLATES_DIR.glob("*.xlsx"))


def describe(path: Path) -> dict:
    """Everything about a workbook a clerk would notice, as plain comparable values."""
    wb = load_workbook(path)
    out = {"sheets": wb.sheetnames,
           "names": sorted((n, str(d.attr_text)) for n, d in wb.defined_names.items())}
    for ws in wb.worksheets:
        out[ws.title] = {
            "cells": [[(c.value, c.number_format) for c in r] for r in ws.iter_rows()],
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2, dv.allow_blank, dv.showErrorMessage,
                 dv.error, dv.errorTitle, dv.prompt, dv.promptTitle)
                for dv in ws.data_validations.dataValidation),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "freeze": ws.freeze_panes,
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
            "print": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth,
                      ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                      ws.print_title_rows, ws.print_title_cols, str(ws.print_area) if ws.print_area else None,
                      ws.page_margins.left, ws.page_margins.right, ws.page_margins.top, ws.page_margins.bottom,
                      ws.print_options.horizontalCentered),
            "filter": ws.auto_filter.ref,
            "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
        }
    return out


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    generate_all(out)
    return out


def test_every_builder_has_a_committed_file_and_no_file_is_stale(regenerated):
    built = sorted(p.name for p in regenerated.glob("*.xlsx"))
    assert built == sorted(all_builders())
    assert sorted(p.name for p in COMMITTED) == built, "run: python workbook_templates/generate.py, and commit the result"


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_file_matches_the_generator(regenerated, path):
    fresh = regenerated / path.name
    assert fresh.exists(), f"{path.name} has no builder in jicai.templates"
    assert describe(path) == describe(fresh), f"{path.name} is stale: run python workbook_templates/generate.py"


def test_score_template_validation_carries_the_scheme_maxima():
    scheme = load_scheme("wuhan-default")
    ws = load_workbook(TEMPLATES_DIR / BLANK_NAME)[SCORE_SHEET.sheet]
    assert [c.value for c in ws[1]] == SCORE_SHEET.headers
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_column[rng.coord.split(":")[0].rstrip("0123456789")] = (dv, str(rng))
    for j, column in enumerate(SCORE_SHEET.columns):
        letter = SCORE_SHEET.letter(column.key)
        if column.kind == "score":
            expected = scheme.score.maximum(column.header)
        elif column.kind == "total":
            expected = scheme.score.total
        else:
            assert letter not in by_column
            continue
        dv, rng = by_column[letter]
        assert rng.startswith(f"{letter}2:")
        assert (dv.type, dv.operator) == ("decimal", "between")
        assert Decimal(dv.formula1) == 0 and Decimal(dv.formula2) == expected, (column.header, dv.formula2)
        assert dv.showErrorMessage and dv.errorStyle == "stop"
        assert str(expected) in dv.error
    assert sum(scheme.score.maximum(c.header) for c in SCORE_SHEET.of_kind("score")) == scheme.score.total
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows in ("1:1", "$1:$1")


def test_score_samples_hold_the_seed_rows():
    ws = load_workbook(TEMPLATES_DIR / SAMPLE_NAME)[SCORE_SHEET.sheet]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 24
    assert rows[0][:7] == ["武昌区", "T0013", "湖北省直属机关医院", "GC2_5", "阿奇霉素口服常释剂型", "0.25g", 20]
    assert rows[-1][1:4] == ["T0005", "华中科技大学同济医学院", "GC2_30"] and rows[-1][16] == 95
    problems = load_workbook(TEMPLATES_DIR / PROBLEM_SAMPLE_NAME)[SCORE_SHEET.sheet]
    assert problems["B2"].value == "T0003" and problems["G2"].value == 20 and problems["H2"].value is None


def test_templates_open_in_libreoffice(soffice, tmp_path):
    """LibreOffice loads every committed template (converted to .xlsx) with its sheets and headers."""
    assert COMMITTED
    out = tmp_path / "lo"
    proc = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(out), *map(str, COMMITTED)], timeout=600)
    for path in COMMITTED:
        converted = out / path.name
        assert converted.exists(), f"LibreOffice could not load {path.name}: {proc.stdout} {proc.stderr}"
        original, reloaded = load_workbook(path), load_workbook(converted)
        assert reloaded.sheetnames == original.sheetnames, path.name
        for ws in original.worksheets:
            header = [c.value for c in ws[1] if c.value is not None]
            assert [c.value for c in reloaded[ws.title][1] if c.value is not None] == header, (path.name, ws.title)
    ws = load_workbook(out / BLANK_NAME)[SCORE_SHEET.sheet]
    assert any(dv.formula2 in ("20", "20.0") for dv in ws.data_validations.dataValidation), "validation lost in LibreOffice"
