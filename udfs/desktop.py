"""The JC.* functions for the classic desktop add-in (xlwings "Import Functions").

VBA function names cannot contain a dot and some names are Excel built-ins (RATE), so in the
classic add-in the functions are JC_WORKDAYS, JC_PAYMENT_DAYS, ... — the same Python
functions as =JC.WORKDAYS etc. in the Office.js add-in. Set "UDF Modules" to udfs.desktop.
"""
from __future__ import annotations

import inspect

import xlwings as xw

from udfs import functions as _functions

NAMES = ("workdays", "payment_days", "payment_index", "is_workday", "avg_index", "rate", "retention_ratio", "retention")


def _alias(func):
    def wrapper(*args):
        return func(*args)

    wrapper.__name__ = wrapper.__qualname__ = "JC_" + func.__name__.upper()
    wrapper.__doc__ = func.__doc__
    wrapper.__signature__ = inspect.signature(func)
    wrapper.__module__ = __name__
    for name, doc in reversed(func.jc_arg_docs.items()):
        wrapper = xw.arg(name, "raw", doc=doc)(wrapper)
    return xw.func(xw.ret("raw")(wrapper))


for _name in NAMES:
    _wrapped = _alias(getattr(_functions, _name))
    globals()[_wrapped.__name__] = _wrapped
del _name, _wrapped
