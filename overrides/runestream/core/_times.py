"""Time parameters: every accepted form of ``start_time`` / ``end_time`` to unix seconds.

The Stream API takes times as unix seconds (floats). runestream also accepts ``datetime``,
``date`` and ISO-8601 strings. A **naive** ``datetime`` (or a string without an offset) is read
as **UTC** — runeq read naive values as the machine's local time, which made the same script
return different data on different machines.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from typing import Final

from dateutil import parser as _dateutil_parser

from ._errors import ValidationError

__all__ = ["TimeLike", "to_unix_seconds"]

#: Everything a time parameter accepts.
TimeLike = float | int | dt.datetime | dt.date | str

#: Largest accepted magnitude, in seconds (year ~33658). Beyond it ``str(float)`` switches to
#: exponent notation (``1e+16``), which the API does not read as a time.
MAX_ABS_SECONDS: Final = 1e12

_NUMERIC_RE: Final = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _check_range(seconds: float, parameter: str, raw: object) -> float:
    if not math.isfinite(seconds):
        raise ValidationError(
            f"{parameter} must be a finite time, got {raw!r}", parameter=parameter
        )
    if abs(seconds) >= MAX_ABS_SECONDS:
        raise ValidationError(
            f"{parameter}={raw!r} is out of range: expected unix seconds (|t| < 1e12); "
            "milliseconds or nanoseconds must be divided first",
            parameter=parameter,
        )
    return seconds


def _from_datetime(value: dt.datetime) -> float:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()


def to_unix_seconds(value: object, *, parameter: str = "time") -> float:
    """Convert a time parameter to unix seconds.

    Accepted forms:

    * ``int`` / ``float`` (any real number except ``bool``): unix seconds, used as is;
    * ``datetime.datetime``: aware values are converted exactly; **naive values are UTC**;
    * ``datetime.date``: midnight UTC of that day;
    * ``str``: a number (``"1714521600"``) is unix seconds; anything else is parsed as ISO-8601
      with python-dateutil (``"2024-05-01"``, ``"2024-05-01T12:00:00Z"``,
      ``"2024-05-01T12:00:00+02:00"``); without an offset it is UTC.

    Args:
        value: The value given by the caller.
        parameter: Parameter name, used in error messages.

    Returns:
        Unix seconds as a float.

    Raises:
        ValidationError: The value has another type, is not finite, cannot be parsed, or is
            implausibly large (milliseconds passed as seconds). The message names ``parameter``.
    """
    if isinstance(value, bool):
        raise ValidationError(
            f"{parameter} must be unix seconds, a datetime, a date or an ISO-8601 string, "
            f"not bool ({value!r})",
            parameter=parameter,
        )
    if isinstance(value, dt.datetime):
        return _check_range(_from_datetime(value), parameter, value)
    if isinstance(value, dt.date):
        midnight = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
        return _check_range(midnight.timestamp(), parameter, value)
    if isinstance(value, numbers.Real):
        return _check_range(float(value), parameter, value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValidationError(f"{parameter} must not be an empty string", parameter=parameter)
        if _NUMERIC_RE.match(text):
            return _check_range(float(text), parameter, value)
        try:
            parsed = _dateutil_parser.isoparse(text)
        except (ValueError, OverflowError) as exc:
            raise ValidationError(
                f"{parameter}={value!r} is not unix seconds or an ISO-8601 date/time ({exc})",
                parameter=parameter,
            ) from None
        return _check_range(_from_datetime(parsed), parameter, value)
    raise ValidationError(
        f"{parameter} must be unix seconds, a datetime, a date or an ISO-8601 string, "
        f"not {type(value).__name__}",
        parameter=parameter,
    )
