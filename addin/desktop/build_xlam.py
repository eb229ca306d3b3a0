"""Build the classic desktop add-in 集采助手.xlam (Windows Excel with local Python).

    python addin/desktop/build_xlam.py [OUT.xlam]

Starts from the xlwings ribbon add-in template (xlwings/quickstart_addin_ribbon.xlam), puts
our ribbon (customUI/customUI.xml, one image per button) in it, and replaces its VBA project
with one built from JicaiDispatcher.bas by PyPI's ms-ovba (`python -m ms_ovba DIR`). The
dispatcher calls the installed xlwings add-in's RunPython with the button's control id, so
the .xlam holds no other VBA. Whether Excel accepts an ms-ovba vbaProject.bin is not verified
here (no Excel on Linux); if it does not, open the .xlam on a Windows PC, delete the module
and import JicaiDispatcher.bas in the VBA editor (File > Import File), then save.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADDIN = HERE.parent
BAS = HERE / "JicaiDispatcher.bas"
RIBBON = HERE / "customUI.xml"
ICONS = ADDIN / "static" / "images" / "icons"
DEFAULT_OUT = HERE / "dist" / "集采助手.xlam"
IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def template() -> Path:
    import xlwings
    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def build_vba_project(work: Path) -> Path:
    """vbaProject.bin from the .bas via ms-ovba (writes into the current directory)."""
    src = work / "vba"
    src.mkdir()
    shutil.copy(BAS, src / BAS.name)
    proc = subprocess.run([sys.executable, "-m", "ms_ovba", str(src)], cwd=work, capture_output=True, text=True)
    out = work / "vbaProject.bin"
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"ms-ovba failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return out


def ribbon_images() -> dict[str, bytes]:
    ids = re.findall(r'image="([^"]+)"', RIBBON.read_text(encoding="utf-8"))
    return {i: (ICONS / f"{i}-32.png").read_bytes() for i in ids}


def build(out: Path = DEFAULT_OUT) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    images = ribbon_images()
    with tempfile.TemporaryDirectory() as tmp:
        vba = build_vba_project(Path(tmp)).read_bytes()
        with zipfile.ZipFile(template()) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "customUI/customUI.xml":
                    data = RIBBON.read_bytes()
                elif item.filename == "xl/vbaProject.bin":
                    data = vba
                elif item.filename == "xl/worksheets/sheet1.xml":
                    # ms-ovba names the sheet's document module Sheet1: the sheet must match
                    data = data.replace(b'codeName="Sheet2"', b'codeName="Sheet1"')
                elif item.filename == "[Content_Types].xml" and b'Extension="png"' not in data:
                    data = data.replace(b"<Default ", b'<Default Extension="png" ContentType="image/png"/><Default ', 1)
                dst.writestr(item, data)
            rels = "".join(f'<Relationship Id="{i}" Type="{IMAGE_REL}" Target="images/{i}.png"/>' for i in images)
            dst.writestr("customUI/_rels/customUI.xml.rels",
                         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
            for i, png in images.items():
                dst.writestr(f"customUI/images/{i}.png", png)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", nargs="?", default=str(DEFAULT_OUT))
    args = p.parse_args(argv)
    print(build(Path(args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
