"""Fault injection: 429, 503, dropped connections and latency, per app and per request.

Per app: :class:`FaultController` (``app.state.faults``) holds :class:`~.settings.FaultRule`
objects that hit "the next N matching requests". Per request: the ``X-Sandbox-Fault`` header,
e.g. ``429``, ``429;retry-after=2``, ``503``, ``drop``, ``drop=1000`` or ``latency=0.25``
(several separated by commas).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import RATE_LIMITED, SERVICE_UNAVAILABLE, error_body, graphql_error_body
from .settings import FaultRule
from .v2.routes import v2_error_body

FAULT_HEADER = b"x-sandbox-fault"


@dataclass
class _Armed:
    rule: FaultRule
    seen: int = 0
    fired: int = 0


class FaultController:
    """Thread-safe set of fault rules with their counters."""

    def __init__(self, rules: list[FaultRule] | None = None) -> None:
        self._lock = threading.Lock()
        self._armed = [_Armed(replace(r)) for r in rules or []]

    def add(self, rule: FaultRule) -> FaultRule:
        """Arm a rule (its counters start at zero); returns it."""
        with self._lock:
            self._armed.append(_Armed(replace(rule)))
        return rule

    def clear(self) -> None:
        """Disarm every rule."""
        with self._lock:
            self._armed.clear()

    @property
    def rules(self) -> list[FaultRule]:
        """The rules still armed."""
        with self._lock:
            return [a.rule for a in self._armed]

    def take(self, path: str) -> list[FaultRule]:
        """Count a request against every matching rule; return the rules that fire for it."""
        firing: list[FaultRule] = []
        with self._lock:
            for armed in self._armed:
                rule = armed.rule
                if rule.path is not None and not (
                    path == rule.path or fnmatchcase(path, rule.path)
                ):
                    continue
                armed.seen += 1
                if armed.seen <= rule.skip:
                    continue
                if rule.count is None or armed.fired < rule.count:
                    armed.fired += 1
                    firing.append(rule)
            self._armed = [a for a in self._armed if a.rule.count is None or a.fired < a.rule.count]
        return firing


def parse_fault_header(value: str) -> list[FaultRule]:
    """Rules from an ``X-Sandbox-Fault`` header value (unknown items are ignored)."""
    rules: list[FaultRule] = []
    for item in value.split(","):
        item = item.strip().lower()
        if not item:
            continue
        head, *opts = [p.strip() for p in item.split(";")]
        name, _, arg = head.partition("=")
        options = dict(o.partition("=")[::2] for o in opts)
        try:
            if name in ("429", "503"):
                retry = float(options.get("retry-after", arg or "1") or 1)
                rules.append(FaultRule(name, retry_after_s=retry))  # type: ignore[arg-type]
            elif name == "drop":
                rules.append(FaultRule("drop", drop_after_bytes=int(arg) if arg else None))
            elif name == "latency":
                rules.append(FaultRule("latency", latency_s=float(arg or 0)))
        except ValueError:
            continue
    return rules


def _retry_after(seconds: float) -> bytes:
    return str(max(0, round(seconds)) if float(seconds).is_integer() else seconds).encode()


#: The GraphQL endpoint (``graph.route.GRAPHQL_PATH``; not imported: the graph package imports
#: the V2 world).
GRAPHQL = "/graphql"


class FaultMiddleware:
    """ASGI middleware that applies the faults of each ``/v1/``, ``/v2/`` and ``/graphql`` request.

    A 429/503 fault answers in the envelope of its API (V1, V2, or GraphQL ``errors``).
    """

    def __init__(self, app: ASGIApp, controller: FaultController) -> None:
        self.app = app
        self.controller = controller

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Apply latency, short-circuit with 429/503, or truncate the body and hang up."""
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not (path.startswith(("/v1/", "/v2/")) or path == GRAPHQL):
            await self.app(scope, receive, send)
            return
        rules = self.controller.take(scope["path"])
        for key, value in scope.get("headers", []):
            if key.lower() == FAULT_HEADER:
                rules += parse_fault_header(value.decode("latin-1"))
        for rule in rules:
            if rule.kind == "latency" and rule.latency_s > 0:
                await anyio.sleep(rule.latency_s)
        for rule in rules:
            if rule.kind in ("429", "503"):
                await self._error(send, rule, path)
                return
        drop = next((r for r in rules if r.kind == "drop"), None)
        if drop is None:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _Truncator(send, drop.drop_after_bytes))

    async def _error(self, send: Send, rule: FaultRule, path: str) -> None:
        if rule.kind == "429":
            status, kind, msg = 429, RATE_LIMITED, "rate limit exceeded; retry later"
        else:
            status, kind, msg = 503, SERVICE_UNAVAILABLE, "service temporarily unavailable"
        if path == GRAPHQL:
            body = graphql_error_body(kind, msg)
        elif path.startswith("/v2/"):
            body = v2_error_body(kind, msg)
        else:
            body = error_body(kind, msg)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", _retry_after(rule.retry_after_s)),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


class _Truncator:
    """A ``send`` that forwards the headers, then only part of the body, then stops.

    The app's response is never completed, so the server closes the connection: the client
    sees fewer bytes than the ``Content-Length`` it was promised.
    """

    def __init__(self, send: Send, keep: int | None) -> None:
        self.send = send
        self.keep = keep
        self.start: Message | None = None
        self.body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body":
            await self.send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body", False):
            return
        assert self.start is not None
        headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(self.body)).encode()))
        await self.send({**self.start, "headers": headers})
        keep = len(self.body) // 2 if self.keep is None else min(self.keep, len(self.body) - 1)
        keep = max(keep, 0)
        if keep:
            await self.send(
                {"type": "http.response.body", "body": bytes(self.body[:keep]), "more_body": True}
            )
        # returning without the final body message makes the server drop the connection
