"""Starlette routes of the V2 operations and the V2 error envelope."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..cache import PageCache
from ..errors import INTERNAL_ERROR, UNAUTHORIZED, ApiError
from ..settings import SandboxSettings
from .request import V2_OPERATIONS, V2Operation
from .service import handle_v2

log = logging.getLogger("runestream_sandbox")

#: V2 names of error types that differ from V1's (the facts: bad credentials are
#: ``401 InvalidAuthentication``); every other type keeps its V1 name.
V2_TYPE_NAMES = {UNAUTHORIZED: "InvalidAuthentication"}


def v2_error_body(error_type: str, message: str) -> bytes:
    """``{"error": {"message": ..., "type": ...}}`` (no ``success``/``result``, unlike V1)."""
    kind = V2_TYPE_NAMES.get(error_type, error_type)
    return json.dumps({"error": {"message": message, "type": kind}}).encode()


def v2_error_response(err: ApiError) -> Response:
    """The ``application/json`` response of an error on a V2 path (also for CSV requests)."""
    return Response(
        v2_error_body(err.error_type, err.message),
        status_code=err.status_code,
        media_type="application/json",
        headers=err.headers,
    )


def _endpoint(op: V2Operation) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        # imported here: app.py imports this module
        from ..app import SlicedResponse

        settings: SandboxSettings = request.app.state.settings
        cache: PageCache = request.app.state.cache
        headers = dict(request.headers)
        query = request.query_params.multi_items()
        stream_id = request.path_params.get("stream_id")
        try:
            page = await anyio.to_thread.run_sync(
                handle_v2, op, stream_id, headers, query, settings, cache
            )
        except ApiError as err:
            return v2_error_response(err)
        except Exception:  # pragma: no cover - a sandbox bug; still answer with the envelope
            log.exception("sandbox failure on %s", request.url)
            return v2_error_response(ApiError(INTERNAL_ERROR, "internal sandbox error"))
        if settings.page_latency_s > 0:
            await anyio.sleep(settings.page_latency_s)
        return SlicedResponse(page.body, media_type=page.media_type, headers=page.headers)

    endpoint.__name__ = op.name
    return endpoint


def v2_routes() -> list[Route]:
    """One ``GET`` route per V2 operation."""
    return [Route(op.path, _endpoint(op), methods=["GET"]) for op in V2_OPERATIONS]
