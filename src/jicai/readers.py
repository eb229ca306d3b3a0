"""Reading workbooks into the engine's `SheetData` (python-calamine: ~10x faster than openpyxl).

python-calamine returns an Excel error cell (#N/A, #DIV/0!) as an empty string, which would
turn "公式出错" into "未填写". So while reading a sheet we scan its XML (in a thread, on the
other core) for cells typed t="e" and put the error text back.
Files are opened read-only; nothing here can modify the input.
"""
from __future__ import annotations

import os
import re
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Iterable

from jicai.errors import InputError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Workbook:
    """A workbook opened for reading. `sheet(name)` returns SheetData (cached).

    `prefetch(name)` starts reading a sheet in a background thread: calamine parses without
    the GIL, so a command can import pandas & co. meanwhile (this module imports neither)."""

    def __init__(self, path: str | Path):
        import python_calamine as pc

        self.path = Path(path)
        _check_file(self.path)
        try:
            self._book = pc.CalamineWorkbook.from_path(str(self.path))
        except pc.PasswordError:
            raise InputError(f"{self.path.name} 设置了打开密码，无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后另存再试。") from None
        except Exception as exc:  # calamine raises several types for damaged files
            raise InputError(f"{self.path.name} 已损坏或不是 Excel 工作簿（{_short(exc)}）。请用 Excel 打开并另存为 .xlsx 后再试。") from None
        self.sheet_names: list[str] = list(self._book.sheet_names)
        self._cache: dict = {}
        self._pending: dict[str, Future] = {}
        # A CalamineWorkbook parses one sheet at a time ("Already borrowed" otherwise), so two
        # prefetched sheets take turns; the error-cell scan still overlaps with the parse.
        self._calamine_lock = threading.Lock()

    def has(self, name: str) -> bool:
        return name in self.sheet_names

    def prefetch(self, name: str) -> None:
        """Start reading `name` in the background (no-op if unknown or already read)."""
        if name in self.sheet_names and name not in self._cache and name not in self._pending:
            pool = ThreadPoolExecutor(max_workers=1)
            self._pending[name] = pool.submit(self._read, name)
            pool.shutdown(wait=False)

    def sheet(self, name: str):
        """The sheet's values as engine.sheet.SheetData; InputError if it cannot be read."""
        if name not in self._cache:
            if name not in self.sheet_names:
                raise InputError(f"{self.path.name} 中找不到工作表“{name}”。现有工作表：{'、'.join(self.sheet_names)}。")
            pending = self._pending.pop(name, None)
            rows, errors = pending.result() if pending is not None else self._read(name)
            _put_error_cells(rows, errors)
            from engine.sheet import SheetData

            self._cache[name] = SheetData(name, rows)
        return self._cache[name]

    def _read(self, name: str) -> tuple[list[list], list[tuple[int, str, str]]]:
        """Rows from calamine, and the error cells to put back. Imports nothing (may run in a thread)."""
        # The error-cell scan inflates the sheet XML a second time; zlib releases the GIL, so
        # it runs on the other core while calamine parses. Error cells come back as '', so a
        # sheet without any '' cell has none to restore: the scan is then cancelled.
        cancel = threading.Event()
        with ThreadPoolExecutor(max_workers=1) as pool:
            errors = pool.submit(_error_cells, self.path, self.sheet_names.index(name), cancel)
            try:
                with self._calamine_lock:
                    ws = self._book.get_sheet_by_name(name)
                    rows = ws.to_python(skip_empty_area=False)
            except Exception as exc:
                cancel.set()
                raise InputError(f"无法读取工作表“{name}”（{_short(exc)}）。请用 Excel 打开并另存为 .xlsx 后再试。") from None
            if any("" in r for r in rows):
                return rows, errors.result()
            cancel.set()
            return rows, []


def open_workbook(path: str | Path) -> Workbook:
    return Workbook(path)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputError(f"{path} 是文件夹，不是 Excel 工作簿。")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"无法打开 {path}：{exc.strerror}") from None
    if head.startswith(_OLE_MAGIC) and path.suffix.lower() in (".xlsx", ".xlsm"):
        # an .xlsx that is an OLE container is an encrypted (password-protected) workbook
        raise InputError(f"{path.name} 设置了打开密码，无法读取。请在 Excel 中取消密码后另存再试。")
    if not head:
        raise InputError(f"{path.name} 是空文件，不是 Excel 工作簿。")
    if not (head.startswith(b"PK") or head.startswith(_OLE_MAGIC)) and path.suffix.lower() != ".ods":
        raise InputError(f"{path.name} 不是 Excel 工作簿（.xlsx/.xlsm/.xls）。请选择正确的文件。")


# ------------------------------------------------------------------ error cells

_CELL_ERR = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)
_CELL_ERR2 = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*?\br="([A-Z]+)(\d+)"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)


def _sheet_xml_paths(z: zipfile.ZipFile) -> list[str]:
    """Sheet XML part of each sheet, in workbook order."""
    wb = z.read("xl/workbook.xml")
    rels = z.read("xl/_rels/workbook.xml.rels")
    targets = {m.group(1).decode(): m.group(2).decode()
               for m in re.finditer(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets.update({m.group(2).decode(): m.group(1).decode()
                    for m in re.finditer(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    paths = []
    for m in re.finditer(rb'<(?:\w+:)?sheet\b[^>]*?r:id="([^"]+)"', wb):
        t = targets.get(m.group(1).decode(), "")
        t = t.lstrip("/")
        paths.append(t if t.startswith("xl/") else f"xl/{t}")
    return paths


_SCAN_CHUNK = 1 << 22  # inflate 4 MB at a time, so a cancelled scan stops early


def _error_cells(path: Path, sheet_index: int, cancel: threading.Event | None = None) -> list[tuple[int, str, str]]:
    """(0-based row, column letters, text) of every cell typed t="e" in the sheet's XML."""
    _lower_thread_priority()
    if not zipfile.is_zipfile(path):
        return []
    chunks: list[bytes] = []
    found = False
    try:
        with zipfile.ZipFile(path) as z:
            parts = _sheet_xml_paths(z)
            if sheet_index >= len(parts):
                return []
            with z.open(parts[sheet_index]) as fh:
                tail = b""
                while chunk := fh.read(_SCAN_CHUNK):
                    if cancel is not None and cancel.is_set():
                        return []
                    found = found or b't="e"' in tail + chunk[:16] or b't="e"' in chunk
                    tail = chunk[-8:]
                    chunks.append(chunk)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError):
        return []
    if not found:
        return []
    xml = b"".join(chunks)
    cells = []
    for pattern in (_CELL_ERR, _CELL_ERR2):
        for m in pattern.finditer(xml):
            cells.append((int(m.group(2)) - 1, m.group(1).decode(), m.group(3).decode("utf-8", "replace")))
    return cells


def _lower_thread_priority() -> None:
    """The scan is often not needed (cancelled when the sheet has no empty cell): on Linux, let
    the calamine read and the command's imports have the CPU first when cores are scarce."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):  # Windows, macOS threads: not supported, harmless
        pass


def _put_error_cells(rows: list[list], cells: list[tuple[int, str, str]]) -> None:
    if not cells:
        return
    from engine.cells import col_index

    for r, letters, text in cells:
        c = col_index(letters)
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]) and rows[r][c] in ("", None):
            rows[r][c] = text


def _restore_error_cells(path: Path, sheet_index: int, rows: list[list]) -> None:
    """Put Excel error values (#N/A, #DIV/0!) back into rows calamine read as ''."""
    _put_error_cells(rows, _error_cells(path, sheet_index))


def iter_sheet_names(path: str | Path) -> Iterable[str]:
    return open_workbook(path).sheet_names
