"""Shared fixtures.

LibreOffice: tests that recalculate or print workbooks take the `soffice` fixture. Locally a
machine without LibreOffice skips them; in CI (CI=true) .ci/run has installed it, so its
absence is a failure, never a silent skip.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = ROOT / "workbook_templates"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    for path in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if os.path.exists(path):
            return path
    return None


@pytest.fixture(scope="session")
def soffice() -> str:
    path = find_soffice()
    if path is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is required in CI: .ci/run must install it")
        pytest.skip("LibreOffice not installed")
    return path


# LibreOffice trusts the cached values of an .xlsx by default (OOXMLRecalcMode 1 = never) and
# ignores fullCalcOnLoad, so a "recalculated" copy could merely echo the values we wrote. The
# throw-away profile sets both load modes to 0 = always recalculate.
FORCE_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def run_soffice(soffice: str, args: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
    """Run LibreOffice headless with a throw-away profile (parallel runs must not share one)
    that forces a full recalculation of every loaded file."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        (Path(profile) / "user").mkdir()
        (Path(profile) / "user" / "registrymodifications.xcu").write_text(FORCE_RECALC_XCU, encoding="utf-8")
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def convert_with_libreoffice(soffice: str, path: Path, fmt: str, out_dir: Path) -> Path:
    """Convert `path` to `fmt` ("xlsx", "pdf", ...) in out_dir; returns the new file.

    Converting to xlsx makes LibreOffice load the file, recalculate every formula (forced by the
    profile, see FORCE_RECALC_XCU) and save the computed values — which we then read back."""
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = run_soffice(soffice, ["--convert-to", fmt, "--outdir", str(out_dir), str(path)])
    produced = out_dir / (path.stem + "." + fmt.split(":")[0])
    if not produced.exists():
        raise AssertionError(f"LibreOffice produced no {fmt}: {proc.stdout}\n{proc.stderr}")
    return produced


@pytest.fixture
def recalc(soffice, tmp_path):
    """recalc(path) -> path of a LibreOffice-recalculated .xlsx copy (values cached)."""
    def _recalc(path: Path) -> Path:
        return convert_with_libreoffice(soffice, Path(path), "xlsx", tmp_path / f"recalc-{Path(path).stem}")
    return _recalc


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_cli(*args: str, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the real `jicai` command in a subprocess (as a clerk would)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("JICAI_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "jicai.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)
