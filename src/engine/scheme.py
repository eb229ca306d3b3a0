"""Scheme files: every policy number (maximum points, tiers, thresholds) lives in TOML.

`load_scheme(name_or_path)` returns a validated `Scheme`. A name is looked up among the files
shipped in `engine/schemes/`; anything that looks like a path is read from disk. A malformed
file is a `SchemeError` whose Chinese message names the bad key — never a traceback.
Ratios and money-related numbers are Decimal (written as strings or numbers in the file).
"""
from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.columns import SCORE_INDICATORS


class SchemeError(ValueError):
    """A scheme that cannot be used; str() is a one-line Chinese message."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoreMax(_Strict):
    header: str
    max: Decimal = Field(ge=0)


class ScoreRules(_Strict):
    maxima: list[ScoreMax]
    total: Decimal = Field(gt=0)
    total_mismatch_severity: Literal["warning", "error"] = "warning"
    max_decimals: int = Field(default=2, ge=0)

    @field_validator("maxima")
    @classmethod
    def _all_indicators(cls, v: list[ScoreMax]) -> list[ScoreMax]:
        expected = [h for _, h in SCORE_INDICATORS]
        got = [m.header for m in v]
        if sorted(got) != sorted(expected):
            unknown = [h for h in got if h not in expected]
            absent = [h for h in expected if h not in got]
            raise ValueError(f"maxima 必须恰好列出 10 项得分栏目；未知：{unknown}，缺少：{absent}")
        return v

    def maximum(self, header: str) -> Decimal:
        return next(m.max for m in self.maxima if m.header == header)


class Tier(_Strict):
    min_score: Decimal
    ratio: Decimal = Field(ge=0, le=1)


class RetentionRules(_Strict):
    rule: Literal["tiers", "linear"] = "tiers"
    tiers: list[Tier] = []
    below_tiers_ratio: Decimal = Field(default=Decimal(0), ge=0, le=1)
    linear_cap: Decimal = Field(default=Decimal("0.5"), ge=0, le=1)
    min_completion_rate: Decimal = Decimal(1)
    require_completion: bool = True

    @field_validator("tiers")
    @classmethod
    def _sorted_tiers(cls, v: list[Tier]) -> list[Tier]:
        return sorted(v, key=lambda t: t.min_score, reverse=True)

    @model_validator(mode="after")
    def _tiers_for_tier_rule(self):
        if self.rule == "tiers" and not self.tiers:
            raise ValueError("rule = \"tiers\" 时必须给出 tiers")
        return self


class AppealRules(_Strict):
    reply_workdays: int = Field(default=10, ge=1)


class MonthlyRules(_Strict):
    index_days: Decimal = Field(default=Decimal(30), gt=0)
    change_threshold: Decimal = Field(default=Decimal("0.5"), ge=0)
    deadline_day: int = Field(default=15, ge=1, le=28)


class Scheme(_Strict):
    name: str
    title: str = ""
    score: ScoreRules | None = None
    retention: RetentionRules | None = None
    appeals: AppealRules = AppealRules()
    monthly: MonthlyRules = MonthlyRules()
    source: str = ""  # where it was loaded from (set by the loader)


DEFAULT_RETENTION_SCHEME = "wuhan-default"
DEFAULT_MONTHLY_SCHEME = "shaanxi-2012"


def shipped_schemes() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("engine.schemes").iterdir() if p.name.endswith(".toml"))


def load_scheme(name_or_path: str | None = None, *, default: str = DEFAULT_RETENTION_SCHEME) -> Scheme:
    """Load a shipped scheme by name or a user's TOML file by path."""
    ref = (name_or_path or default).strip()
    if ref in shipped_schemes():
        text = resources.files("engine.schemes").joinpath(f"{ref}.toml").read_text(encoding="utf-8")
        source = f"内置方案 {ref}"
    else:
        path = Path(ref)
        if not path.suffix and not path.exists():
            raise SchemeError(f"找不到方案“{ref}”。内置方案有：{'、'.join(shipped_schemes())}；也可以给出 .toml 方案文件路径。")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise SchemeError(f"找不到方案文件：{ref}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SchemeError(f"无法读取方案文件 {ref}：{exc}") from None
        source = str(path)
    return parse_scheme(text, source)


def parse_scheme(text: str, source: str = "") -> Scheme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"方案文件 {source} 不是有效的 TOML：{exc}") from None
    try:
        return Scheme.model_validate({**data, "source": source})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(顶层)"
        raise SchemeError(f"方案文件 {source} 中的键 {key} 有误：{_zh(err)}") from None


def _zh(err: dict) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "不认识的键（拼写错误？）"
    if kind == "missing":
        return "缺少必填项"
    return err.get("msg", "")
