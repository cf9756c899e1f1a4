"""Timestamp rendering: ``unix`` seconds, or ``datetime``/``iso`` strings in a time zone.

Offsets are looked up per quarter hour with :mod:`zoneinfo`, so ``timezone_name`` is correct on
both sides of a daylight-saving transition, and formatting stays vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from .errors import invalid
from .frame import I64

U8 = npt.NDArray[np.uint8]
_QUARTER_US = 900 * 1_000_000


@dataclass(frozen=True)
class TimeFormat:
    """How to render timestamps: ``kind`` is unix, datetime or iso."""

    kind: str = "unix"
    tz: tzinfo = UTC


def make_time_format(kind: str, tz_offset_s: int, tz_name: str) -> TimeFormat:
    """Build from the query; a zero offset and an empty name both mean "not given"."""
    if tz_name:
        try:
            zone: tzinfo = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise invalid("timezone_name", f"unknown IANA time zone {tz_name!r}") from exc
    else:
        if abs(tz_offset_s) >= 86_400:
            raise invalid("timezone", "offset must be less than one day (86400 seconds)")
        zone = timezone(timedelta(seconds=tz_offset_s)) if tz_offset_s else UTC
    return TimeFormat(kind, zone)


def runs(keys: I64) -> tuple[I64, I64]:
    """(first key of each run of equal keys, run number of each element): a cheap ``unique``."""
    change = np.empty(len(keys), dtype=np.bool_)
    change[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=change[1:])
    return keys[change], np.cumsum(change) - 1


def offsets_us(t_us: I64, tz: tzinfo) -> I64:
    """UTC offset in microseconds at each instant."""
    if len(t_us) == 0:
        return np.zeros(0, dtype=np.int64)
    if tz is UTC:
        return np.zeros(len(t_us), dtype=np.int64)
    quarters, run = runs(np.floor_divide(t_us, _QUARTER_US))
    cache: dict[int, int] = {}
    table = np.array(
        [cache.setdefault(int(q), _offset_at(int(q) * 900, tz)) for q in quarters],
        dtype=np.int64,
    )
    return table[run] * 1_000_000


def _offset_at(ts: int, tz: tzinfo) -> int:
    off = datetime.fromtimestamp(ts, tz).utcoffset()
    return 0 if off is None else int(off.total_seconds())


def offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    text = f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    if seconds % 60:
        text += f":{seconds % 60:02d}"
    return text


def civil(days: I64) -> tuple[I64, I64, I64]:
    """Days since 1970-01-01 to (year, month, day) (H. Hinnant's algorithm, vectorised)."""
    z = days + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


def strings(t_us: I64, fmt: TimeFormat) -> list[str]:
    """Datetime/iso timestamps as Python strings (for JSON bodies; same text as in CSV)."""
    from .csvfmt import render_rows
    from .frame import Frame

    frame = Frame("time", np.asarray(t_us, dtype=np.int64), {}, {})
    text = render_rows(frame, fmt, 0, len(t_us)).decode()
    return text.split("\n")[:-1]


def json_times(t_us: I64, fmt: TimeFormat) -> list[float] | list[str]:
    """Timestamps for a JSON body: Unix seconds as numbers, or strings."""
    if fmt.kind == "unix":
        return (t_us / 1e6).tolist()  # type: ignore[no-any-return]
    return strings(t_us, fmt)
