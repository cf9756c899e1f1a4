"""Batch availability beyond the server's per-request limit: split, fetch, combine bin by bin.

``/v2/batch/availability`` takes at most a limited number of ``stream_id`` values per request
(50 assumed; a client option). A larger set is split into balanced chunks (7 ids with a limit
of 3 → 3, 2, 2; a chunk of one id uses the single-stream endpoint), every chunk is fetched with
every other parameter unchanged (``limit`` included; all pages of each), and the chunks are
combined bin by bin with the same operation: ``any`` = OR, ``all`` = AND. That is exact,
because OR and AND are associative: the result is what one unlimited request would return.

How the combined result is paged: one output page per page of the **first** chunk, with the
same bins (a server pages availability by bin count, so this is the page layout one unlimited
request has). The other chunks' bins are aligned to it by position and their time cells must be
identical (same parameters give the same bins); otherwise :class:`~runestream.APIError`.
CSV pages keep the first chunk's header line and time cells verbatim; JSON pages keep its keys,
with ``availability``, ``cardinality`` and ``approx_available_duration_s`` recomputed (the
available bins' widths: ``resolution``, the last bin clipped to ``end_time``).

Chunks are fetched concurrently over the session's pooled client by a few threads; results are
collected in chunk order, so the output (and the error raised, if any: the first failing chunk's)
equals a sequential run.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from ..core._errors import APIError, ValidationError
from ..core._parallel import run_parallel
from ._pages import PageBody

__all__ = [
    "DEFAULT_BATCH_WORKERS",
    "DEFAULT_MAX_BATCH_IDS",
    "BinGrid",
    "ChunkPages",
    "combine_bins",
    "combine_pages",
    "fetch_chunks",
    "max_batch_ids",
    "read_chunk",
    "split_ids",
]

#: Default most ``stream_id`` values per ``/v2/batch/availability`` request.
DEFAULT_MAX_BATCH_IDS: Final = 50
#: Default most chunks fetched at once.
DEFAULT_BATCH_WORKERS: Final = 4


def max_batch_ids(value: object) -> int | None:
    """Validate the ``max_batch_ids`` option: an integer >= 1, or ``None`` for no client limit.

    Raises:
        ValidationError: Not None and not an integer >= 1.
    """
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValidationError(
            f"max_batch_ids must be an integer >= 1 or None (no limit), not {value!r}",
            parameter="max_batch_ids",
        )
    return value


def split_ids(ids: Sequence[str], size: int) -> list[list[str]]:
    """Split ``ids`` (order kept) into the fewest chunks of at most ``size``, sizes balanced.

    Example: 7 ids, size 3 → chunks of 3, 2 and 2.
    """
    if size < 1:
        raise ValueError("size must be >= 1")
    count = -(-len(ids) // size)
    if count <= 1:
        return [list(ids)]
    base, extra = divmod(len(ids), count)
    out: list[list[str]] = []
    at = 0
    for k in range(count):
        n = base + (1 if k < extra else 0)
        out.append(list(ids[at : at + n]))
        at += n
    return out


def combine_bins(columns: Sequence[Sequence[int]], operation: str) -> list[int]:
    """Combine per-chunk 0/1 bins: ``any`` → 1 where any chunk has 1, ``all`` → where every has.

    Raises:
        ValueError: No columns, columns of different lengths, or an unknown operation.
    """
    if not columns:
        raise ValueError("nothing to combine")
    if operation not in ("any", "all"):
        raise ValueError(f"unknown batch operation {operation!r}")
    n = len(columns[0])
    if any(len(c) != n for c in columns):
        raise ValueError("chunks have different numbers of bins")
    pick = max if operation == "any" else min
    return [1 if pick(int(col[k] != 0) for col in columns) else 0 for k in range(n)]


@dataclass(frozen=True)
class BinGrid:
    """Where the bins lie, to recompute ``approx_available_duration_s`` of combined pages.

    Attributes:
        start: ``start_time`` as sent, in seconds (the first bin starts here).
        end: ``end_time`` as sent, in seconds (exclusive; the last bin is clipped to it).
        resolution: Bin width in seconds.
    """

    start: Fraction
    end: Fraction
    resolution: int

    def covered_seconds(self, first_bin: int, values: Sequence[int]) -> float:
        """Seconds covered by the available bins among ``values`` (bin ``first_bin`` onward)."""
        total = Fraction(0)
        for k, value in enumerate(values, start=first_bin):
            if value:
                lo = self.start + k * self.resolution
                total += min(lo + self.resolution, self.end) - lo
        return float(total)


@dataclass
class ChunkPages:
    """One chunk's pages read into bins.

    Attributes:
        pages: The bodies as the server sent them (CSV text or JSON objects).
        times: The time cell of every bin, in order (raw CSV text or the JSON value).
        values: The 0/1 availability of every bin.
        sizes: Bins per page.
    """

    pages: list[PageBody]
    times: list[Any]
    values: list[int]
    sizes: list[int]


def _bad(message: str) -> APIError:
    return APIError(f"batch availability chunks cannot be combined: {message}")


def _flag(value: object, where: str) -> int:
    if isinstance(value, bool) or value not in (0, 1, "0", "1"):
        raise _bad(f"{where}: availability {value!r} is not 0 or 1")
    return int(str(value))


def read_chunk(pages: Sequence[PageBody]) -> ChunkPages:
    """Read a chunk's pages (``time,availability`` CSV or the JSON object) into bins.

    Raises:
        APIError: A page is not availability data.
    """
    out = ChunkPages(list(pages), [], [], [])
    for number, page in enumerate(pages, start=1):
        where = f"page {number}"
        if isinstance(page, str):
            rows = [r for r in csv.reader(io.StringIO(page, newline="")) if r]
            if not rows or rows[0] != ["time", "availability"]:
                raise _bad(f"{where} is not a time,availability CSV")
            for row in rows[1:]:
                if len(row) != 2:
                    raise _bad(f"{where}: a row has {len(row)} cells, not 2")
                out.times.append(row[0])
                out.values.append(_flag(row[1], where))
            out.sizes.append(len(rows) - 1)
        else:
            data = page.get("data")
            if not isinstance(data, dict):
                raise _bad(f"{where} has no data object")
            times, flags = data.get("time"), data.get("availability")
            if not isinstance(times, list) or not isinstance(flags, list):
                raise _bad(f"{where} lacks data.time or data.availability lists")
            if len(times) != len(flags):
                raise _bad(f"{where}: data.time and data.availability differ in length")
            out.times.extend(times)
            out.values.extend(_flag(v, where) for v in flags)
            out.sizes.append(len(times))
    return out


def _csv_page(template: str, times: Sequence[Any], values: Sequence[int]) -> str:
    head = next(iter(io.StringIO(template, newline="")), "")
    newline = "\r\n" if head.endswith("\r\n") else "\n"
    if not head.endswith("\n"):
        head += newline
    return head + "".join(f"{t},{v}{newline}" for t, v in zip(times, values, strict=True))


def _json_page(
    template: dict[str, Any], values: list[int], first_bin: int, grid: BinGrid
) -> dict[str, Any]:
    page = dict(template)
    page["data"] = {**template["data"], "availability": values}
    if "cardinality" in page:
        page["cardinality"] = len(values)
    if "approx_available_duration_s" in page:
        page["approx_available_duration_s"] = grid.covered_seconds(first_bin, values)
    return page


def combine_pages(chunks: Sequence[ChunkPages], operation: str, grid: BinGrid) -> list[PageBody]:
    """Combine the chunks bin by bin into pages laid out like the first chunk's.

    Raises:
        APIError: The chunks disagree on the bins (count or time cells).
    """
    first = chunks[0]
    for number, chunk in enumerate(chunks[1:], start=2):
        if len(chunk.times) != len(first.times):
            raise _bad(f"chunk {number} has {len(chunk.times)} bins, chunk 1 {len(first.times)}")
        if chunk.times != first.times:
            raise _bad(f"chunk {number}'s bin times differ from chunk 1's")
    values = combine_bins([c.values for c in chunks], operation)
    out: list[PageBody] = []
    at = 0
    for template, size in zip(first.pages, first.sizes, strict=True):
        part = values[at : at + size]
        if isinstance(template, str):
            out.append(_csv_page(template, first.times[at : at + size], part))
        else:
            out.append(_json_page(template, part, at, grid))
        at += size
    return out


def fetch_chunks(
    chunks: Sequence[list[str]],
    fetch: Callable[[list[str]], Iterator[PageBody]],
    workers: int,
) -> list[ChunkPages]:
    """Fetch every chunk (all its pages) with at most ``workers`` threads, in chunk order.

    The threads are :func:`~runestream.core._parallel.run_parallel`'s: a failing chunk cancels the
    others at once (the body in flight is cut), and so does a Ctrl-C.

    Raises:
        Exception: The first failing chunk's error (in chunk order), as a sequential run would.
    """

    def one(ids: list[str]) -> ChunkPages:
        return read_chunk(list(fetch(ids)))

    if workers <= 1 or len(chunks) <= 1:
        return [one(ids) for ids in chunks]
    return run_parallel(chunks, one, workers=workers)
