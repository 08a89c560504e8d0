"""Freed memory handed back to the system between the blocks of a long sheet.

glibc's allocator keeps what a block's temporary arrays and strings freed in its heap,
fragmented, so a million rows read in blocks would still grow as if read whole (measured:
about half a gigabyte more at a million rows). ``malloc_trim`` returns those pages;
pyarrow's pool is asked to do the same. Elsewhere (not glibc) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any


def release_freed_memory() -> None:
    """Return freed heap pages to the system, where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    try:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    except (ImportError, AttributeError):  # pyarrow missing, or older than 9
        pass


@cache
def _malloc_trim() -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return None
