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
    """deadline-passed and other batch-setting findings for an import."""
    if not has_sheet(book, BATCH_SHEET.sheet):
        return []
    try:
        from engine.batches import import_findings
    except ImportError:
        return []
    return list(import_findings(read_sheet(book, BATCH_SHEET.sheet), as_of or datetime.now()))
