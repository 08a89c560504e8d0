"""The workbook writer makes the data rows' XML itself; it must be the workbook XlsxWriter
writes cell by cell. The reference below is the writer as it was (one XlsxWriter call
per cell): both write the same frames and every part of the two files is compared, and
the cells are read back with openpyxl."""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.files.export import column_label, strip_controls
from kuntaprofiili.sheets import workbook_out
from kuntaprofiili.sheets.workbook_out import SHARE_COLUMNS, workbook_bytes

EXAMPLE = Path(__file__).parent.parent / "examples" / "kunnat-2026.csv"
Writer = Callable[[int, object], Any]


# -- the reference: one XlsxWriter call per cell ------------------------------------------


def cell_by_cell(sheets: Sequence[tuple[str, pd.DataFrame]], lang: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    styles = workbook_out._Styles(book, lang)
    for title, frame in sheets:
        sheet = book.add_worksheet(strip_controls(title)[:31])
        workbook_out._layout(sheet, frame, lang)
        _write_rows(sheet, frame, styles)
    book.close()
    return buffer.getvalue()


def _write_rows(sheet: Any, frame: pd.DataFrame, styles: Any) -> None:
    names = [str(c) for c in frame.columns]
    for at, name in enumerate(names):
        sheet.write_string(0, at, strip_controls(column_label(name, styles.lang)), styles.header)
    for at, name in enumerate(names):
        sheet.write_string(1, at, strip_controls(name), styles.ids)
    writers = [
        _writer(sheet, at, n, frame[c], styles)
        for at, (n, c) in enumerate(zip(names, frame.columns, strict=True))
    ]
    columns = [_cells(frame[c]) for c in frame.columns]
    for row, values in enumerate(zip(*columns, strict=True), start=2):
        for write, value in zip(writers, values, strict=True):
            if value is not None:
                write(row, value)


def _cells(values: pd.Series) -> list[object]:
    if pd.api.types.is_bool_dtype(values.dtype):
        return [bool(v) for v in values.tolist()]
    if pd.api.types.is_numeric_dtype(values.dtype):
        present = values.notna().to_numpy()
        return [v if ok else None for v, ok in zip(values.tolist(), present, strict=True)]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned: list[object] = [_plain(u) for u in uniques]
    cleaned.append(None)
    return [cleaned[c] for c in codes.tolist()]


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _writer(sheet: Any, column: int, name: str, values: pd.Series, styles: Any) -> Writer:
    if name.endswith("_band"):
        return _band_writer(sheet, column, styles)
    if pd.api.types.is_float_dtype(values.dtype):
        share = name.endswith("_coverage") or name in SHARE_COLUMNS
        style = styles.share if share else None
        if style is None and not name.startswith("percentile"):
            style = styles.decimal
        return lambda row, value: sheet.write_number(row, column, value, style)
    if pd.api.types.is_integer_dtype(values.dtype):
        return lambda row, value: sheet.write_number(row, column, value)
    return _plain_writer(sheet, column)


def _band_writer(sheet: Any, column: int, styles: Any) -> Writer:
    def band(row: int, value: object) -> Any:
        if isinstance(value, str):
            return sheet.write_string(row, column, value, styles.bands.get(value))
        return sheet.write(row, column, value)

    return band


def _plain_writer(sheet: Any, column: int) -> Writer:
    def plain(row: int, value: object) -> Any:
        if isinstance(value, str):
            return sheet.write_string(row, column, value)
        if isinstance(value, bool):
            return sheet.write_boolean(row, column, value)
        if isinstance(value, int | float):
            return sheet.write_number(row, column, value)
        return sheet.write_string(row, column, str(value))

    return plain


# -- the comparison -----------------------------------------------------------------------


def parts(data: bytes) -> dict[str, bytes]:
    """Each part of a workbook unpacked; the time it was made left out."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        got = {name: archive.read(name) for name in archive.namelist()}
    got["docProps/core.xml"] = re.sub(rb"\d{4}-\d\d-\d\dT[\d:]+Z", b"T", got["docProps/core.xml"])
    return got


def assert_same_workbook(sheets: Sequence[tuple[str, pd.DataFrame]], lang: str = "fi") -> None:
    """Part for part the same files, and openpyxl reads the same cells and formats."""
    new, old = workbook_bytes(sheets, lang), cell_by_cell(sheets, lang)
    got, expected = parts(new), parts(old)
    assert list(got) == list(expected)
    for name in expected:
        assert got[name] == expected[name], name
    new_book = openpyxl.load_workbook(io.BytesIO(new))
    old_book = openpyxl.load_workbook(io.BytesIO(old))
    assert new_book.sheetnames == old_book.sheetnames
    for new_sheet, old_sheet in zip(new_book.worksheets, old_book.worksheets, strict=True):
        assert new_sheet.dimensions == old_sheet.dimensions
        new_rows = list(new_sheet.iter_rows())
        old_rows = list(old_sheet.iter_rows())
        assert len(new_rows) == len(old_rows)
        for new_row, old_row in zip(new_rows, old_rows, strict=True):
            for a, b in zip(new_row, old_row, strict=True):
                assert (a.value, a.data_type, a.number_format) == (
                    b.value,
                    b.data_type,
                    b.number_format,
                ), a.coordinate
                assert a.fill.fgColor.rgb == b.fill.fgColor.rgb, a.coordinate
                assert (a.font.b, a.font.i, a.font.sz) == (b.font.b, b.font.i, b.font.sz)


def mixed_frame() -> pd.DataFrame:
    """Every kind of column and the texts XlsxWriter treats specially."""
    texts = [
        "Oulu",
        "  spaces at the edges ",
        'a & b < c > d "quoted"',
        "line\nbreak",
        "tab\there",
        "carriage\rreturn",
        "bell\x07 stripped",
        "_x0041_ looks like an escape",
        "<r>rich-like</r>",
        "emoji 🦌",
        "=1+1",
        "",
        "x" * 40_000,
        "\ufffe\uffff",
    ]
    n = len(texts)
    return pd.DataFrame(
        {
            "row": np.arange(2, n + 2),
            "municipality": pd.Series(texts, dtype=object),
            "municipality_code": pd.array(["091", None, *["564"] * (n - 2)], dtype="string"),
            "overall": [0.1, -0.0, 0.0, 1 / 3, 1e20, 12345678.123456789, np.nan, 2.5, 100.0]
            + [50.05] * (n - 9),
            "overall_coverage": np.linspace(0, 1, n),
            "overall_band": ["punainen", None, "keltainen", "", "vihreä", "muu"]
            + ["keltainen"] * (n - 7)
            + ["vihreä"],
            "percentile_overall": [np.nan] * (n - 1) + [99.5],
            "population": pd.array([5000, None] + [7] * (n - 2), dtype="Int64"),
            "scored": [True, False] * (n // 2),
            "mixed": pd.Series(
                [1, 2.5, True, "text", None, np.float64(3.0), np.int64(7)]
                + [pd.Timestamp("2026-02-04")]
                + [float("nan")] * (n - 8),
                dtype=object,
            ),
            "types": pd.Series(["suuri kaupunki"] * n, dtype="str"),
        }
    )


def test_every_kind_of_cell_is_written_as_xlsxwriter_writes_it() -> None:
    frame = mixed_frame()
    summary = pd.DataFrame({"type": ["Kaikki"], "count": [3], "mean": [48.25]})
    assert_same_workbook([("Tulokset", frame), ("Yhteenveto", summary)])


def test_formats_first_used_in_the_last_row_and_sheets_without_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # green first appears in the last row; the rows go in blocks of three
    monkeypatch.setattr(workbook_out, "ROW_BLOCK", 3)
    bands = pd.DataFrame(
        {
            "overall_band": ["keltainen"] * 7 + ["vihreä"],
            "overall": [1.0] * 8,
            "overall_coverage": [None] * 7 + [0.5],
        }
    )
    empty_tail = pd.DataFrame({"row": [1.0, np.nan, np.nan], "note": ["a", None, None]})
    no_rows = pd.DataFrame({"type": pd.Series([], dtype=object), "count": pd.Series([], dtype=int)})
    nothing = pd.DataFrame({"x": [None, None]})
    one = pd.DataFrame({"overall_band": ["punainen"]})
    sheets = [("A", bands), ("B", empty_tail), ("C", no_rows), ("D", nothing), ("E", one)]
    assert_same_workbook(sheets)
    assert_same_workbook([("Empty", pd.DataFrame())], "sv")


def test_many_random_rows_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook_out, "ROW_BLOCK", 1_000)
    rng = np.random.default_rng(7)
    n = 3_500
    scores = np.round(rng.uniform(0, 100, n), 1)
    scores[rng.random(n) < 0.1] = np.nan
    frame = pd.DataFrame(
        {
            "row": np.arange(2, n + 2),
            "municipality": [f"Kunta {i}" for i in range(n)],
            "ecological_score": scores,
            "ecological_coverage": np.round(rng.random(n), 3),
            "ecological_band": rng.choice(
                np.array(["punainen", "keltainen", "vihreä", None], dtype=object), n
            ),
            "answer_population": rng.integers(0, 10**6, n),
        }
    )
    assert_same_workbook([("Tulokset", frame)])


def test_the_batch_workbook_is_the_cell_by_cell_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[tuple[Sequence[tuple[str, pd.DataFrame]], str]] = []

    def keep(sheets: Sequence[tuple[str, pd.DataFrame]], lang: str) -> bytes:
        written.append((sheets, lang))
        return workbook_bytes(sheets, lang)

    monkeypatch.setattr("kuntaprofiili.sheets.write.workbook_bytes", keep)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(app, ["batch", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ((sheets, lang),) = written
    assert len(sheets) == 2 and len(sheets[0][1]) > 1
    assert_same_workbook(sheets, lang)
    assert parts(out.read_bytes()) == parts(cell_by_cell(sheets, lang))


EDGES = ["\xa0", "\u2003", "\x85", "\x1c", "\u3000", " ", "\t", "\n", "\r", ".", "é", "1", "_"]


@given(st.lists(st.text() | st.sampled_from(EDGES) | st.none() | st.integers(), max_size=8))
@settings(max_examples=300, deadline=None)
def test_texts_at_once_are_written_as_one_by_one(values: list[object]) -> None:
    got = workbook_out._texts_xml(values)
    expected = [workbook_out._string_xml(v) if isinstance(v, str) else None for v in values]
    assert got == expected


def test_most_texts_are_written_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["Oulu", "Testikunta 12", "pieni kunta", "Hämeenlinna", "a\nb", ""]
    by_hand: list[str] = []
    one_by_one = workbook_out._string_xml

    def count(text: str) -> str:
        by_hand.append(text)
        return one_by_one(text)

    monkeypatch.setattr(workbook_out, "_string_xml", count)
    edges = [f"{c}x" for c in EDGES] + [f"x{c}" for c in EDGES] + ["a & b", "_x0041_", "<r>x</r>"]
    got = workbook_out._texts_xml(texts + edges)
    assert by_hand == [t for t in edges if t not in ("éx", "1x", "xé", "x1")]
    assert got == [one_by_one(t) for t in texts + edges]
