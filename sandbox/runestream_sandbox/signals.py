"""Deterministic synthetic values: pure functions of (patient, device, stream, time).

Noise comes from a splitmix64 hash of the sample time and a per-stream seed, so every value can
be computed independently of any other and of the query that asks for it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from .catalog import DATA_START_US, SEVERITIES

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLD = np.uint64(0x9E3779B97F4A7C15)


def seed_of(*parts: str) -> int:
    """A 63-bit seed from strings (stable across runs and platforms)."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def uniform(t_us: I64, seed: int) -> F64:
    """Hash-based uniform noise in [0, 1) for each time (splitmix64)."""
    with np.errstate(over="ignore"):
        z = np.asarray(t_us, dtype=np.int64).astype(np.uint64) * _GOLD + np.uint64(seed)
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def noise(t_us: I64, seed: int) -> F64:
    """Zero-mean noise with unit variance (one hash per sample)."""
    return (uniform(t_us, seed) - 0.5) * 3.4641016151377544


def noise3(t_us: I64, seed: int) -> tuple[F64, F64, F64]:
    """Three independent zero-mean unit-variance noises from one 64-bit hash per sample."""
    with np.errstate(over="ignore"):
        z = np.asarray(t_us, dtype=np.int64).astype(np.uint64) * _GOLD + np.uint64(seed)
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    mask = np.uint64((1 << 21) - 1)
    scale = 3.4641016151377544 / float(1 << 21)
    out = []
    for shift in (0, 21, 42):
        u = ((z >> np.uint64(shift)) & mask).astype(np.float64)
        out.append(u * scale - 1.7320508075688772)
    return out[0], out[1], out[2]


def _phase(seed: int, k: int) -> float:
    return float((seed >> (k * 5)) % 628) / 100.0


def rel_seconds(t_us: I64) -> F64:
    """Seconds since the start of the data span (keeps trig arguments small and precise)."""
    return (np.asarray(t_us, dtype=np.int64) - DATA_START_US).astype(np.float64) / 1e6


class Knots:
    """Per-second knots of a set of sample times, for cheap smooth envelopes.

    Slowly varying functions are evaluated at the whole seconds around the samples only and
    interpolated linearly in between; the bookkeeping is shared by every envelope.
    """

    def __init__(self, t_us: I64) -> None:
        t = np.asarray(t_us, dtype=np.int64)
        sec = np.floor_divide(t, 1_000_000)
        change = np.empty(len(sec), dtype=np.bool_)
        change[:1] = True
        np.not_equal(sec[1:], sec[:-1], out=change[1:])
        firsts = sec[change] * 1_000_000
        self.knots = np.concatenate([firsts, firsts + 1_000_000])
        self.n_runs = len(firsts)
        self.run = np.cumsum(change) - 1
        self.frac = (t - sec * 1_000_000).astype(np.float64) / 1e6

    def apply(self, fn: Callable[[I64], F64]) -> F64:
        """``fn`` at each sample, interpolated from its values at the surrounding seconds."""
        if self.n_runs == 0:
            return np.zeros(0)
        v = fn(self.knots)
        v0, v1 = v[: self.n_runs], v[self.n_runs :]
        out: F64 = v0[self.run]
        out += (v1 - v0)[self.run] * self.frac
        return out


def smooth(t_us: I64, fn: Callable[[I64], F64]) -> F64:
    """Evaluate a slowly varying ``fn`` at whole seconds and interpolate linearly in between."""
    return Knots(t_us).apply(fn)


def _oscillation(s: F64, freq: float, phases: tuple[float, ...]) -> list[F64]:
    """``sin(2 pi f s + phase)`` for several phases from a single sine/cosine pair."""
    arg = (2 * np.pi * freq) * s
    sa, ca = np.sin(arg), np.cos(arg)
    return [sa * np.cos(p) + ca * np.sin(p) for p in phases]


def _activity_raw(t_us: I64, seed: int) -> F64:
    s = rel_seconds(t_us)
    a = np.sin(2 * np.pi * s / 5400 + _phase(seed, 1)) + 0.6 * np.sin(
        2 * np.pi * s / 1300 + _phase(seed, 2)
    )
    return np.asarray(np.clip(a - 0.7, 0.0, 1.0), dtype=np.float64)


def activity(t_us: I64, seed: int) -> F64:
    """Smooth 0..1 envelope of physical activity (walking bouts)."""
    return smooth(t_us, lambda t: _activity_raw(t, seed))


def _tremor_raw(t_us: I64, seed: int) -> F64:
    s = rel_seconds(t_us)
    dose_cycle = 0.5 + 0.5 * np.sin(2 * np.pi * s / (6 * 3600) + _phase(seed, 3))
    slow = 0.5 + 0.5 * np.sin(2 * np.pi * s / 2700 + _phase(seed, 4))
    return np.asarray(np.clip(dose_cycle * slow, 0.0, 1.0), dtype=np.float64)


def tremor_level(t_us: I64, seed: int) -> F64:
    """Smooth 0..1 tremor intensity (worse between medication doses)."""
    return smooth(t_us, lambda t: _tremor_raw(t, seed))


def _gravity_raw(t_us: I64, seed: int) -> tuple[F64, F64, F64]:
    s = rel_seconds(t_us)
    theta = 0.9 * np.sin(2 * np.pi * s / 1800 + _phase(seed, 5))
    phi = 2 * np.pi * s / 7200 + _phase(seed, 6)
    st = np.sin(theta)
    return st * np.cos(phi), st * np.sin(phi), -np.cos(theta)


def gravity(t_us: I64, seed: int, knots: Knots | None = None) -> tuple[F64, F64, F64]:
    """Slowly turning unit gravity vector, in g."""
    k = knots or Knots(t_us)
    return (
        k.apply(lambda t: _gravity_raw(t, seed)[0]),
        k.apply(lambda t: _gravity_raw(t, seed)[1]),
        k.apply(lambda t: _gravity_raw(t, seed)[2]),
    )


def user_accel(t_us: I64, seed: int, knots: Knots | None = None) -> tuple[F64, F64, F64]:
    """Acceleration without gravity: gait at ~1.9 Hz, tremor at ~5.2 Hz, sensor noise."""
    s = rel_seconds(t_us)
    k = knots or Knots(t_us)
    act = k.apply(lambda t: _activity_raw(t, seed)) * 0.3
    trem = k.apply(lambda t: _tremor_raw(t, seed)) * 0.05
    gait = _oscillation(s, 1.9, tuple(_phase(seed, 7 + k) for k in range(3)))
    tr = _oscillation(s, 5.2, tuple(_phase(seed, 10 + k) for k in range(3)))
    nz = noise3(t_us, seed + 17)
    x, y, z = (act * gait[i] + trem * tr[i] + 0.01 * nz[i] for i in range(3))
    return x, y, z


def rotation(t_us: I64, seed: int) -> tuple[F64, F64, F64]:
    """Angular velocity in rad/s."""
    s = rel_seconds(t_us)
    k = Knots(t_us)
    act = k.apply(lambda t: _activity_raw(t, seed)) * 1.2
    trem = k.apply(lambda t: _tremor_raw(t, seed)) * 0.4
    base = _oscillation(s, 1 / 50, tuple(_phase(seed, 3 + k) for k in range(3)))
    gait = _oscillation(s, 1.9, tuple(_phase(seed, 8 + k) for k in range(3)))
    tr = _oscillation(s, 5.2, tuple(_phase(seed, 11 + k) for k in range(3)))
    nz = noise3(t_us, seed + 31)
    x, y, z = (0.2 * base[i] + act * gait[i] + trem * tr[i] + 0.02 * nz[i] for i in range(3))
    return x, y, z


def heartrate(t_us: I64, seed: int) -> F64:
    """Beats per minute (whole numbers)."""
    s = rel_seconds(t_us)
    day = 6 * np.sin(2 * np.pi * s / 86400 + _phase(seed, 2))
    bpm = 68 + day + 35 * _activity_raw(t_us, seed) + 2.5 * noise(t_us, seed + 5)
    return np.asarray(np.rint(bpm), dtype=np.float64)


def probability(t_us: I64, seed: int) -> F64:
    """Fraction of the minute during which the symptom was detected."""
    p = _tremor_raw(t_us, seed) * 0.9 + 0.05 * uniform(t_us, seed + 9)
    return np.asarray(np.clip(p, 0.0, 1.0), dtype=np.float64)


def severities(t_us: I64, seed: int) -> dict[str, F64]:
    """Probability of each severity (they sum to 1 at every time)."""
    level = _tremor_raw(t_us, seed)
    raw = {
        "none": 1.0 - level,
        "slight": level * (1 - level) * 1.5,
        "mild": level * 0.6,
        "moderate": level**2 * 0.5,
        "strong": level**3 * 0.3,
        "unknown": 0.02 + 0.03 * uniform(t_us, seed + 21),
    }
    total = sum(raw.values())
    return {name: raw[name] / total for name in SEVERITIES}


def lfp(t_us: I64, seed: int) -> F64:
    """Local field potential in µV: beta burst around 20 Hz, alpha, line noise and noise."""
    s = rel_seconds(t_us)
    beta_env = 0.6 + 0.4 * np.sin(2 * np.pi * s / 3.3 + _phase(seed, 1))
    v = (
        6.0 * beta_env * np.sin(2 * np.pi * 20.5 * s + _phase(seed, 2))
        + 3.0 * np.sin(2 * np.pi * 9.0 * s + _phase(seed, 3))
        + 1.5 * np.sin(2 * np.pi * 60.0 * s + _phase(seed, 4))
        + 2.0 * noise(t_us, seed + 3)
    )
    return np.asarray(v, dtype=np.float64)


def band_power(t_us: I64, seed: int) -> F64:
    """On-device band power (arbitrary positive units)."""
    s = rel_seconds(t_us)
    v = (
        2.0
        + 1.2 * np.sin(2 * np.pi * s / 86400 + _phase(seed, 1))
        + 0.6 * np.sin(2 * np.pi * s / 1500 + _phase(seed, 2))
        + 0.3 * noise(t_us, seed + 1)
    )
    return np.asarray(np.abs(v), dtype=np.float64)
