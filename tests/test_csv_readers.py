"""The two CSV readers: pyarrow's for regular files, pandas' for the rest, give one sheet.

A regular file goes through pyarrow (fast, Arrow strings); a file with a short row or a
blank line falls back to pandas' reader. Whichever reads it, the cells, the quoting
(a separator, a quote or a line break inside a quoted cell) and the row numbers a
spreadsheet program shows must come out the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kuntaprofiili.sheets import read as sheet_read
from kuntaprofiili.sheets.read import read_sheet

HEADER = "municipality;year;note\r\n"
ROWS = [
    'Forssa;2026;"a; b"\r\n',
    'Hyrynsalmi;2026;"two\nlines"\r\n',
    'Jomala;2025;"say ""hi"""\r\n',
    ";;\r\n",  # a row with nothing in it: dropped, numbering holds
    "Raasepori;2026;ääkköset\r\n",
]


def _cells(path: Path) -> tuple[list[list[str]], list[int]]:
    sheet = read_sheet(path)
    cells = [[str(v) for v in row] for row in sheet.frame.itertuples(index=False)]
    return cells, sheet.row_numbers().tolist()


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_regular_file_reads_the_same_through_both_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bom: bytes
) -> None:
    path = tmp_path / "k.csv"
    path.write_bytes(bom + (HEADER + "".join(ROWS)).encode("utf-8"))
    encoding = "utf-8-sig" if bom else "utf-8"
    assert sheet_read._read_arrow(path, {"sep": ";", "encoding": encoding}, 1, 3) is not None
    fast = _cells(path)
    monkeypatch.setattr(sheet_read, "_read_arrow", lambda *_: None)
    slow = _cells(path)
    assert fast == slow
    assert fast[0][1] == ["Hyrynsalmi", "2026", "two\nlines"]
    assert fast[0][2][2] == 'say "hi"'
    assert fast[1] == [2, 3, 4, 6]  # the empty row 5 is gone, the others keep their numbers


def test_the_fast_reader_declines_what_only_pandas_reads_right(tmp_path: Path) -> None:
    """A short row and a blank line make pyarrow give up; pandas pads and keeps numbers."""
    path = tmp_path / "k.csv"
    path.write_bytes((HEADER + "Forssa;2026\r\n\r\nJomala;2025;x\r\n").encode("utf-8"))
    assert sheet_read._read_arrow(path, {"sep": ";", "encoding": "utf-8"}, 1, 3) is None
    cells, numbers = _cells(path)
    assert cells == [["Forssa", "2026", ""], ["Jomala", "2025", "x"]]
    assert numbers == [2, 4]
