"""The generated V2 functions: their signatures, and what they really put on the wire.

Each request goes through ``httpx.MockTransport`` handed to the generated ``Client``, so these
tests see the exact URL the generated code builds: the repeated ``stream_id`` of the batch call,
the percent-escaped stream id in paths, which parameters are left out, how booleans and floats
are spelled, and how each response body comes back (CSV text, JSON models, the V2 error body).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx
import pytest

from runestream_api import Client
from runestream_api.api.multi_stream import get_batch_availability
from runestream_api.api.single_stream import (
    get_stream_aggregate_window,
    get_stream_availability,
    get_stream_daily_aggregate,
    get_stream_data,
)
from runestream_api.models.aggregate_function import AggregateFunction
from runestream_api.models.aggregate_window_response import AggregateWindowResponse
from runestream_api.models.availability_response import AvailabilityResponse
from runestream_api.models.batch_operation import BatchOperation
from runestream_api.models.daily_aggregate_response import DailyAggregateResponse
from runestream_api.models.stream_data_response import StreamDataResponse
from runestream_api.models.stream_format import StreamFormat
from runestream_api.models.stream_timestamp_format import StreamTimestampFormat
from runestream_api.models.v2_error_envelope import V2ErrorEnvelope
from tests.spec.facts_table_v2 import V2_FACTS, V2_OPERATIONS

A = "2522ad92fe25e2b9bc904ab0a7ecd946f44f391352eb0c3f6533be09a828cd51"
B = "1ab079bfb763e3abf322f193374e201ab8b2d3b7ac95e258c8077e3d2b43c9ed"
C = "0" * 64
NEXT = "X-Rune-Next-Page-Token"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that records every request and answers with ``response``."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.response

    @property
    def only(self) -> httpx.Request:
        assert len(self.requests) == 1
        return self.requests[0]


def client_for(handler: Handler) -> Client:
    transport = httpx.MockTransport(handler)
    return Client(base_url="https://stream.example", httpx_args={"transport": transport})


def csv_response(body: str = "time,availability\n", token: str | None = None) -> httpx.Response:
    headers = {"content-type": "text/csv"}
    if token is not None:
        headers[NEXT] = token
    return httpx.Response(200, text=body, headers=headers)


def query_pairs(request: httpx.Request) -> list[tuple[str, str]]:
    """The query string as sent, in order, with repeated keys kept."""
    return parse_qsl(request.url.query.decode(), keep_blank_values=True)


# --- signatures -------------------------------------------------------------------------------


def module_for(path: str) -> str:
    operation_id, tag = V2_OPERATIONS[path]
    return f"runestream_api.api.{tag.replace('-', '_')}.{operation_id}"


@pytest.mark.parametrize("path", sorted(V2_FACTS))
def test_v2_operation_module_has_typed_functions(path: str) -> None:
    module = importlib.import_module(module_for(path))
    for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(module, name)), name
    parameters = inspect.signature(module.sync_detailed).parameters
    # `format` shadows a builtin: the generator names the argument `format_` (sent as `format`)
    expected = {"format_" if name == "format" else name for name in V2_FACTS[path]}
    assert set(parameters) - {"client"} == expected
    required = {name for name, p in parameters.items() if p.default is inspect.Parameter.empty}
    documented = {name for name, param in V2_FACTS[path].items() if param.required}
    assert required - {"client"} == documented


def test_batch_stream_id_is_a_list_of_strings() -> None:
    annotation = inspect.signature(get_batch_availability.sync_detailed).parameters["stream_id"]
    assert annotation.annotation in ("list[str]", list[str])


# --- the wire -----------------------------------------------------------------------------------


def test_batch_availability_repeats_stream_id() -> None:
    recorder = Recorder(csv_response())
    get_batch_availability.sync_detailed(
        client=client_for(recorder),
        stream_id=[A, B, C],
        start_time=1690848000.0,
        end_time=1690934400.0,
        resolution=3600,
        batch_operation=BatchOperation.ALL,
    )
    request = recorder.only
    assert request.url.path == "/v2/batch/availability"
    raw = request.url.query.decode()
    assert f"stream_id={A}&stream_id={B}&stream_id={C}" in raw, raw
    assert [v for k, v in query_pairs(request) if k == "stream_id"] == [A, B, C]
    assert "," not in dict(query_pairs(request))["stream_id"]  # not a comma-joined list
    assert dict(query_pairs(request))["batch_operation"] == "all"


def test_batch_availability_repeats_stream_id_async_too() -> None:
    recorder = Recorder(csv_response())

    async def call() -> None:
        await get_batch_availability.asyncio_detailed(
            client=client_for(recorder),
            stream_id=[A, B],
            start_time=1,
            end_time=2,
            resolution=300,
            batch_operation=BatchOperation.ANY,
        )

    asyncio.run(call())
    assert [v for k, v in query_pairs(recorder.only) if k == "stream_id"] == [A, B]


def test_single_id_batch_still_uses_the_query_parameter() -> None:
    recorder = Recorder(csv_response())
    get_batch_availability.sync_detailed(
        client=client_for(recorder),
        stream_id=[A],
        start_time=1,
        end_time=2,
        resolution=300,
        batch_operation=BatchOperation.ANY,
    )
    assert [v for k, v in query_pairs(recorder.only) if k == "stream_id"] == [A]


@pytest.mark.parametrize(
    ("stream_id", "escaped"),
    [
        (A, A),
        ("a/b", "a%2Fb"),
        ("a#b?c", "a%23b%3Fc"),
        ("a b%", "a%20b%25"),
        ("../x", "..%2Fx"),
    ],
)
def test_stream_ids_are_escaped_in_paths(stream_id: str, escaped: str) -> None:
    recorder = Recorder(httpx.Response(204))  # undeclared: not parsed, only the URL matters
    client = client_for(recorder)
    get_stream_data.sync_detailed(stream_id, client=client)
    get_stream_availability.sync_detailed(
        stream_id, client=client, start_time=1, end_time=2, resolution=300
    )
    daily = {"start_time": 1, "resolution": 3600, "n_days": 1}
    get_stream_daily_aggregate.sync_detailed(stream_id, client=client, **daily)
    get_stream_aggregate_window.sync_detailed(
        stream_id,
        client=client,
        start_time=1,
        end_time=2,
        resolution=60,
        aggregate_function=AggregateFunction.SUM,
    )
    paths = [r.url.raw_path.decode().split("?")[0] for r in recorder.requests]
    assert paths == [
        f"/v2/streams/{escaped}",
        f"/v2/streams/{escaped}/availability",
        f"/v2/streams/{escaped}/daily_aggregate",
        f"/v2/streams/{escaped}/aggregate_window",
    ]


def test_unset_parameters_are_not_sent() -> None:
    """No default goes on the wire: not `format` (csv), nor limit, timestamp, translate_enums."""
    recorder = Recorder(csv_response("time,x,measurement_duration_ns\n"))
    get_stream_data.sync_detailed(A, client=client_for(recorder))
    assert recorder.only.url.query == b""


def test_stream_data_parameters_on_the_wire() -> None:
    recorder = Recorder(csv_response("time,x,measurement_duration_ns\n"))
    get_stream_data.sync_detailed(
        A,
        client=client_for(recorder),
        start_time_ns=1690848000123456789,
        end_time=1690851600.5,
        format_=StreamFormat.CSV,
        limit=0,
        page_token="tok/en+==",
        timestamp=StreamTimestampFormat.UNIXNS,
        timezone=-28800,
        translate_enums=True,
    )
    assert query_pairs(recorder.only) == [
        ("start_time_ns", "1690848000123456789"),  # exact nanoseconds, never through a float
        ("end_time", "1690851600.5"),
        ("format", "csv"),
        ("limit", "0"),
        ("page_token", "tok/en+=="),  # opaque, sent back verbatim
        ("timestamp", "unixns"),
        ("timezone", "-28800"),
        ("translate_enums", "true"),  # httpx spells booleans in lower case (runeq: True)
    ]


def test_translate_enums_false_is_sent() -> None:
    recorder = Recorder(csv_response("time,x,measurement_duration_ns\n"))
    get_stream_data.sync_detailed(A, client=client_for(recorder), translate_enums=False)
    assert query_pairs(recorder.only) == [("translate_enums", "false")]


# --- responses ----------------------------------------------------------------------------------


def test_csv_page_is_text_and_the_token_is_in_the_headers() -> None:
    body = 'time,event,measurement_duration_ns\n2022-11-12T03:53:00Z,"{""a"": 1}",1000\n'
    recorder = Recorder(csv_response(body, token="next-1"))
    response = get_stream_data.sync_detailed(A, client=client_for(recorder))
    assert response.status_code == 200
    assert response.parsed == body
    assert response.content == body.encode()
    assert response.headers[NEXT] == "next-1"
    assert response.headers[NEXT.lower()] == "next-1"


def test_json_data_page_comes_as_text_and_parses_into_the_model() -> None:
    """A 200 is parsed by its first media type (text/csv): JSON pages are text, parse them."""
    payload = {
        "cardinality": 2,
        "data": {
            "time": [1690848000000000000, 1690848000010000000],
            "acceleration": [0.5, None],
            "measurement_duration_ns": [10000000, 10000000],
        },
    }
    recorder = Recorder(httpx.Response(200, json=payload))
    response = get_stream_data.sync_detailed(
        A, client=client_for(recorder), format_=StreamFormat.JSON
    )
    assert dict(query_pairs(recorder.only)) == {"format": "json"}
    assert isinstance(response.parsed, str)
    model = StreamDataResponse.from_dict(json.loads(response.content))
    assert model.cardinality == 2
    assert model.data.time == payload["data"]["time"]  # type: ignore[index]
    assert model.data["acceleration"] == [0.5, None]
    assert model.data.measurement_duration_ns == [10000000, 10000000]
    assert model.to_dict() == payload


def test_json_availability_parses_into_the_model() -> None:
    payload = {
        "approx_available_duration_s": 3600.0,
        "cardinality": 2,
        "data": {"time": ["2023-08-01T00:00:00Z", "2023-08-01T01:00:00Z"], "availability": [1, 0]},
    }
    recorder = Recorder(httpx.Response(200, json=payload))
    response = get_stream_availability.sync_detailed(
        A, client=client_for(recorder), start_time=1, end_time=2, resolution=3600
    )
    model = AvailabilityResponse.from_dict(json.loads(response.content))
    assert model.data.availability == [1, 0]
    assert model.to_dict() == payload


def test_daily_aggregate_is_parsed_with_nulls() -> None:
    payload = {
        "approx_available_duration_s": 120.0,
        "cardinality": 2,
        "data": {"offset": ["00:00", "12:00"], "values": [1.5, None], "n_days_with_data": [2, 0]},
        "summary": {
            "n_days_with_data_total": 2,
            "duration_mean_per_day": 60.0,
            "duration_min_per_day": 0.0,
            "duration_max_per_day": 120.0,
            "value_mean": 1.5,
            "value_min": 1.5,
            "value_max": 1.5,
            "value_med": 1.5,
            "value_std": None,
        },
    }
    recorder = Recorder(httpx.Response(200, json=payload))
    parsed = get_stream_daily_aggregate.sync(
        A, client=client_for(recorder), start_time=1690848000.0, resolution=43200, n_days=14
    )
    assert isinstance(parsed, DailyAggregateResponse)
    assert parsed.data.values == [1.5, None]
    assert parsed.summary.value_std is None
    assert parsed.to_dict() == payload
    assert query_pairs(recorder.only) == [
        ("start_time", "1690848000.0"),
        ("resolution", "43200"),
        ("n_days", "14"),
    ]


def test_aggregate_window_is_parsed() -> None:
    payload = {
        "cardinality": 1,
        "data": {"time": [1690848000], "aggregate_values": [None], "duration_sum": [0]},
        "summary": {
            "value_mean": None,
            "value_min": None,
            "value_max": None,
            "value_med": None,
            "value_std": None,
        },
    }
    recorder = Recorder(httpx.Response(200, json=payload))
    parsed = get_stream_aggregate_window.sync(
        A,
        client=client_for(recorder),
        start_time=1,
        end_time=2,
        resolution=60,
        aggregate_function=AggregateFunction.MEAN,
        timestamp=StreamTimestampFormat.UNIX,
    )
    assert isinstance(parsed, AggregateWindowResponse)
    assert parsed.data.aggregate_values == [None]
    assert dict(query_pairs(recorder.only))["aggregate_function"] == "mean"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 429, 500, 503])
def test_v2_error_body_parses_for_csv_requests_too(status: int) -> None:
    body = {"error": {"type": "NotFoundError", "message": "stream not found"}}
    recorder = Recorder(httpx.Response(status, json=body))
    parsed = get_stream_data.sync(A, client=client_for(recorder), format_=StreamFormat.CSV)
    assert isinstance(parsed, V2ErrorEnvelope)
    assert parsed.error.type_ == "NotFoundError"
    assert parsed.error.message == "stream not found"
