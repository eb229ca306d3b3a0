"""Timing helper shared by the bench scripts (run as `python bench/bench_x.py`, so this
folder is on sys.path)."""
from __future__ import annotations

import time
from typing import Callable


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Fastest of `repeat` runs, in seconds: the least disturbed by other load on the machine."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def calamine_read(path, *sheets: str) -> None:
    """The floor every end-to-end figure is compared with: python-calamine reading the
    named sheets' values, nothing else."""
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(path))
    for name in sheets:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
