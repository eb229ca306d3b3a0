"""申诉台账 (appeals register, SPEC §3.5c): checks of the register a 区医保局 keeps.

The manual (seed 000, 4.3): hospitals choose the 考核批次, enter the 申诉内容 and 证明材料, and
staff reply in the system or by phone (电话回访). The register mirrors that; the checks are:
required fields, 状态/回访方式 from their lists, valid dates, a reply (内容, 日期, 回复人) for
已回复/已办结 (reply-missing, at each blank cell), 回复日期 not before 提交日期 (date-order),
duplicate 申诉编号, a 批次 that 批次设置 does not know (unknown-batch), an appeal submitted after
its batch's 填报截止时间 (appeal-late, warning), and an appeal still unanswered after more than
scheme.appeals.reply_workdays working days (appeal-overdue, warning at the 状态 cell).

Working days come from engine.workdays (China's official calendar with 调休 plus the workbook's
节假日调整); a date the calendar does not cover is a calendar-not-covered error at that cell,
never a Monday-to-Friday guess.
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from engine.batches import parse_batches
from engine.cells import blank_mask, display, parse_dates, text_column
from engine.columns import APPEAL_SHEET, APPEAL_STATUSES, FOLLOW_UP_WAYS
from engine.findings import Finding, finding, sort_key
from engine.scheme import Scheme
from engine.sheet import SheetData, locate

ANSWERED = ("已回复", "已办结")
REPLY_KEYS = ("reply", "replied", "replier")


def check_appeals(appeals: SheetData, batches: SheetData | None, as_of: date, scheme: Scheme,
                  calendar) -> tuple[int, list[Finding]]:
    """(non-blank rows, findings) of an appeals register. `calendar` is an engine.workdays
    WorkCalendar; `batches` the workbook's 批次设置 sheet or None."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    located = locate(appeals, APPEAL_SHEET)
    frame, rows, sheet = located.frame, located.rows, appeals.name
    findings: list[Finding] = list(located.findings)
    present = lambda key: key not in located.missing  # noqa: E731

    def add(code: str, key: str, mask: np.ndarray, severity: str | None = None, **fields) -> None:
        for i in np.flatnonzero(mask):
            values = {k: (v[i] if isinstance(v, (np.ndarray, list)) else v) for k, v in fields.items()}
            findings.append(finding(code, sheet, located.cell(key, int(rows[i])), severity, **values))

    header = lambda key: APPEAL_SHEET.column(key).header  # noqa: E731
    n = len(frame)
    text = {c.key: text_column(frame[c.key]).to_numpy(dtype=object) if n else np.array([], dtype=object)
            for c in APPEAL_SHEET.columns}

    for column in APPEAL_SHEET.columns:
        if column.required and present(column.key):
            add("required-blank", column.key, blank_mask(frame[column.key]), column=column.header)
    for key, choices in (("status", APPEAL_STATUSES), ("follow_up", FOLLOW_UP_WAYS)):
        if present(key):
            add("choice-invalid", key, (text[key] != "") & ~np.isin(text[key], choices), column=header(key),
                value=text[key], choices="、".join(choices))

    submitted = parse_dates(frame["submitted"])
    replied = parse_dates(frame["replied"])
    for key, col in (("submitted", submitted), ("replied", replied)):
        if present(key):
            add("date-invalid", key, col.invalid, column=header(key),
                value=np.array([display(x) for x in col.raw.to_numpy(dtype=object)], dtype=object))

    answered = np.isin(text["status"], ANSWERED)
    for key in REPLY_KEYS:
        if present(key):
            add("reply-missing", key, answered & blank_mask(frame[key]), status=text["status"], column=header(key))

    both = ~np.isnat(submitted.value) & ~np.isnat(replied.value)
    early = np.zeros(n, dtype=bool)
    early[both] = replied.value[both] < submitted.value[both]
    if present("replied"):
        add("date-order", "replied", early, column=header("replied"), value=_dates(replied.value),
            other=header("submitted"), other_value=_dates(submitted.value))

    findings += _duplicates(text["appeal_code"], rows, sheet)
    if batches is not None:
        findings += _batch_checks(batches, text["batch_code"], submitted.value, rows, located, sheet)

    unanswered = ~answered & np.isnat(replied.value) & ~np.isnat(submitted.value)
    findings += _overdue(calendar, submitted.value, unanswered, as_of, scheme.appeals.reply_workdays, rows, located, sheet)
    return n, sorted(findings, key=sort_key)


def _dates(values: np.ndarray) -> np.ndarray:
    return np.array(["" if np.isnat(v) else str(v) for v in values], dtype=object)


def _duplicates(codes: np.ndarray, rows: np.ndarray, sheet: str) -> list[Finding]:
    keyed = codes != ""
    keys = pd.DataFrame({"code": codes[keyed], "row": rows[keyed]})
    later = keys.duplicated("code", keep="first").to_numpy()
    if not later.any():
        return []
    first = keys.groupby("code", sort=False)["row"].transform("first").to_numpy()
    return [finding("duplicate-row", sheet, f"A{int(keys['row'].iat[i])}", first_row=int(first[i]),
                    key=f"申诉编号 {keys['code'].iat[i]}") for i in np.flatnonzero(later)]


def _batch_checks(batches: SheetData, codes: np.ndarray, submitted: np.ndarray, rows: np.ndarray,
                  located, sheet: str) -> list[Finding]:
    parsed, _ = parse_batches(batches)  # the batch sheet's own problems belong to its own check
    known = {b.code: b for b in parsed if b.code}
    out: list[Finding] = []
    for i, code in enumerate(codes):
        if not code:
            continue
        batch = known.get(code)
        row = int(rows[i])
        if batch is None:
            out.append(finding("unknown-batch", sheet, located.cell("batch_code", row), value=code))
        elif batch.deadline is not None and not np.isnat(submitted[i]) \
                and submitted[i].astype(date) > batch.deadline.date():
            out.append(finding("appeal-late", sheet, located.cell("submitted", row), value=str(submitted[i]),
                               batch=batch.label, deadline=batch.deadline_text()))
    return out


def _overdue(calendar, submitted: np.ndarray, unanswered: np.ndarray, as_of: date, limit: int,
             rows: np.ndarray, located, sheet: str) -> list[Finding]:
    idx = np.flatnonzero(unanswered & (submitted <= np.datetime64(as_of, "D")))
    if not len(idx):
        return []
    end = np.datetime64(as_of, "D")
    if not bool(np.asarray(calendar.covers(np.array([end], dtype="datetime64[D]")))[0]):
        return [_not_covered(calendar, end, sheet, "A1")]  # the report date itself: one finding
    counts, uncovered = calendar.count_masked(submitted[idx], end)
    out: list[Finding] = []
    for i, days, bad in zip(idx, counts, uncovered):
        if bad:
            out.append(_not_covered(calendar, submitted[i], sheet, located.cell("submitted", int(rows[i]))))
        elif days > limit:
            out.append(finding("appeal-overdue", sheet, located.cell("status", int(rows[i])),
                               workdays=int(days), limit=limit))
    return out


def _not_covered(calendar, day, sheet: str, cell: str) -> Finding:
    day = np.datetime64(day, "D").astype(date)
    covered = calendar.covered_text()
    return finding("calendar-not-covered", sheet, cell, value=day.isoformat(), year=day.year, covered=covered)
