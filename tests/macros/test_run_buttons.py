"""Every ribbon button through `jicai run` (the real command in a subprocess), the output
opened and recalculated by LibreOffice and its values read back."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from addin_books import (clean_scores, faulty_scores, future_batch, past_batch, retention_book, score_book,
                         score_row)
from conftest import run_cli, sha256
from macros.registry import BUTTONS

REPORT = "校验报告"


def run(macro: str, src: Path, out: Path, *extra: str):
    return run_cli("run", macro, str(src), "-o", str(out), *extra)


def values(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def report_rows(path: Path) -> list[tuple]:
    """(级别, 工作表, 单元格, 问题代码) of each 校验报告 line."""
    return [(r[1], r[2], r[3], r[4]) for r in values(path, REPORT)[2:]]


def test_check_scores_paints_reports_and_recalculates(tmp_path, recalc):
    src = faulty_scores(tmp_path / "in.xlsx")
    before = sha256(src)
    out = tmp_path / "out.xlsx"
    proc = run("check_scores", src, out)
    assert proc.returncode == 1, proc.stderr
    assert "校验考核表：共 4 行数据，发现错误" in proc.stdout
    assert sha256(src) == before                                   # input never modified
    rows = report_rows(out)
    assert ("错误", "自评分数表", "G3", "score-out-of-range") in rows
    assert ("错误", "自评分数表", "H3", "not-a-number") in rows
    assert ("错误", "自评分数表", "A4", "duplicate-row") in rows
    assert ("警告", "自评分数表", "P5", "number-as-text") in rows
    wb = openpyxl.load_workbook(out)
    ws = wb["自评分数表"]
    assert ws["G3"].fill.fgColor.rgb == "FFFFC7CE" and "超出允许范围" in ws["G3"].comment.text
    assert ws["P5"].fill.fgColor.rgb == "FFFFEB9C" and "文本格式" in ws["P5"].comment.text
    assert ws["G2"].fill.fgColor.rgb in ("00000000", None) and ws["G2"].comment is None
    assert ws["H3"].value == "二十"                                  # values are never changed
    # LibreOffice evaluates the 定位 links: the report's formulas compute to readable text
    recalculated = recalc(out)
    links = [r[6] for r in values(recalculated, REPORT)[2:]]
    assert links[0].startswith("转到 ") and all(link for link in links)


def test_second_check_replaces_report_and_clears_fixed_cells(tmp_path):
    src = faulty_scores(tmp_path / "in.xlsx")
    first = tmp_path / "first.xlsx"
    assert run("check_scores", src, first).returncode == 1
    wb = openpyxl.load_workbook(first)
    wb["自评分数表"]["G3"] = 20                                      # the clerk fixes one cell
    fixed = tmp_path / "fixed.xlsx"
    wb.save(fixed)
    second = tmp_path / "second.xlsx"
    assert run("check_scores", fixed, second).returncode == 1
    wb2 = openpyxl.load_workbook(second)
    assert wb2.sheetnames.count(REPORT) == 1
    assert wb2["自评分数表"]["G3"].comment is None and wb2["自评分数表"]["G3"].fill.fgColor.rgb == "00000000"
    assert ("错误", "自评分数表", "G3", "score-out-of-range") not in report_rows(second)
    cleared = tmp_path / "cleared.xlsx"
    proc = run("clear_marks", second, cleared)
    assert proc.returncode == 0 and "已清除" in proc.stdout
    wb3 = openpyxl.load_workbook(cleared)
    assert REPORT not in wb3.sheetnames
    assert wb3["自评分数表"]["H3"].comment is None and wb3["自评分数表"]["H3"].value == "二十"


def test_import_scores_writes_result_and_log(tmp_path, recalc):
    src = score_book(tmp_path / "in.xlsx", [score_row("江岸区", "H001", "甲医院", "1", bureau=88),
                                             score_row("江岸区", "H001", "甲医院", "2", bureau="９０")],
                     batch=future_batch())
    out = tmp_path / "out.xlsx"
    proc = run("import_scores", src, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "已导入 2 行" in proc.stdout
    result = values(recalc(out), "考核结果")
    assert result[0][-1] == "医保考核评分" and [r[-1] for r in result[1:]] == [88, 90]
    log = values(out, "导入记录")
    assert log[0][:4] == ("导入时间", "来源工作表", "行数", "数据校验值(SHA-256)")
    assert log[1][1:3] == ("自评分数表", 2) and len(log[1][3]) == 64 and log[1][5] == "江岸区"
    again = tmp_path / "again.xlsx"
    assert run("import_scores", out, again).returncode == 0
    wb = openpyxl.load_workbook(again)
    assert wb.sheetnames.count("考核结果") == 1
    assert len(values(again, "导入记录")) == 3                          # one line per import


@pytest.mark.parametrize("case", ["blank-bureau", "deadline", "other-district"])
def test_import_scores_writes_nothing_on_error(tmp_path, case):
    rows = [score_row("江岸区", "H001", "甲医院", "1", bureau=88)]
    batch = future_batch()
    if case == "blank-bureau":
        rows.append(score_row("江岸区", "H001", "甲医院", "2", bureau=None))
    elif case == "deadline":
        batch = past_batch()
    else:
        rows.append(score_row("汉阳区", "H009", "丙医院", "1", bureau=70))  # batch district is 江岸区
    src = score_book(tmp_path / "in.xlsx", rows, batch=batch)
    out = tmp_path / "out.xlsx"
    proc = run("import_scores", src, out)
    assert proc.returncode == 1
    assert "未导入" in proc.stdout
    wb = openpyxl.load_workbook(out)
    assert "考核结果" not in wb.sheetnames and "导入记录" not in wb.sheetnames
    codes = {r[3] for r in report_rows(out)}
    assert {"blank-bureau": "bureau-score-blank", "deadline": "deadline-passed",
            "other-district": "district-mismatch"}[case] in codes


def test_compute_retention_result_sheets(tmp_path, recalc):
    src = retention_book(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    proc = run("compute_retention", src, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2,300.13 元" in proc.stdout
    again = tmp_path / "again.xlsx"
    assert run("compute_retention", out, again).returncode == 0
    wb = openpyxl.load_workbook(again)
    assert [n for n in wb.sheetnames if n in ("结余留用明细", "机构汇总", "区域汇总")] == ["结余留用明细", "机构汇总", "区域汇总"]
    districts = values(recalc(again), "区域汇总")
    assert districts[1][0] == "江岸区" and districts[1][-1] == pytest.approx(2300.13)
    hospitals = values(again, "机构汇总")
    assert [(r[1], r[6], r[7], r[8]) for r in hospitals[1:]] == [("H001", 1200, 800, 2000), ("H002", 180.08, 120.05, 300.13)]


def test_template_buttons_never_overwrite(tmp_path):
    src = clean_scores(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    proc = run("new_score_template", src, out)
    assert proc.returncode == 0 and "已存在" in proc.stdout
    assert values(out, "自评分数表") == values(src, "自评分数表")
    monthly = tmp_path / "monthly.xlsx"
    proc = run("new_monthly_report", src, monthly)
    assert proc.returncode == 0
    wb = openpyxl.load_workbook(monthly)
    assert {"机构月报", "回款明细"} <= set(wb.sheetnames)
    assert wb["机构月报"]["A1"].value == "市" and wb["机构月报"].freeze_panes == "A2"


@pytest.mark.parametrize("button", [b.name for b in BUTTONS])
def test_every_button_runs_headless(tmp_path, button):
    """Each button finishes on a workbook it may not be meant for: an output file, an alert
    line, and exit 0/1 — or exit 2 with a Chinese sentence, never a traceback."""
    src = retention_book(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    proc = run(button, src, out)
    assert proc.returncode in (0, 1, 2), proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    if proc.returncode == 2:      # e.g. 申诉台账 missing: one Chinese line, no output
        assert len(proc.stderr.strip().splitlines()) == 1 and not out.exists()
    else:
        assert out.exists() and proc.stdout.strip()


def test_run_refuses_to_overwrite_input(tmp_path):
    src = clean_scores(tmp_path / "in.xlsx")
    before = sha256(src)
    proc = run("check_scores", src, src)
    assert proc.returncode == 2 and "不能与输入文件相同" in proc.stderr
    assert sha256(src) == before
    proc = run_cli("run", "no_such_button", str(src), "-o", str(tmp_path / "o.xlsx"))
    assert proc.returncode == 2 and "没有名为" in proc.stderr


MONTHLY_SAMPLE = Path(__file__).resolve().parents[2] / "workbook_templates" / "三统一-月报-示例.xlsx"


@pytest.mark.skipif(not MONTHLY_SAMPLE.exists(), reason="monthly sample not generated")
def test_monthly_buttons_on_the_sample(tmp_path, recalc):
    from engine.monthly import compute_monthly
    from engine.scheme import load_scheme
    from jicai.readers import open_workbook
    book = open_workbook(MONTHLY_SAMPLE)
    month = max(str(v)[:7] for v in (r[4] for r in book.sheet("机构月报").rows[1:]) if v)
    expected = compute_monthly(book.sheet("机构月报"), book.sheet("回款明细"), None, month, None,
                               load_scheme(None, default="shaanxi-2012")).to_json()
    out = tmp_path / "indicators.xlsx"
    proc = run("compute_monthly", MONTHLY_SAMPLE, out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cities = values(recalc(out), "市汇总")
    assert [r[0] for r in cities[1:]] == [c["city"] for c in expected["cities"]] + ["全省"]
    assert cities[1][2] == pytest.approx(expected["cities"][0]["equip_rate"])
    assert cities[-1][7] == pytest.approx(expected["province"]["payment_index"])
    ranked = tmp_path / "ranked.xlsx"
    assert run("rank_monthly", out, ranked).returncode == 0
    ranks = values(ranked, "排名")
    assert ranks[0][:5] == ("级别", "市", "县(区)", "配备率", "名次")
    assert ranks[1][4] == expected["cities"][0]["ranks"]["equip_rate"]
    printed = tmp_path / "print.xlsx"
    assert run("print_monthly", ranked, printed).returncode == 0
    wb = openpyxl.load_workbook(printed)
    assert {"机构指标", "县区汇总", "市汇总", "排名", "月报上报表"} <= set(wb.sheetnames)
    sheet = wb["月报上报表"]
    assert "三统一" in sheet["A1"].value and sheet["A3"].value == "序号" and sheet.print_area
    assert any(r[2] == "全省合计" for r in values(printed, "月报上报表"))


RETENTION_SAMPLE = Path(__file__).resolve().parents[2] / "workbook_templates" / "结余留用-测算数据-示例.xlsx"


@pytest.mark.skipif(not RETENTION_SAMPLE.exists(), reason="retention sample not generated")
def test_compute_retention_button_agrees_with_cli(tmp_path):
    import json
    cli = json.loads(run_cli("retention", str(RETENTION_SAMPLE), "--json").stdout)
    out = tmp_path / "out.xlsx"
    assert run("compute_retention", RETENTION_SAMPLE, out).returncode == 0
    districts = values(out, "区域汇总")[1:]
    assert [(r[0], r[-1]) for r in districts] == [(d["district"], d["retained_total"]) for d in cli["districts"]]
    details = values(out, "结余留用明细")[1:]
    assert [r[-1] for r in details] == [d["retained"] for d in cli["details"]]


def test_appeals_button_marks_missing_reply(tmp_path):
    from engine.columns import APPEAL_SHEET
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = APPEAL_SHEET.sheet
    ws.append(APPEAL_SHEET.headers)
    ws.append(["SS001", "2026-01", "H001", "甲医院", "评分有误", "附件1", "2026-11-02", "已回复", None, None, None, "系统回复"])
    src = tmp_path / "appeals.xlsx"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    proc = run("appeals", src, out)
    assert proc.returncode == 1 and "申诉台账：共 1 行数据" in proc.stdout
    rows = report_rows(out)
    assert ("错误", "申诉台账", "I2", "reply-missing") in rows
    assert openpyxl.load_workbook(out)["申诉台账"]["I2"].fill.fgColor.rgb == "FFFFC7CE"


SAMPLES_DIR = Path(__file__).resolve().parents[2] / "workbook_templates"


def test_every_button_output_recalculates_in_libreoffice(tmp_path, soffice):
    """Each button on a workbook it is meant for; every output is then loaded, recalculated and
    saved by LibreOffice in one run, and its values read back equal what `jicai run` wrote
    (the 定位 links compute to text)."""
    from conftest import run_soffice
    scores = score_book(tmp_path / "scores.xlsx", [score_row("江岸区", "H001", "甲医院", "1", bureau=88),
                                                  score_row("江岸区", "H002", "乙医院", "1", scores=[25] + [5] * 9)],
                        batch=future_batch())
    sources = {"new_score_template": retention_book(tmp_path / "retention.xlsx"), "check_scores": scores,
               "import_scores": score_book(tmp_path / "ok.xlsx", [score_row("江岸区", "H001", "甲医院", "1", bureau=88)],
                                           batch=future_batch()),
               "compute_retention": tmp_path / "retention.xlsx", "clear_marks": None, "refresh_calendar": scores,
               "appeals": SAMPLES_DIR / "结余留用-申诉台账-示例.xlsx", "new_monthly_report": scores}
    for name in ("check_monthly", "compute_monthly", "rank_monthly", "print_monthly"):
        sources[name] = SAMPLES_DIR / "三统一-月报-示例.xlsx"
    outputs = {}
    for button in [b.name for b in BUTTONS]:
        src = sources[button]
        if button == "clear_marks":
            src = outputs["check_scores"]
        if not src.exists():
            pytest.skip(f"sample {src.name} not generated")
        out = tmp_path / "out" / f"{button}.xlsx"
        proc = run(button, src, out)
        assert proc.returncode in (0, 1), f"{button}: {proc.stdout} {proc.stderr}"
        outputs[button] = out
    converted = tmp_path / "recalculated"
    proc = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(converted), *map(str, outputs.values())])
    for button, out in outputs.items():
        back = converted / out.name
        assert back.exists(), f"LibreOffice could not open {button}: {proc.stderr}"
        before = openpyxl.load_workbook(out)
        after = openpyxl.load_workbook(back, data_only=True)
        assert after.sheetnames == before.sheetnames, button
        for ws in before.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    got = after[ws.title][cell.coordinate].value
                    if cell.data_type == "f":   # computed, and never to an error value
                        assert not (isinstance(got, str) and got.startswith(("#", "Err:"))), \
                            f"{button} {ws.title}!{cell.coordinate} {cell.value} -> {got}"
                        if ws.title == REPORT:
                            assert str(got).startswith("转到 "), f"{button} {cell.coordinate}"
                    elif isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                        assert got == pytest.approx(cell.value), f"{button} {ws.title}!{cell.coordinate}"
                    elif isinstance(cell.value, str) and cell.value:
                        assert got == cell.value, f"{button} {ws.title}!{cell.coordinate}"


def test_import_button_and_cli_take_district_from_the_current_batch(tmp_path):
    """批次设置 lists an earlier batch of 汉阳区 first; the current batch (latest deadline) is
    江岸区's, so the 汉阳区 row is the one refused — by the button as by `jicai scores check --import`."""
    from engine.columns import BATCH_SHEET

    rows = [score_row("汉阳区", "H009", "丙医院", "1", bureau=70),
            score_row("江岸区", "H001", "甲医院", "1", bureau=88)]
    batches = [BATCH_SHEET.headers, ["2024-01", "2024年第一批", "wuhan-default", "2024-06-30", "汉阳区"], future_batch()]
    src = score_book(tmp_path / "in.xlsx", rows, extra_sheets={BATCH_SHEET.sheet: batches})
    out = tmp_path / "out.xlsx"
    assert run("import_scores", src, out).returncode == 1
    button = {(r[3], r[2]) for r in report_rows(out) if r[3] == "district-mismatch"}
    cli = run_cli("scores", "check", str(src), "--import", "--json")
    assert cli.returncode == 1
    command = {(f["code"], f["cell"]) for f in json.loads(cli.stdout)["findings"] if f["code"] == "district-mismatch"}
    assert button == command == {("district-mismatch", "A2")}
