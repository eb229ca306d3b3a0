"""`jicai workdays START END` (SPEC §5): prints the number of working days d with
START < d <= END on China's official calendar (调休 included), and nothing else.

A date that is not a date, or one outside the calendar, is unusable input: exit 2 with one
Chinese line on stderr (raised as InputError and printed by jicai.cli)."""
from __future__ import annotations

from engine.cells import parse_date
from engine.workdays import CalendarNotCovered, WorkCalendar
from jicai.errors import InputError


def run(args) -> int:
    start, end = _date(args.start, "开始日期"), _date(args.end, "结束日期")
    try:
        count = WorkCalendar.official().count(start, end)
    except CalendarNotCovered as exc:
        raise InputError(str(exc)) from None
    print(int(count[0]))
    return 0


def _date(text: str, label: str):
    day = parse_date(text)
    if day is None:
        raise InputError(f"{label}“{text}”不是有效日期。请写成 2024-03-05 的形式。")
    return day
