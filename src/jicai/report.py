"""Printing findings: a table for people, JSON for scripts (SPEC §4.1, §5)."""
from __future__ import annotations

import codecs
import json
import os
import stat
import sys
import unicodedata
from decimal import Decimal
from typing import Any, Sequence

from engine.findings import SEVERITY_LABEL, Finding, sort_key, summary_line


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def findings_table(findings: Sequence[Finding], limit: int | None = 200) -> str:
    """Findings as an aligned terminal table (CJK characters count double)."""
    if not findings:
        return ""
    head = ("级别", "工作表", "单元格", "代码", "说明")
    shown = sorted(findings, key=sort_key)[:limit] if limit else sorted(findings, key=sort_key)
    rows = [(SEVERITY_LABEL[f.severity], f.sheet, f.cell, f.code, f.message) for f in shown]
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(4)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(head[:4], widths)) + "  " + head[4]]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 20)
    lines += ["  ".join(_pad(c, w) for c, w in zip(r[:4], widths)) + "  " + r[4] for r in rows]
    if limit and len(findings) > limit:
        lines.append(f"……另有 {len(findings) - limit} 条未显示（用 --json 查看全部）。")
    return "\n".join(lines)


def print_findings(findings: Sequence[Finding], rows: int | None = None, out=None) -> None:
    out = out or sys.stdout
    table = findings_table(findings)
    if table:
        print(table, file=out)
    print(summary_line(findings, rows), file=out)


def _default(o: Any):
    if isinstance(o, Decimal):
        return float(o)
    if isinstance(o, Finding):
        return o.as_dict()
    if hasattr(o, "isoformat"):
        return o.isoformat()
    raise TypeError(type(o).__name__)


def print_json(obj: Any, out=None) -> None:
    """One JSON object on stdout; Chinese kept readable (UTF-8, not \\u escapes).

    orjson writes a monthly result with 76,000 open purchases ~5x faster than the json module;
    without it (an unusual platform) the json module writes the same object. A UTF-8 stream
    gets orjson's bytes as they are (no decode and re-encode of megabytes)."""
    out = out or sys.stdout
    try:
        import orjson
    except ImportError:
        out.write(json.dumps(obj, ensure_ascii=False, default=_default))
        out.write("\n")
        return
    data = orjson.dumps(obj, default=_default, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE)
    raw = getattr(out, "buffer", None)
    if raw is None or codecs.lookup(getattr(out, "encoding", None) or "ascii").name != "utf-8":
        out.write(data.decode("utf-8"))  # a console in GBK & co.: the text layer encodes
        return
    out.flush()
    _widen_pipe(raw)
    raw.write(data)
    raw.flush()


def _widen_pipe(stream) -> None:
    """A script reading our JSON through a pipe gets it in 1 MiB steps instead of 64 KiB ones
    (Linux; elsewhere, or when not allowed, the pipe stays as it is)."""
    try:
        import fcntl

        fd = stream.fileno()
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, ValueError, AttributeError):
        pass


def findings_json(findings: Sequence[Finding]) -> list[dict]:
    return [f.as_dict() for f in sorted(findings, key=sort_key)]
