"""jicai.report.print_json: one JSON object and a newline, whatever the stream underneath."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date

import pytest

from jicai.report import print_json

OBJ = {"month": "2025-12", "as_of": date(2025, 12, 31), "name": "第1卫生院", "rate": 0.5, "none": None}
EXPECTED = {"month": "2025-12", "as_of": "2025-12-31", "name": "第1卫生院", "rate": 0.5, "none": None}


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_print_json_to_a_byte_stream_in_its_encoding(encoding):
    raw = io.BytesIO()
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    text.write("前")  # text already written through the text layer stays in front
    print_json(OBJ, text)
    text.flush()
    written = raw.getvalue().decode(encoding)
    assert written.startswith("前") and written.endswith("}\n")
    assert json.loads(written[1:]) == EXPECTED


def test_print_json_to_a_string_stream():
    out = io.StringIO()
    print_json(OBJ, out)
    assert out.getvalue().endswith("\n") and json.loads(out.getvalue()) == EXPECTED


def test_print_json_through_a_pipe_larger_than_its_buffer():
    """Several MB through a pipe (the way a script reads `jicai ... --json`) arrive whole."""
    code = ("import sys; from jicai.report import print_json; "
            "print_json({'rows': [{'名称': '卫生院', 'i': i} for i in range(200000)]})")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True)
    rows = json.loads(done.stdout.decode("utf-8"))["rows"]
    assert len(done.stdout) > 4_000_000 and len(rows) == 200000 and rows[-1] == {"名称": "卫生院", "i": 199999}
