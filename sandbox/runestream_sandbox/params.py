"""Query-parameter specifications and their parsing (types, ranges, unknown and repeated names)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from .errors import UNKNOWN_PARAMETER, ApiError, invalid

Kind = Literal["str", "float", "int", "enum"]

#: Unix times in microseconds from 0001-01-02 to 9999-12-30 (UTC).
MIN_TIME_US = int(datetime(1, 1, 2, tzinfo=UTC).timestamp()) * 1_000_000
MAX_TIME_US = int(datetime(9999, 12, 30, tzinfo=UTC).timestamp()) * 1_000_000

_INT_RE = re.compile(r"^[+-]?\d+$")
_FLOAT_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class ParamSpec:
    """One documented query parameter."""

    name: str
    kind: Kind = "str"
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


def parse_float(name: str, raw: str) -> float:
    """A finite float (``1714521600``, ``1714521600.25``, ``1.7e9``)."""
    if not _FLOAT_RE.match(raw.strip()):
        raise invalid(name, f"{raw!r} is not a number")
    value = float(raw)
    if not math.isfinite(value):
        raise invalid(name, f"{raw!r} is not a finite number")
    return value


def parse_time_us(name: str, raw: str) -> int:
    """A Unix time in seconds, exactly converted to the first whole microsecond ``>=`` it.

    Times must lie within years 0001-9999 (a day's margin each side for time-zone offsets):
    what a timestamp can be rendered as; anything else is 400, never an overflow.
    """
    parse_float(name, raw)
    try:
        exact = Decimal(raw.strip()) * 1_000_000
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex above
        raise invalid(name, f"{raw!r} is not a number") from exc
    if not MIN_TIME_US <= exact <= MAX_TIME_US:
        raise invalid(name, f"{raw!r} is outside the supported range (years 0001-9999)")
    return math.ceil(exact)


def parse_int(name: str, raw: str) -> int:
    """A whole number written without a fraction or exponent."""
    if not _INT_RE.match(raw.strip()):
        raise invalid(name, f"{raw!r} is not an integer")
    return int(raw)


def _convert(spec: ParamSpec, raw: str) -> Any:
    if spec.kind == "float":
        return parse_float(spec.name, raw)
    if spec.kind == "int":
        value = parse_int(spec.name, raw)
        if spec.minimum is not None and value < spec.minimum:
            raise invalid(spec.name, f"{value} is below the minimum {spec.minimum}")
        if spec.maximum is not None and value > spec.maximum:
            raise invalid(spec.name, f"{value} is above the maximum {spec.maximum}")
        return value
    if spec.kind == "enum":
        if raw not in spec.choices:
            allowed = ", ".join(repr(c) for c in spec.choices)
            raise invalid(spec.name, f"{raw!r} is not one of {allowed}")
        return raw
    return raw


def parse_query(
    items: Sequence[tuple[str, str]], specs: dict[str, ParamSpec]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check names, repeats and types; return (typed values with defaults, raw provided values).

    Missing required parameters are *not* checked here: which ones are required can depend on
    the credentials (``patient_id``) and on the expression (state's ``event``/``fields``).
    """
    unknown = sorted({k for k, _ in items if k not in specs})
    if unknown:
        raise ApiError(UNKNOWN_PARAMETER, f"unknown query parameter(s): {', '.join(unknown)}")
    raw: dict[str, str] = {}
    for key, value in items:
        if key in raw:
            raise invalid(key, "given more than once")
        raw[key] = value
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        if name in raw:
            values[name] = _convert(spec, raw[name])
        else:
            values[name] = spec.default
    return values, raw
