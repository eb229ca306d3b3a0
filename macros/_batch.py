"""The workbook's 批次设置 (SPEC §3.5b): its district and the import deadline."""
from __future__ import annotations

from datetime import datetime

from engine.cells import normalize_text
from engine.columns import BATCH_SHEET
from engine.sheet import locate
from macros._sheet_io import has_sheet, read_sheet


def batch_district(book) -> str | None:
    """区域 of the batch settings (the district this workbook belongs to), if one is given."""
    if not has_sheet(book, BATCH_SHEET.sheet):
        return None
    located = locate(read_sheet(book, BATCH_SHEET.sheet), BATCH_SHEET)
    if "district" in located.missing:
        return None
    values = [normalize_text(v) for v in located.frame["district"]]
    values = [v for v in values if v]
    return values[0] if values else None


def batch_findings(book, as_of: datetime | None = None) -> list:
    """deadline-passed (and an unreadable deadline) of the current batch, for an import."""
    if not has_sheet(book, BATCH_SHEET.sheet):
        return []
    from engine.batches import check_deadline
    return list(check_deadline(read_sheet(book, BATCH_SHEET.sheet), as_of or datetime.now()))


def batch_scheme(book):
    """The scheme named in the current batch's 方案 (engine.batches.current_batch), else the
    default one."""
    from engine.batches import current_batch, parse_batches
    from engine.scheme import load_scheme
    name = None
    if has_sheet(book, BATCH_SHEET.sheet):
        batch = current_batch(parse_batches(read_sheet(book, BATCH_SHEET.sheet))[0])
        name = batch.scheme if batch is not None and batch.scheme else None
    return load_scheme(name)
