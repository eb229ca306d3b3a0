"""xlwings Server scripts: one per ribbon button (macros/registry.py), each a thin call of
the button's macro with what only the server knows — the signed-in user's district."""
from __future__ import annotations

import xlwings as xw
from xlwings.server import script
from xlwings_server.models import CurrentUser

from macros.registry import BUTTONS, run_button


def user_district(user) -> str | None:
    """The district a token is limited to (auth/custom puts it in the user's claims)."""
    claims = getattr(user, "claims", None) or {}
    return claims.get("district") or None


def user_name(user) -> str | None:
    """The signed-in user's name for 导入记录 (None without authentication)."""
    return None if getattr(user, "id", None) in (None, "n/a") else getattr(user, "name", None)


def _script(name: str):
    def button(book: xw.Book, current_user: CurrentUser):
        run_button(name, book, district=user_district(current_user), user=user_name(current_user))

    button.__name__ = button.__qualname__ = name
    button.__doc__ = f"Ribbon button {name}"
    return script(button)


for _button in BUTTONS:
    globals()[_button.name] = _script(_button.name)

__all__ = [b.name for b in BUTTONS]
