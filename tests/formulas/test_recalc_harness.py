"""The LibreOffice harness really recalculates: a formula whose cached value is wrong on
purpose comes back with the computed value (LibreOffice trusts cached values by default)."""
from __future__ import annotations

import zipfile

import openpyxl


def _with_wrong_cached_value(path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert "<f>1+1</f><v />" in xml
    parts["xl/worksheets/sheet1.xml"] = xml.replace("<f>1+1</f><v />", "<f>1+1</f><v>5</v>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_recalc_computes_instead_of_echoing_cached_values(recalc, tmp_path):
    path = _with_wrong_cached_value(tmp_path / "stale.xlsx")
    assert openpyxl.load_workbook(path, data_only=True).active["A1"].value == 5
    out = recalc(path)
    assert openpyxl.load_workbook(out, data_only=True).active["A1"].value == 2
