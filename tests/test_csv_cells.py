"""CSV cells computed in Arrow are the cells ``format_cell`` writes one by one."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kuntaprofiili.files.export import format_cell
from kuntaprofiili.sheets.write import _cells_in_arrow, _quoted

TRICKY = st.sampled_from(
    ["=1+1", "+358", "-5", "@x", "\tx", "\rx", 'a"b', "a;b", "a,b", "a\nb", "\x07ding", "\x1b[31m"]
)


def one_by_one(values: Sequence[object], delimiter: str) -> list[str]:
    return [_quoted(format_cell(v), delimiter) for v in values]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.none() | st.text() | TRICKY, max_size=12),
    delimiter=st.sampled_from([";", ",", "\t"]),
)
def test_texts_in_arrow_equal_one_by_one(values: list[str | None], delimiter: str) -> None:
    column = pd.Series(values, dtype="str")
    got = _cells_in_arrow(column, delimiter).to_pylist()
    expected = one_by_one([None if pd.isna(v) else v for v in column.tolist()], delimiter)
    assert got == expected


@given(st.lists(st.none() | st.integers(-(2**62), 2**62), max_size=12))
def test_integers_in_arrow_equal_one_by_one(values: list[int | None]) -> None:
    column = pd.Series(values, dtype="Int64")
    expected = one_by_one(values, ";")
    assert _cells_in_arrow(column, ";").to_pylist() == expected
    if None not in values:
        assert _cells_in_arrow(pd.Series(values, dtype="int64"), ";").to_pylist() == expected


def test_a_column_read_in_chunks_is_written_whole() -> None:
    import pyarrow as pa

    table = pa.Table.from_batches(
        [
            pa.record_batch([pa.array(["=a", "b;c"])], ["x"]),
            pa.record_batch([pa.array(["d"])], ["x"]),
        ]
    )
    column = table.to_pandas()["x"]
    assert _cells_in_arrow(column, ";").to_pylist() == ["'=a", '"b;c"', "d"]
