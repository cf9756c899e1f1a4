"""Cassettes: every V2 operation through its generated call and through ``Session.stream``.

The generated calls (``runestream_api.api.single_stream.*`` and
``multi_stream.get_batch_availability``) run on ``build_generated_client``; ``Session.stream``
is runeq 0.18's V2 functions. Recorded with V2 pages of :data:`_world.V2_PAGE_SIZE` points,
so small windows already span several pages.
The session tests authenticate with the sandbox's JWT (``X-Rune-User-Access-Token``).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

import runestream
import runestream_sandbox as rs
from runestream_api.api.multi_stream import get_batch_availability
from runestream_api.api.single_stream import (
    get_stream_aggregate_window,
    get_stream_availability,
    get_stream_daily_aggregate,
    get_stream_data,
)
from runestream_api.client import Client
from runestream_api.models import AggregateFunction, BatchOperation, StreamFormat
from runestream_api.models.stream_timestamp_format import StreamTimestampFormat
from runestream_api.types import UNSET, Response, Unset

from . import _world as w

pytestmark = pytest.mark.vcr

NEXT = "X-Rune-Next-Page-Token"
NS = 1_000_000_000
UNIXNS = StreamTimestampFormat.UNIXNS
DAY = {"start_time": w.DAY1, "end_time": w.DAY1 + 86_400}


@pytest.fixture
def api(token_config: runestream.Config) -> Iterator[Client]:
    """The generated client, wired by runestream (auth, retries, errors)."""
    with runestream.build_generated_client(token_config) as client:
        yield client


@pytest.fixture
def session(jwt_config: runestream.Config) -> Iterator[runestream.Session]:
    """A Session authenticated with the sandbox's JWT."""
    with runestream.Session(jwt_config) as s:
        yield s


def rows(pages: list[str]) -> list[list[str]]:
    """Data rows of CSV pages, each page's header checked equal to the first."""
    header = None
    found: list[list[str]] = []
    for page in pages:
        table = list(csv.reader(io.StringIO(page)))
        assert header is None or table[0] == header
        header = table[0]
        found.extend(table[1:])
    return found


def texts(call: Any, *args: Any, **kwargs: Any) -> list[str]:
    """A generated CSV ``sync_detailed``, following ``page_token`` to the last page."""
    pages: list[str] = []
    token: str | Unset = UNSET
    while True:
        response: Response[Any] = call(*args, **kwargs, page_token=token)
        assert response.status_code == 200 and isinstance(response.parsed, str)
        pages.append(response.parsed)
        next_token = response.headers.get(NEXT)
        if next_token is None:
            return pages
        assert next_token != token and len(pages) < 20
        token = next_token


# -- the generated calls ------------------------------------------------------------------


def test_generated_stream_data_csv_pages(api: Client) -> None:
    pages = texts(
        get_stream_data.sync_detailed,
        w.ACCEL_X_STREAM,
        client=api,
        start_time=w.MORNING,
        end_time=w.MORNING + 2,
        timestamp=UNIXNS,
    )
    assert len(pages) == 3  # 100 points at 50 Hz, 40 per page
    times = [int(r[0]) for r in rows(pages)]
    assert len(times) == 100 and times == sorted(set(times))
    assert times[0] == int(w.MORNING) * NS and times[1] - times[0] == 20_000_000


def test_generated_stream_data_json(api: Client) -> None:
    response = get_stream_data.sync_detailed(
        w.ACCEL_X_STREAM,
        client=api,
        start_time=w.MORNING,
        end_time=w.MORNING + 0.5,
        format_=StreamFormat.JSON,
        timestamp=UNIXNS,
    )
    assert response.status_code == 200 and NEXT not in response.headers
    assert isinstance(response.parsed, str)
    data = json.loads(response.parsed)["data"]
    assert len(data["time"]) == 25 and data["time"][0] == int(w.MORNING) * NS


def test_generated_stream_data_async(token_config: runestream.Config) -> None:
    async def fetch() -> Response[Any]:
        async with runestream.build_generated_client(token_config) as api:
            return await get_stream_data.asyncio_detailed(
                w.HEART_STREAM, client=api, start_time=w.MORNING, end_time=w.MORNING + 60
            )

    response = asyncio.run(fetch())
    assert response.status_code == 200 and isinstance(response.parsed, str)
    assert len(rows([response.parsed])) >= 1


def test_generated_stream_availability(api: Client) -> None:
    pages = texts(
        get_stream_availability.sync_detailed, w.HEART_STREAM, client=api, resolution=3600, **DAY
    )
    bins = rows(pages)
    assert len(bins) == 24 and {b[1] for b in bins} <= {"0", "1"}
    assert "1" in {b[1] for b in bins}


def test_generated_batch_availability(api: Client) -> None:
    pages = texts(
        get_batch_availability.sync_detailed,
        client=api,
        stream_id=[w.HEART_STREAM, w.OTHER_HEART_STREAM],
        resolution=3600,
        batch_operation=BatchOperation.ANY,
        **DAY,
    )
    bins = rows(pages)
    assert len(bins) == 24 and {b[1] for b in bins} <= {"0", "1"}


def test_generated_daily_aggregate(api: Client) -> None:
    response = get_stream_daily_aggregate.sync_detailed(
        w.HEART_STREAM, client=api, start_time=w.DAY1, resolution=3600, n_days=2
    )
    assert response.status_code == 200
    body = response.parsed.to_dict()  # type: ignore[union-attr]
    assert body["data"]["offset"][:2] == ["00:00", "01:00"]
    assert len(body["data"]["offset"]) == 24


def test_generated_aggregate_window(api: Client) -> None:
    response = get_stream_aggregate_window.sync_detailed(
        w.HEART_STREAM,
        client=api,
        start_time=w.MORNING,
        end_time=w.MORNING + 3600,
        resolution=600,
        aggregate_function=AggregateFunction.MEAN,
    )
    assert response.status_code == 200
    body = response.parsed.to_dict()  # type: ignore[union-attr]
    assert body["cardinality"] == len(body["data"]["time"]) == 6


def test_generated_400_bad_parameter(api: Client) -> None:
    # The generated call sends what it is given; the server rejects a 10 s resolution.
    with pytest.raises(runestream.BadRequestError) as info:
        get_stream_availability.sync_detailed(w.HEART_STREAM, client=api, resolution=10, **DAY)
    err = info.value
    assert err.status_code == 400 and err.error_type == "InvalidParameter"
    assert "resolution" in err.message and "300" in err.message
    assert err.path is not None and err.path.startswith("/v2/streams/")


# -- Session.stream -----------------------------------------------------------------------


def test_session_stream_data_pages(session: runestream.Session) -> None:
    pages = list(
        session.stream.get_stream_data(
            w.ACCEL_X_STREAM, start_time=w.MORNING, end_time=w.MORNING + 2, timestamp="unixns"
        )
    )
    assert len(pages) == 3 and all(isinstance(p, str) for p in pages)
    times = [int(r[0]) for r in rows(pages)]  # type: ignore[arg-type]
    assert len(times) == 100 and times == sorted(set(times))


def test_session_stream_data_json_limit(session: runestream.Session) -> None:
    pages = list(
        session.stream.get_stream_data(
            w.ACCEL_X_STREAM,
            start_time=w.MORNING,
            end_time=w.MORNING + 2,
            format="json",
            timestamp="unixns",
            limit=60,
        )
    )
    assert len(pages) == 2 and all(isinstance(p, dict) for p in pages)
    times = [t for p in pages for t in p["data"]["time"]]  # type: ignore[index]
    assert len(times) == 60 and times[0] == int(w.MORNING) * NS


def test_session_stream_availability(session: runestream.Session) -> None:
    pages = session.stream.get_stream_availability(w.HEART_STREAM, resolution=3600, **DAY)
    bins = rows(list(pages))  # type: ignore[arg-type]
    assert len(bins) == 24 and "1" in {b[1] for b in bins}


def test_session_batch_availability(session: runestream.Session) -> None:
    ids = [w.HEART_STREAM, w.OTHER_HEART_STREAM]
    any_ = rows(
        list(  # type: ignore[arg-type]
            session.stream.get_stream_availability(
                ids, resolution=3600, batch_operation="any", **DAY
            )
        )
    )
    all_ = rows(
        list(  # type: ignore[arg-type]
            session.stream.get_stream_availability(
                ids, resolution=3600, batch_operation="all", **DAY
            )
        )
    )
    assert len(any_) == len(all_) == 24
    assert all(int(b[1]) <= int(a[1]) for a, b in zip(any_, all_, strict=True))


def test_session_daily_aggregate(session: runestream.Session) -> None:
    daily = session.stream.get_stream_daily_aggregate(w.HEART_STREAM, w.DAY1, 3600, 2)
    assert len(daily["data"]["offset"]) == 24


def test_session_aggregate_window(session: runestream.Session) -> None:
    window = session.stream.get_stream_aggregate_window(
        w.HEART_STREAM, w.MORNING, w.MORNING + 3600, 600, "mean"
    )
    assert window["cardinality"] == len(window["data"]["time"]) == 6


def test_session_404_unknown_stream(session: runestream.Session) -> None:
    unknown = "0" * 64
    with pytest.raises(runestream.NotFoundError) as info:
        list(session.stream.get_stream_data(unknown, start_time=w.MORNING, end_time=w.MORNING + 1))
    err = info.value
    assert err.status_code == 404 and err.error_type == "NotFound"
    assert err.message == f"stream not found: {unknown}"
    assert err.path is not None and err.path.startswith("/v2/streams/")


# -- batch availability over the per-request limit ------------------------------------------


MAX_BATCH_IDS = 50  # the server's limit on stream_id values per /v2/batch/availability request


def watch_streams() -> list[str]:
    """Every stream of both watches (58): more ids than one batch request may carry.

    Taken from the sandbox's catalogue (plain data, no server), in its deterministic order.
    """
    ids = [s.id for d in (w.WATCH_ID, w.OTHER_WATCH_ID) for s in rs.find_streams(device_id=d)]
    assert len(ids) > MAX_BATCH_IDS
    return ids


def test_generated_batch_availability_over_the_limit_400(api: Client) -> None:
    with pytest.raises(runestream.BadRequestError) as info:
        get_batch_availability.sync_detailed(
            client=api,
            stream_id=watch_streams(),
            resolution=3600,
            batch_operation=BatchOperation.ANY,
            **DAY,
        )
    assert info.value.status_code == 400 and info.value.error_type == "InvalidParameter"
    assert "stream_id" in info.value.message


@pytest.mark.parametrize("operation", ["any", "all"])
def test_session_batch_availability_chunked(session: runestream.Session, operation: str) -> None:
    # 58 ids: one request would be a 400 (see above); the session splits them into chunks.
    ids = watch_streams()
    window = {"resolution": 3600, "batch_operation": operation, **DAY}
    combined = rows(list(session.stream.get_stream_availability(ids, **window)))  # type: ignore[arg-type]
    # The same as two requests of at most 50 ids each, combined bin by bin with any/all.
    first = rows(list(session.stream.get_stream_availability(ids[:50], **window)))  # type: ignore[arg-type]
    second = rows(list(session.stream.get_stream_availability(ids[50:], **window)))  # type: ignore[arg-type]
    combine = max if operation == "any" else min
    expected = []
    for a, b in zip(first, second, strict=True):
        assert a[0] == b[0]
        expected.append([a[0], str(combine(int(a[1]), int(b[1])))])
    assert combined == expected and len(combined) == 24
