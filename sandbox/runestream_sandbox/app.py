"""The Starlette application: one route per operation, JSON error envelopes everywhere."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .cache import PageCache
from .errors import INTERNAL_ERROR, METHOD_NOT_ALLOWED, NOT_FOUND, ApiError, error_response
from .faults import FaultController, FaultMiddleware
from .operations import OPERATIONS, Operation
from .service import handle
from .settings import SandboxSettings

log = logging.getLogger("runestream_sandbox")


def _endpoint(op: Operation) -> Callable[[Request], Awaitable[Response]]:
    """The request handler of one operation (the work runs in a worker thread)."""

    async def endpoint(request: Request) -> Response:
        settings: SandboxSettings = request.app.state.settings
        cache: PageCache = request.app.state.cache
        headers = dict(request.headers)
        query = request.query_params.multi_items()
        try:
            page = await anyio.to_thread.run_sync(handle, op, headers, query, settings, cache)
        except ApiError as err:
            return error_response(err)
        except Exception:  # pragma: no cover - a sandbox bug; still answer with the envelope
            log.exception("sandbox failure on %s", request.url)
            return error_response(ApiError(INTERNAL_ERROR, "internal sandbox error"))
        if settings.page_latency_s > 0:
            await anyio.sleep(settings.page_latency_s)
        return Response(page.body, media_type=page.media_type, headers=page.headers)

    endpoint.__name__ = f"get_{op.resource}_{op.fmt}"
    return endpoint


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        # RFC 9110: a 405 must list the allowed methods (Starlette's exception carries them).
        allow = (exc.headers or {}).get("Allow", "GET, HEAD")
        err = ApiError(
            METHOD_NOT_ALLOWED,
            f"method {request.method} not allowed; use GET",
            headers={"Allow": allow},
        )
    else:
        err = ApiError(NOT_FOUND, f"no such endpoint: {request.url.path}")
    return error_response(err)


async def _index(request: Request) -> Response:
    """A tiny index (not part of the API) listing the operations."""
    del request
    return JSONResponse({"sandbox": "runestream", "operations": [op.path for op in OPERATIONS]})


def create_app(settings: SandboxSettings | None = None) -> Starlette:
    """Build a sandbox app; its mutable state lives in ``app.state``.

    ``app.state.settings`` (the :class:`SandboxSettings`), ``app.state.faults`` (a
    :class:`FaultController` seeded with ``settings.faults``) and ``app.state.cache``.
    """
    settings = settings or SandboxSettings()
    controller = FaultController(settings.faults)
    routes = [Route(op.path, _endpoint(op), methods=["GET"]) for op in OPERATIONS]
    routes.append(Route("/", _index, methods=["GET"]))
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, controller=controller)],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.settings = settings
    app.state.faults = controller
    app.state.cache = PageCache(settings.cache_max_entries, settings.cache_max_bytes)
    return app
