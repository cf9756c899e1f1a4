"""The five V2 operations: their parameters, parsing and the checks they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ApiError, conflicting, invalid, missing
from ..params import MAX_TIME_US, MIN_TIME_US, ParamSpec, parse_query, parse_time_us
from ..timefmt import TimeFormat, make_time_format

FORMATS = ("csv", "json")
TIMESTAMPS = ("unix", "unixns", "iso")
BATCH_OPERATIONS = ("any", "all")
AGGREGATE_FUNCTIONS = ("sum", "mean")
_TRUE = ("true", "1")
#: ``*_ns`` bounds are int64 (the spec's ``format: int64``): years 1677-2262.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_FALSE = ("false", "0")


@dataclass(frozen=True)
class V2Operation:
    """A V2 ``GET`` endpoint: name, Starlette path and accepted parameters."""

    name: str
    path: str  # Starlette route, e.g. /v2/streams/{stream_id}/availability
    params: dict[str, ParamSpec]
    paged: bool
    batch: bool = False

    @property
    def spec_path(self) -> str:
        """The path as the OpenAPI spec writes it."""
        return self.path


def _p(name: str, kind: str = "str", **kw: Any) -> ParamSpec:
    return ParamSpec(name, kind, **kw)  # type: ignore[arg-type]


def _times_format() -> list[ParamSpec]:
    return [
        _p("timestamp", "enum", default="iso", choices=TIMESTAMPS),
        _p("timezone", "int"),
        _p("timezone_name"),
    ]


def _paging() -> list[ParamSpec]:
    return [
        _p("format", "enum", default="csv", choices=FORMATS),
        _p("limit", "int", default=0, minimum=0),
        _p("page_token"),
    ]


def _availability(batch: bool) -> list[ParamSpec]:
    return [
        _p("start_time", "float", required=True),
        _p("end_time", "float", required=True),
        _p("resolution", "int", required=True, minimum=300, maximum=86_400),
        _p("batch_operation", "enum", required=batch, choices=BATCH_OPERATIONS),
        *_paging(),
        *_times_format(),
    ]


def _op(
    name: str, path: str, specs: list[ParamSpec], paged: bool, batch: bool = False
) -> V2Operation:
    return V2Operation(name, path, {s.name: s for s in specs}, paged, batch)


DATA = _op(
    "get_stream_data",
    "/v2/streams/{stream_id}",
    [
        _p("start_time", "float"),
        _p("start_time_ns", "int"),
        _p("end_time", "float"),
        _p("end_time_ns", "int"),
        *_paging(),
        *_times_format(),
        _p("translate_enums", default="true"),
    ],
    paged=True,
)
AVAILABILITY = _op(
    "get_stream_availability",
    "/v2/streams/{stream_id}/availability",
    _availability(batch=False),
    paged=True,
)
BATCH_AVAILABILITY = _op(
    "get_batch_availability",
    "/v2/batch/availability",
    _availability(batch=True),
    paged=True,
    batch=True,
)
DAILY_AGGREGATE = _op(
    "get_stream_daily_aggregate",
    "/v2/streams/{stream_id}/daily_aggregate",
    [
        _p("start_time", "float", required=True),
        _p("resolution", "int", required=True, minimum=1, maximum=86_400),
        _p("n_days", "int", required=True, minimum=1, maximum=14),
    ],
    paged=False,
)
AGGREGATE_WINDOW = _op(
    "get_stream_aggregate_window",
    "/v2/streams/{stream_id}/aggregate_window",
    [
        _p("start_time", "float", required=True),
        _p("end_time", "float", required=True),
        _p("resolution", "int", required=True, minimum=1),
        _p("aggregate_function", "enum", required=True, choices=AGGREGATE_FUNCTIONS),
        *_times_format(),
    ],
    paged=False,
)

#: The five V2 operations, in the spec's order.
V2_OPERATIONS: tuple[V2Operation, ...] = (
    DATA,
    AVAILABILITY,
    BATCH_AVAILABILITY,
    DAILY_AGGREGATE,
    AGGREGATE_WINDOW,
)


@dataclass
class V2Query:
    """A parsed request: typed values, the raw ones, time bounds (µs) and rendering options."""

    op: V2Operation
    values: dict[str, Any]
    raw: dict[str, str]
    stream_ids: list[str] = field(default_factory=list)
    start_us: int | None = None
    end_us: int | None = None
    time_format: TimeFormat = field(default_factory=lambda: TimeFormat("iso"))
    translate: bool = True

    def given(self, name: str) -> bool:
        """Whether the client sent a non-empty value."""
        return self.raw.get(name, "") != ""

    def get(self, name: str) -> Any:
        """Typed value (or default)."""
        return self.values.get(name)


def _ns_to_us(name: str, raw: str) -> int:
    """Integer nanoseconds (int64) to the first whole microsecond ``>=`` them (exact)."""
    ns = int(raw)
    us = -(-ns // 1000)
    if not INT64_MIN <= ns <= INT64_MAX or not MIN_TIME_US <= us <= MAX_TIME_US:
        raise invalid(name, f"{raw!r} is outside the supported range (years 0001-9999)")
    return us


def _bound(q: V2Query, name: str) -> int | None:
    seconds, nanos = q.given(name), q.given(f"{name}_ns")
    if seconds and nanos:
        raise conflicting(f"{name} and {name}_ns cannot both be given")
    if seconds:
        return parse_time_us(name, q.raw[name])
    if nanos:
        return _ns_to_us(f"{name}_ns", q.raw[f"{name}_ns"])
    return None


def _translate(raw: str | None) -> bool:
    if raw is None or raw == "":
        return True
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise invalid("translate_enums", f"{raw!r} is not a boolean (true/false)")


def parse_v2(
    op: V2Operation, path_stream_id: str | None, query: Sequence[tuple[str, str]], max_ids: int
) -> V2Query:
    """Check names, repeats, types, required parameters, conflicts and ranges (all 400s)."""
    items = list(query)
    stream_ids: list[str] = []
    if op.batch:
        stream_ids = [v for k, v in items if k == "stream_id"]
        items = [(k, v) for k, v in items if k != "stream_id"]
    values, raw = parse_query(items, op.params)
    q = V2Query(op, values, raw)
    if op.batch:
        if not stream_ids or any(s == "" for s in stream_ids):
            raise missing("stream_id") if not stream_ids else invalid("stream_id", "empty id")
        if len(stream_ids) > max_ids:
            raise invalid(
                "stream_id",
                f"{len(stream_ids)} ids given; at most {max_ids} per request "
                "(split the set and combine the results bin by bin)",
            )
        q.stream_ids = stream_ids
    else:
        assert path_stream_id is not None
        q.stream_ids = [path_stream_id]
    for name, spec in op.params.items():
        if spec.required and not q.given(name):
            raise missing(name)
    q.start_us = _bound(q, "start_time")
    if "end_time" in op.params:
        q.end_us = _bound(q, "end_time")
    if q.start_us is not None and q.end_us is not None and q.start_us >= q.end_us:
        raise invalid("end_time", "start_time must be earlier than end_time")
    if "timestamp" in op.params:
        if q.given("timezone") and q.given("timezone_name"):
            raise conflicting("timezone and timezone_name cannot both be given")
        tz = int(values["timezone"]) if q.given("timezone") else 0
        q.time_format = make_time_format(
            str(values["timestamp"]), tz, q.raw.get("timezone_name", "")
        )
    if "translate_enums" in op.params:
        q.translate = _translate(raw.get("translate_enums"))
    if op is DAILY_AGGREGATE and 86_400 % int(values["resolution"]) != 0:
        raise invalid("resolution", f"{values['resolution']} does not divide 86400 (one day)")
    return q


def bin_count(start_us: int, end_us: int, res_us: int) -> int:
    """Bins of ``res_us`` from start to end (the last one may be shorter)."""
    return -(-(end_us - start_us) // res_us) if end_us > start_us else 0


def too_many(name: str, count: int, limit: int) -> ApiError:
    """400 for a query spanning more bins/windows than the sandbox serves."""
    return invalid(name, f"the query spans {count} bins; at most {limit} are served")
