"""The pages of a V2 query: the shared Paginator with ``page_token``, bodies as runeq yields them.

One item per server page: CSV text (``format="csv"``) or the decoded JSON object
(``format="json"``). Tokens are followed by :class:`~runestream.Paginator` (a repeated or empty
token raises :class:`~runestream.PaginationError` instead of looping), with the V2 name
``page_token`` and every other parameter unchanged, ``limit`` included, as runeq sends it.

``limit`` counts timestamps across all pages. The server is trusted to honour it, and the
client holds it too: once ``limit`` rows have arrived no further page is requested, and a page
that would overshoot is cut to the rows still due (CSV at a record boundary, JSON column by
column), so the caller never sees more than ``limit`` timestamps.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from runestream_api.models.stream_format import StreamFormat
from runestream_api.types import Response

from ..core._errors import APIError
from ..core._pagination import V2_PAGE_TOKEN_PARAM, Page, Paginator

__all__ = ["PageBody", "csv_records", "iter_bodies", "paginator", "trim_csv", "trim_json"]

#: One page as yielded: CSV text or a JSON object.
PageBody = str | dict[str, Any]


def paginator(
    fetch: Callable[..., Response[Any]],
    client: Any,
    kwargs: Mapping[str, Any],
    *,
    max_pages: int | None = None,
    **options: Any,
) -> Paginator[Page]:
    """The shared :class:`~runestream.Paginator` set up for a V2 operation (``page_token``).

    The seam for typed paths (``to_arrow`` & co.): they take the same validated ``kwargs`` and
    iterate ``paginator(...).iter_pages()`` themselves. ``options`` are the Paginator's
    (``deadline``, ``describe``, ``on_page``).
    """
    return Paginator(
        fetch,
        client=client,
        kwargs=kwargs,
        max_pages=max_pages,
        token_param=V2_PAGE_TOKEN_PARAM,
        **options,
    )


def _text(page: Page) -> str:
    parsed = page.response.parsed
    if isinstance(parsed, str):
        return parsed
    return page.content.decode("utf-8", errors="replace")


def _json(page: Page) -> dict[str, Any]:
    try:
        body: Any = json.loads(page.content)
    except ValueError as exc:
        raise APIError(
            f"page {page.number} is not valid JSON ({exc})",
            status_code=int(page.response.status_code),
            path=page.path,
        ) from None
    if not isinstance(body, dict):
        raise APIError(
            f"page {page.number} is not a JSON object",
            status_code=int(page.response.status_code),
            path=page.path,
        )
    return body


def _csv_record_ends(text: str) -> Iterator[int]:
    """Offsets just past each data record (after the header) of a CSV text."""
    lines = io.StringIO(text, newline="").readlines()
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    reader = csv.reader(lines)
    header_done = False
    for row in reader:
        if not row:
            continue
        if not header_done:
            header_done = True
            continue
        yield offsets[min(reader.line_num, len(lines))]


def csv_records(text: str) -> int:
    """Data records (rows after the header) in a CSV page; quoted newlines are one record."""
    return sum(1 for _ in _csv_record_ends(text))


def trim_csv(text: str, rows: int) -> str:
    """The CSV page cut after its first ``rows`` data records (the header kept)."""
    if rows <= 0:
        return next(iter(io.StringIO(text, newline="")), "")
    for count, end in enumerate(_csv_record_ends(text), start=1):
        if count == rows:
            return text[:end]
    return text


def _json_rows(body: Mapping[str, Any]) -> int:
    data = body.get("data")
    if isinstance(data, dict) and isinstance(data.get("time"), list):
        return len(data["time"])
    cardinality = body.get("cardinality")
    return cardinality if isinstance(cardinality, int) else 0


def trim_json(body: dict[str, Any], rows: int) -> dict[str, Any]:
    """The JSON page with every column of ``data`` cut to ``rows`` (``cardinality`` too)."""
    data = body.get("data")
    if not isinstance(data, dict):
        return body
    trimmed = {k: (v[:rows] if isinstance(v, list) else v) for k, v in data.items()}
    out = {**body, "data": trimmed}
    if "cardinality" in out:
        out["cardinality"] = rows
    return out


def iter_bodies(pages: Paginator[Page], fmt: StreamFormat, limit: int | None) -> Iterator[PageBody]:
    """Yield each page's body (CSV text or JSON object), holding ``limit`` across pages.

    Args:
        pages: The paginator of the query.
        fmt: The requested format (decides how a body is read).
        limit: The caller's ``limit`` (``None`` or 0: everything).

    Yields:
        One body per server page, in order.

    Raises:
        APIError: A request failed or a JSON page is not a JSON object.
        PaginationError: The server repeated a page token.
    """
    remaining = limit if limit else None
    for page in pages.iter_pages():
        body: PageBody
        if fmt is StreamFormat.JSON:
            body = _json(page)
            rows = _json_rows(body)
            if remaining is not None and rows > remaining:
                body = trim_json(body, remaining)
        else:
            body = _text(page)
            rows = csv_records(body) if remaining is not None else 0
            if remaining is not None and rows > remaining:
                body = trim_csv(body, remaining)
        yield body
        if remaining is not None:
            remaining -= min(rows, remaining)
            if remaining == 0:
                return
