"""V2 rendering: timestamps (``iso``/``unix``/``unixns``) and CSV/JSON bodies of point pages.

CSV text is drawn with the V1 byte-matrix renderer's primitives (no per-cell Python) except
for pages with JSON-object cells (events, spans: few points), which go through :mod:`csv`.
Timestamps: ``iso`` is RFC 3339 with ``Z`` in UTC (or the zone's offset, ``-07:00``) and the
fraction trimmed of trailing zeros (none at all for whole seconds); ``unix`` is decimal
seconds trimmed the same way; ``unixns`` integer nanoseconds.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np

from ..csvfmt import DIGITS2, DIGITS3, U8, B, Draw, _fixed, _float, _labels, _literal
from ..frame import I64
from ..timefmt import TimeFormat, civil, offset_text, offsets_us, runs
from .sources import ENUM, JSON, NUMBER, TIME, Column, Points


def _trim_fraction(valid: B, col: int, frac: I64) -> None:
    """Mask the point at ``col`` and trailing zeros of the 6 fraction digits after it."""
    valid[col] = frac != 0
    for j in range(6):
        valid[col + 1 + j] = frac % 10 ** (6 - j) != 0


def _unix(t_us: I64) -> tuple[int, Draw]:
    width, base = _fixed(t_us, 6, None)
    frac = np.abs(t_us) % 1_000_000

    def draw(chars: U8, valid: B) -> None:
        base(chars, valid)
        _trim_fraction(valid, width - 7, frac)

    return width, draw


def _unixns(t_us: I64) -> tuple[int, Draw]:
    return _fixed(t_us * 1000, 0, None)


def _iso(t_us: I64, fmt: TimeFormat) -> tuple[int, Draw]:
    offs = offsets_us(t_us, fmt.tz)
    local = t_us + offs
    days = np.floor_divide(local, 86_400_000_000)
    micros = local - days * 86_400_000_000
    off_firsts, off_run = runs(offs // 1_000_000)
    distinct = sorted({int(o) for o in off_firsts})
    labels = [b"Z" if o == 0 else offset_text(o).encode() for o in distinct]
    inverse = np.searchsorted(np.array(distinct, dtype=np.int64), off_firsts)[off_run]
    width_off = max((len(label) for label in labels), default=1)

    def draw(chars: U8, valid: B) -> None:
        year, month, day = civil(days)
        secs = micros // 1_000_000
        frac = micros % 1_000_000
        parts: list[tuple[int, U8 | int]] = [
            (2, DIGITS2[year // 100 % 100]),
            (2, DIGITS2[year % 100]),
            (1, ord("-")),
            (2, DIGITS2[month]),
            (1, ord("-")),
            (2, DIGITS2[day]),
            (1, ord("T")),
            (2, DIGITS2[secs // 3600]),
            (1, ord(":")),
            (2, DIGITS2[secs // 60 % 60]),
            (1, ord(":")),
            (2, DIGITS2[secs % 60]),
            (1, ord(".")),
            (3, DIGITS3[frac // 1000]),
            (3, DIGITS3[frac % 1000]),
        ]
        col = 0
        for w, part in parts:
            chars[col : col + w] = part if isinstance(part, int) else part.T
            col += w
        _trim_fraction(valid, 19, frac)
        table = np.zeros((len(labels), width_off), dtype=np.uint8)
        tvalid = np.zeros((len(labels), width_off), dtype=np.bool_)
        for i, label in enumerate(labels):
            table[i, : len(label)] = np.frombuffer(label, dtype=np.uint8)
            tvalid[i, : len(label)] = True
        chars[col:] = table.T[:, inverse]
        valid[col:] = tvalid.T[:, inverse]

    return 26 + width_off, draw


def _time_block(t_us: I64, fmt: TimeFormat) -> tuple[int, Draw]:
    if fmt.kind == "unixns":
        return _unixns(t_us)
    if fmt.kind == "unix":
        return _unix(t_us)
    return _iso(t_us, fmt)


def _draw(blocks: list[tuple[int, Draw]], n: int) -> bytes:
    width = sum(w for w, _ in blocks)
    chars = np.empty((width, n), dtype=np.uint8)
    valid = np.ones((width, n), dtype=np.bool_)
    col = 0
    for w, draw in blocks:
        draw(chars[col : col + w], valid[col : col + w])
        col += w
    rows_chars = np.ascontiguousarray(chars.T)
    del chars
    rows_valid = np.ascontiguousarray(valid.T)
    del valid
    return rows_chars[rows_valid].tobytes()


def time_strings(t_us: I64, fmt: TimeFormat) -> list[str]:
    """Timestamps as text, one per time (the exact CSV spelling)."""
    if len(t_us) == 0:
        return []
    text = _draw([_time_block(t_us, fmt), _literal("\n")], len(t_us)).decode()
    return text.split("\n")[:-1]


def json_times(t_us: I64, fmt: TimeFormat) -> list[Any]:
    """Timestamps for JSON: unix seconds as numbers, unixns as integers, iso as strings."""
    t = np.asarray(t_us, dtype=np.int64)
    if fmt.kind == "unix":
        return list((t / 1e6).tolist())
    if fmt.kind == "unixns":
        return list((t * 1000).tolist())
    return time_strings(t, fmt)


def _value_block(col: Column, fmt: TimeFormat, translate: bool) -> tuple[int, Draw]:
    if col.kind == NUMBER:
        assert col.numbers is not None
        return _float(col.numbers, col.decimals)
    if col.kind == ENUM:
        assert col.codes is not None
        if translate:
            return _labels(col.codes, list(col.enum_values))
        return _fixed(col.codes, 0, None)
    assert col.kind == TIME and col.times is not None
    return _time_block(col.times, fmt)


def render_csv(header: list[str], page: Points, fmt: TimeFormat, translate: bool) -> bytes:
    """A CSV page: the header row, then one row per point (header only when empty)."""
    head = (",".join(header) + "\n").encode()
    n = len(page)
    if n == 0:
        return head
    if any(c.kind == JSON for c in page.columns):
        return head + _csv_rows(page, fmt, translate)
    blocks = [_time_block(page.times, fmt)]
    for col in page.columns:
        blocks += [_literal(","), _value_block(col, fmt, translate)]
    blocks += [_literal(","), _fixed(page.durations_ns, 0, None), _literal("\n")]
    return head + _draw(blocks, n)


def _csv_rows(page: Points, fmt: TimeFormat, translate: bool) -> bytes:
    cells: list[list[str]] = [time_strings(page.times, fmt)]
    for col in page.columns:
        if col.kind == JSON:
            cells.append(col.texts)
        else:
            text = _draw([_value_block(col, fmt, translate), _literal("\n")], len(page))
            cells.append(text.decode().split("\n")[:-1])
    cells.append([str(d) for d in page.durations_ns.tolist()])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(zip(*cells, strict=True))
    return out.getvalue().encode()


def json_column(col: Column, fmt: TimeFormat, translate: bool) -> list[Any]:
    """A value column for a JSON body (NaN -> null; enum names or codes; objects decoded)."""
    if col.kind == NUMBER:
        assert col.numbers is not None
        nan = np.isnan(col.numbers)
        vals: list[Any] = (
            np.where(nan, 0, col.numbers).astype(np.int64).tolist()
            if col.decimals == 0
            else col.numbers.tolist()
        )
        for i in np.flatnonzero(nan):
            vals[int(i)] = None
        return vals
    if col.kind == ENUM:
        assert col.codes is not None
        codes = col.codes.tolist()
        return [col.enum_values[c] for c in codes] if translate else list(codes)
    if col.kind == TIME:
        assert col.times is not None
        return json_times(col.times, fmt)
    import json

    return [json.loads(t) for t in col.texts]


def json_page(page: Points, fmt: TimeFormat, translate: bool) -> dict[str, Any]:
    """``{"cardinality": n, "data": {"time", <dimensions>, "measurement_duration_ns"}}``."""
    data: dict[str, Any] = {"time": json_times(page.times, fmt)}
    for col in page.columns:
        data[col.name] = json_column(col, fmt, translate)
    data["measurement_duration_ns"] = page.durations_ns.tolist()
    return {"cardinality": len(page), "data": data}


def render_table(header: list[str], times: I64, ints: list[I64], fmt: TimeFormat) -> bytes:
    """A CSV page of a time column and integer columns (availability)."""
    head = (",".join(header) + "\n").encode()
    if len(times) == 0:
        return head
    blocks = [_time_block(times, fmt)]
    for values in ints:
        blocks += [_literal(","), _fixed(values, 0, None)]
    blocks.append(_literal("\n"))
    return head + _draw(blocks, len(times))
