"""Stateful streams: sparse update events whose field values persist until the next update."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import signals
from .catalog import DATA_END_US, DATA_START_US
from .frame import F64, I64, Frame

MINUTE = 60_000_000
HOUR = 60 * MINUTE

FIELD_DECIMALS = {
    "ld0.threshold.low": 0,
    "ld0.threshold.high": 0,
    "amplitude_ma": 1,
    "is_on": 0,
    "battery_level": 2,
}


@dataclass(frozen=True)
class Updates:
    """Update events of one event type: times and, per field, the value set (NaN: untouched)."""

    times: I64
    fields: dict[str, F64]


def _u(seed: int, n: int, salt: int) -> F64:
    return signals.uniform(np.arange(n, dtype=np.int64) * 7919 + salt, seed)


@lru_cache(maxsize=32)
def updates(patient_id: str, device_id: str, event: str) -> Updates:
    """The deterministic update history of a state event type."""
    seed = signals.seed_of(patient_id, device_id, "state", event)
    if event == "battery_state":
        times = np.arange(DATA_START_US + 10 * MINUTE, DATA_END_US, 30 * MINUTE, dtype=np.int64)
        hours = (times - DATA_START_US) / HOUR
        level = 1.0 - (hours % 24) / 30 + 0.01 * _u(seed, len(times), 1)
        return Updates(
            times, {"battery_level": np.round(np.clip(level, 0.0, 1.0), 2).astype(np.float64)}
        )
    base = np.arange(DATA_START_US + 2 * HOUR, DATA_END_US, 6 * HOUR, dtype=np.int64)
    jitter = (_u(seed, len(base), 2) * 90).astype(np.int64) * MINUTE
    times = base + jitter + (_u(seed, len(base), 9) * 1000).astype(np.int64) * 1000
    n = len(times)
    low = np.round(480 + 40 * _u(seed, n, 3))
    fields = {
        "ld0.threshold.low": low,
        "ld0.threshold.high": low + np.round(3 + 7 * _u(seed, n, 4)),
        "amplitude_ma": np.round(1.5 + 2 * _u(seed, n, 5), 1),
        "is_on": (_u(seed, n, 6) > 0.1).astype(np.float64),
    }
    # after the first update, each update only touches some of the fields
    for k, name in enumerate(fields):
        touched = _u(seed, n, 10 + k) < 0.55
        touched[0] = True
        fields[name] = np.where(touched, fields[name], np.nan)
    return Updates(times, fields)


def _value_at(upd: Updates, name: str, t: I64, inclusive: I64) -> F64:
    """Field value in force at each ``t`` (updates at ``t`` count where ``inclusive``)."""
    column = upd.fields[name]
    set_at = np.flatnonzero(~np.isnan(column))
    when = upd.times[set_at]
    right = np.searchsorted(when, t, side="right")
    left = np.searchsorted(when, t, side="left")
    i = np.where(inclusive.astype(bool), right, left) - 1
    out = np.full(len(t), np.nan)
    ok = i >= 0
    out[ok] = column[set_at[i[ok]]]
    return out


class StateRows:
    """Rows of ``expression=state``: the query start, every update inside, the query end."""

    def __init__(self, upd: Updates, fields: list[str], start_us: int, end_us: int) -> None:
        inner = upd.times[(upd.times > start_us) & (upd.times < end_us)]
        self.times = np.concatenate([[start_us], inner, [end_us]]).astype(np.int64)
        self.inclusive = np.ones(len(self.times), dtype=np.int64)
        self.inclusive[-1] = 0  # the end is exclusive: its row shows the state just before it
        self.upd = upd
        self.fields = fields

    def count(self) -> int:
        """Number of rows."""
        return len(self.times)

    def frame(self, offset: int, limit: int) -> Frame:
        """Rows ``[offset, offset + limit)``."""
        t = self.times[offset : offset + limit]
        inc = self.inclusive[offset : offset + limit]
        values = {f: _value_at(self.upd, f, t, inc) for f in self.fields}
        return Frame("time", t, values, {f: FIELD_DECIMALS.get(f, 4) for f in self.fields})


class StateAvailability:
    """Per bucket and field: 1 once the field has a known value within the bucket, else 0."""

    def __init__(
        self, upd: Updates, fields: list[str], start_us: int, end_us: int, res_us: int
    ) -> None:
        self.n = -(-(end_us - start_us) // res_us)
        self.start = start_us
        self.end = end_us
        self.res = res_us
        self.first_set = {}
        for f in fields:
            set_at = np.flatnonzero(~np.isnan(upd.fields[f]))
            self.first_set[f] = int(upd.times[set_at[0]]) if len(set_at) else None

    def count(self) -> int:
        """Number of buckets."""
        return self.n

    def frame(self, offset: int, limit: int) -> Frame:
        """Buckets ``[offset, offset + limit)``."""
        ids = np.arange(offset, min(self.n, offset + limit), dtype=np.int64)
        t = self.start + ids * self.res
        bucket_end = np.minimum(t + self.res, self.end)
        values = {}
        for f, first in self.first_set.items():
            known = np.zeros(len(ids)) if first is None else (first < bucket_end).astype(float)
            values[f] = known
        return Frame("time", t, values, dict.fromkeys(self.first_set, 0))


def update_items(
    upd: Updates, fields: list[str] | None, start_us: int, end_us: int
) -> tuple[I64, list[dict[str, float]]]:
    """Updates in ``[start, end)``: their times and the fields each one set."""
    names = fields or list(upd.fields)
    sel = np.flatnonzero((upd.times >= start_us) & (upd.times < end_us))
    times: list[int] = []
    items: list[dict[str, float]] = []
    for i in sel:
        item = {}
        for name in names:
            v = upd.fields[name][i]
            if not np.isnan(v):
                item[name] = int(v) if FIELD_DECIMALS.get(name, 4) == 0 else float(v)
        if item:
            times.append(int(upd.times[i]))
            items.append(item)
    return np.array(times, dtype=np.int64), items
