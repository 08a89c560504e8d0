"""A small JSON-stat 2.0 dataset reader: cells as (category codes, value).

Why our own and not pyjstat: pyjstat turns a dataset into a pandas DataFrame (pandas
would then load on every fetch, for a 3-level loop), and its last release is from 2023;
jsonstat.py was last released in 2017. The format's rule is one line: the cell at
category positions (i_1..i_n) is ``value[sum(i_k * prod(size_j for j > k))]``, over the
dimensions in ``id`` order. Both forms of ``category.index`` (list or object) and of
``value`` (list or sparse object) are read. See tests/test_opendata_jsonstat.py.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import product
from math import prod
from typing import Any

Cell = tuple[dict[str, str], float | None]


class JsonStatError(ValueError):
    """The document is not a JSON-stat 2.0 dataset."""


def read_dataset(doc: Any) -> Iterator[Cell]:
    """Each cell of a JSON-stat 2.0 dataset with the code of its category on every dimension."""
    if not isinstance(doc, Mapping) or doc.get("class") != "dataset":
        raise JsonStatError("not a JSON-stat dataset (class 'dataset' missing)")
    ids, sizes, dimensions = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not (isinstance(ids, list) and isinstance(sizes, list) and isinstance(dimensions, Mapping)):
        raise JsonStatError("'id', 'size' or 'dimension' missing")
    if len(ids) != len(sizes) or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise JsonStatError("'id' and 'size' do not match")
    codes = [_category_codes(dimensions, dim, size) for dim, size in zip(ids, sizes, strict=True)]
    values = _values(doc.get("value"), prod(sizes))
    for position, combination in enumerate(product(*codes)):
        yield dict(zip(ids, combination, strict=True)), values(position)


def _category_codes(dimensions: Mapping[str, Any], dim: str, size: int) -> list[str]:
    """The category codes of ``dim`` in index order."""
    category = (dimensions.get(dim) or {}).get("category") or {}
    index = category.get("index")
    if index is None and isinstance(category.get("label"), Mapping) and size == 1:
        index = list(category["label"])  # a single category may omit the index
    if isinstance(index, Mapping):
        ordered = sorted(index.items(), key=lambda pair: pair[1])
        codes = [str(code) for code, _ in ordered]
    elif isinstance(index, list):
        codes = [str(code) for code in index]
    else:
        raise JsonStatError(f"dimension {dim!r} has no category index")
    if len(codes) != size:
        raise JsonStatError(f"dimension {dim!r} has {len(codes)} categories, size says {size}")
    return codes


def _values(raw: Any, count: int) -> Any:
    """A function from cell position to value (None for a missing one)."""
    if isinstance(raw, list):
        if len(raw) != count:
            raise JsonStatError(f"{len(raw)} values for {count} cells")
        return lambda position: _number(raw[position])
    if isinstance(raw, Mapping):
        return lambda position: _number(raw.get(str(position)))
    raise JsonStatError("'value' missing")


def _number(raw: Any) -> float | None:
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    raise JsonStatError(f"value {raw!r} is not a number")


def categories(doc: Mapping[str, Any], dim: str) -> Sequence[str]:
    """The category codes of one dimension (for tests and diagnostics)."""
    size = doc["size"][doc["id"].index(dim)]
    return _category_codes(doc["dimension"], dim, size)
