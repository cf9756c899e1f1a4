"""The HTTP client handed to the generated GraphQL client: runestream's stack, GraphQL errors.

``runestream_graphql.GraphClient`` posts ``{"query", "operationName", "variables"}`` through
whatever ``http_client`` it is given. :class:`GraphHTTP` is that client: it posts through the
session's pooled ``httpx.Client`` for ``graph_url`` (auth, timeouts, retries, redirect guard,
non-2xx errors, log redaction: the same stack as the Stream API, see
:mod:`runestream.core._transport`), and adds what is GraphQL's own:

- a **query** is safe to repeat, so it is marked ``SAFE_TO_REPEAT_EXTENSION`` (see
  :mod:`runestream.core._retry`) and retried on 429/5xx and connection errors like a ``GET``;
  a **mutation** is retried only after an error raised before any byte was sent (the retry
  policy's rule for a ``POST``);

and :class:`RunestreamGraphClient` (the generated client whose ``get_data`` reads each 2xx
answer once, with :func:`graphql_data`):

- a 2xx answer with GraphQL ``errors`` raises the :class:`~runestream.APIError` subclass its
  first ``extensions.code`` names (``NotFoundError`` → :class:`~runestream.NotFoundError`, ...;
  :func:`~runestream.core._errors.error_from_graphql`), never handed on as data;
- a 2xx answer that is not a GraphQL response (not JSON, or neither ``data`` nor ``errors``)
  raises :class:`~runestream.APIError` with a snippet of what came.
"""

from __future__ import annotations

import json as _json
import re
from collections.abc import Callable
from typing import Any, Final

import httpx

from runestream.core._errors import (
    APIError,
    error_from_graphql,
    graphql_errors,
    redacted_path,
)
from runestream.core._retry import SAFE_TO_REPEAT_EXTENSION
from runestream_graphql import GraphClient
from runestream_graphql.base_client import Response

__all__ = ["GRAPHQL_PATH", "GraphHTTP", "RunestreamGraphClient", "graphql_data", "is_mutation"]

#: Where the GraphQL API answers, below ``graph_url`` (runeq: ``{graph_url}/graphql``).
GRAPHQL_PATH: Final = "/graphql"
#: The first keyword of a GraphQL document, after comments and whitespace.
_FIRST_WORD = re.compile(r"^(?:\s|,|#[^\n]*\n?)*([A-Za-z_]\w*|\{)")


def is_mutation(document: str) -> bool:
    """Whether the first operation of ``document`` is a ``mutation``.

    Args:
        document: GraphQL source, as the generated client sends it.
    """
    match = _FIRST_WORD.match(document)
    return match is not None and match.group(1) == "mutation"


def _snippet(response: httpx.Response) -> str:
    text = response.content[:200].decode("utf-8", errors="replace")
    return " ".join(text.split()) or "(empty body)"


class GraphHTTP:
    """``http_client`` of the generated :class:`runestream_graphql.GraphClient`.

    Args:
        client: A callable returning the pooled ``httpx.Client`` whose ``base_url`` is the
            GraphQL API's (called per request, so a closed session raises its own error).
    """

    def __init__(self, client: Callable[[], httpx.Client]) -> None:
        self._client = client

    def post(
        self,
        url: Any = None,
        json: Any | None = None,
        data: Any | None = None,
        files: Any | None = None,
        headers: Any | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """POST one GraphQL request (its 2xx body is read by :class:`RunestreamGraphClient`).

        Args:
            url: Ignored (always :data:`GRAPHQL_PATH` below the client's ``base_url``).
            json: The request body ``{"query", "operationName", "variables"}``.
            data: Unused (multipart uploads are not part of this API).
            files: Unused.
            headers: Extra headers, if any.
            **kwargs: Passed to ``httpx.Client.post`` (``extensions``, ``timeout``).

        Raises:
            APIError: The subclass for a non-2xx status (the session's transport).
        """
        del url
        if data is not None or files is not None:
            raise TypeError("GraphHTTP sends JSON bodies only (no multipart uploads)")
        body = json if isinstance(json, dict) else {}
        extensions = dict(kwargs.pop("extensions", None) or {})
        if not is_mutation(str(body.get("query", ""))):
            extensions[SAFE_TO_REPEAT_EXTENSION] = True
        return self._client().post(
            GRAPHQL_PATH, json=json, headers=headers, extensions=extensions, **kwargs
        )

    def close(self) -> None:
        """Nothing to do: the session owns and closes the pooled client."""


class RunestreamGraphClient(GraphClient):
    """The generated client, reading each answer once with :func:`graphql_data` (so GraphQL
    ``errors`` raise runestream's error tree, not the generated client's own exceptions)."""

    def get_data(self, response: Response) -> dict[str, Any]:
        """The ``data`` of a 2xx GraphQL answer; see :func:`graphql_data`."""
        assert isinstance(response, httpx.Response)
        return graphql_data(response)


def graphql_data(response: httpx.Response) -> dict[str, Any]:
    """The ``data`` of a 2xx ``response``, decoded once; raise unless it is a GraphQL result
    free of ``errors``.

    Args:
        response: A 2xx response to a GraphQL request, body read.

    Raises:
        APIError: See the module docstring.
    """
    try:
        decoded: Any = _json.loads(response.content)
    except ValueError:
        decoded = None
    if not isinstance(decoded, dict) or ("data" not in decoded and "errors" not in decoded):
        raise APIError(
            f"the GraphQL API answered something that is not a GraphQL response: "
            f"{_snippet(response)}",
            status_code=response.status_code,
            path=redacted_path(response.request.url),
            request=response.request,
            response=response,
        )
    errors = graphql_errors(decoded)
    if errors:
        raise error_from_graphql(errors, response)
    if decoded.get("errors") not in (None, []) or not isinstance(decoded.get("data"), dict):
        raise APIError(
            f"the GraphQL API answered no data and no well-formed errors: {_snippet(response)}",
            status_code=response.status_code,
            path=redacted_path(response.request.url),
            request=response.request,
            response=response,
        )
    data: dict[str, Any] = decoded["data"]
    return data
