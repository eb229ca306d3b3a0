"""A workbook's 批次设置 (SPEC §3.5b) as the commands use it: the current batch, and the scheme
its 方案 names (a relative .toml path is relative to the workbook, so a bureau can keep its
scheme file beside its workbooks)."""
from __future__ import annotations

from engine.batches import Batch, current_batch, parse_batches
from engine.columns import BATCH_SHEET
from jicai.readers import Workbook


def current_batch_of(book: Workbook) -> Batch | None:
    """The batch the workbook's work belongs to (engine.batches.current_batch), if it has 批次设置."""
    if not book.has(BATCH_SHEET.sheet):
        return None
    return current_batch(parse_batches(book.sheet(BATCH_SHEET.sheet))[0])


def batch_scheme_ref(book: Workbook, batch: Batch | None) -> str | None:
    """What to give load_scheme for the batch's 方案 (None: the default scheme)."""
    if batch is None or not batch.scheme:
        return None
    if batch.scheme.lower().endswith(".toml"):
        candidate = book.path.parent / batch.scheme
        if candidate.exists():
            return str(candidate)
    return batch.scheme
