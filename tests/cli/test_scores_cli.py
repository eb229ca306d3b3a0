"""`jicai scores check` through the real command (subprocess), on good and bad files (SPEC §5).

Every case: exit 0/1 with findings, or exit 2 with ONE clear line on stderr; never a
traceback; the input file's bytes unchanged."""
from __future__ import annotations

import json
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from conftest import run_cli, sha256
from engine.columns import BATCH_SHEET, SCORE_SHEET

HEADERS = SCORE_SHEET.headers
GOOD = [20, 20, 10, 5, 5, 5, 15, 8, 6, 6]


def row(code="T0001", variety="GC2_1", name="测试医院", district="武昌区", scores=GOOD, total=100, bureau=90):
    return [district, code, name, variety, "阿奇霉素口服常释剂型", "0.25g", *scores, total, bureau]


def workbook(path: Path, rows, *, sheet="自评分数表", header=HEADERS, before=(), after=(), edit=None) -> Path:
    """Write an .xlsx with openpyxl; `before`/`after` are extra (name, rows) sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, extra in before:
        ws = wb.create_sheet(name)
        for r in extra:
            ws.append(r)
    ws = wb.create_sheet(sheet)
    if header is not None:
        ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    for name, extra in after:
        other = wb.create_sheet(name)
        for r in extra:
            other.append(r)
    if edit:
        edit(ws)
    wb.save(path)
    return path


def check(path: Path, *args: str, expect: int):
    """Run the command; assert the exit status, no traceback, and the file untouched."""
    digest = sha256(path)
    proc = run_cli("scores", "check", str(path), *args)
    assert proc.returncode == expect, (proc.returncode, proc.stdout[-2000:], proc.stderr)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    assert sha256(path) == digest, "the input file was modified"
    if expect == 2:
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("jicai: "), proc.stderr
        assert proc.stdout.strip() == ""
    return proc


def check_json(path: Path, *args: str, expect: int) -> dict:
    data = json.loads(check(path, "--json", *args, expect=expect).stdout)
    assert set(data) == {"ok", "rows", "findings"}
    assert data["ok"] is (expect == 0)
    for f in data["findings"]:
        assert set(f) == {"code", "severity", "sheet", "cell", "message"}
    return data


def cells(data: dict) -> list[tuple[str, str]]:
    return [(f["code"], f["cell"]) for f in data["findings"]]


# ------------------------------------------------------------------ unusable input: exit 2


def test_missing_file(tmp_path):
    proc = run_cli("scores", "check", str(tmp_path / "没有这个文件.xlsx"))
    assert proc.returncode == 2 and "找不到文件" in proc.stderr and "Traceback" not in proc.stderr


def test_text_file_renamed_xlsx(tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_text("医疗机构编号,品种序号\nT0001,GC2_1\n", encoding="utf-8")
    assert "不是 Excel 工作簿" in check(path, expect=2).stderr


def test_empty_file(tmp_path):
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    check(path, expect=2)


def test_corrupt_zip(tmp_path):
    good = workbook(tmp_path / "good.xlsx", [row()])
    path = tmp_path / "损坏.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "损坏" in check(path, expect=2).stderr


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    check(path, expect=2)


def test_password_protected_workbook(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = workbook(tmp_path / "plain.xlsx", [row()])
    path = tmp_path / "加密.xlsx"
    with plain.open("rb") as src, path.open("wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    assert "密码" in check(path, expect=2).stderr


def test_ole_container_named_xlsx(tmp_path):
    path = tmp_path / "旧格式.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    check(path, expect=2)


def test_sheet_not_found(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [row()])
    proc = check(path, "--sheet", "考核表", expect=2)
    assert "考核表" in proc.stderr and "自评分数表" in proc.stderr


def test_malformed_scheme_names_the_bad_key(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [row()])
    scheme = tmp_path / "坏方案.toml"
    scheme.write_text('name = "x"\n[score]\ntotal = 100\nmaxima = []\nmax_decimal = 2\n', encoding="utf-8")
    proc = check(path, "--scheme", str(scheme), expect=2)
    assert "score.max" in proc.stderr  # maxima (first error) or the misspelt max_decimal
    scheme.write_text('name = "x"\n[score\n', encoding="utf-8")
    assert "TOML" in check(path, "--scheme", str(scheme), expect=2).stderr
    assert "不存在的方案" in check(path, "--scheme", "不存在的方案", expect=2).stderr


def test_scheme_with_a_misspelt_key(tmp_path):
    from importlib import resources

    text = resources.files("engine.schemes").joinpath("wuhan-default.toml").read_text(encoding="utf-8")
    scheme = tmp_path / "s.toml"
    scheme.write_text(text.replace("max_decimals = 2", "max_decimal = 2"), encoding="utf-8")
    proc = check(workbook(tmp_path / "a.xlsx", [row()]), "--scheme", str(scheme), expect=2)
    assert "score.max_decimal" in proc.stderr


def test_scheme_without_score_rules(tmp_path):
    proc = check(workbook(tmp_path / "a.xlsx", [row()]), "--scheme", "shaanxi-2012", expect=2)
    assert "shaanxi-2012" in proc.stderr and "score" in proc.stderr


def test_bad_as_of(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [row()])
    check(path, "--import", "--as-of", "明天", expect=2)


# ------------------------------------------------------------------ findings: exit 0 / 1


def test_good_sheet_json(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [row(), row(variety="GC2_2")])
    assert check_json(path, expect=0) == {"ok": True, "rows": 2, "findings": []}


def test_human_output_is_a_table_with_a_summary(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [row(scores=["二十", *GOOD[1:]])])
    out = check(path, expect=1).stdout
    assert "G2" in out and "not-a-number" in out and "二十" in out
    assert "共 1 行数据" in out and "错误 1 处" in out


def test_empty_sheet(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [], header=None)
    assert cells(check_json(path, expect=1)) == [("sheet-empty", "A1")]


def test_header_only(tmp_path):
    assert check_json(workbook(tmp_path / "a.xlsx", []), expect=0) == {"ok": True, "rows": 0, "findings": []}


def test_merged_cells(tmp_path):
    rows = [row(variety=f"GC2_{i}") for i in range(1, 4)]

    def merge(ws):
        for col in "ABC":
            ws.merge_cells(f"{col}2:{col}4")
    data = check_json(workbook(tmp_path / "a.xlsx", rows, edit=merge), expect=1)
    assert sorted(cells(data)) == sorted(("required-blank", f"{c}{n}") for c in "ABC" for n in (3, 4))


def test_columns_moved(tmp_path):
    header = list(HEADERS)
    header[16], header[17] = header[17], header[16]
    data = row(total=90, bureau=100)
    data[16], data[17] = data[17], data[16]  # values follow their headers
    result = check_json(workbook(tmp_path / "a.xlsx", [data], header=header), expect=1)
    assert cells(result) == [("header-mismatch", "Q1"), ("header-mismatch", "R1"), ("total-mismatch", "R2")]


@pytest.mark.parametrize("value,code", [("二十", "not-a-number"), ("20分", "not-a-number"), ("#N/A", "not-a-number"),
                                        ("#DIV/0!", "not-a-number"), ("２０", "number-as-text"), ("20", "number-as-text")])
def test_bad_score_cells(tmp_path, value, code):
    path = workbook(tmp_path / "a.xlsx", [row(), row(variety="GC2_2", scores=[value, *GOOD[1:]])])
    data = check_json(path, expect=1 if code == "not-a-number" else 0)
    assert cells(data) == [(code, "G3")]
    assert value in data["findings"][0]["message"]


def test_error_value_from_a_formula(tmp_path):
    # a real formula error with its cached value, as Excel saves it
    path = workbook(tmp_path / "a.xlsx", [row()])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    start = xml.index('<c r="H2"')
    end = xml.index("</c>", start) + 4
    xml = xml[:start] + '<c r="H2" t="e"><f>1/0</f><v>#DIV/0!</v></c>' + xml[end:]
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    data = check_json(path, expect=1)
    assert cells(data) == [("not-a-number", "H2")] and "#DIV/0!" in data["findings"][0]["message"]


def test_blank_rows_in_the_middle(tmp_path):
    path = workbook(tmp_path / "a.xlsx", [row(), [None] * 18, [], row(variety="GC2_2", scores=[21, *GOOD[1:]], total=101)])
    data = check_json(path, expect=1)
    assert data["rows"] == 2
    assert cells(data) == [("score-out-of-range", "G5"), ("score-out-of-range", "Q5")]


def test_all_rules_end_to_end(tmp_path):
    rows = [row(), row(), row(variety="GC2_2", name="别的名字"), row(variety="GC2_3", district="江岸区", bureau=None)]
    path = workbook(tmp_path / "a.xlsx", rows)
    data = check_json(path, "--import", "--district", "武昌区", expect=1)
    assert cells(data) == [("duplicate-row", "A3"), ("name-conflict", "C4"), ("district-mismatch", "A5"),
                           ("bureau-score-blank", "R5")]
    assert check_json(path, expect=1)["rows"] == 4  # without --import/--district: only the two row errors


def test_sheet_choice(tmp_path):
    notes = ("说明", [["请在“自评分数表”中填写"]])
    path = workbook(tmp_path / "a.xlsx", [row(scores=[21, *GOOD[1:]], total=101)], before=[notes])
    assert cells(check_json(path, expect=1))[0] == ("score-out-of-range", "G2")
    # no sheet named 自评分数表: the first sheet
    path = workbook(tmp_path / "b.xlsx", [row()], sheet="武昌区", after=[("Sheet2", [["x"]])])
    data = check_json(path, expect=0)
    assert data["rows"] == 1
    # --sheet picks another one
    data = check_json(path, "--sheet", "Sheet2", expect=1)
    assert {f["code"] for f in data["findings"]} == {"header-mismatch"} and data["findings"][0]["sheet"] == "Sheet2"


def test_import_checks_the_batch_deadline(tmp_path):
    batches = ("批次设置", [BATCH_SHEET.headers, ["2026-01", "2026年第一批", "wuhan-default", datetime(2026, 11, 30, 17, 0), "武昌区"]])
    path = workbook(tmp_path / "a.xlsx", [row()], after=[batches])
    assert check_json(path, "--import", "--as-of", "2026-11-30", expect=0)["findings"] == []
    data = check_json(path, "--import", "--as-of", "2026-12-01", expect=1)
    assert [(f["code"], f["sheet"], f["cell"]) for f in data["findings"]] == [("deadline-passed", "批次设置", "D2")]
    # without --import the deadline does not matter
    assert check_json(path, "--as-of", "2026-12-01", expect=0)["ok"]


def test_batch_settings_give_the_scheme_and_the_import_district(tmp_path):
    from importlib import resources

    text = resources.files("engine.schemes").joinpath("wuhan-default.toml").read_text(encoding="utf-8")
    (tmp_path / "宽松.toml").write_text(text.replace('name = "wuhan-default"', 'name = "宽松"').replace(
        '{ header = "约定采购量完成率得分", max = 20 }', '{ header = "约定采购量完成率得分", max = 30 }').replace(
        "total = 100", "total = 110"), encoding="utf-8")
    batches = ("批次设置", [BATCH_SHEET.headers, ["2026-01", "第一批", "宽松.toml", datetime(2099, 1, 1), "武昌区"]])
    rows = [row(scores=[25, *GOOD[1:]], total=105), row(variety="GC2_2", district="江岸区")]
    path = workbook(tmp_path / "a.xlsx", rows, after=[batches])
    assert check_json(path, expect=0)["findings"] == []          # 25 allowed by the batch's scheme
    assert "score-out-of-range" in {f["code"] for f in check_json(path, "--scheme", "wuhan-default", expect=1)["findings"]}
    assert cells(check_json(path, "--import", expect=1)) == [("district-mismatch", "A3")]
    assert cells(check_json(path, "--import", "--district", "江岸区", expect=1)) == [("district-mismatch", "A2")]
    assert "宽松" in check(path, expect=0).stdout


def test_does_not_import_openpyxl_or_xlwings(tmp_path):
    import subprocess

    path = workbook(tmp_path / "a.xlsx", [row()])
    code = ("import sys, io, contextlib\nfrom jicai.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['scores', 'check', {str(path)!r}, '--json'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'xlwings')))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_committed_samples(tmp_path):
    from conftest import TEMPLATES_DIR
    from jicai.templates.scores import PROBLEM_SAMPLE_NAME, SAMPLE_NAME

    sample = check_json(TEMPLATES_DIR / SAMPLE_NAME, expect=0)
    assert sample["rows"] == 24 and {f["code"] for f in sample["findings"]} == {"total-mismatch"}
    assert {f["code"] for f in check_json(TEMPLATES_DIR / SAMPLE_NAME, "--import", expect=1)["findings"]} == {
        "total-mismatch", "bureau-score-blank"}
    problems = check_json(TEMPLATES_DIR / PROBLEM_SAMPLE_NAME, "--district", "武昌区", expect=1)
    assert {f["code"] for f in problems["findings"]} == {
        "score-blank", "total-blank", "not-a-number", "number-as-text", "score-out-of-range", "too-many-decimals",
        "duplicate-row", "name-conflict", "district-mismatch", "required-blank"}
    assert ("not-a-number", "G6") in cells(problems)  # the #N/A error value


# ------------------------------------------------------------------ 100,000 rows


def write_big_sheet(path: Path, rows: list[list]) -> Path:
    """A minimal valid .xlsx written directly (inline strings): 100k rows in ~1 s, where
    openpyxl needs ~15 s. Excel, LibreOffice and calamine read this form."""
    def cell(ref: str, v) -> str:
        if v is None:
            return ""
        if isinstance(v, str):
            return f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        return f'<c r="{ref}"><v>{v}</v></c>'

    letters = [chr(65 + j) for j in range(18)]
    body = "".join(f'<row r="{i}">' + "".join(cell(f"{letters[j]}{i}", v) for j, v in enumerate(r)) + "</row>"
                   for i, r in enumerate(rows, start=1))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
                   '<sheet name="自评分数表" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{body}</sheetData></worksheet>')
    return path


def test_100k_rows(tmp_path):
    rows = [HEADERS] + [row(code=f"T{i // 100:04d}", variety=f"GC2_{i % 100}", name=f"医院{i // 100}") for i in range(100_000)]
    rows[50_001][8] = "十"          # Excel row 50002, column I
    rows[99_999][10] = 6            # K100000 > 5 (and the total no longer matches)
    rows[70_000] = [None] * 18      # a blank row in the middle
    path = write_big_sheet(tmp_path / "big.xlsx", rows)
    data = check_json(path, expect=1)
    assert data["rows"] == 99_999
    assert cells(data) == [("not-a-number", "I50002"), ("score-out-of-range", "K100000"), ("total-mismatch", "Q100000")]
