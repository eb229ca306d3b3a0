"""The `jicai` command (SPEC §5). Argument parsing only; each command lives in
`jicai.commands.<name>` with a `run(args) -> int` function, imported lazily so that
`jicai workdays` does not pay for pandas' import of openpyxl, etc.

Exit status: 0 no error finding, 1 error findings, 2 unusable input — with one Chinese line
on stderr and never a traceback (set JICAI_DEBUG=1 to see one).
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys

from jicai.errors import InputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other unusable-input case
        sys.stderr.write(f"jicai: 参数有误：{message}（用 jicai -h 查看用法）\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="jicai", description="集采助手：结余留用考核与三统一月报的校验和计算。")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    scores = sub.add_parser("scores", help="自评分数表").add_subparsers(dest="action", required=True, parser_class=_Parser)
    sc = scores.add_parser("check", help="校验自评分数表 / 医保考核评分")
    sc.add_argument("file", help="工作簿 .xlsx")
    sc.add_argument("--sheet", help="要校验的工作表（默认“自评分数表”，否则第一个工作表）")
    sc.add_argument("--scheme", help="方案名称或 .toml 方案文件（默认 wuhan-default）")
    sc.add_argument("--import", dest="import_mode", action="store_true", help="导入模式：医保考核评分必须填写")
    sc.add_argument("--district", help="本辖区区域名称；其他区域的行报错")
    sc.add_argument("--as-of", help="导入模式下的报告日期（检查批次填报截止时间），默认现在")
    sc.add_argument("--json", action="store_true", help="以 JSON 输出")
    sc.set_defaults(module="scores")

    rt = sub.add_parser("retention", help="计算结余留用金额")
    rt.add_argument("file")
    rt.add_argument("--scheme")
    rt.add_argument("--scores", help="从另一个工作簿读取考核评分")
    rt.add_argument("-o", "--output", help="输出工作簿 .xlsx")
    rt.add_argument("--what-if", action="store_true", help="测算各品种提高一档评分后可多留用的金额")
    rt.add_argument("--json", action="store_true")
    rt.set_defaults(module="retention")

    mo = sub.add_parser("monthly", help="三统一月报：校验、指标、排名")
    mo.add_argument("file")
    mo.add_argument("--month", required=True, help="报表月份 YYYY-MM")
    mo.add_argument("--ledger", help="回款明细 .csv（UTF-8 或 GBK）或 .xlsx")
    mo.add_argument("--as-of", help="报告日期，默认该月最后一天")
    mo.add_argument("--scheme", help="月报方案（默认 shaanxi-2012）")
    mo.add_argument("-o", "--output", help="输出工作簿 .xlsx")
    mo.add_argument("--json", action="store_true")
    mo.set_defaults(module="monthly")

    ap = sub.add_parser("appeals", help="申诉台账").add_subparsers(dest="action", required=True, parser_class=_Parser)
    ac = ap.add_parser("check", help="校验申诉台账")
    ac.add_argument("file")
    ac.add_argument("--as-of", help="报告日期，默认今天")
    ac.add_argument("--scheme")
    ac.add_argument("--json", action="store_true")
    ac.set_defaults(module="appeals")

    wd = sub.add_parser("workdays", help="两个日期之间的工作日数（不含开始日，含结束日）")
    wd.add_argument("start")
    wd.add_argument("end")
    wd.set_defaults(module="workdays")

    ca = sub.add_parser("calendar", help="工作日历").add_subparsers(dest="action", required=True, parser_class=_Parser)
    cr = ca.add_parser("refresh", help="按节假日调整重建工作簿中的“工作日历”表")
    cr.add_argument("file")
    cr.add_argument("-o", "--output", required=True)
    cr.set_defaults(module="calendar")

    rn = sub.add_parser("run", help="在 .xlsx 文件上运行一个功能区按钮的宏")
    rn.add_argument("macro")
    rn.add_argument("file")
    rn.add_argument("-o", "--output", required=True)
    rn.add_argument("--sheet", help="作为活动工作表的工作表")
    rn.set_defaults(module="run")

    sv = sub.add_parser("serve", help="启动加载项服务（xlwings Server）")
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--config", help="服务配置文件（令牌、用户辖区、请求大小上限），见 README.md “Excel 加载项”一节")
    sv.set_defaults(module="serve")

    tp = sub.add_parser("templates", help="生成空白模板和示例工作簿")
    tp.add_argument("--out", default="workbook_templates", help="输出文件夹")
    tp.set_defaults(module="templates")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.module != "serve":
        _keep_freed_memory()
        _quiet_numpy()
    try:
        module = importlib.import_module(f"jicai.commands.{args.module}")
        with _batch_gc(args.module != "serve"):
            code = module.run(args)
    except InputError as exc:
        sys.stderr.write(f"jicai: {exc}\n")
        code = 2
    except KeyboardInterrupt:
        sys.stderr.write("jicai: 已取消。\n")
        code = 2
    except Exception as exc:  # a bug of ours must still not show a clerk a traceback
        if os.environ.get("JICAI_DEBUG"):
            raise
        from engine.scheme import SchemeError
        if isinstance(exc, SchemeError):
            sys.stderr.write(f"jicai: {exc}\n")
        else:
            sys.stderr.write(f"jicai: 内部错误（{type(exc).__name__}: {str(exc)[:200]}）。请把输入文件和这行信息发给技术支持。\n")
        code = 2
    sys.stdout.flush()
    return code


@contextlib.contextmanager
def _batch_gc(batch: bool):
    """A one-shot command builds millions of objects (a ledger's cells) and no reference
    cycles worth collecting: the cyclic collector would only rescan them again and again
    (~10% of a large run). The server keeps it on."""
    if not batch or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _keep_freed_memory() -> None:
    """A large ledger makes hundreds of short-lived column arrays of several MB. glibc gives each
    block that large its own fresh mapping and unmaps it when freed, so every new array pays
    page faults for its whole size again (~4x the cost of the arithmetic here). A one-shot
    command keeps freed memory in its heap for reuse instead; it all goes when the process ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)  # M_MMAP_THRESHOLD: blocks below 1 GiB come from the heap
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GiB of freed heap for reuse
    except (OSError, AttributeError):  # musl or another libc: only slower
        pass


def _quiet_numpy() -> None:
    """Before numpy is imported (it reads both at import): no OpenBLAS worker threads, which
    spin on a core and do nothing for us (no linear algebra here), and no transparent huge
    pages for arrays — a one-shot command would zero 2 MB pages it half uses. A value the user
    has set wins."""
    if "numpy" in sys.modules:
        return
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")


def entry() -> None:
    """The `jicai` console command: main(), then leave without tearing the heap down object by
    object (a million-row ledger takes ~0.4 s to free) — everything is written and flushed by then."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can reach the user anyway
        pass
    os._exit(code)


if __name__ == "__main__":
    entry()
