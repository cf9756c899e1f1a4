"""The sandbox server process of the scale suite (``--suite scale``, issue 15 point 4).

Started by :mod:`benchmarks.scale` as its own process, for the reasons of
:mod:`benchmarks.serve` (no page cache or server CPU in a measured process; a small
orchestrator). Same protocol as :mod:`benchmarks.serve`: the configuration is one JSON object
in ``argv[1]``; once both servers are up, one JSON line (URLs, credentials, windows); then
``stats``, ``requests`` and ``quit`` on stdin.

Two servers with page caches big enough for every page of the run: ``plain`` and
``latency`` (``SandboxSettings.page_latency_s`` added to every V2 data page and every
``/graphql`` answer). Each counts, by path, the requests it answers and the body bytes it
sends (``bytes:<path>`` keys), so that every case's requests and bytes are the server's
count, whatever the client.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from benchmarks.serve import CACHE_MAX_BYTES, CACHE_MAX_ENTRIES
from runestream_sandbox import (
    ACCESS_TOKEN_ID,
    ACCESS_TOKEN_SECRET,
    SandboxServer,
    SandboxSettings,
)

#: Prefix of the byte counters in the ``requests`` answer (``bytes:/v2/streams/{id}``).
BYTES_PREFIX = "bytes:"


class TrafficCounter:
    """ASGI middleware counting requests and response body bytes, by path group."""

    def __init__(self, app: Any, counts: dict[str, int]) -> None:
        self.app = app
        self.counts = counts

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        group = "/v2/streams/{id}" if path.startswith("/v2/streams/") else path
        counts = self.counts
        counts[group] = counts.get(group, 0) + 1
        key = BYTES_PREFIX + group

        async def counting_send(message: Any) -> None:
            if message.get("type") == "http.response.body":
                counts[key] = counts.get(key, 0) + len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting_send)


def _pages(rows: int, page_size: int) -> int:
    """Pages the server sends for a window of ``rows`` points (an empty window: one page)."""
    return max(1, -(-rows // page_size))


def scale_windows(settings: SandboxSettings, config: dict[str, Any]) -> dict[str, Any]:
    """The streams of the selections and what the window holds, counted on the sandbox.

    Args:
        settings: The servers' settings (sample rates and page size decide rows and pages).
        config: ``selections`` (each ``patient_id`` and optional ``category``), ``start_s``,
            ``end_s`` and ``partitions_s`` (the read partition lengths to count pages for).

    Returns:
        ``scale``: ``stream_ids``, ``start_s``, ``end_s``, ``rows``, ``pages`` (by partition
        length, in seconds, as text), per-stream ``streams`` (kind, rows), ``selections``;
        ``light``: the same for the streams of the selections whose window fits one page (for
        the fixed cost of a partition); ``patient_days``: for each patient of the sandbox, all
        its streams over the same window: streams, rows and pages (what one patient-day costs,
        for ``docs/scale.md``).
    """
    from runestream_sandbox import find_streams
    from runestream_sandbox.v2.sources import source_for

    start_s, end_s = float(config["start_s"]), float(config["end_s"])
    page = settings.v2_page_size

    def rows_in(stream: Any, lo_s: float, hi_s: float) -> int:
        source = source_for(stream, settings)
        return int(source.index_of(round(hi_s * 1e6)) - source.index_of(round(lo_s * 1e6)))

    def pages_in(streams: list[Any], step_s: float) -> int:
        total = 0
        for stream in streams:
            lo = start_s
            while lo < end_s:
                hi = min(lo + step_s, end_s)
                total += _pages(rows_in(stream, lo, hi), page)
                lo = hi
        return total

    chosen: list[Any] = []
    for selection in config["selections"]:
        filters = {"category": selection["category"]} if selection.get("category") else {}
        chosen.extend(find_streams(patient_id=selection["patient_id"], **filters))
    ids = [s.id for s in chosen]
    if len(set(ids)) != len(ids):
        raise RuntimeError("the scale selections overlap: a stream would be fetched twice")
    per_stream = [
        {"id": s.id, "kind": s.recipe.kind, "rows": rows_in(s, start_s, end_s)} for s in chosen
    ]

    def window(streams: list[Any]) -> dict[str, Any]:
        return {
            "stream_ids": [s.id for s in streams],
            "start_s": start_s,
            "end_s": end_s,
            "rows": sum(rows_in(s, start_s, end_s) for s in streams),
            "contiguous": True,
            "pages": {
                str(int(step)): pages_in(streams, float(step)) for step in config["partitions_s"]
            },
            "selections": config["selections"],
            "page_size": page,
        }

    patients: dict[str, list[Any]] = {}
    for s in find_streams():
        patients.setdefault(s.patient_id, []).append(s)
    patient_days = {
        pid: {
            "streams": len(streams),
            "rows": sum(rows_in(s, start_s, end_s) for s in streams),
            "pages": pages_in(streams, end_s - start_s),
            "heavy_streams": sum(rows_in(s, start_s, end_s) > page for s in streams),
        }
        for pid, streams in patients.items()
    }
    light = [s for s in chosen if rows_in(s, start_s, end_s) <= page]
    return {
        "scale": {**window(chosen), "streams": per_stream},
        "light": window(light),
        "patient_days": patient_days,
    }


def main(argv: list[str]) -> int:
    """Serve until told to quit (see the module docs for the protocol)."""
    config = json.loads(argv[1])

    def settings(latency_s: float) -> SandboxSettings:
        return SandboxSettings(
            page_latency_s=latency_s,
            cache_max_bytes=CACHE_MAX_BYTES,
            cache_max_entries=CACHE_MAX_ENTRIES,
        )

    plain = settings(0.0)
    windows = scale_windows(plain, config)
    servers = {
        "plain": SandboxServer(plain),
        "latency": SandboxServer(settings(config["latency_s"])),
    }
    counts: dict[str, dict[str, int]] = {name: {} for name in servers}
    for name, server in servers.items():
        server.app.add_middleware(TrafficCounter, counts=counts[name])
        server.start()
    try:
        hello = {
            "servers": {name: server.url for name, server in servers.items()},
            "access_token_id": ACCESS_TOKEN_ID,
            "access_token_secret": ACCESS_TOKEN_SECRET,
            "windows": {"scale": windows["scale"], "light": windows["light"]},
            "patient_days": windows["patient_days"],
        }
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                stats = {name: server.app.state.cache.stats() for name, server in servers.items()}
                print(json.dumps(stats), flush=True)
            elif command == "requests":
                print(json.dumps(counts), flush=True)
            elif command == "quit":
                break
    finally:
        for server in servers.values():
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
