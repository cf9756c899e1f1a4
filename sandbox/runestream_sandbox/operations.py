"""The 17 documented operations: their paths and the parameters each one accepts."""

from __future__ import annotations

from dataclasses import dataclass

from .params import ParamSpec

JSON_PAGE = (10_000, 10_000)
CSV_PAGE = (3_600_000, 2_000_000)
INTERPOLATIONS = ("", "linear", "null", "previous", "zero")
TIMESTAMPS = ("unix", "datetime", "iso")


@dataclass(frozen=True)
class Operation:
    """A documented ``GET`` endpoint."""

    resource: str
    fmt: str  # "json", "csv" or "raw" (session)
    params: dict[str, ParamSpec]
    page_size: tuple[int, int] | None  # (maximum, default); None: no page_size parameter

    @property
    def path(self) -> str:
        """URL path of the operation."""
        if self.fmt == "raw":
            return f"/v1/{self.resource}"
        return f"/v1/{self.resource}.{self.fmt}"


def _p(name: str, kind: str = "str", **kw: object) -> ParamSpec:
    return ParamSpec(name, kind, **kw)  # type: ignore[arg-type]


def _common(required_times: bool = True) -> list[ParamSpec]:
    return [
        _p("patient_id", required=True),
        _p("device_id", required=True),
        _p("start_time", "float", required=required_times),
        _p("end_time", "float", required=required_times),
    ]


def _time_format() -> list[ParamSpec]:
    return [
        _p("timestamp", "enum", default="unix", choices=TIMESTAMPS),
        _p("timezone", "int", default=0),
        _p("timezone_name", default=""),
    ]


def _paging(page_size: tuple[int, int]) -> list[ParamSpec]:
    return [
        _p("next_page_token"),
        _p("page", "int", default=0, minimum=0),
        _p("page_size", "int", default=page_size[1], minimum=0, maximum=page_size[0]),
    ]


def _sampling(interpolation: bool = True) -> list[ParamSpec]:
    specs = [_p("frequency", "float"), _p("resolution", "float")]
    if interpolation:
        specs.append(_p("interpolation", "enum", default="", choices=INTERPOLATIONS))
    return specs


def _op(resource: str, fmt: str, specs: list[ParamSpec], page: tuple[int, int] | None) -> Operation:
    return Operation(resource, fmt, {s.name: s for s in specs}, page)


def _simple(resource: str, expression: str, fmt: str) -> Operation:
    page = JSON_PAGE if fmt == "json" else CSV_PAGE
    specs = [
        *_common(),
        _p("algorithm"),
        _p("expression", default=expression),
        *_sampling(),
        *_time_format(),
        *_paging(page),
    ]
    if fmt == "json":
        specs.append(_p("partition_size", "int"))
    return _op(resource, fmt, specs, page)


def _band_power(fmt: str) -> Operation:
    specs = [
        *_common(),
        _p("algorithm"),
        _p("anatomy"),
        _p("band"),
        _p("channel"),
        _p("sensor"),
        _p("expression", default="power"),
        *_sampling(),
        *_time_format(),
        *_paging(JSON_PAGE),  # the docs give band_power.csv the JSON page range, too
        _p("partition_size", "int"),
        _p("filename"),
    ]
    return _op("band_power", fmt, specs, JSON_PAGE)


def _lfp(fmt: str) -> Operation:
    page = JSON_PAGE if fmt == "json" else CSV_PAGE
    specs = [
        *_common(),
        _p("algorithm"),
        _p("anatomy"),
        _p("channel"),
        _p("channels"),
        _p("sensor"),
        _p("expression", default="lfp"),
        _p("low_freq", "int", default=0, minimum=0, maximum=200),
        _p("high_freq", "int", default=125, minimum=0, maximum=200),
        *_sampling(interpolation=fmt == "json"),
        *_time_format(),
        *_paging(page),
    ]
    if fmt == "json":
        specs.append(_p("partition_size", "int"))
    specs.append(_p("filename"))
    return _op("lfp", fmt, specs, page)


def _state(fmt: str) -> Operation:
    page = JSON_PAGE if fmt == "json" else CSV_PAGE
    specs = [
        *_common(),
        _p("algorithm"),
        _p("expression", default="state"),
        _p("event", required=True),
        _p("fields", required=True),
        *_sampling(interpolation=False),
        *_time_format(),
        *_paging(page),
    ]
    if fmt == "json":
        specs.append(_p("partition_size", "int"))
    return _op("state", fmt, specs, page)


def _probability(fmt: str) -> Operation:
    page = JSON_PAGE if fmt == "json" else CSV_PAGE
    specs = [
        *_common(),
        _p("symptom", required=True),
        _p("expression", default="probability"),
        _p("severity"),
        *_sampling(),
        *_time_format(),
        *_paging(page),
    ]
    if fmt == "json":
        specs.append(_p("partition_size", "int"))
    specs.append(_p("filename"))
    return _op("probability_symptom", fmt, specs, page)


def _event() -> Operation:
    specs = [
        _p("patient_id", required=True),
        _p("device_id"),
        _p("event"),
        _p("start_time", "float"),
        _p("end_time", "float"),
        _p("algorithm"),
        *_time_format(),
        *_paging(JSON_PAGE),
    ]
    return _op("event", "json", specs, JSON_PAGE)


def _span() -> Operation:
    specs = [
        _p("patient_id", required=True),
        _p("start_time", "float", required=True),
        _p("end_time", "float", required=True),
        _p("algorithm"),
        _p("device_id"),
        _p("event"),
        *_time_format(),
        _p("next_page_token"),  # "only supports token-based pagination"
    ]
    return _op("span", "json", specs, None)


def _session() -> Operation:
    specs = [_p("session_id", required=True), _p("stream_name", required=True)]
    return _op("session", "raw", specs, None)


OPERATIONS: tuple[Operation, ...] = (
    _simple("accel", "accel", "json"),
    _simple("accel", "accel", "csv"),
    _band_power("json"),
    _band_power("csv"),
    _event(),
    _span(),
    _simple("heartrate", "bpm", "json"),
    _simple("heartrate", "bpm", "csv"),
    _lfp("json"),
    _lfp("csv"),
    _simple("rotation", "rotation", "json"),
    _simple("rotation", "rotation", "csv"),
    _session(),
    _state("json"),
    _state("csv"),
    _probability("json"),
    _probability("csv"),
)

OPERATIONS_BY_PATH: dict[str, Operation] = {op.path: op for op in OPERATIONS}
