"""jicai.readers: prefetching several sheets of one workbook at once (calamine reads one at a time)."""
from openpyxl import Workbook

from jicai.readers import open_workbook


def test_prefetching_every_sheet_at_once_reads_each_correctly(tmp_path):
    wb = Workbook()
    wb.active.title = "S0"
    for k in range(1, 4):
        wb.create_sheet(f"S{k}")
    for k, ws in enumerate(wb.worksheets):
        for r in range(1, 2001):
            ws.append([k, r, f"t{r}", "#N/A" if r == 7 else r * 0.5])
    path = tmp_path / "many.xlsx"
    wb.save(path)

    book = open_workbook(path)
    for name in book.sheet_names:
        book.prefetch(name)
    for k, name in enumerate(book.sheet_names):
        rows = book.sheet(name).rows
        assert len(rows) == 2000
        assert rows[0][0] == k and rows[1999][1] == 2000
        assert rows[6][3] == "#N/A"  # error cell restored despite the concurrent reads


def test_output_path_rules(tmp_path):
    import pytest

    from jicai.errors import InputError
    from jicai.output_path import prepare_output_path

    source = tmp_path / "in.xlsx"
    source.write_bytes(b"PK")
    link = tmp_path / "link.xlsx"
    link.symlink_to(source)
    for bad in (source, link, tmp_path / "out.csv"):
        with pytest.raises(InputError):
            prepare_output_path(bad, [source])
    out = prepare_output_path(tmp_path / "new" / "out.xlsx", [source, None])
    assert out.parent.is_dir()
