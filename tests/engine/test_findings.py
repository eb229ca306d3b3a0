"""Findings as values: the message table, severities, ordering, exit status (SPEC §4.1)."""
from __future__ import annotations

import re
import string

import pytest

from engine.findings import (MESSAGES, Finding, Severity, count_by_severity, exit_code, finding, flatten, has_errors,
                             sort_key, summary_line)

SPEC_CODES = ("header-mismatch sheet-missing required-blank score-blank not-a-number number-as-text score-out-of-range "
              "too-many-decimals total-blank total-mismatch duplicate-row name-conflict bureau-score-blank "
              "district-mismatch deadline-passed score-missing unknown-fund zero-denominator count-exceeds date-invalid "
              "date-order calendar-not-covered region-conflict change-needs-remark institution-missing report-late").split()


def test_every_spec_code_has_a_message():
    assert set(SPEC_CODES) <= set(MESSAGES)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_message_table_entries(code):
    severity, template = MESSAGES[code]
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", code)
    assert isinstance(severity, Severity)
    assert re.search(r"[\u4e00-\u9fff]", template), "messages are Chinese"
    fields = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    # every template renders with its own fields, and with none at all (gaps, never a crash)
    assert "{" not in finding(code, "表", "A1", **{f: "X" for f in fields}).message
    assert finding(code, "表", "A1").message


def test_finding_fills_the_template_and_keeps_the_address():
    f = finding("score-out-of-range", "自评分数表", "G7", column="约定采购量完成率得分", value="25", maximum="20")
    assert f == Finding(code="score-out-of-range", severity=Severity.ERROR, sheet="自评分数表", cell="G7",
                        message="“约定采购量完成率得分”为 25，超出允许范围 0～20。请核对后改正。")
    assert f.as_dict() == {"code": "score-out-of-range", "severity": "error", "sheet": "自评分数表", "cell": "G7",
                           "message": f.message}


def test_severity_override_and_fields_named_like_parameters():
    f = finding("total-mismatch", "s", "Q2", "error", column="自评总分", value="95", total="100")
    assert f.severity is Severity.ERROR
    g = finding("name-conflict", "s", "C3", code="T0001", name="乙", first_row=2, first_name="甲")
    assert g.code == "name-conflict" and "T0001" in g.message


def test_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError):
        finding("no-such-code", "s", "A1")


def test_findings_are_immutable():
    f = finding("sheet-empty", "s", "A1")
    with pytest.raises(Exception):
        f.cell = "B2"


def test_exit_code_and_counts():
    warn = finding("number-as-text", "s", "G2")
    err = finding("score-blank", "s", "H2")
    info = finding("report-late", "s", "A1")
    assert exit_code([]) == 0 and exit_code([warn, info]) == 0 and exit_code([warn, err]) == 1
    assert has_errors([err]) and not has_errors([warn])
    assert count_by_severity([warn, err, err, info]) == {"error": 2, "warning": 1, "info": 1}


def test_summary_line():
    assert summary_line([], 3) == "共 3 行数据，未发现问题。"
    assert summary_line([finding("score-blank", "s", "H2")]) == "发现错误 1 处、警告 0 处、提示 0 处。"


def test_sort_key_orders_by_sheet_row_then_column():
    cells = ["AA2", "B10", "A2", "Z2", "B1", "A1"]
    found = sorted((finding("score-blank", "s", c) for c in cells), key=sort_key)
    assert [f.cell for f in found] == ["A1", "B1", "A2", "Z2", "AA2", "B10"]
    assert flatten(found[:1]) == [("score-blank", "A1")]
    assert flatten(found[:1], ("cell", "severity")) == [("A1", "error")]
