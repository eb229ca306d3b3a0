"""Scheme files: shipped schemes load, every bad file is a SchemeError naming the key."""
from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest

from engine.columns import SCORE_INDICATORS
from engine.scheme import SchemeError, load_scheme, parse_scheme, shipped_schemes


def shipped_text(name: str = "wuhan-default") -> str:
    return resources.files("engine.schemes").joinpath(f"{name}.toml").read_text(encoding="utf-8")


def test_shipped_schemes_load():
    assert {"wuhan-default", "shaanxi-2012"} <= set(shipped_schemes())
    for name in shipped_schemes():
        assert load_scheme(name).name == name


def test_wuhan_default_is_spec_3_1():
    s = load_scheme("wuhan-default")
    assert [s.score.maximum(h) for _, h in SCORE_INDICATORS] == [20, 20, 10, 5, 5, 5, 15, 8, 6, 6]
    assert s.score.total == 100 and s.score.total_mismatch_severity == "warning" and s.score.max_decimals == 2
    tiers = [(t.min_score, t.ratio) for t in s.retention.tiers]
    assert tiers == [(80, Decimal("0.50")), (70, Decimal("0.40")), (60, Decimal("0.30"))]
    assert load_scheme(None) == s  # the default


def test_load_from_a_path(tmp_path):
    path = tmp_path / "my.toml"
    path.write_text(shipped_text().replace('name = "wuhan-default"', 'name = "my"'), encoding="utf-8")
    scheme = load_scheme(str(path))
    assert scheme.name == "my" and scheme.source == str(path)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeff".encode() + shipped_text().encode())
    assert load_scheme(str(path)).name == "wuhan-default"


@pytest.mark.parametrize("edit,key", [
    (("max_decimals = 2", "max_decimal = 2"), "score.max_decimal"),
    (("total = 100", "total = -5"), "score.total"),
    (('total_mismatch_severity = "warning"', 'total_mismatch_severity = "fatal"'), "score.total_mismatch_severity"),
    (('{ header = "价格违规次数得分", max = 6 }', '{ header = "价格得分", max = 6 }'), "score.maxima"),
    (('{ min_score = 80, ratio = "0.50" }', '{ min_score = 80, ratio = "1.5" }'), "retention.tiers"),
    (("reply_workdays = 10", "reply_workdays = 0"), "appeals.reply_workdays"),
])
def test_bad_key_is_named(edit, key):
    with pytest.raises(SchemeError) as err:
        parse_scheme(shipped_text().replace(*edit), "x.toml")
    assert key in str(err.value) and "x.toml" in str(err.value)
    assert "\n" not in str(err.value)


def test_tiers_required_for_the_tier_rule():
    text = shipped_text()
    start = text.index("tiers = [")
    end = text.index("]", text.index("min_score = 60")) + 1
    with pytest.raises(SchemeError, match="tiers"):
        parse_scheme(text[:start] + text[end:], "x")


def test_not_toml_and_missing_files(tmp_path):
    with pytest.raises(SchemeError, match="TOML"):
        parse_scheme("name = ", "x")
    with pytest.raises(SchemeError, match="找不到方案"):
        load_scheme("no-such-scheme")
    with pytest.raises(SchemeError, match="找不到方案文件"):
        load_scheme(str(tmp_path / "missing.toml"))
    with pytest.raises(SchemeError, match="缺少必填项"):
        parse_scheme("title = 'x'", "x")


def test_tiers_sorted_high_to_low():
    text = shipped_text().replace('{ min_score = 80, ratio = "0.50" },\n', "").replace(
        '{ min_score = 60, ratio = "0.30" },', '{ min_score = 60, ratio = "0.30" },\n  { min_score = 80, ratio = "0.50" },')
    scheme = parse_scheme(text, "x")
    assert [t.min_score for t in scheme.retention.tiers] == [80, 70, 60]
