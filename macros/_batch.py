"""The workbook's 批次设置 (SPEC §3.5b): its district and the import deadline."""
from __future__ import annotations

from datetime import datetime

from engine.columns import BATCH_SHEET
from macros._sheet_io import has_sheet, read_sheet


def _current_batch(book):
    """The batch an import belongs to: engine.batches.current_batch (the latest deadline), the
    same rule as `jicai scores check --import`, so the button and the command agree."""
    if not has_sheet(book, BATCH_SHEET.sheet):
        return None
    from engine.batches import current_batch, parse_batches
    return current_batch(parse_batches(read_sheet(book, BATCH_SHEET.sheet))[0])


def batch_district(book) -> str | None:
    """区域 of the current batch (the district this workbook belongs to), if one is given."""
    batch = _current_batch(book)
    return batch.district if batch is not None and batch.district else None


def batch_findings(book, as_of: datetime | None = None) -> list:
    """deadline-passed (and an unreadable deadline) of the current batch, for an import."""
    if not has_sheet(book, BATCH_SHEET.sheet):
        return []
    from engine.batches import check_deadline
    return list(check_deadline(read_sheet(book, BATCH_SHEET.sheet), as_of or datetime.now()))


def batch_scheme(book):
    """The scheme named in the current batch's 方案 (engine.batches.current_batch), else the
    default one."""
    from engine.scheme import load_scheme
    batch = _current_batch(book)
    return load_scheme(batch.scheme if batch is not None and batch.scheme else None)
