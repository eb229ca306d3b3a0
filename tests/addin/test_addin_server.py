"""The add-in through the real xlwings Server app (FastAPI TestClient): every ribbon button
via /xlwings/custom-scripts-call/<name> with the payload Excel would send for a sample
workbook, the manifest, the task pane, authentication and the payload size limit."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from jicai.commands.serve import PayloadLimit, create_app
from jicai.payload import build_payload

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "macros"))
from addin_books import clean_scores, faulty_scores, future_batch, retention_book, score_book, score_row  # noqa: E402
from macros.registry import BUTTONS  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "ov": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture(scope="module")
def client(app):
    from fastapi.testclient import TestClient
    return TestClient(app)


def call(client, name: str, payload: dict, **kw):
    return client.post(f"/xlwings/custom-scripts-call/{name}", json=payload, **kw)


def funcs(actions: list[dict], name: str) -> list[dict]:
    return [a for a in actions if a["func"] == name]


def test_check_scores_returns_fills_notes_report_and_alert(client, tmp_path):
    payload = build_payload(faulty_scores(tmp_path / "s.xlsx"))
    r = call(client, "check_scores", payload)
    assert r.status_code == 200, r.text
    actions = r.json()["actions"]
    fills = {(a["start_row"] + 1, a["start_column"] + 1, a["args"][0]) for a in funcs(actions, "setRangeColor")}
    assert (3, 7, "#FFC7CE") in fills and (5, 16, "#FFEB9C") in fills          # G3 red, P5 yellow
    notes = {a["args"][0]: a["args"][1] for a in funcs(actions, "addNote")}
    assert "超出允许范围" in notes["$G$3"] and notes["$P$5"].startswith("【警告】")
    assert funcs(actions, "addSheet")[0]["args"][1] == "校验报告"
    report = funcs(actions, "setValues")[0]["values"]
    assert report[1] == ["序号", "级别", "工作表", "单元格", "问题代码", "说明", "定位"]
    assert any(row[3] == "G3" and row[6].startswith("=HYPERLINK(") for row in report[2:])
    alert = funcs(actions, "alert")[0]["args"]
    assert alert[0].startswith("校验考核表：共 4 行数据，发现错误") and alert[3] == "critical"
    pane = funcs(actions, "runMacro")[0]["args"]
    assert pane[0] == "jicaiShowFindings" and '"code": "score-out-of-range"' in pane[1]


def test_second_click_replaces_the_report(client, tmp_path):
    """The payload after a first run holds a 校验报告: the second run clears it instead of
    adding a second one, and first removes the marks it lists."""
    from jicai.actions import apply_actions
    import openpyxl
    src = faulty_scores(tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(src)
    apply_actions(wb, call(client, "check_scores", build_payload(src)).json()["actions"])
    once = tmp_path / "once.xlsx"
    wb.save(once)
    actions = call(client, "check_scores", build_payload(once)).json()["actions"]
    assert not funcs(actions, "addSheet")
    assert [a["sheet_position"] for a in funcs(actions, "sheetClear")] == [1]
    cleared = [a for a in funcs(actions, "setRangeColor") if a["args"][0] is None]
    assert {(a["start_row"], a["start_column"]) for a in cleared} >= {(2, 6), (4, 15)}
    assert {a["args"][0] for a in funcs(actions, "deleteNote")} >= {"$G$3", "$P$5"}


def test_import_scores_through_server(client, tmp_path):
    src = score_book(tmp_path / "s.xlsx", [score_row("江岸区", "H001", "甲医院", "1", bureau=88)], batch=future_batch())
    actions = call(client, "import_scores", build_payload(src)).json()["actions"]
    added = [a["args"][1] for a in funcs(actions, "addSheet")]
    assert added == ["考核结果", "导入记录"]
    log_row = funcs(actions, "setValues")[-1]["values"][-1]
    assert log_row[1:3] == ["自评分数表", 1] and re.fullmatch(r"[0-9a-f]{64}", log_row[3])


def test_compute_retention_through_server(client, tmp_path):
    actions = call(client, "compute_retention", build_payload(retention_book(tmp_path / "r.xlsx"))).json()["actions"]
    assert [a["args"][1] for a in funcs(actions, "addSheet")] == ["结余留用明细", "机构汇总", "区域汇总"]
    district = next(a["values"] for a in funcs(actions, "setValues") if a["values"][0][0] == "区域" and len(a["values"][0]) == 8)
    assert district[1][0] == "江岸区" and district[1][-1] == pytest.approx(2300.13)
    assert "#,##0.00" in {a["args"][0] for a in funcs(actions, "setNumberFormat")}


@pytest.mark.parametrize("button", [b.name for b in BUTTONS])
def test_every_button_answers_with_actions_and_an_alert(client, tmp_path, button):
    payload = build_payload(retention_book(tmp_path / "r.xlsx"))
    r = call(client, button, payload)
    assert r.status_code == 200, r.text
    alerts = funcs(r.json()["actions"], "alert")
    assert len(alerts) == 1 and alerts[0]["args"][1] == "集采助手" and alerts[0]["args"][0]


def test_manifest_buttons_are_scripts(client):
    r = client.get("/manifest.xml")
    assert r.status_code == 200
    root = ET.fromstring(r.text.encode("utf-8"))
    tab = root.find(".//ov:CustomTab", NS)
    labels = {s.get("id"): s.get("DefaultValue") for s in root.iter(f"{{{NS['bt']}}}String")}
    assert labels[tab.find("ov:Label", NS).get("resid")] == "集采助手"
    groups = [labels[g.find("ov:Label", NS).get("resid")] for g in tab.findall("ov:Group", NS)]
    assert groups == ["结余留用", "三统一月报", "通用"]
    functions = [c.find("ov:Action/ov:FunctionName", NS).text for c in tab.iter(f"{{{NS['ov']}}}Control")
                 if c.find("ov:Action", NS).get("{http://www.w3.org/2001/XMLSchema-instance}type") == "ExecuteFunction"]
    assert functions == [b.name for b in BUTTONS]
    scripts = {m["function_name"] for m in client.get("/xlwings/custom-scripts-meta").json()}
    assert set(functions) <= scripts
    ribbon_js = client.get("/static/js/ribbon.js").text
    assert all(f'"{name}"' in ribbon_js for name in functions) and "Office.actions.associate" in ribbon_js
    images = {i.get("id"): i.get("DefaultValue") for i in root.iter(f"{{{NS['bt']}}}Image")}
    for control in tab.iter(f"{{{NS['ov']}}}Control"):   # every icon is served
        for image in control.findall("ov:Icon/bt:Image", NS):
            url = images[image.get("resid")]
            path = url[url.index("/static/"):]
            got = client.get(path)
            assert got.status_code == 200 and got.content[:4] == b"\x89PNG", path
    namespace = labels["Functions.Namespace"]
    assert namespace == "JC"


def test_taskpane_lists_findings(client):
    r = client.get("/taskpane.html")
    assert r.status_code == 200 and 'id="jicai-findings"' in r.text and "jicai-taskpane.js" in r.text
    js = client.get("/static/js/jicai-taskpane.js").text
    assert "function jicaiShowFindings(context, json)" in js and "registerCallback" in js


def test_authentication_and_district(app, client, tmp_path, monkeypatch):
    from xlwings_server.config import settings
    config = tmp_path / "server.toml"
    config.write_text('[[users]]\ntoken = "tok-jiangan"\nname = "江岸区医保局"\ndistrict = "江岸区"\n'
                      '[[users]]\ntoken = "tok-city"\nname = "市医保局"\n', encoding="utf-8")
    monkeypatch.setenv("JICAI_SERVER_CONFIG", str(config))
    monkeypatch.setattr(settings, "auth_providers", ["custom"])
    ok = score_book(tmp_path / "ok.xlsx", [score_row("江岸区", "H001", "甲医院", "1", bureau=88)])
    mixed = score_book(tmp_path / "mixed.xlsx", [score_row("江岸区", "H001", "甲医院", "1", bureau=88),
                                                 score_row("汉阳区", "H009", "丙医院", "1", bureau=80)])
    assert call(client, "check_scores", build_payload(ok)).status_code == 401
    r = call(client, "check_scores", build_payload(ok), headers={"Authorization": "wrong"})
    assert r.status_code == 401 and "令牌" in r.json()["detail"]
    body = {"client": "Office.js", "func_name": "rate", "args": [[[1]], [[2]]], "version": "x", "runtime": "1.4"}
    assert client.post("/xlwings/custom-functions-call", json=body).status_code == 401
    jiangan = {"Authorization": "tok-jiangan"}
    actions = call(client, "import_scores", build_payload(mixed), headers=jiangan).json()["actions"]
    assert not any(a["args"][1] in ("考核结果", "导入记录") for a in funcs(actions, "addSheet"))
    report = funcs(actions, "setValues")[0]["values"]
    assert any(row[2:5] == ["自评分数表", "A3", "district-mismatch"] for row in report[2:])
    actions = call(client, "import_scores", build_payload(ok), headers=jiangan).json()["actions"]
    assert "考核结果" in [a["args"][1] for a in funcs(actions, "addSheet")]
    assert funcs(actions, "setValues")[-1]["values"][-1][4:] == ["江岸区医保局", "江岸区"]   # 导入人, 区域
    actions = call(client, "import_scores", build_payload(mixed), headers={"Authorization": "Bearer tok-city"}).json()["actions"]
    assert "考核结果" in [a["args"][1] for a in funcs(actions, "addSheet")]   # a city user imports all districts


def test_oversized_payload_gets_a_clear_error(app, tmp_path):
    from fastapi.testclient import TestClient
    from xlwings_server.main import main_app
    small = TestClient(PayloadLimit(main_app, 20_000))
    payload = build_payload(retention_book(tmp_path / "r.xlsx"))
    payload["sheets"][0]["values"] += [["x" * 100] * 11 for _ in range(200)]
    r = small.post("/xlwings/custom-scripts-call/check_scores", json=payload)
    assert r.status_code == 413 and "工作簿数据过大" in r.json()["detail"]
    chunked = small.post("/xlwings/custom-scripts-call/check_scores", content=iter([b"{" + b" " * 30_000 + b"}"]),
                         headers={"content-type": "application/json"})
    assert chunked.status_code == 413
    assert small.get("/").status_code == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jicai_serve_answers_on_localhost(tmp_path):
    """The real command with a config file: live uvicorn, token required, size limit."""
    config = tmp_path / "server.toml"
    config.write_text('max_payload_mb = 0.5\n[[users]]\ntoken = "tok-1"\nname = "江岸区医保局"\ndistrict = "江岸区"\n',
                      encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "jicai.cli", "serve", "--port", str(port), "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(150):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/manifest.xml", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("jicai serve did not start")
        assert r.status_code == 200 and f"http://127.0.0.1:{port}/taskpane.html" in r.text
        url = f"http://127.0.0.1:{port}/xlwings/custom-scripts-call/check_scores"
        payload = build_payload(clean_scores(tmp_path / "c.xlsx"))
        assert httpx.post(url, json=payload, timeout=30).status_code == 401
        r = httpx.post(url, json=payload, headers={"Authorization": "tok-1"}, timeout=30)
        assert r.status_code == 200 and "未发现问题" in funcs(r.json()["actions"], "alert")[0]["args"][0]
        big = dict(payload, sheets=[dict(payload["sheets"][0], values=[["x" * 1000] * 18] * 600)])
        r = httpx.post(url, json=big, headers={"Authorization": "tok-1"}, timeout=30)
        assert r.status_code == 413 and "上限" in r.json()["detail"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


MONTHLY_SAMPLE = ROOT / "workbook_templates" / "三统一-月报-示例.xlsx"


@pytest.mark.skipif(not MONTHLY_SAMPLE.exists(), reason="monthly sample not generated")
def test_monthly_buttons_through_server(client):
    payload = build_payload(MONTHLY_SAMPLE)
    expected = {"compute_monthly": ["机构指标", "县区汇总", "市汇总"], "rank_monthly": ["排名"],
                "print_monthly": ["月报上报表"], "check_monthly": []}
    for button, sheets in expected.items():
        actions = call(client, button, payload).json()["actions"]
        assert [a["args"][1] for a in funcs(actions, "addSheet")] == sheets, button
        assert funcs(actions, "alert")[0]["args"][0].startswith(("计算指标（", "指标排名（", "生成上报表（", "校验月报（"))
