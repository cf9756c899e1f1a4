"""``POST /graphql``: the GraphQL metadata API, with the Stream API's credentials.

The body is ``{"query", "variables", "operationName"}`` (JSON). The credentials are checked
first, exactly as for ``/v2`` (access token pair, client key pair, or a JWT in
``X-Rune-User-Access-Token``): a missing or wrong one answers **HTTP 401** with a GraphQL-shaped
body, ``{"errors": [{"message", "extensions": {"code": "InvalidAuthentication"}}]}``. Each
credential has its own active org (``updateDefaultMembership`` switches it for that credential
only, for the app's lifetime). A body that is not JSON, or a query that does not parse or
validate, answers HTTP 400; resolver errors (not found, bad arguments) answer 200 with
``errors`` beside ``data``, as GraphQL servers do.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..auth import Principal
from ..catalog import CLIENT_KEY_PATIENT
from ..errors import ApiError, graphql_error_body
from ..settings import SandboxSettings
from ..v2.service import authenticate_v2
from .query import DEFAULT_SETTINGS, GraphSettings, GraphState
from .routing import GraphContext
from .schema import execute
from .world import WORLD, World, normalize_patient_id

__all__ = ["GRAPHQL_PATH", "GraphStates", "graphql_error_response", "graphql_routes"]

log = logging.getLogger("runestream_sandbox")

GRAPHQL_PATH = "/graphql"


class GraphStates:
    """The active org of each credential (a fresh one starts at the user's default org), and
    the world the app answers from (:data:`~.world.WORLD` unless ``stream_copies`` is set)."""

    def __init__(self, settings: GraphSettings = DEFAULT_SETTINGS, world: World = WORLD) -> None:
        self.settings = settings
        self.world = world
        self._lock = threading.Lock()
        self._states: dict[tuple[str, str | None], GraphState] = {}

    def context(self, principal: Principal) -> GraphContext:
        key = (principal.method, principal.patient_id)
        with self._lock:
            state = self._states.setdefault(key, GraphState.initial(self.world))
        only = None if principal.patient_id is None else normalize_patient_id(CLIENT_KEY_PATIENT)
        return GraphContext(self.world, state, self.settings, only_patient=only)


def _errors(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = graphql_error_body(code, message)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def graphql_error_response(err: ApiError) -> Response:
    """An HTTP-level error on ``/graphql`` (405, a fault's 429/503), GraphQL-shaped."""
    return _errors(err.status_code, err.error_type, err.message, err.headers)


def _run(
    body: Any, headers: dict[str, str], settings: SandboxSettings, states: GraphStates
) -> tuple[bool, dict[str, Any]]:
    principal = authenticate_v2(headers)
    del settings
    return execute(body, states.context(principal))


async def _endpoint(request: Request) -> Response:
    settings: SandboxSettings = request.app.state.settings
    states: GraphStates = request.app.state.graph_states
    headers = dict(request.headers)
    raw = await request.body()
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = None
    if not isinstance(body, dict):
        # credentials first, as everywhere: an anonymous garbage body is still a 401
        try:
            authenticate_v2(headers)
        except ApiError as err:
            return _errors(err.status_code, "InvalidAuthentication", err.message)
        return _errors(400, "BAD_REQUEST", 'the body must be a JSON object {"query": ...}')
    try:
        success, result = await anyio.to_thread.run_sync(_run, body, headers, settings, states)
    except ApiError as err:
        return _errors(err.status_code, "InvalidAuthentication", err.message)
    except Exception:  # pragma: no cover - a sandbox bug; still answer GraphQL-shaped
        log.exception("sandbox failure on %s", request.url)
        return _errors(500, "InternalError", "internal sandbox error")
    if settings.page_latency_s > 0:
        await anyio.sleep(settings.page_latency_s)
    return JSONResponse(result, status_code=200 if success else 400)


def graphql_routes() -> list[Route]:
    """The ``POST /graphql`` route (``app.state.graph_states`` must hold a :class:`GraphStates`)."""
    return [Route(GRAPHQL_PATH, _endpoint, methods=["POST"])]
