"""批次设置 (SPEC §3.5b): the assessment batches of a workbook and their 填报截止时间.

The manual (seed 000, 4.1): "填报截至后不可再进行数据填报". So importing scores after the
deadline is a `deadline-passed` error at the 填报截止时间 cell, and the importer imports nothing.

Decisions where SPEC is silent:
* A deadline given as a date only (or a date-time at exactly 00:00, which is how Excel stores a
  typed date) means the END of that day: "截止 11月30日" still accepts data on the 30th.
* A report date given as a date only is the START of that day (as `jicai scores check --as-of`).
* Without a batch code, the deadline checked is the latest one in the sheet: a workbook keeps
  its earlier batches as history, and the import belongs to the current (latest) batch.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from engine.cells import EXCEL_EPOCH, display, normalize_text, parse_date
from engine.columns import BATCH_SHEET
from engine.findings import Finding, finding
from engine.sheet import SheetData, locate

_DATETIME_TEXT = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[ T]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*(?:[:：分]\s*(\d{1,2})\s*秒?)?\s*$")


@dataclass(frozen=True)
class Batch:
    row: int                      # Excel row in 批次设置
    code: str
    name: str
    scheme: str
    district: str
    deadline: datetime | None     # None: blank or not a date
    deadline_is_day: bool         # given as a date only: the deadline is the end of that day
    deadline_cell: str

    @property
    def label(self) -> str:
        return self.name or self.code

    def deadline_text(self) -> str:
        if self.deadline is None:
            return ""
        return self.deadline.strftime("%Y-%m-%d") if self.deadline_is_day else self.deadline.strftime("%Y-%m-%d %H:%M")


def parse_deadline(value) -> tuple[datetime | None, bool]:
    """(deadline, is_whole_day) of one cell; (None, False) when it is blank or not a date."""
    if value is None or (isinstance(value, str) and not value.strip()) or isinstance(value, bool):
        return None, False
    if isinstance(value, datetime):
        if value.time() == time(0):
            return _end_of(value.date()), True
        return value, False
    if isinstance(value, date):
        return _end_of(value), True
    if isinstance(value, (int, float, np.integer, np.floating)):
        serial = float(value)
        if not (1 <= serial < 2958466):
            return None, False
        day = (EXCEL_EPOCH + np.timedelta64(int(serial), "D")).astype(date)
        fraction = serial - int(serial)
        if fraction < 1e-9:
            return _end_of(day), True
        return datetime.combine(day, time(0)) + timedelta(seconds=round(fraction * 86400)), False
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = _DATETIME_TEXT.match(text)
    if m:
        y, mo, d, hh, mm, ss = (int(g) if g else 0 for g in m.groups())
        try:
            return datetime(y, mo, d, hh, mm, ss), False
        except ValueError:
            return None, False
    day = parse_date(text)
    return (_end_of(day), True) if day is not None else (None, False)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max)


def as_datetime(as_of: date | datetime) -> datetime:
    return as_of if isinstance(as_of, datetime) else datetime.combine(as_of, time(0))


def parse_batches(sheet: SheetData) -> tuple[list[Batch], list[Finding]]:
    """Every non-blank row of 批次设置, with header and deadline findings (date-invalid,
    required-blank for 批次编号 and 填报截止时间)."""
    located = locate(sheet, BATCH_SHEET)
    findings = list(located.findings)
    batches: list[Batch] = []
    for row, values in located.frame.iterrows():  # a handful of rows: clarity over speed
        row = int(row)
        code = normalize_text(values["batch_code"])
        raw = values["deadline"]
        deadline, whole_day = parse_deadline(raw)
        cell = located.cell("deadline", row)
        if "batch_code" not in located.missing and not code:
            findings.append(finding("required-blank", sheet.name, located.cell("batch_code", row),
                                    column=BATCH_SHEET.column("batch_code").header))
        if "deadline" not in located.missing:
            if deadline is None and normalize_text(raw) == "":
                findings.append(finding("required-blank", sheet.name, cell, column=BATCH_SHEET.column("deadline").header))
            elif deadline is None:
                findings.append(finding("date-invalid", sheet.name, cell, column=BATCH_SHEET.column("deadline").header,
                                        value=display(raw)))
        batches.append(Batch(row=row, code=code, name=normalize_text(values["batch_name"]),
                             scheme=normalize_text(values["scheme"]), district=normalize_text(values["district"]),
                             deadline=deadline, deadline_is_day=whole_day, deadline_cell=cell))
    return batches, findings


def current_batch(batches: list[Batch], batch_code: str | None = None) -> Batch | None:
    """The batch named `batch_code`, else the one with the latest deadline, else the last row."""
    if batch_code is not None:
        wanted = normalize_text(batch_code)
        return next((b for b in batches if b.code == wanted), None)
    dated = [b for b in batches if b.deadline is not None]
    if dated:
        return max(dated, key=lambda b: (b.deadline, b.row))
    return batches[-1] if batches else None


def check_deadline(batches: SheetData, as_of: date | datetime, batch_code: str | None = None) -> list[Finding]:
    """Findings that forbid an import at `as_of`: deadline-passed at the 填报截止时间 cell of the
    current batch (see module doc), or an unreadable deadline there (date-invalid)."""
    parsed, findings = parse_batches(batches)
    batch = current_batch(parsed, batch_code)
    if batch is None:
        if batch_code is not None:
            return [finding("unknown-batch", batches.name, "A1", value=normalize_text(batch_code))]
        return []
    out = [f for f in findings if f.cell == batch.deadline_cell]
    moment = as_datetime(as_of)
    if batch.deadline is not None and moment > batch.deadline:
        out.append(finding("deadline-passed", batches.name, batch.deadline_cell, batch=batch.label,
                           deadline=batch.deadline_text(), as_of=moment.strftime("%Y-%m-%d %H:%M")))
    return out
