"""One V2 request, synchronously: credentials, parameters, streams, page, rendering, cache."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..auth import Principal, authenticate
from ..cache import CachedPage, PageCache
from ..errors import INVALID_PAGE_TOKEN, UNAUTHORIZED, ApiError, invalid, not_found
from ..pagination import fingerprint, make_token, read_token
from ..settings import SandboxSettings
from . import compute
from .render import json_page, json_times, render_csv, render_table
from .request import (
    AGGREGATE_WINDOW,
    DAILY_AGGREGATE,
    DATA,
    V2Operation,
    V2Query,
    bin_count,
    parse_v2,
    too_many,
)
from .sources import Source, source_for
from .streams import Stream, streams_with_copies

NEXT_PAGE_HEADER = "X-Rune-Next-Page-Token"
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"
JWT_HEADER = "x-rune-user-access-token"

#: The sandbox's JWT for ``X-Rune-User-Access-Token`` (no ``Bearer``): it stands for the
#: access-token user (every patient). Not a real signed token; only this exact value is accepted.
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJydW5lc3RyZWFtLXNhbmRib3giLCJpc3MiOiJzYW5kYm94In0."
    "c2FuZGJveC1qd3Qtc2lnbmF0dXJl"
)
SECOND = 1_000_000
DAY_US = 86_400 * SECOND


def authenticate_v2(headers: Mapping[str, str]) -> Principal:
    """The V1 credential pairs, plus a JWT in ``X-Rune-User-Access-Token`` (which wins)."""
    token = headers.get(JWT_HEADER)
    if token is not None:
        if token == JWT:
            return Principal("jwt")
        raise ApiError(UNAUTHORIZED, "invalid JWT in X-Rune-User-Access-Token")
    return authenticate(headers)


def _streams(q: V2Query, principal: Principal, copies: int) -> list[Stream]:
    streams = streams_with_copies(copies)
    out: list[Stream] = []
    for sid in q.stream_ids:
        stream = streams.get(sid)
        if stream is None:
            raise not_found(f"stream not found: {sid}")
        principal.check_patient(stream.patient_id)
        out.append(stream)
    return out


def handle_v2(
    op: V2Operation,
    path_stream_id: str | None,
    headers: Mapping[str, str],
    query: Sequence[tuple[str, str]],
    settings: SandboxSettings,
    cache: PageCache,
) -> CachedPage:
    """Answer one V2 request or raise :class:`~..errors.ApiError`."""
    principal = authenticate_v2(headers)
    q = parse_v2(op, path_stream_id, query, settings.v2_max_batch_ids)
    streams = _streams(q, principal, settings.stream_copies)
    identity = {k: v for k, v in q.values.items() if k != "page_token"}
    identity["translate_enums"] = q.translate
    query_fp = fingerprint(f"{op.path}|{','.join(q.stream_ids)}", identity)
    offset = 0
    if op.paged and q.given("page_token"):
        try:
            offset = read_token(q.raw["page_token"], query_fp, settings.token_secret)
        except ApiError as err:
            message = err.message.replace("next_page_token", "page_token")
            raise ApiError(INVALID_PAGE_TOKEN, message) from err
    page_size = settings.v2_page_size
    key = ("v2", principal.patient_id, op.name, query_fp, offset, page_size)
    cached = cache.get(key)
    if cached is not None:
        return cached
    if op is DATA:
        page = _data(q, streams[0], settings, offset, page_size, query_fp)
    elif op is DAILY_AGGREGATE:
        page = _daily(q, streams[0], settings)
    elif op is AGGREGATE_WINDOW:
        page = _window(q, streams[0], settings)
    else:
        page = _availability(q, streams, settings, offset, page_size, query_fp)
    cache.put(key, page)
    return page


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), allow_nan=False).encode()


def _next(headers: dict[str, str], stop: int, count: int, query_fp: str, secret: str) -> None:
    if stop < count:
        headers[NEXT_PAGE_HEADER] = make_token(stop, query_fp, secret)


def _limit(q: V2Query, count: int) -> int:
    limit = int(q.get("limit") or 0)
    return min(count, limit) if limit else count


def _data(
    q: V2Query, stream: Stream, settings: SandboxSettings, offset: int, size: int, query_fp: str
) -> CachedPage:
    src = source_for(stream, settings)
    i0 = src.index_of(q.start_us) if q.start_us is not None else 0
    i1 = src.index_of(q.end_us) if q.end_us is not None else src.total
    count = _limit(q, max(0, i1 - i0))
    start = min(offset, count)
    stop = min(count, start + size)
    headers: dict[str, str] = {}
    _next(headers, stop, count, query_fp, settings.token_secret)
    points = src.points(i0 + start, i0 + stop)
    if q.get("format") == "json":
        return CachedPage(_json(json_page(points, q.time_format, q.translate)), JSON_TYPE, headers)
    body = render_csv(stream.stream_type.columns, points, q.time_format, q.translate)
    return CachedPage(body, CSV_TYPE, headers)


def _availability(
    q: V2Query,
    streams: list[Stream],
    settings: SandboxSettings,
    offset: int,
    size: int,
    query_fp: str,
) -> CachedPage:
    assert q.start_us is not None and q.end_us is not None
    res_us = int(q.get("resolution")) * SECOND
    n = bin_count(q.start_us, q.end_us, res_us)
    if n > settings.max_buckets:
        raise too_many("resolution", n, settings.max_buckets)
    count = _limit(q, n)
    b0 = min(offset, count)
    b1 = min(count, b0 + size)
    headers: dict[str, str] = {}
    _next(headers, b1, count, query_fp, settings.token_secret)
    sources: list[Source] = [source_for(s, settings) for s in streams]
    edges = compute.bin_edges(q.start_us, q.end_us, res_us, b0, b1)
    avail = compute.availability(sources, edges, str(q.get("batch_operation") or "any"))
    times = edges[:-1]
    if q.get("format") == "json":
        covered = int(np.sum(avail * np.diff(edges)))
        body = {
            "approx_available_duration_s": covered / SECOND,
            "cardinality": len(times),
            "data": {
                "time": json_times(times, q.time_format),
                "availability": avail.tolist(),
            },
        }
        return CachedPage(_json(body), JSON_TYPE, headers)
    csv = render_table(["time", "availability"], times, [avail], q.time_format)
    return CachedPage(csv, CSV_TYPE, headers)


def _numeric(stream: Stream, operation: str) -> int:
    dim = stream.stream_type.numeric_value
    if dim is None:
        raise invalid(
            "stream_id",
            f"{operation} needs a stream type with one numeric value dimension; "
            f"stream type {stream.stream_type.id!r} has {stream.stream_type.columns[1:-1]}",
        )
    return dim.decimals


def _daily(q: V2Query, stream: Stream, settings: SandboxSettings) -> CachedPage:
    decimals = _numeric(stream, "daily_aggregate")
    assert q.start_us is not None
    res_s = int(q.get("resolution"))
    n_days = int(q.get("n_days"))
    per_day = 86_400 // res_s
    end_us = q.start_us + n_days * DAY_US
    src = source_for(stream, settings)
    win = compute.accumulate(src, q.start_us, res_s * SECOND, n_days * per_day, end_us)
    day_means = compute.means(win).reshape(n_days, per_day)
    has = win.counts.reshape(n_days, per_day) > 0
    days_with = has.sum(axis=0)
    with np.errstate(invalid="ignore"):
        values = np.where(
            days_with > 0, np.nansum(day_means, axis=0) / np.maximum(days_with, 1), np.nan
        )
    per_day_s = win.durations_ns.reshape(n_days, per_day).sum(axis=1) / 1e9
    summary: dict[str, Any] = {
        "n_days_with_data_total": int(has.any(axis=1).sum()),
        "duration_mean_per_day": float(np.mean(per_day_s)),
        "duration_min_per_day": float(np.min(per_day_s)),
        "duration_max_per_day": float(np.max(per_day_s)),
    }
    summary.update(compute.summary(values))
    body = {
        "approx_available_duration_s": float(np.sum(per_day_s)),
        "cardinality": per_day,
        "data": {
            "offset": [compute.offset_label(k * res_s) for k in range(per_day)],
            "values": compute.nullable(values, decimals + 4),
            "n_days_with_data": [int(d) for d in days_with.tolist()],
        },
        "summary": summary,
    }
    return CachedPage(_json(body), JSON_TYPE, {})


def _window(q: V2Query, stream: Stream, settings: SandboxSettings) -> CachedPage:
    decimals = _numeric(stream, "aggregate_window")
    assert q.start_us is not None and q.end_us is not None
    res_us = int(q.get("resolution")) * SECOND
    n = bin_count(q.start_us, q.end_us, res_us)
    if n > settings.v2_max_windows:
        raise too_many("resolution", n, settings.v2_max_windows)
    src = source_for(stream, settings)
    win = compute.accumulate(src, q.start_us, res_us, n, q.end_us)
    if q.get("aggregate_function") == "sum":
        agg = np.where(win.counts > 0, win.sums, np.nan)
    else:
        agg = compute.means(win)
    times = q.start_us + np.arange(n, dtype=np.int64) * res_us
    body = {
        "cardinality": n,
        "data": {
            "time": json_times(times, q.time_format),
            "aggregate_values": compute.nullable(agg, decimals + 4),
            "duration_sum": (win.durations_ns / 1e9).tolist(),
        },
        "summary": compute.summary(agg),
    }
    return CachedPage(_json(body), JSON_TYPE, {})
