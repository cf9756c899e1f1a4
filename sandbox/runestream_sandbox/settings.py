"""Configuration of one sandbox app instance: data knobs, limits and fault injection."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .graph.query import GraphSettings


FaultKind = Literal["429", "503", "drop", "latency"]


@dataclass
class FaultRule:
    """One injected fault, applied to the next ``count`` matching requests.

    Attributes:
        kind: ``"429"`` (rate limited, with ``Retry-After``), ``"503"`` (service unavailable),
            ``"drop"`` (headers with a Content-Length, part of the body, then the connection is
            closed) or ``"latency"`` (sleep ``latency_s`` before answering).
        count: how many matching requests get the fault; ``None`` means every one, forever.
        skip: let this many matching requests through untouched before the fault starts
            (``skip=1, count=1`` means "the 2nd matching request fails once").
        path: only requests whose path matches (exact, or an ``fnmatch`` pattern such as
            ``/v1/*.csv``, ``/v2/streams/*``, ``/graphql``) count; ``None`` matches every
            ``/v1/``, ``/v2/`` and ``/graphql`` request.
        retry_after_s: value of the ``Retry-After`` header for 429 (and 503 when set).
        latency_s: delay for ``"latency"``.
        drop_after_bytes: for ``"drop"``, how many body bytes are sent before closing; ``None``
            sends half of the body.
    """

    kind: FaultKind
    count: int | None = 1
    skip: int = 0
    path: str | None = None
    retry_after_s: float = 1.0
    latency_s: float = 0.0
    drop_after_bytes: int | None = None


@dataclass
class SandboxSettings:
    """Knobs of one sandbox app; every default gives the faithful, fault-free behaviour.

    Attributes:
        faults: fault rules active from the start (also editable at runtime through
            ``app.state.faults``).
        page_latency_s: fixed delay added to every data request (one per page).
        accel_rate_hz: sample rate of watch accelerometry (benchmarks use 100 for more rows).
        rotation_rate_hz: sample rate of watch rotation.
        span_page_size: spans per page of ``/v1/span.json`` (the docs give span no page_size).
        cache_max_bytes: budget of the LRU cache of rendered pages.
        cache_max_entries: maximum number of cached pages.
        max_buckets: upper bound on time buckets a downsampling/availability query may span.
        token_secret: key used to sign page tokens (tokens stay valid across restarts).
        v2_page_size: points (or availability bins) per page of the V2 data and availability
            operations (V2 has no page-size parameter; the server decides).
        v2_max_batch_ids: most ``stream_id`` values one ``/v2/batch/availability`` request
            takes (more are a 400).
        v2_max_windows: most windows one ``aggregate_window`` response holds (more are a 400).
        graph: page sizes and limits of ``/graphql``; ``None``: the defaults (small, so that
            lists page).
        stream_copies: for benchmarks that need a bigger catalogue: every V2 stream appears
            this many more times, each copy with one more parameter ``copy`` (``"1"`` ..
            ``"n"``, hence its own id) and the same patient, device, type, algorithm and
            points. ``/graphql`` lists the copies after the catalogue's streams and ``/v2``
            serves them; 0 (the default) is the catalogue of ``STREAMS``, unchanged.
    """

    faults: list[FaultRule] = field(default_factory=list)
    page_latency_s: float = 0.0
    accel_rate_hz: float = 50.0
    rotation_rate_hz: float = 50.0
    span_page_size: int = 10_000
    cache_max_bytes: int = 512 * 1024 * 1024
    cache_max_entries: int = 64
    max_buckets: int = 10_000_000
    token_secret: str = "runestream-sandbox-token-secret"
    v2_page_size: int = 100_000
    v2_max_batch_ids: int = 50
    v2_max_windows: int = 100_000
    graph: GraphSettings | None = None
    stream_copies: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.stream_copies, int) or self.stream_copies < 0:
            raise ValueError(f"stream_copies must be an int >= 0, not {self.stream_copies!r}")
