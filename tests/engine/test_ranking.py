import numpy as np
import pandas as pd

from engine.ranking import competition_rank, rank_indicators, rank_within


def ranks(values, **kw):
    return [None if np.isnan(r) else int(r) for r in competition_rank(values, **kw)]


def test_ties_share_a_rank_and_the_next_skips():
    assert ranks([0.9, 0.8, 0.8, 0.7]) == [1, 2, 2, 4]
    assert ranks([0.5, 0.7, 0.7, 0.2, None]) == [3, 1, 1, 4, None]


def test_low_is_best_for_indices():
    assert ranks([1.2, 0.4, 0.9, 0.4], ascending=True) == [4, 1, 3, 1]


def test_equal_on_paper_ties_despite_float_noise():
    assert 0.1 + 0.2 != 0.3
    assert ranks([0.1 + 0.2, 0.3, 0.25]) == [1, 1, 3]


def test_null_and_nan_get_no_rank():
    assert ranks([np.nan, None, 0.5]) == [None, None, 1]
    assert ranks([]) == []


def test_rank_within_groups():
    frame = pd.DataFrame({"city": ["甲", "甲", "乙", "乙", "乙"], "rate": [0.5, 0.6, 0.1, 0.1, None]})
    assert rank_within(frame, "rate", group="city").tolist()[:4] == [2.0, 1.0, 1.0, 1.0]
    assert np.isnan(rank_within(frame, "rate", group="city").iloc[4])
    both = rank_indicators(frame, {"rate": False})
    assert both["rate"].tolist()[:4] == [2.0, 1.0, 3.0, 3.0]
