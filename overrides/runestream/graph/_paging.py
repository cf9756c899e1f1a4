"""Follow GraphQL cursors to the end, and refuse a cursor the API repeats.

Every list of the metadata API pages by an opaque cursor: ``pageInfo.endCursor`` (or
``codeNameEndCursor`` for project and cohort patients) is sent back as the next request's
cursor until it is null or empty (runeq's rule). A cursor the API has already handed out would
make the loop endless (runeq's project patients did just that): :func:`follow_cursor` raises
:class:`~runestream.PaginationError` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from runestream.core._errors import PaginationError

__all__ = ["follow_cursor"]

T = TypeVar("T")


def follow_cursor(
    fetch: Callable[[str | None], tuple[Iterable[T], str | None]],
    *,
    what: str,
    first: tuple[Iterable[T], str | None] | None = None,
) -> Iterator[T]:
    """Yield the items of every page, fetching each with the previous page's end cursor.

    Args:
        fetch: Given a cursor (``None`` for the first page), returns that page's items and its
            end cursor (``None`` or ``""`` on the last page).
        what: What is listed, for the error (``"patients"``, ``"devices of patient 0001"``).
        first: The first page, when another query already brought it (then ``fetch`` is
            called from its end cursor on).

    Raises:
        PaginationError: The API returned a cursor it had already returned.
    """
    seen: set[str] = set()
    cursor: str | None = None
    while True:
        if first is not None:
            (items, end), first = first, None
        else:
            items, end = fetch(cursor)
        yield from items
        if not end:
            return
        if end in seen:
            raise PaginationError(
                f"the GraphQL API repeated a page cursor while listing {what} "
                f"(after {len(seen) + 1} pages); stopping instead of looping forever"
            )
        seen.add(end)
        cursor = end
