"""提档测算: extra retained amount if each variety reached the next score tier."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from engine.scheme import load_scheme, parse_scheme
from engine.retention import compute_retention
from test_retention import details, line, scores

SCHEME = load_scheme("wuhan-default")


def half_up(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_next_tier_per_variety_and_hospital():
    rows = [line("T0005", "A", "职保", budget=1000.01, spending=0), line("T0005", "A", "居保", budget=333.33, spending=0),
            line("T0005", "B", "职保", budget=100, spending=0),                      # top tier: nothing more
            line("T0005", "C", "职保", budget=100, spending=0, actual=50),           # completion not met
            line("T0005", "D", "职保", budget=100, spending=0)]                      # below tiers -> 60 (30%)
    sc = scores(("T0005", "A", 72), ("T0005", "B", 90), ("T0005", "C", 65), ("T0005", "D", 10))
    out = compute_retention(details(*rows), sc, SCHEME, what_if=True).to_json()
    (hospital,) = out["what_if"]
    by_variety = {v["variety_code"]: v for v in hospital["varieties"]}
    a = by_variety["A"]
    now = half_up(Decimal("1000.01") * Decimal("0.4")) + half_up(Decimal("333.33") * Decimal("0.4"))
    nxt = half_up(Decimal("1000.01") * Decimal("0.5")) + half_up(Decimal("333.33") * Decimal("0.5"))
    assert (a["score"], a["next_score"], a["ratio"], a["next_ratio"]) == (72.0, 80.0, 0.4, 0.5)
    assert Decimal(repr(a["retained"])) == now and Decimal(repr(a["retained_next"])) == nxt
    assert Decimal(repr(a["extra"])) == nxt - now
    assert by_variety["B"]["next_score"] is None and by_variety["B"]["extra"] == 0.0
    assert by_variety["C"]["extra"] == 0.0
    assert by_variety["D"]["next_score"] == 60.0 and by_variety["D"]["extra"] == 30.0
    assert Decimal(repr(hospital["extra"])) == nxt - now + Decimal(30)
    assert hospital["retained_total"] == out["hospitals"][0]["retained_total"]


def test_linear_rule_steps_to_next_ten_points():
    scheme = parse_scheme('name = "t"\n[retention]\nrule = "linear"\nlinear_cap = "0.5"\n', "t")
    out = compute_retention(details(line(budget=100, spending=0)), scores(("T0013", "GC2_5", 84)), scheme,
                            what_if=True).to_json()
    v = out["what_if"][0]["varieties"][0]
    assert v["next_score"] == 90.0 and v["retained"] == 42.0 and v["retained_next"] == 45.0


def test_what_if_absent_unless_asked():
    out = compute_retention(details(line()), scores(("T0013", "GC2_5", 72)), SCHEME).to_json()
    assert "what_if" not in out
