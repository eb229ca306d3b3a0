"""The one rule set for `-o OUT.xlsx` (SPEC §5: `-o` never overwrites the input)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from jicai.errors import InputError


def same_file(a: Path, b: Path) -> bool:
    """True when a and b name the same file, also through a link or another spelling."""
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def prepare_output_path(output: str | Path, inputs: Iterable[str | Path | None]) -> Path:
    """An .xlsx/.xlsm path that is none of the inputs, its folder created if missing; raises
    InputError (exit 2) otherwise."""
    out = Path(output)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"输出文件 {out.name} 必须是 .xlsx 工作簿。")
    for source in inputs:
        if source and same_file(Path(source), out):
            raise InputError(f"输出文件不能与输入文件相同（{Path(source).name}）：输入文件不会被修改，请另取一个文件名。")
    if out.is_dir():
        raise InputError(f"输出路径 {out} 是文件夹，请给出 .xlsx 文件名。")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"无法创建输出文件夹 {out.parent}：{exc.strerror}") from None
    return out
