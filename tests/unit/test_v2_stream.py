"""``Session.stream``: runeq 0.18's V2 functions, judged by what crosses the wire.

Every test runs a ``Session`` over ``httpx.MockTransport`` (the shared transport stack above
it: auth, retries, errors), and looks at the requests the handler received.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

import runestream
from runestream import (
    AuthenticationError,
    NotFoundError,
    PaginationError,
    RateLimitError,
    ServerError,
    Session,
    ValidationError,
)
from runestream.v2 import StreamNamespace

from .conftest import FAKE_TOKEN_ID, FAKE_TOKEN_SECRET, cut_response

A = "2522ad92fe25e2b9bc904ab0a7ecd946f44f391352eb0c3f6533be09a828cd51"
B = "1ab079bfb763e3abf322f193374e201ab8b2d3b7ac95e258c8077e3d2b43c9ed"
NEXT = "X-Rune-Next-Page-Token"
T0 = 1690848000.0
T1 = 1690934400.0

DAILY_BODY: dict[str, Any] = {
    "approx_available_duration_s": 3600.0,
    "cardinality": 2,
    "data": {"offset": ["00:00", "12:00"], "values": [1.5, None], "n_days_with_data": [2, 0]},
    "summary": {
        "n_days_with_data_total": 2,
        "duration_mean_per_day": 1.0,
        "duration_min_per_day": 0.0,
        "duration_max_per_day": 2.0,
        "value_mean": 1.5,
        "value_min": 1.0,
        "value_max": 2.0,
        "value_med": 1.5,
        "value_std": 0.5,
    },
}
WINDOW_BODY: dict[str, Any] = {
    "cardinality": 1,
    "data": {
        "time": ["2023-08-01T00:00:00Z"],
        "aggregate_values": [3.0],
        "duration_sum": [60.0],
    },
    "summary": {
        "value_mean": 3.0,
        "value_min": 3.0,
        "value_max": 3.0,
        "value_med": 3.0,
        "value_std": 0.0,
    },
}


Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Server:
    """A MockTransport handler: replies in order (the last repeats), records every request."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [csv_page("time,x\n")]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests) - 1, len(self.replies) - 1)
        reply = self.replies[index]
        return reply(request) if callable(reply) else reply

    @property
    def only(self) -> httpx.Request:
        assert len(self.requests) == 1, self.requests
        return self.requests[0]


def csv_page(body: str, token: str | None = None) -> httpx.Response:
    headers = {"content-type": "text/csv"}
    if token is not None:
        headers[NEXT] = token
    return httpx.Response(200, text=body, headers=headers)


def json_page(body: Any, token: str | None = None) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers[NEXT] = token
    return httpx.Response(200, content=json.dumps(body).encode(), headers=headers)


def v2_error(status: int, error_type: str, message: str, **headers: str) -> httpx.Response:
    body = {"error": {"type": error_type, "message": message}}
    return httpx.Response(status, json=body, headers=headers)


def pairs(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode(), keep_blank_values=True)


def query(request: httpx.Request) -> dict[str, str]:
    return dict(pairs(request))


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_session(
    config: runestream.Config, sleeps: list[float]
) -> Iterator[Callable[[Server], Session]]:
    sessions: list[Session] = []

    def make(server: Server) -> Session:
        session = Session(
            config, transport=httpx.MockTransport(server), sleep=sleeps.append, rand=lambda: 0.5
        )
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


# --- signatures: runeq's, exactly ---------------------------------------------------------------

RUNEQ_SIGNATURES = {
    "get_stream_data": (
        "stream_id, start_time=None, start_time_ns=None, end_time=None, end_time_ns=None, "
        "format='csv', limit=None, page_token=None, timestamp='iso', timezone=None, "
        "timezone_name=None, translate_enums=True"
    ),
    "get_stream_availability": (
        "stream_ids, start_time, end_time, resolution, batch_operation=None, format='csv', "
        "limit=None, page_token=None, timestamp='iso', timezone=None, timezone_name=None"
    ),
    "get_stream_daily_aggregate": "stream_id, start_time, resolution, n_days",
    "get_stream_aggregate_window": (
        "stream_id, start_time, end_time, resolution, aggregate_function, timestamp='iso', "
        "timezone=None, timezone_name=None"
    ),
}


def _render(fn: Callable[..., Any], drop: set[str]) -> str:
    parts = []
    for name, p in inspect.signature(fn).parameters.items():
        if name in drop:
            continue
        parts.append(name if p.default is inspect.Parameter.empty else f"{name}={p.default!r}")
    return ", ".join(parts)


@pytest.mark.parametrize("name", sorted(RUNEQ_SIGNATURES))
def test_namespace_and_module_functions_have_runeqs_signatures(name: str) -> None:
    assert _render(getattr(StreamNamespace, name), {"self"}) == RUNEQ_SIGNATURES[name]
    module_fn = getattr(runestream.resources.stream, name)
    assert _render(module_fn, {"client", "stream_client"}) == RUNEQ_SIGNATURES[name]
    params = inspect.signature(module_fn).parameters
    # runeq: `client` is the positional parameter after runeq's own ones
    assert list(params)[-2:] == ["client", "stream_client"]


# --- bad input: a ValidationError naming the parameter, and no request --------------------------

BAD_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    # (function, parameter named, keyword arguments)
    ("data", "start_time_ns", {"start_time": T0, "start_time_ns": 1}),
    ("data", "end_time_ns", {"end_time": T1, "end_time_ns": 1}),
    ("data", "start_time", {"start_time": T1, "end_time": T0}),
    ("data", "start_time", {"start_time": T0, "end_time": T0}),
    ("data", "start_time_ns", {"start_time_ns": int(T1 * 1e9), "end_time": T1}),
    ("data", "start_time", {"start_time": T0, "end_time_ns": int(T0 * 1e9)}),
    ("data", "timezone_name", {"timezone": 3600, "timezone_name": "Europe/Paris"}),
    ("data", "timezone_name", {"timezone_name": "Not/AZone"}),
    ("avail", "timezone_name", {"timezone_name": "Mars/Olympus"}),
    ("data", "timezone", {"timezone": "3600"}),
    ("data", "format", {"format": "parquet"}),
    ("data", "timestamp", {"timestamp": "datetime"}),
    ("data", "limit", {"limit": -1}),
    ("data", "limit", {"limit": True}),
    ("data", "translate_enums", {"translate_enums": "yes"}),
    ("data", "start_time_ns", {"start_time_ns": 1.5}),
    ("data", "start_time", {"start_time": "not a time"}),
    ("data", "start_time", {"start_time": float("nan")}),
    ("data", "end_time", {"end_time": 1690934400000}),  # milliseconds
    ("data", "stream_id", {"stream_id": ""}),
    ("data", "page_token", {"page_token": ""}),
    ("avail", "resolution", {"resolution": 299}),
    ("avail", "resolution", {"resolution": 86401}),
    ("avail", "resolution", {"resolution": 300.0}),
    ("avail", "batch_operation", {"stream_ids": [A, B]}),
    ("avail", "batch_operation", {"stream_ids": [A, B], "batch_operation": "some"}),
    ("avail", "batch_operation", {"batch_operation": "xor"}),
    ("avail", "start_time", {"start_time": T1, "end_time": T0}),
    ("avail", "timezone_name", {"timezone": 0, "timezone_name": "UTC"}),
    ("avail", "stream_ids", {"stream_ids": []}),
    ("avail", "stream_ids", {"stream_ids": [A, 7]}),
    ("avail", "format", {"format": "xml"}),
    ("avail", "timestamp", {"timestamp": "ISO"}),
    ("avail", "start_time", {"start_time": None}),
    ("daily", "resolution", {"resolution": 7}),
    ("daily", "resolution", {"resolution": 0}),
    ("daily", "resolution", {"resolution": 172800}),
    ("daily", "n_days", {"n_days": 0}),
    ("daily", "n_days", {"n_days": 15}),
    ("daily", "start_time", {"start_time": dt.time(12)}),
    ("window", "aggregate_function", {"aggregate_function": "max"}),
    ("window", "resolution", {"resolution": 0}),
    ("window", "start_time", {"start_time": T1, "end_time": T0}),
    ("window", "timezone_name", {"timezone": 60, "timezone_name": "UTC"}),
    ("window", "timestamp", {"timestamp": "unixms"}),
]

GOOD: dict[str, dict[str, Any]] = {
    "data": {"stream_id": A},
    "avail": {"stream_ids": A, "start_time": T0, "end_time": T1, "resolution": 3600},
    "daily": {"stream_id": A, "start_time": T0, "resolution": 3600, "n_days": 7},
    "window": {
        "stream_id": A,
        "start_time": T0,
        "end_time": T1,
        "resolution": 3600,
        "aggregate_function": "mean",
    },
}
FUNCTIONS = {
    "data": "get_stream_data",
    "avail": "get_stream_availability",
    "daily": "get_stream_daily_aggregate",
    "window": "get_stream_aggregate_window",
}


@pytest.mark.parametrize(("fn", "parameter", "kwargs"), BAD_CALLS)
def test_bad_input_is_refused_by_the_call_naming_the_parameter_and_sends_nothing(
    make_session: Callable[[Server], Session], fn: str, parameter: str, kwargs: dict[str, Any]
) -> None:
    server = Server()
    session = make_session(server)
    with pytest.raises(ValidationError) as excinfo:
        # raised by the call itself, not on first iteration (runeq's functions are generators)
        getattr(session.stream, FUNCTIONS[fn])(**{**GOOD[fn], **kwargs})
    assert excinfo.value.parameter == parameter
    assert parameter in str(excinfo.value)
    assert server.requests == []


@pytest.mark.parametrize("fn", sorted(GOOD))
def test_the_good_calls_of_the_bad_input_table_are_accepted(
    make_session: Callable[[Server], Session], fn: str
) -> None:
    bodies = {"daily": DAILY_BODY, "window": WINDOW_BODY}
    server = Server(json_page(bodies[fn]) if fn in bodies else csv_page("time,x\n"))
    result = getattr(make_session(server).stream, FUNCTIONS[fn])(**GOOD[fn])
    if fn in bodies:
        assert result == bodies[fn]
    else:
        assert list(result) == ["time,x\n"]
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("fn", "wrong", "meant"),
    [
        ("data", "strat_time", "start_time"),
        ("data", "end_ns", "end_time_ns"),
        ("avail", "batch_op", "batch_operation"),
        ("daily", "ndays", "n_days"),
        ("window", "aggregate_fn", "aggregate_function"),
    ],
)
def test_unknown_parameter_names_suggest_the_meant_one_and_send_nothing(
    make_session: Callable[[Server], Session], fn: str, wrong: str, meant: str
) -> None:
    server = Server()
    session = make_session(server)
    for call in (
        getattr(session.stream, FUNCTIONS[fn]),
        getattr(runestream.resources.stream, FUNCTIONS[fn]),
    ):
        with pytest.raises(ValidationError, match=f"did you mean '{meant}'") as excinfo:
            call(
                **GOOD[fn],
                **({"client": session} if call.__module__.endswith("resources.stream") else {}),
                **{wrong: 1},
            )
        assert excinfo.value.parameter == wrong
        assert isinstance(excinfo.value, TypeError)  # what Python itself would raise
    assert server.requests == []


# --- every parameter on the wire ----------------------------------------------------------------


def test_get_stream_data_defaults_on_the_wire(make_session: Callable[[Server], Session]) -> None:
    server = Server(csv_page("time,x,measurement_duration_ns\n1,2,3\n"))
    pages = list(make_session(server).stream.get_stream_data(A))
    assert pages == ["time,x,measurement_duration_ns\n1,2,3\n"]
    request = server.only
    assert request.url.path == f"/v2/streams/{A}"
    # runeq's defaults are sent explicitly, so no result depends on the server's own
    assert query(request) == {"format": "csv", "timestamp": "iso", "translate_enums": "true"}
    assert request.headers["X-Rune-User-Access-Token-Id"] == FAKE_TOKEN_ID
    assert request.headers["X-Rune-User-Access-Token-Secret"] == FAKE_TOKEN_SECRET


def test_none_values_are_left_out_as_runeq_does(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(csv_page("time\n1\n"))
    pages = make_session(server).stream.get_stream_data(
        A, format=None, timestamp=None, translate_enums=None, limit=None, timezone=None
    )
    assert list(pages) == ["time\n1\n"]  # format=None: the server's default, CSV text
    assert query(server.only) == {}


def test_get_stream_data_every_parameter_on_the_wire(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(json_page({"cardinality": 0, "data": {"time": []}}))
    stream = make_session(server).stream
    list(
        stream.get_stream_data(
            A,
            start_time_ns=1690848000123456789,
            end_time=dt.datetime(2023, 8, 2),  # naive: UTC
            format="json",
            limit=10,
            page_token="resume-here",
            timestamp="unixns",
            timezone_name="America/Los_Angeles",
            translate_enums=False,
        )
    )
    assert query(server.only) == {
        "start_time_ns": "1690848000123456789",  # exact: never through a float
        "end_time": "1690934400.0",
        "format": "json",
        "limit": "10",
        "page_token": "resume-here",
        "timestamp": "unixns",
        "timezone_name": "America/Los_Angeles",
        "translate_enums": "false",
    }
    list(
        stream.get_stream_data(
            A, start_time=dt.date(2023, 8, 1), end_time_ns=1690934400999999999, timezone=-28800
        )
    )
    assert query(server.requests[1]) == {
        "start_time": "1690848000.0",  # a date is midnight UTC
        "end_time_ns": "1690934400999999999",
        "format": "csv",
        "timestamp": "iso",
        "timezone": "-28800",
        "translate_enums": "true",
    }


def test_get_stream_data_time_forms(make_session: Callable[[Server], Session]) -> None:
    server = Server()
    stream = make_session(server).stream
    starts = (
        T0,
        int(T0),
        str(int(T0)),
        "2023-08-01",
        "2023-08-01T00:00:00Z",
        "2023-08-01T00:00:00",  # no offset: UTC
        dt.date(2023, 8, 1),
        dt.datetime(2023, 8, 1),  # naive: UTC (runeq: local time)
        dt.datetime(2023, 8, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    )
    for start in starts:
        list(stream.get_stream_data(A, start_time=start, end_time="2023-08-01T03:00:00+02:00"))
    assert len(server.requests) == len(starts)
    for request in server.requests:
        q = query(request)
        assert float(q["start_time"]) == T0
        assert float(q["end_time"]) == T0 + 3600


def test_start_before_end_is_compared_exactly_across_forms(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server()
    stream = make_session(server).stream
    ns = int(T0) * 1_000_000_000
    list(stream.get_stream_data(A, start_time=T0, end_time_ns=ns + 1))  # one ns later: fine
    assert query(server.only)["end_time_ns"] == str(ns + 1)
    with pytest.raises(ValidationError, match="before"):
        stream.get_stream_data(A, start_time_ns=ns + 1, end_time=T0)


def test_stream_id_is_escaped_in_the_path(make_session: Callable[[Server], Session]) -> None:
    server = Server()
    list(make_session(server).stream.get_stream_data("a/b?c#d"))
    assert server.only.url.raw_path.decode().startswith("/v2/streams/a%2Fb%3Fc%23d?")


def test_single_availability_every_parameter(make_session: Callable[[Server], Session]) -> None:
    server = Server(csv_page("time,availability\n2023-08-01T00:00:00Z,1\n"))
    stream = make_session(server).stream
    pages = list(
        stream.get_stream_availability(
            [A],  # one id in a list: still the single-stream endpoint, as runeq
            dt.datetime(2023, 8, 1, tzinfo=dt.UTC),
            "2023-08-02",
            300,
            batch_operation="all",
            format="csv",
            limit=5,
            page_token="tok",
            timestamp="unix",
            timezone=3600,
        )
    )
    assert pages == ["time,availability\n2023-08-01T00:00:00Z,1\n"]
    request = server.only
    assert request.url.path == f"/v2/streams/{A}/availability"
    assert query(request) == {
        "start_time": "1690848000.0",
        "end_time": "1690934400.0",
        "resolution": "300",
        "batch_operation": "all",
        "format": "csv",
        "limit": "5",
        "page_token": "tok",
        "timestamp": "unix",
        "timezone": "3600",
    }


def test_several_ids_use_the_batch_endpoint_with_repeated_stream_id(
    make_session: Callable[[Server], Session],
) -> None:
    body = {
        "approx_available_duration_s": 0,
        "cardinality": 1,
        "data": {"time": [1], "availability": [0]},
    }
    server = Server(json_page(body))
    stream = make_session(server).stream
    pages = list(
        stream.get_stream_availability(
            iter([A, B]),
            T0,
            T1,
            86400,
            batch_operation="any",
            format="json",
            timezone_name="UTC",
        )
    )
    assert pages == [body]
    request = server.only
    assert request.url.path == "/v2/batch/availability"
    assert pairs(request) == [
        ("stream_id", A),
        ("stream_id", B),
        ("start_time", "1690848000.0"),
        ("end_time", "1690934400.0"),
        ("resolution", "86400"),
        ("batch_operation", "any"),
        ("format", "json"),
        ("timestamp", "iso"),
        ("timezone_name", "UTC"),
    ]


def test_daily_aggregate_on_the_wire_returns_the_json(
    make_session: Callable[[Server], Session],
) -> None:
    body = DAILY_BODY
    server = Server(json_page(body))
    result = make_session(server).stream.get_stream_daily_aggregate(A, "2023-08-01", 43200, 14)
    assert result == body
    assert server.only.url.path == f"/v2/streams/{A}/daily_aggregate"
    assert query(server.only) == {
        "start_time": "1690848000.0",
        "resolution": "43200",
        "n_days": "14",
    }


def test_aggregate_window_on_the_wire_returns_the_json(
    make_session: Callable[[Server], Session],
) -> None:
    body = WINDOW_BODY
    server = Server(json_page(body))
    result = make_session(server).stream.get_stream_aggregate_window(
        A, T0, T1, 60, "sum", timestamp="unixns", timezone=-3600
    )
    assert result == body
    assert server.only.url.path == f"/v2/streams/{A}/aggregate_window"
    assert query(server.only) == {
        "start_time": "1690848000.0",
        "end_time": "1690934400.0",
        "resolution": "60",
        "aggregate_function": "sum",
        "timestamp": "unixns",
        "timezone": "-3600",
    }


# --- paging -------------------------------------------------------------------------------------


def test_pages_follow_the_token_as_page_token_with_every_parameter_unchanged(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(
        csv_page("time,x\n1,a\n", token="t1"),
        csv_page("time,x\n2,b\n", token="t2"),
        csv_page("time,x\n"),  # header-only last page
    )
    stream = make_session(server).stream
    pages = list(stream.get_stream_data(A, start_time=T0, end_time=T1, limit=0))
    assert pages == ["time,x\n1,a\n", "time,x\n2,b\n", "time,x\n"]  # one item per page
    first = query(server.requests[0])
    assert "page_token" not in first
    assert query(server.requests[1]) == {**first, "page_token": "t1"}
    assert query(server.requests[2]) == {**first, "page_token": "t2"}


def test_pages_are_requested_only_as_they_are_consumed(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(csv_page("time\n1\n", token="t1"), csv_page("time\n2\n"))
    pages = make_session(server).stream.get_stream_data(A)
    assert server.requests == []
    assert next(pages) == "time\n1\n"
    assert len(server.requests) == 1


def test_json_pages_are_dicts_across_pages(make_session: Callable[[Server], Session]) -> None:
    one = {
        "cardinality": 1,
        "data": {"time": [1], "x": [{"k": "v"}], "measurement_duration_ns": [0]},
    }
    two = {"cardinality": 1, "data": {"time": [2], "x": [None], "measurement_duration_ns": [0]}}
    server = Server(json_page(one, token="t1"), json_page(two))
    pages = list(make_session(server).stream.get_stream_data(A, format="json"))
    assert pages == [one, two]


def test_a_json_page_that_is_not_an_object_raises(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(json_page([1, 2]))
    with pytest.raises(runestream.APIError, match="not a JSON object"):
        list(make_session(server).stream.get_stream_data(A, format="json"))


def test_a_repeated_page_token_raises_instead_of_looping(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(csv_page("time\n1\n", token="same"))
    pages = make_session(server).stream.get_stream_data(A)
    assert next(pages) == "time\n1\n"
    with pytest.raises(PaginationError, match="already used"):
        next(pages)  # the same token again: refused, never yielded twice
    assert len(server.requests) == 2


def test_a_resumed_page_token_is_not_accepted_back(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(csv_page("time\n1\n", token="resume"))
    with pytest.raises(PaginationError):
        list(make_session(server).stream.get_stream_data(A, page_token="resume"))
    assert len(server.requests) == 1


def test_limit_stops_paging_once_reached(make_session: Callable[[Server], Session]) -> None:
    server = Server(
        csv_page("time,x\n1,a\n2,b\n", token="t1"),
        csv_page("time,x\n3,c\n", token="t2"),
        csv_page("time,x\n4,d\n"),
    )
    pages = list(make_session(server).stream.get_stream_data(A, limit=3))
    assert pages == ["time,x\n1,a\n2,b\n", "time,x\n3,c\n"]
    assert len(server.requests) == 2  # the third page is never asked for
    assert all(query(r)["limit"] == "3" for r in server.requests)  # sent on every page, as runeq


def test_limit_cuts_an_overshooting_csv_page_at_a_record_boundary(
    make_session: Callable[[Server], Session],
) -> None:
    body = 'time,event,measurement_duration_ns\n1,"{""a"":\n1}",0\n2,"{}",0\n3,"{}",0\n'
    server = Server(
        csv_page('time,event,measurement_duration_ns\n0,"{}",0\n', token="t1"),
        csv_page(body, token="t2"),
    )
    pages = list(make_session(server).stream.get_stream_data(A, limit=3))
    assert pages[1] == 'time,event,measurement_duration_ns\n1,"{""a"":\n1}",0\n2,"{}",0\n'
    assert len(server.requests) == 2


def test_limit_cuts_an_overshooting_json_page(make_session: Callable[[Server], Session]) -> None:
    body = {
        "cardinality": 3,
        "data": {"time": [1, 2, 3], "x": [4, 5, 6], "measurement_duration_ns": [0, 0, 0]},
    }
    server = Server(json_page(body, token="t1"))
    pages = list(make_session(server).stream.get_stream_data(A, format="json", limit=2))
    assert pages == [
        {"cardinality": 2, "data": {"time": [1, 2], "x": [4, 5], "measurement_duration_ns": [0, 0]}}
    ]
    assert len(server.requests) == 1


def test_availability_pages_too(make_session: Callable[[Server], Session]) -> None:
    server = Server(
        csv_page("time,availability\n1,1\n", token="t1"), csv_page("time,availability\n2,0\n")
    )
    pages = list(make_session(server).stream.get_stream_availability([A, B], T0, T1, 300, "all"))
    assert pages == ["time,availability\n1,1\n", "time,availability\n2,0\n"]
    assert ("page_token", "t1") in pairs(server.requests[1])
    assert [v for k, v in pairs(server.requests[1]) if k == "stream_id"] == [A, B]


# --- errors: the V2 envelope, the shared retry policy ---------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls", "error_type"),
    [
        (400, runestream.BadRequestError, "InvalidParameter"),
        (401, AuthenticationError, "InvalidAuthentication"),
        (403, runestream.PermissionDeniedError, "Forbidden"),
        (404, NotFoundError, "NotFound"),
    ],
)
def test_v2_error_envelope_becomes_the_api_error_tree(
    make_session: Callable[[Server], Session], status: int, cls: type[Exception], error_type: str
) -> None:
    server = Server(v2_error(status, error_type, f"stream {A} went wrong"))
    with pytest.raises(cls) as excinfo:
        list(make_session(server).stream.get_stream_data(A, page_token="secret-ish-token"))
    error = excinfo.value
    assert isinstance(error, runestream.APIError)
    assert error.status_code == status
    assert error.error_type == error_type
    assert error.message == f"stream {A} went wrong"
    assert "page_token=..." in str(error.path)  # the token is elided from messages
    assert "secret-ish-token" not in str(error)
    assert len(server.requests) == 1  # 4xx is not retried


@pytest.mark.parametrize("fn", ["daily", "window", "avail"])
def test_unknown_stream_is_not_found_for_every_function(
    make_session: Callable[[Server], Session], fn: str
) -> None:
    server = Server(v2_error(404, "NotFound", "no such stream"))
    with pytest.raises(NotFoundError, match="no such stream"):
        result = getattr(make_session(server).stream, FUNCTIONS[fn])(**GOOD[fn])
        list(result)


def test_429_and_503_are_retried_by_the_shared_policy(
    make_session: Callable[[Server], Session], sleeps: list[float]
) -> None:
    server = Server(
        v2_error(429, "RateLimited", "slow down", **{"Retry-After": "7"}),
        v2_error(503, "Unavailable", "busy"),
        csv_page("time\n1\n"),
    )
    assert list(make_session(server).stream.get_stream_data(A)) == ["time\n1\n"]
    assert len(server.requests) == 3
    assert sleeps[0] == 7.0  # Retry-After honoured
    assert len(sleeps) == 2
    assert server.requests[0].url == server.requests[2].url


def test_retries_exhausted_raise_with_the_envelope(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(v2_error(503, "Unavailable", "still busy"))
    with pytest.raises(ServerError) as excinfo:
        make_session(server).stream.get_stream_daily_aggregate(A, T0, 3600, 1)
    assert excinfo.value.error_type == "Unavailable"
    assert len(server.requests) == runestream.RetryPolicy().max_attempts
    server = Server(v2_error(429, "RateLimited", "no", **{"Retry-After": "0"}))
    with pytest.raises(RateLimitError):
        list(make_session(server).stream.get_stream_availability(A, T0, T1, 300))


def test_a_second_page_is_retried_alone(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(
        csv_page("time\n1\n", token="t1"),
        v2_error(503, "Unavailable", "busy"),
        csv_page("time\n2\n"),
    )
    assert list(make_session(server).stream.get_stream_data(A)) == ["time\n1\n", "time\n2\n"]
    assert [query(r).get("page_token") for r in server.requests] == [None, "t1", "t1"]


def _raise(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def reply(request: httpx.Request) -> httpx.Response:
        raise exc

    return reply


@pytest.mark.parametrize(
    "fault",
    [
        _raise(httpx.ConnectError("refused")),
        _raise(httpx.ReadError("reset")),
        _raise(httpx.ReadTimeout("slow")),
        lambda _r: cut_response(b"time\n1\n2\n", 5),
    ],
    ids=["connect", "reset", "timeout", "cut-body"],
)
@pytest.mark.parametrize("page", [1, 2])
def test_a_connection_fault_or_cut_body_on_any_page_is_retried_with_the_same_result(
    make_session: Callable[[Server], Session],
    fault: Callable[[httpx.Request], httpx.Response],
    page: int,
) -> None:
    pages = [csv_page("time\n1\n2\n", token="t1"), csv_page("time\n3\n")]
    replies: list[Reply] = [*pages]
    replies.insert(page - 1, fault)
    server = Server(*replies)
    assert list(make_session(server).stream.get_stream_data(A)) == ["time\n1\n2\n", "time\n3\n"]
    assert len(server.requests) == 3
    tokens = [query(r).get("page_token") for r in server.requests]
    assert tokens == ([None, None, "t1"] if page == 1 else [None, "t1", "t1"])


def test_a_connection_fault_on_every_attempt_raises_a_connection_error(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(_raise(httpx.ConnectError("refused")))
    with pytest.raises(runestream.APIConnectionError):
        list(make_session(server).stream.get_stream_data(A))
    assert len(server.requests) == runestream.RetryPolicy().max_attempts
    server = Server(lambda _r: cut_response(b"time\n1\n2\n", 5))
    with pytest.raises(runestream.IncompleteResponseError):
        list(make_session(server).stream.get_stream_data(A))


def test_an_aggregate_body_off_spec_is_an_api_error(
    make_session: Callable[[Server], Session],
) -> None:
    server = Server(json_page({"unexpected": True}))
    with pytest.raises(runestream.APIError, match="does not match the spec"):
        make_session(server).stream.get_stream_aggregate_window(A, T0, T1, 60, "mean")
