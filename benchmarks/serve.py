"""The sandbox server process of a benchmark run.

The orchestrator (:mod:`benchmarks.run`) starts this module as its own process, so that neither
the server's page cache nor its CPU time lands in a measured process, and so that the
orchestrator stays small (a child's ``ru_maxrss`` starts at the RSS of the process that spawned
it, see ``benchmarks/README.md``).

Protocol: the configuration is one JSON object in ``argv[1]``. Once both servers are up and the
windows are known, one JSON line is printed (URLs, credentials, IDs, windows). Then each line on
stdin is a command: ``stats`` prints one JSON line with the page-cache counters of each server;
``requests`` one with the requests each server has answered so far, by path;
``quit`` (or end of input) stops the servers and exits.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runestream_sandbox import (
    ACCESS_TOKEN_ID,
    ACCESS_TOKEN_SECRET,
    CATALOG,
    PATIENT_ID,
    WATCH_ID,
    SandboxServer,
    SandboxSettings,
)

#: Page-cache budget of each server: every page of a full run fits, so nothing is evicted.
CACHE_MAX_BYTES = 6 * 1024**3
CACHE_MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class Window:
    """A query window ``[start_s, end_s)`` of the watch's accel holding exactly ``rows`` rows."""

    rows: int
    start_s: float
    end_s: float
    contiguous: bool

    def to_json(self) -> dict[str, Any]:
        """A JSON-friendly view."""
        return {
            "rows": self.rows,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "contiguous": self.contiguous,
        }


def accel_windows(rate_hz: float, rows: dict[str, int]) -> tuple[dict[str, Window], int]:
    """Windows that start at the watch's first accel sample and hold exactly ``rows`` rows.

    Counting is done on the sandbox's own sample timeline, so a window may cross a gap in
    wear time (``contiguous`` is then ``False``) and still hold the asked number of rows.

    Args:
        rate_hz: The sandbox's ``accel_rate_hz``.
        rows: Name to number of rows.

    Returns:
        The windows by name, and the total number of accel samples of the watch.

    Raises:
        RuntimeError: The sandbox's timeline is not reachable (its internals changed) or holds
            fewer samples than asked for.
    """
    try:
        from runestream_sandbox.series import motion_timeline
    except ImportError as exc:  # pragma: no cover - depends on the sandbox's internals
        raise RuntimeError(f"cannot count sandbox samples: {exc}") from exc
    device = CATALOG.device(PATIENT_ID, WATCH_ID)
    if device is None:
        raise RuntimeError(f"the sandbox catalogue has no device {WATCH_ID} for {PATIENT_ID}")
    timeline = motion_timeline(PATIENT_ID, device, rate_hz)
    total = timeline.total
    first_segment = int(timeline.counts[0])
    start_us = int(timeline.times(0, 1)[0])
    windows: dict[str, Window] = {}
    for name, count in rows.items():
        if count > total:
            raise RuntimeError(f"window {name!r}: {count:,} rows asked, the watch has {total:,}")
        if count == total:
            end_us = int(timeline.times(total - 1, total)[0]) + timeline.step
        else:
            end_us = int(timeline.times(count, count + 1)[0])
        windows[name] = Window(
            rows=count,
            start_s=_seconds(start_us),
            end_s=_seconds(end_us),
            contiguous=count <= first_segment,
        )
    return windows, total


#: Recipe kinds of the V2 suite's many-streams case (20 of the patient's streams, at most one
#: page each per day: symptom scores, heart rate, band power, device state).
V2_MANY_KINDS = ("probability", "severity", "duration", "heartrate", "band_power", "state")


def v2_windows(
    settings: SandboxSettings,
    accel: dict[str, float],
    many: dict[str, float],
    extra: dict[str, Any] | None = None,
    stream_copies: int = 0,
) -> dict[str, dict[str, Any]]:
    """The V2 suite's windows: stream ids, ``[start_s, end_s)`` and the rows they hold.

    Args:
        settings: The plain server's settings (its sample rates decide the rows).
        accel: ``start_s`` and ``hours`` of the watch's three acceleration axes.
        many: ``start_s``, ``hours`` and ``streams`` (how many) of the many-streams case.
        extra: The windows of cases e-g (see :func:`v2_extra_windows`), if asked for.
        stream_copies: ``SandboxSettings.stream_copies`` of the servers of cases e and f.

    Returns:
        ``accel`` and ``many``, each with ``stream_ids``, ``start_s``, ``end_s``, ``rows``
        (counted on the sandbox's own sources) and ``contiguous`` (no gap in the window).
    """
    from runestream_sandbox import find_stream, find_streams
    from runestream_sandbox.v2.sources import source_for

    def window(streams: list[Any], start_s: float, hours: float) -> dict[str, Any]:
        end_s = start_s + hours * 3600
        start_us, end_us = round(start_s * 1e6), round(end_s * 1e6)
        rows = 0
        for stream in streams:
            source = source_for(stream, settings)
            rows += source.index_of(end_us) - source.index_of(start_us)
        full = len(streams) * round(hours * 3600 * settings.accel_rate_hz)
        return {
            "stream_ids": [s.id for s in streams],
            "start_s": start_s,
            "end_s": end_s,
            "rows": rows,
            "contiguous": rows == full,
        }

    axes = [
        find_stream(device_id=WATCH_ID, measurement="acceleration", axis=axis)
        for axis in ("x", "y", "z")
    ]
    chosen = [s for s in find_streams(patient_id=PATIENT_ID) if s.recipe.kind in V2_MANY_KINDS]
    count = int(many["streams"])
    if len(chosen) < count:
        raise RuntimeError(f"the sandbox has {len(chosen)} streams of {V2_MANY_KINDS}, not {count}")
    out = {
        "accel": window(axes, float(accel["start_s"]), float(accel["hours"])),
        "many": window(chosen[:count], float(many["start_s"]), float(many["hours"])),
    }
    out["many"]["contiguous"] = True  # not sampled at one rate: "contiguous" says nothing
    if extra:
        out.update(v2_extra_windows(extra, axes, window, stream_copies))
    return out


def v2_extra_windows(
    config: dict[str, Any],
    axes: list[Any],
    window: Callable[..., dict[str, Any]],
    stream_copies: int = 0,
) -> dict[str, dict[str, Any]]:
    """The windows of cases e (metadata), f (batch availability) and g (Parquet).

    ``rows`` is what the case must return: streams for e, bins for f, data rows for g.
    ``floor_requests`` (e) is the least number of sequential round trips of the query: the
    pages of the ``streamList`` cursor chain, or one round for the id batches (concurrent).
    The streams are those of an app with ``stream_copies`` (the catalogue's, then the copies).
    """
    from runestream_sandbox.graph.query import GraphSettings
    from runestream_sandbox.v2 import streams_with_copies

    every = list(streams_with_copies(stream_copies).values())
    by_patient: dict[str, list[str]] = {}
    for s in every:
        by_patient.setdefault(s.patient_id, []).append(s.id)
    patient, ids = max(by_patient.items(), key=lambda item: len(item[1]))
    page = GraphSettings().stream_page_size
    meta = {"start_s": 0.0, "end_s": 0.0, "contiguous": True, "patient": patient,
            "streams_per_patient": {k: len(v) for k, v in by_patient.items()}}  # fmt: skip
    av = config["avail"]
    av_start = float(av["start_s"])
    av_end = av_start + float(av["hours"]) * 3600
    bins = -(-round(av_end - av_start) // int(av["resolution_s"]))
    every_id = [s.id for s in every]
    pq_start = float(config["parquet"]["start_s"])
    small, large = config["parquet"]["small"], config["parquet"]["large"]
    return {
        "meta_patient": {**meta, "stream_ids": ids, "rows": len(ids),
                         "floor_requests": -(-len(ids) // page), "page_size": page},
        "meta_ids": {**meta, "stream_ids": every_id, "rows": len(every_id),
                     "floor_requests": 1, "page_size": 100, "batches": -(-len(every_id) // 100)},
        "avail_all": {"stream_ids": every_id, "start_s": av_start, "end_s": av_end,
                      "rows": bins, "contiguous": True, "resolution_s": av["resolution_s"],
                      "chunks": -(-len(every_id) // 50)},
        "avail_50": {"stream_ids": every_id[:50], "start_s": av_start, "end_s": av_end,
                     "rows": bins, "contiguous": True, "resolution_s": av["resolution_s"]},
        "parquet_small": window(axes[: small["streams"]], pq_start, float(small["hours"])),
        "parquet_large": window(axes[: large["streams"]], pq_start, float(large["hours"])),
    }  # fmt: skip


def _seconds(t_us: int) -> float:
    """Whole microseconds to seconds; exact in decimal for sample times on a 1 us grid."""
    seconds, micros = divmod(t_us, 1_000_000)
    return float(f"{seconds}.{micros:06d}")


class RequestCounter:
    """ASGI middleware counting the requests a server answers, by path group."""

    def __init__(self, app: Any, counts: dict[str, int]) -> None:
        self.app = app
        self.counts = counts

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            path = str(scope.get("path", ""))
            group = "/v2/streams/{id}" if path.startswith("/v2/streams/") else path
            self.counts[group] = self.counts.get(group, 0) + 1
        await self.app(scope, receive, send)


def _cache_stats(server: SandboxServer) -> dict[str, int]:
    """The page cache's ``hits``, ``misses``, ``entries`` and ``bytes``."""
    cache = server.app.state.cache
    stats: dict[str, int] = cache.stats()
    return stats


def main(argv: list[str]) -> int:
    """Serve until told to quit (see the module docs for the protocol)."""
    config = json.loads(argv[1])
    rate_hz = float(config["rate_hz"])
    plain = SandboxSettings(
        accel_rate_hz=rate_hz,
        cache_max_bytes=CACHE_MAX_BYTES,
        cache_max_entries=CACHE_MAX_ENTRIES,
    )
    copies = int(config.get("stream_copies", 0))
    if config.get("suite") == "v2":
        windows_json = v2_windows(
            plain, config["accel"], config["many"], config.get("extra"), copies
        )
        total = windows_json["accel"]["rows"]
    else:
        windows, total = accel_windows(rate_hz, {k: int(v) for k, v in config["windows"].items()})
        windows_json = {name: window.to_json() for name, window in windows.items()}
    servers = {
        "plain": SandboxServer(plain),
        # page_latency_s: added to every V1 and V2 data page and every /graphql answer
        "latency": SandboxServer(
            SandboxSettings(
                accel_rate_hz=rate_hz,
                page_latency_s=float(config["latency_s"]),
                cache_max_bytes=CACHE_MAX_BYTES,
                cache_max_entries=CACHE_MAX_ENTRIES,
                stream_copies=copies,
            )
        ),
    }
    if "meta_latency_s" in config:
        servers["latency_meta"] = SandboxServer(
            SandboxSettings(
                accel_rate_hz=rate_hz,
                page_latency_s=float(config["meta_latency_s"]),
                cache_max_bytes=CACHE_MAX_BYTES,
                cache_max_entries=CACHE_MAX_ENTRIES,
                stream_copies=copies,
            )
        )
    counts: dict[str, dict[str, int]] = {name: {} for name in servers}
    for name, server in servers.items():
        server.app.add_middleware(RequestCounter, counts=counts[name])
        server.start()
    try:
        hello = {
            "servers": {name: server.url for name, server in servers.items()},
            "access_token_id": ACCESS_TOKEN_ID,
            "access_token_secret": ACCESS_TOKEN_SECRET,
            "patient_id": PATIENT_ID,
            "device_id": WATCH_ID,
            "total_rows": total,
            "windows": windows_json,
        }
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                stats = {name: _cache_stats(server) for name, server in servers.items()}
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
