import subprocess
import sys

import pytest

from jicai.cli import main


def test_prints_only_the_integer(capsys):
    assert main(["workdays", "2024-09-27", "2024-10-14"]) == 0
    assert capsys.readouterr().out == "8\n"


@pytest.mark.parametrize("start,end,expected", [("2024/03/03", "2024年3月4日", "1\n"), ("2024-03-08", "2024-03-04", "-4\n")])
def test_date_forms_and_reversed_order(capsys, start, end, expected):
    assert main(["workdays", start, end]) == 0
    assert capsys.readouterr().out == expected


def test_uncovered_date_is_exit_2_with_one_line(capsys):
    assert main(["workdays", "2026-12-01", "2027-01-05"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "2027" in lines[0] and "节假日调整" in lines[0]


def test_bad_date_is_exit_2(capsys):
    assert main(["workdays", "昨天", "2024-01-05"]) == 2
    err = capsys.readouterr().err
    assert "昨天" in err and "Traceback" not in err


def test_real_process_no_traceback():
    proc = subprocess.run([sys.executable, "-m", "jicai.cli", "workdays", "2024-02-30", "2024-03-01"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
