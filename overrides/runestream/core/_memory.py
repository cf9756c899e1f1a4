"""The Arrow memory pool that runestream's tables are built in.

pyarrow's default pool is mimalloc on most Linux builds. On Linux with transparent huge pages
in ``madvise`` mode (the kernel's default), mimalloc asks for huge pages and frees whole
segments back to the kernel, so parsing page after page of 80 MB CSV keeps taking fresh huge
pages, each of which the kernel must zero (and often compact memory for) on first touch.
Measured on the benchmark machine (4,000,000 accel rows in 2 pages, ``to_pandas``, medians of
10 fresh processes): ~15% less wall time (0.84 -> 0.72 s) and ~9% lower peak RSS with jemalloc,
which reuses freed memory in place; the process's system time falls from ~0.36 s to ~0.2 s. See
``benchmarks/RESULTS.md``.

So runestream parses, concatenates and converts in pyarrow's jemalloc pool where the build
has one, and in pyarrow's default pool otherwise (or when ``ARROW_DEFAULT_MEMORY_POOL`` is set:
that is Arrow's own switch, and whoever sets it has chosen a pool for everything).
"""

from __future__ import annotations

import functools
import os
from typing import Final

import pyarrow as pa  # type: ignore[import-untyped]

__all__ = ["ARROW_POOL_ENV", "arrow_memory_pool"]

#: Arrow's own environment variable choosing its default memory pool; when set, runestream uses
#: the default pool too.
ARROW_POOL_ENV: Final = "ARROW_DEFAULT_MEMORY_POOL"


@functools.cache
def arrow_memory_pool() -> pa.MemoryPool:
    """The memory pool runestream allocates its Arrow data in.

    Returns:
        pyarrow's jemalloc pool when the build has one and ``ARROW_DEFAULT_MEMORY_POOL`` is not
        set; ``pyarrow.default_memory_pool()`` otherwise.
    """
    if not os.environ.get(ARROW_POOL_ENV):
        try:
            return pa.jemalloc_memory_pool()
        except NotImplementedError:  # a build without jemalloc (e.g. Windows wheels)
            pass
    return pa.default_memory_pool()
