"""Fast CSV rendering of a :class:`Frame` with numpy byte matrices (no per-cell Python).

Every row is drawn into one byte canvas, character column by character column, with a mask of
the meaningful bytes (leading zeros, absent signs and null cells are masked out); the masked
canvas read in row order *is* the CSV text. The canvas is stored column-major (``(width,
rows)``) so that each character column is one contiguous write, and transposed once at the end.
Numbers are fixed-point with ``decimals`` digits, Unix times have 6 decimals, nulls are empty.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from .frame import F64, I64, Frame
from .timefmt import TimeFormat, offsets_us, runs

U8 = npt.NDArray[np.uint8]
B = npt.NDArray[np.bool_]
Draw = Callable[[U8, B], None]

DIGITS3: U8 = np.array([list(f"{i:03d}".encode()) for i in range(1000)], dtype=np.uint8)
DIGITS2: U8 = np.array([list(f"{i:02d}".encode()) for i in range(100)], dtype=np.uint8)
_PARALLEL_ROWS = 400_000
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sandbox-csv")


_TABLES: dict[int, U8] = {}


def digits_table(k: int) -> U8:
    """``(10**k, k)`` table of zero-padded ``k``-digit strings (k <= 4)."""
    if k not in _TABLES:
        _TABLES[k] = np.array([list(f"{i:0{k}d}".encode()) for i in range(10**k)], dtype=np.uint8)
    return _TABLES[k]


def _fixed(m: I64, decimals: int, null: B | None) -> tuple[int, Draw]:
    """Fixed-point text of ``m / 10**decimals`` (``m`` integer): (width, drawing function).

    Layout: sign, integer digits (right-aligned, leading zeros masked), point, fraction digits.
    """
    neg = m < 0
    a = np.abs(m)
    scale = 10**decimals
    ip = a // scale if decimals else a
    int_digits = len(str(int(ip.max()))) if len(m) else 1
    width = 1 + int_digits + (1 + decimals if decimals else 0)

    def draw(chars: U8, valid: B) -> None:
        chars[0] = ord("-")
        valid[0] = neg
        # integer part, 4 digits at a time from the units leftwards
        x = ip
        right = 1 + int_digits
        while right > 1:
            k = min(4, right - 1)
            chars[right - k : right] = digits_table(k).T[:, x % 10**k]
            x = x // 10**k
            right -= k
        for place in range(1, int_digits):  # mask leading zeros (the units digit always shows)
            valid[1 + int_digits - 1 - place] = ip >= 10**place
        if decimals:
            chars[1 + int_digits] = ord(".")
            frac = a - ip * scale
            col = 2 + int_digits
            remaining = decimals
            while remaining:
                k = min(4, remaining)
                remaining -= k
                chars[col : col + k] = digits_table(k).T[:, frac // 10**remaining % 10**k]
                col += k
        if null is not None:
            valid[:, null] = False

    return width, draw


def _float(v: F64, decimals: int) -> tuple[int, Draw]:
    null = np.isnan(v)
    m = np.rint(np.where(null, 0.0, v) * 10**decimals).astype(np.int64)
    return _fixed(m, decimals, null if null.any() else None)


def _unix(t_us: I64) -> tuple[int, Draw]:
    """Seconds with 6 decimals; the whole seconds are formatted once per distinct second."""
    secs = np.floor_divide(t_us, 1_000_000)
    frac = t_us - secs * 1_000_000
    if len(t_us) == 0 or secs.min() < 0:
        return _fixed(t_us, 6, None)
    firsts, run = runs(secs)
    texts = [str(int(s)).encode() for s in firsts]
    width_s = max(len(t) for t in texts)
    table = np.zeros((len(texts), width_s), dtype=np.uint8)
    tvalid = np.zeros((len(texts), width_s), dtype=np.bool_)
    for i, t in enumerate(texts):
        table[i, width_s - len(t) :] = np.frombuffer(t, dtype=np.uint8)
        tvalid[i, width_s - len(t) :] = True
    uniform = bool(tvalid.all())

    def draw(chars: U8, valid: B) -> None:
        chars[:width_s] = table.T[:, run]
        if not uniform:
            valid[:width_s] = tvalid.T[:, run]
        chars[width_s] = ord(".")
        chars[width_s + 1 : width_s + 4] = DIGITS3.T[:, frac // 1000]
        chars[width_s + 4 : width_s + 7] = DIGITS3.T[:, frac % 1000]

    return width_s + 7, draw


def _clock(t_us: I64, fmt: TimeFormat) -> tuple[int, Draw]:
    """``datetime`` (``2024-05-01 02:00:00.020000``) or ``iso`` (``...T...-07:00``) text."""
    from .timefmt import civil, offset_text

    offs = offsets_us(t_us, fmt.tz)
    local = t_us + offs
    days = np.floor_divide(local, 86_400_000_000)
    micros = local - days * 86_400_000_000
    labels: list[bytes] = []
    inverse = np.zeros(len(t_us), dtype=np.int64)
    if fmt.kind == "iso":
        off_firsts, off_run = runs(offs // 1_000_000)
        distinct = sorted({int(o) for o in off_firsts})
        labels = [offset_text(o).encode() for o in distinct]
        inverse = np.searchsorted(np.array(distinct, dtype=np.int64), off_firsts)[off_run]
    width_off = max((len(label) for label in labels), default=0)

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
            (1, ord("T" if fmt.kind == "iso" else " ")),
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
        if width_off:
            table = np.zeros((len(labels), width_off), dtype=np.uint8)
            tvalid = np.zeros((len(labels), width_off), dtype=np.bool_)
            for i, label in enumerate(labels):
                table[i, : len(label)] = np.frombuffer(label, dtype=np.uint8)
                tvalid[i, : len(label)] = True
            chars[col:] = table.T[:, inverse]
            valid[col:] = tvalid.T[:, inverse]

    return 26 + width_off, draw


def _labels(codes: I64, categories: list[str]) -> tuple[int, Draw]:
    """A textual column from category codes (written verbatim: values never need quoting)."""
    encoded = [c.encode() for c in categories] or [b""]
    width = max(1, max(len(e) for e in encoded))
    table = np.zeros((len(encoded), width), dtype=np.uint8)
    tvalid = np.zeros((len(encoded), width), dtype=np.bool_)
    for i, e in enumerate(encoded):
        if e:
            table[i, : len(e)] = np.frombuffer(e, dtype=np.uint8)
        tvalid[i, : len(e)] = True

    def draw(chars: U8, valid: B) -> None:
        chars[:] = table.T[:, codes]
        valid[:] = tvalid.T[:, codes]

    return width, draw


def _literal(ch: str) -> tuple[int, Draw]:
    def draw(chars: U8, valid: B) -> None:
        del valid
        chars[0] = ord(ch)

    return 1, draw


def header(frame: Frame) -> list[str]:
    """Column names in CSV order."""
    return [frame.time_column, *frame.label_columns, *frame.values]


def render_rows(frame: Frame, fmt: TimeFormat, lo: int, hi: int) -> bytes:
    """CSV text of rows ``[lo, hi)`` of a frame, without header."""
    n = hi - lo
    if n <= 0:
        return b""
    t = frame.times[lo:hi]
    blocks = [_unix(t) if fmt.kind == "unix" else _clock(t, fmt)]
    codes = frame.stream_index[lo:hi]
    for name in frame.label_columns:
        blocks.append(_literal(","))
        blocks.append(_labels(codes, [s.get(name, "") for s in frame.streams]))
    for name, values in frame.values.items():
        blocks.append(_literal(","))
        blocks.append(_float(values[lo:hi], frame.decimals[name]))
    blocks.append(_literal("\n"))
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


def render_csv(frame: Frame, fmt: TimeFormat) -> bytes:
    """The CSV text of a frame, header row included (large frames use two threads)."""
    head = (",".join(header(frame)) + "\n").encode()
    n = len(frame)
    if n < _PARALLEL_ROWS:
        return head + render_rows(frame, fmt, 0, n)
    mid = n // 2
    first = _POOL.submit(render_rows, frame, fmt, 0, mid)
    second = render_rows(frame, fmt, mid, n)
    return head + first.result() + second
