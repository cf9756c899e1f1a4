"""Checks of V2 Stream API arguments, each raising a ValidationError that names the parameter.

Everything here runs before a request is built, so a bad argument never reaches the wire.
Cross-parameter rules OpenAPI cannot state (spec/NOTES.md note 24) live here too: one form per
time bound, ``start < end``, ``timezone`` xor ``timezone_name``.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from fractions import Fraction
from typing import Final, TypeVar

from runestream_api.models.aggregate_function import AggregateFunction
from runestream_api.models.batch_operation import BatchOperation
from runestream_api.models.stream_format import StreamFormat
from runestream_api.models.stream_timestamp_format import StreamTimestampFormat
from runestream_api.types import UNSET, Unset

from ..core._errors import ValidationError
from ..core._times import to_unix_seconds
from ._schema import check_zone

__all__ = [
    "AVAILABILITY_RESOLUTION",
    "MAX_N_DAYS",
    "SECONDS_PER_DAY",
    "Bound",
    "aggregate_function",
    "availability_resolution",
    "batch_operation",
    "bounds",
    "check_order",
    "daily_resolution",
    "limit",
    "n_days",
    "page_token",
    "required_time",
    "stream_format",
    "stream_id",
    "stream_ids",
    "time_seconds",
    "timestamp_format",
    "timezones",
    "translate_enums",
    "window_resolution",
]

#: Allowed availability ``resolution`` (seconds), inclusive.
AVAILABILITY_RESOLUTION: Final = (300, 86400)
SECONDS_PER_DAY: Final = 86400
#: Largest ``n_days`` of a daily aggregate.
MAX_N_DAYS: Final = 14
_NS_PER_S: Final = 1_000_000_000
_INT64_MAX: Final = 2**63 - 1

E = TypeVar("E", bound=Enum)


class Bound:
    """One validated time bound: unix seconds or integer nanoseconds (never both).

    Attributes:
        seconds: The ``start_time``/``end_time`` value to send, or ``UNSET``.
        ns: The ``start_time_ns``/``end_time_ns`` value to send, or ``UNSET``.
        parameter: The name the caller used (for messages).
    """

    __slots__ = ("ns", "parameter", "seconds")

    def __init__(self, seconds: float | Unset, ns: int | Unset, parameter: str) -> None:
        self.seconds = seconds
        self.ns = ns
        self.parameter = parameter

    @property
    def exact_ns(self) -> Fraction | None:
        """The bound in nanoseconds, exactly (a float's binary value), or None if unset."""
        if not isinstance(self.ns, Unset):
            return Fraction(self.ns)
        if not isinstance(self.seconds, Unset):
            return Fraction(self.seconds) * _NS_PER_S
        return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _integer(value: object, parameter: str, low: int | None, high: int | None) -> int:
    if not _is_int(value):
        raise ValidationError(
            f"{parameter} must be an integer, not {type(value).__name__} ({value!r})",
            parameter=parameter,
        )
    assert isinstance(value, int)
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            wanted = f">= {low}"
        elif low is None:
            wanted = f"<= {high}"
        else:
            wanted = f"between {low} and {high}"
        raise ValidationError(f"{parameter}={value!r} must be {wanted}", parameter=parameter)
    return value


def _choice(value: object, enum: type[E], parameter: str) -> E:
    if isinstance(value, enum):
        return value
    allowed = [str(member.value) for member in enum]
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    raise ValidationError(
        f"{parameter}={value!r} is invalid: expected one of {', '.join(map(repr, allowed))}",
        parameter=parameter,
    )


def _text(value: object, parameter: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(
            f"{parameter} must be a string, not {type(value).__name__}", parameter=parameter
        )
    if not value or value != value.strip():
        raise ValidationError(
            f"{parameter}={value!r} must be non-empty without surrounding whitespace",
            parameter=parameter,
        )
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise ValidationError(f"{parameter} contains a control character", parameter=parameter)
    return value


def stream_id(value: object, parameter: str = "stream_id") -> str:
    """A stream id: a non-empty string (opaque; escaped in the path by the generated code)."""
    return _text(value, parameter)


def stream_ids(value: object) -> list[str]:
    """``stream_ids``: one id or an iterable of ids (at least one), order kept.

    Raises:
        ValidationError: Not a string or an iterable of strings, empty, or an id is invalid.
    """
    if isinstance(value, str):
        return [stream_id(value, "stream_ids")]
    if isinstance(value, bytes | bytearray) or not isinstance(value, Iterable):
        raise ValidationError(
            f"stream_ids must be a stream id or an iterable of stream ids, not "
            f"{type(value).__name__}",
            parameter="stream_ids",
        )
    ids = [stream_id(item, "stream_ids") for item in value]
    if not ids:
        raise ValidationError("stream_ids must name at least one stream", parameter="stream_ids")
    return ids


def time_seconds(value: object, parameter: str) -> float | Unset:
    """A seconds bound (unix seconds, datetime (naive = UTC), date (midnight UTC), ISO text)."""
    if value is None:
        return UNSET
    return to_unix_seconds(value, parameter=parameter)


def _time_ns(value: object, parameter: str) -> int | Unset:
    if value is None:
        return UNSET
    if not _is_int(value):
        kind = type(value).__name__
        hint = " (use the seconds parameter for floats, datetimes and text)"
        raise ValidationError(
            f"{parameter} must be integer nanoseconds since the epoch, not {kind}{hint}",
            parameter=parameter,
        )
    assert isinstance(value, int)
    if abs(value) > _INT64_MAX:
        raise ValidationError(f"{parameter}={value!r} is out of int64 range", parameter=parameter)
    return value


def _bound(seconds: object, ns: object, name: str) -> Bound:
    if seconds is not None and ns is not None:
        raise ValidationError(f"give {name} or {name}_ns, not both", parameter=f"{name}_ns")
    if ns is not None:
        return Bound(UNSET, _time_ns(ns, f"{name}_ns"), f"{name}_ns")
    return Bound(time_seconds(seconds, name), UNSET, name)


def check_order(start: Bound, end: Bound) -> None:
    """Refuse ``start >= end`` (compared exactly, whatever form each bound has)."""
    start_ns, end_ns = start.exact_ns, end.exact_ns
    if start_ns is not None and end_ns is not None and start_ns >= end_ns:
        raise ValidationError(
            f"{start.parameter} must be before {end.parameter} (the end is exclusive)",
            parameter=start.parameter,
        )


def bounds(
    start_time: object, start_time_ns: object, end_time: object, end_time_ns: object
) -> tuple[Bound, Bound]:
    """Both bounds of a data query: one form each, converted, start before end."""
    start = _bound(start_time, start_time_ns, "start_time")
    end = _bound(end_time, end_time_ns, "end_time")
    check_order(start, end)
    return start, end


def required_time(value: object, parameter: str) -> float:
    """A required seconds bound."""
    if value is None:
        raise ValidationError(f"{parameter} is required", parameter=parameter)
    return to_unix_seconds(value, parameter=parameter)


def timezones(timezone: object, timezone_name: object) -> tuple[int | Unset, str | Unset]:
    """``timezone`` (offset seconds, |offset| < one day) xor ``timezone_name`` (an IANA name
    this machine's zone database knows; an unknown one is refused before any request)."""
    if timezone is not None and timezone_name is not None:
        raise ValidationError("give timezone or timezone_name, not both", parameter="timezone_name")
    offset: int | Unset = UNSET
    name: str | Unset = UNSET
    if timezone is not None:
        offset = _integer(timezone, "timezone", -SECONDS_PER_DAY + 1, SECONDS_PER_DAY - 1)
    if timezone_name is not None:
        name = check_zone(_text(timezone_name, "timezone_name"))
    return offset, name


def stream_format(value: object) -> StreamFormat | Unset:
    """``format``: ``csv`` or ``json`` (None, as runeq allows, leaves the server's csv)."""
    if value is None:
        return UNSET
    return _choice(value, StreamFormat, "format")


def timestamp_format(value: object) -> StreamTimestampFormat | Unset:
    """``timestamp``: ``unix``, ``unixns`` or ``iso`` (None leaves it to the server)."""
    if value is None:
        return UNSET
    return _choice(value, StreamTimestampFormat, "timestamp")


def limit(value: object) -> int | Unset:
    """``limit``: timestamps across all pages, an integer >= 0 (0 means all)."""
    if value is None:
        return UNSET
    return _integer(value, "limit", 0, None)


def page_token(value: object) -> str | Unset:
    """``page_token``: the ``X-Rune-Next-Page-Token`` of an earlier response, to resume."""
    if value is None:
        return UNSET
    return _text(value, "page_token")


def translate_enums(value: object) -> bool | Unset:
    """``translate_enums``: a bool."""
    if value is None:
        return UNSET
    if not isinstance(value, bool):
        raise ValidationError(
            f"translate_enums must be True or False, not {value!r}", parameter="translate_enums"
        )
    return value


def availability_resolution(value: object) -> int:
    """Availability ``resolution``: integer seconds, 300 to 86400."""
    low, high = AVAILABILITY_RESOLUTION
    return _integer(value, "resolution", low, high)


def daily_resolution(value: object) -> int:
    """Daily aggregate ``resolution``: integer seconds that divide a day (86400) evenly."""
    seconds = _integer(value, "resolution", 1, SECONDS_PER_DAY)
    if SECONDS_PER_DAY % seconds:
        raise ValidationError(
            f"resolution={seconds} must divide 86400 (one day) evenly, e.g. 300, 900, 3600",
            parameter="resolution",
        )
    return seconds


def window_resolution(value: object) -> int:
    """Aggregate window ``resolution``: integer seconds >= 1."""
    return _integer(value, "resolution", 1, None)


def n_days(value: object) -> int:
    """Daily aggregate ``n_days``: 1 to 14."""
    return _integer(value, "n_days", 1, MAX_N_DAYS)


def batch_operation(value: object, *, several: bool) -> BatchOperation | Unset:
    """``batch_operation``: ``any`` or ``all``; required when several streams are asked for."""
    if value is None:
        if several:
            raise ValidationError(
                "batch_operation ('any' or 'all') is required for several stream_ids",
                parameter="batch_operation",
            )
        return UNSET
    return _choice(value, BatchOperation, "batch_operation")


def aggregate_function(value: object) -> AggregateFunction:
    """``aggregate_function``: ``sum`` or ``mean``."""
    return _choice(value, AggregateFunction, "aggregate_function")
