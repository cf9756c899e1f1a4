"""One rule for the columns of a result's pages, shared by every CSV output.

Every CSV page starts with its own header row. The first page with a header fixes the result's
columns and their order. A later page whose header holds the same names in another order is
matched by name: its columns are put back in the first page's order (a table by selecting its
columns, CSV rows by rewriting them). A page with any other set of columns (one renamed,
missing or added) is refused with a :class:`~runestream.CSVParseError` naming the page and both
headers: rows under another schema are never silently mixed in, and never null-filled.

Pages without a header (empty bodies) have no columns and are skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Final

import pyarrow as pa  # type: ignore[import-untyped]

from ._errors import CSVParseError

__all__ = ["PageColumns", "where", "write_reordered_rows"]

#: Longest header text shown in a message (characters).
HEADER_CHARS: Final = 200
#: Rewritten rows written at a time.
_ROWS_PER_WRITE: Final = 4096


def where(page: int, path: str | None, unit: str = "CSV page") -> str:
    """How messages name a page: ``CSV page 3 of /v1/accel.csv?...`` (``unit`` replaces
    ``CSV page``, e.g. ``time chunk``).

    Args:
        page: The page's number, from 1.
        path: The request path, or ``None``/empty when unknown.
        unit: What is numbered.

    Returns:
        The text.
    """
    return f"{unit} {page} of {path}" if path else f"{unit} {page}"


def _shown(names: Sequence[str]) -> str:
    text = ",".join(names)
    return repr(text if len(text) <= HEADER_CHARS else text[: HEADER_CHARS - 1] + "…")


class PageColumns:
    """The columns of the first page with a header, and the check of every later page.

    One instance follows one result (or one set of time chunks), in order.

    Args:
        unit: What the numbered items are called in messages (``CSV page``, ``time chunk``).
    """

    def __init__(self, unit: str = "CSV page") -> None:
        self._unit = unit
        self._names: list[str] | None = None
        self._index: dict[str, int] = {}
        self._first = 0

    @property
    def names(self) -> list[str] | None:
        """The result's columns (the first page's), or ``None`` before any header."""
        return None if self._names is None else list(self._names)

    def order(self, names: Sequence[str], page: int, path: str | None = None) -> list[int] | None:
        """Check a page's column names against the first page's.

        Args:
            names: The page's header row, as names (empty for a page without a header).
            page: The page's number, from 1.
            path: The request path, for messages.

        Returns:
            ``None`` when the page needs no change (the first page, a page without columns, or
            the same names in the same order); else, for each of the first page's columns in
            order, the index of that column in this page.

        Raises:
            CSVParseError: The page's set of columns differs from the first page's.
        """
        if not names:
            return None
        if self._names is None:
            self._names = list(names)
            self._index = {name: i for i, name in enumerate(names)}
            self._first = page
            return None
        if list(names) == self._names:
            return None
        positions = {name: i for i, name in enumerate(names)}
        if len(positions) != len(names) or positions.keys() != self._index.keys():
            raise CSVParseError(
                f"{where(page, path, self._unit)}: columns {_shown(names)} differ from "
                f"{self._unit} {self._first}'s {_shown(self._names)}; one result cannot hold "
                "both",
                path=path or None,
            )
        return [positions[name] for name in self._names]

    def table(self, table: pa.Table, page: int, path: str | None = None) -> pa.Table:
        """Return ``table`` with its columns in the first page's order (no copy of the data).

        Args:
            table: A page's table (without columns for an empty page).
            page: The page's number, from 1.
            path: The request path, for messages.

        Returns:
            The same table, or a zero-copy reordering of it.

        Raises:
            CSVParseError: The table's set of columns differs from the first page's.
        """
        if not table.num_columns:
            return table
        order = self.order(table.column_names, page, path)
        return table if order is None else table.select(order)


def write_reordered_rows(
    lines: Iterable[bytes], order: list[int], out: IO[bytes], *, page: int, path: str | None
) -> int:
    """Write CSV rows (without their header) with their fields rearranged, to ``out``.

    For the rare page whose header is a reordering of the first page's: each row's fields are
    written in ``order`` (see :meth:`PageColumns.order`); field texts are kept, quoted where
    CSV needs it, rows end with ``\\n``. Streams line by line: memory holds a few thousand rows.

    Args:
        lines: The page's data lines (UTF-8 bytes, any line ending), header excluded.
        order: For each output column, its index in the page.
        out: Where the rows go.
        page: The page's number, for messages.
        path: The request path, for messages.

    Returns:
        The number of rows written (blank lines are skipped).

    Raises:
        CSVParseError: A row has another number of fields than the header.
    """
    text = (line.decode("utf-8") for line in lines)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    count = 0
    for row in _rows(text):
        if len(row) != len(order):
            raise CSVParseError(
                f"{where(page, path)}: row {count + 1} has {len(row)} fields, the header "
                f"{len(order)}",
                path=path or None,
            )
        writer.writerow([row[i] for i in order])
        count += 1
        if count % _ROWS_PER_WRITE == 0:
            out.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue().encode("utf-8"))
    return count


def _rows(text: Iterator[str]) -> Iterator[list[str]]:
    for row in csv.reader(text):
        if row:
            yield row
