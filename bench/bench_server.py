"""Add-in server benchmark (live uvicorn on 127.0.0.1, as `jicai serve` runs it).

    python bench/bench_server.py [--seconds 30] [--clients 8] [--rows 5000]

1. check_scores on a 5,000-row 自评分数表 (about 1% bad cells, so the answer carries fills,
   notes and a 校验报告): N concurrent clients post the payload Excel would send, for S seconds.
   Prints throughput, p50/p99 latency and errors. Target: no errors, p99 <= 1.5 s.
2. JC.PAYMENT_DAYS over 10,000 cells in one call: server time of the call (xlwings Server's
   custom-functions handler, in process) and the HTTP round trip. Target: <= 100 ms server time.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import openpyxl

ROOT = Path(__file__).resolve().parents[1]
FULL = [20, 20, 10, 5, 5, 5, 15, 8, 6, 6]


def score_workbook(path: Path, rows: int) -> Path:
    from engine.columns import SCORE_SHEET
    rnd = random.Random(7)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(SCORE_SHEET.sheet)
    ws.append(SCORE_SHEET.headers)
    for i in range(rows):
        scores = [rnd.randint(0, m) for m in FULL]
        if rnd.random() < 0.01:
            scores[rnd.randrange(10)] = rnd.choice(["二十", 99, "", "１５"])
        total = sum(s for s in scores if isinstance(s, int))
        ws.append([rnd.choice(["江岸区", "江汉区", "硚口区"]), f"H{i // 20:04d}", f"医院{i // 20}", str(i % 20 + 1),
                   f"品种{i % 20 + 1}", "0.25g", *scores, total, rnd.randint(60, 100)])
    wb.save(path)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "jicai.cli", "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def load_test(url: str, body: bytes, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker():
        with httpx.Client(timeout=60, headers={"content-type": "application/json"}) as client:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    r = client.post(url, content=body)
                    ok = r.status_code == 200 and any(a["func"] == "alert" for a in r.json()["actions"])
                    err = None if ok else f"HTTP {r.status_code}: {r.text[:100]}"
                except Exception as exc:  # noqa: BLE001 - any failure counts as an error
                    err = repr(exc)
                dt = time.perf_counter() - t0
                with lock:
                    (errors.append(err) if err else latencies.append(dt))

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [float("nan")] * 99
    return {"requests": len(lat), "errors": len(errors), "first_error": errors[0] if errors else None,
            "throughput_rps": len(lat) / wall, "p50_s": statistics.median(lat) if lat else float("nan"),
            "p99_s": q[98], "max_s": lat[-1] if lat else float("nan")}


def payment_days_body(n: int) -> dict:
    rnd = random.Random(3)
    acc = [[40900 + rnd.randint(0, 300)] for _ in range(n)]        # Excel serials in 2011-2012
    inv = [[a[0] + rnd.randint(0, 5)] for a in acc]
    paid = [[a[0] + rnd.randint(10, 60)] for a in acc]
    return {"client": "Office.js", "func_name": "payment_days", "args": [acc, inv, paid],
            "caller_address": "[bench.xlsx]Sheet1!D2", "culture_info_name": "zh-CN", "date_format": "yyyy/m/d",
            "version": "0.37.8", "runtime": "1.4"}


def server_time_payment_days(body: dict, repeats: int = 20) -> tuple[float, float]:
    """(median, min) seconds of xlwings Server's custom-functions handler, in process."""
    from jicai.commands.serve import configure_environment
    configure_environment()
    import xlwings.server

    import custom_functions
    times = []
    for _ in range(repeats + 1):
        data = json.loads(json.dumps(body))
        t0 = time.perf_counter()
        asyncio.run(xlwings.server.custom_functions_call(data, custom_functions))
        times.append(time.perf_counter() - t0)
    times = times[1:]  # the first call builds the calendar
    return statistics.median(times), min(times)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--rows", type=int, default=5000)
    args = p.parse_args()
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    from jicai.payload import build_payload

    with tempfile.TemporaryDirectory() as tmp:
        book = score_workbook(Path(tmp) / "scores.xlsx", args.rows)
        body = json.dumps(build_payload(book)).encode("utf-8")
    port = free_port()
    server = start_server(port)
    try:
        base = f"http://127.0.0.1:{port}"
        warm = httpx.post(f"{base}/xlwings/custom-scripts-call/check_scores", content=body,
                          headers={"content-type": "application/json"}, timeout=120)
        n_actions = len(warm.json()["actions"])
        print(f"check_scores: {args.rows} rows, payload {len(body) / 1e6:.2f} MB, answer {n_actions} actions")
        res = load_test(f"{base}/xlwings/custom-scripts-call/check_scores", body, args.clients, args.seconds)
        print(f"  {args.clients} clients x {args.seconds:.0f} s: {res['requests']} requests, {res['errors']} errors, "
              f"{res['throughput_rps']:.2f} req/s, p50 {res['p50_s']:.3f} s, p99 {res['p99_s']:.3f} s, "
              f"max {res['max_s']:.3f} s" + (f"  first error: {res['first_error']}" if res["first_error"] else ""))
        fbody = payment_days_body(10_000)
        fjson = json.dumps(fbody).encode()
        rts = []
        for _ in range(11):
            t0 = time.perf_counter()
            r = httpx.post(f"{base}/xlwings/custom-functions-call", content=fjson,
                           headers={"content-type": "application/json"}, timeout=60)
            rts.append(time.perf_counter() - t0)
            assert r.status_code == 200 and len(r.json()["result"]) == 10_000
    finally:
        server.terminate()
        server.wait(timeout=10)
    median, best = server_time_payment_days(fbody)
    print(f"JC.PAYMENT_DAYS, 10,000 cells in one call: server time median {median * 1000:.1f} ms "
          f"(best {best * 1000:.1f} ms); HTTP round trip median {statistics.median(rts[1:]) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
