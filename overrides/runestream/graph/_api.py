"""The generated GraphQL client over a session's pooled connection, and what its callers share.

:class:`GraphAPI` is built once per :class:`~runestream.Session`: the generated
:class:`runestream_graphql.GraphClient`, whose ``http_client`` is :class:`~._http.GraphHTTP` over
the session's pooled ``httpx.Client`` for ``graph_url``; the data source the objects it builds
carry (so ``StreamMetadataSet.get_stream_dataframe()`` fetches through the same session); and
how many requests of one call may run at once (``workers``). The namespaces (``user``, ``org``,
``patient``, ``project``, ``stream_metadata``, ``event``) call it; nothing here is global.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import httpx

from runestream.core._errors import APIError, NotFoundError, ValidationError
from runestream.objects import MetadataDataSource

from ._http import GRAPHQL_PATH, GraphHTTP, RunestreamGraphClient

__all__ = ["GraphAPI", "check_id", "dump"]


class GraphAPI:
    """The typed GraphQL client of one session.

    Args:
        http: Returns the session's pooled ``httpx.Client`` for ``graph_url`` (called per
            request: after ``close()`` it raises the session's error).
        source: What the built objects fetch stream data through (the session), or ``None``.
        workers: Most requests one call sends at once (batches of ids, event windows).
    """

    def __init__(
        self,
        http: Callable[[], httpx.Client],
        source: MetadataDataSource | None,
        *,
        workers: int = 4,
    ) -> None:
        self.client = RunestreamGraphClient(url=GRAPHQL_PATH, http_client=GraphHTTP(http))
        self.source = source
        self.workers = workers

    def __repr__(self) -> str:
        return f"GraphAPI(workers={self.workers})"


def dump(model: Any) -> dict[str, Any]:
    """A generated result model as the dict runeq's query answered (runeq's aliases)."""
    dumped: dict[str, Any] = model.model_dump(by_alias=True)
    return dumped


def check_id(value: object, parameter: str) -> str:
    """``value`` if it is a non-empty string id, else a :class:`ValidationError` (no request)."""
    if not isinstance(value, str):
        raise ValidationError(
            f"{parameter} must be a string id, not {type(value).__name__}", parameter=parameter
        )
    if not value.strip():
        raise ValidationError(f"{parameter} must not be empty", parameter=parameter)
    return value


def missing(what: str) -> NoReturn:
    """Raise for a GraphQL answer whose object is null without an error saying why."""
    raise NotFoundError(f"{what} not found (the GraphQL API answered null)", error_type=None)


def malformed(what: str) -> NoReturn:
    """Raise for a GraphQL answer that lacks a list it must have."""
    raise APIError(f"the GraphQL API answered no {what}")
