"""The classic desktop add-in, as far as Linux can check it: the ribbon XML is valid and each
button id is a registered macro handled by the VBA dispatcher, the built .xlam is a zip with
the ribbon part and its images, and olevba reads the dispatcher back from vbaProject.bin."""
from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from macros.registry import BUTTONS

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "addin" / "desktop"
CUSTOM_UI = "{http://schemas.microsoft.com/office/2006/01/customui}"


def _load_build():
    spec = importlib.util.spec_from_file_location("addin_build", ROOT / "addin" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_files_match_the_registry():
    build = _load_build()
    assert (ROOT / "addin/templates/manifest.xml").read_text(encoding="utf-8") == build.manifest()
    assert (ROOT / "addin/static/js/ribbon.js").read_text(encoding="utf-8") == build.ribbon_js()
    assert (DESKTOP / "customUI.xml").read_text(encoding="utf-8") == build.ribbon_xml()
    assert (DESKTOP / "JicaiDispatcher.bas").read_bytes() == build.dispatcher_bas().replace("\n", "\r\n").encode()


def test_ribbon_xml_buttons_map_to_macros_and_dispatcher():
    root = ET.parse(DESKTOP / "customUI.xml").getroot()
    tab = root.find(f"{CUSTOM_UI}ribbon/{CUSTOM_UI}tabs/{CUSTOM_UI}tab")
    assert tab.get("label") == "集采助手"
    assert [g.get("label") for g in tab] == ["结余留用", "三统一月报", "通用"]
    buttons = [b for g in tab for b in g]
    assert [b.get("id") for b in buttons] == [b.name for b in BUTTONS]
    assert {b.get("onAction") for b in buttons} == {"JicaiDispatch"}
    bas = (DESKTOP / "JicaiDispatcher.bas").read_text(encoding="ascii")
    assert "Public Sub JicaiDispatch(control As IRibbonControl)" in bas
    cases = re.findall(r'Case "(\w+)"', bas)
    assert cases == [b.name for b in BUTTONS]
    for button in BUTTONS:                               # each id is a macro taking a book
        handler = button.handler()
        assert list(inspect.signature(handler).parameters)[0] == "book"


def test_built_xlam_has_ribbon_images_and_dispatcher(tmp_path):
    pytest.importorskip("ms_ovba")
    out = tmp_path / "集采助手.xlam"
    proc = subprocess.run([sys.executable, str(DESKTOP / "build_xlam.py"), str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert "customUI/customUI.xml" in names and "xl/vbaProject.bin" in names
        assert z.read("customUI/customUI.xml") == (DESKTOP / "customUI.xml").read_bytes()
        rels = z.read("_rels/.rels").decode()
        assert "ui/extensibility" in rels and "customUI/customUI.xml" in rels
        image_rels = z.read("customUI/_rels/customUI.xml.rels").decode()
        for b in BUTTONS:
            assert f'Id="{b.name}"' in image_rels and z.read(f"customUI/images/{b.name}.png")[:4] == b"\x89PNG"
        assert b'codeName="Sheet1"' in z.read("xl/worksheets/sheet1.xml")
    from oletools.olevba import VBA_Parser
    parser = VBA_Parser(str(out))
    modules = {name: code for _, _, name, code in parser.extract_macros()}
    source = modules["JicaiDispatcher.bas"]
    assert "Application.Run \"xlwings.xlam!RunPython\"" in source
    assert "d.dispatch('\" & control.Id & \"')" in source


def test_desktop_entry_point_and_classic_udf_names():
    from macros import desktop
    assert list(inspect.signature(desktop.dispatch).parameters) == ["control_id"]
    import udfs.desktop as classic
    names = sorted(n for n in dir(classic) if n.startswith("JC_"))
    assert names == ["JC_AVG_INDEX", "JC_IS_WORKDAY", "JC_PAYMENT_DAYS", "JC_PAYMENT_INDEX", "JC_RATE",
                     "JC_RETENTION", "JC_RETENTION_RATIO", "JC_WORKDAYS"]
    assert classic.JC_RATE([[1], [3]], [[4], [0]]) == [[0.25], [""]]
