"""Realistic requests: the sandbox catalogue, and a bias that steers generated queries onto it.

Schemathesis draws ``patient_id``/``device_id`` as arbitrary strings and times anywhere, so left
alone nearly every request ends in a 400 or 404 and the 200 schemas are never exercised.
:func:`bias_query` rewrites a generated query *deterministically* (choices come from a CRC of the
query itself, so a derandomized run stays reproducible): catalogue IDs, short windows with data,
and — for positive cases only — repairs of the cross-parameter rules the spec cannot express
(``frequency`` with ``resolution``, ``timezone`` with ``timezone_name``, a made-up page token,
an expression the operation does not know, ...). Every other generated value (formats, page
sizes, partitioning, filenames, algorithms, interpolation, ...) is kept, and one query in
``UNBIASED_SHARE`` is left exactly as generated (unknown IDs, odd strings: 404s and 400s).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import runestream_sandbox as rs

T = TypeVar("T")

T0 = rs.CATALOG.start_time
DAY2 = T0 + 86_400  # 2024-05-02T00:00Z: a full day of data on every stream
NINE = DAY2 + 9 * 3600  # watch worn; LFP recordings run hh:10:00-hh:11:00

TOKEN_HEADERS = {
    "X-Rune-User-Access-Token-Id": rs.ACCESS_TOKEN_ID,
    "X-Rune-User-Access-Token-Secret": rs.ACCESS_TOKEN_SECRET,
}
KEY_HEADERS = {
    "X-Rune-Client-Key-Id": rs.CLIENT_KEY_ID,
    "X-Rune-Client-Access-Key": rs.CLIENT_ACCESS_KEY,
}

AGGREGATORS = ("first", "last", "mean", "median")
# (start, end) windows with data (plus one without) per family of streams; all short so that
# every page stays small whatever page_size the generator picks.
WINDOWS: dict[str, tuple[tuple[float, float], ...]] = {
    "watch50": ((NINE, NINE + 2), (NINE + 0.5, NINE + 1.5), (DAY2 + 3 * 3600, DAY2 + 3 * 3600 + 2)),
    "heartrate": ((NINE, NINE + 600), (NINE + 30, NINE + 90), (DAY2 + 2 * 3600, DAY2 + 7200 + 60)),
    "probability": (
        (NINE, NINE + 3600),
        (NINE, NINE + 600),
        (DAY2 + 3 * 3600, DAY2 + 3 * 3600 + 600),
    ),
    "lfp": ((NINE + 600, NINE + 602), (NINE + 659, NINE + 661), (NINE, NINE + 2)),
    "band_power": (
        (NINE, NINE + 300),
        (NINE + 60, NINE + 120),
        (DAY2 + 3 * 3600, DAY2 + 3 * 3600 + 60),
    ),
    "state": ((DAY2, DAY2 + 86_400), (DAY2 + 3600, DAY2 + 7 * 3600), (T0 - 86_400, T0 - 3600)),
    "events": ((DAY2, DAY2 + 86_400), (T0, T0 + 3 * 86_400), (NINE, NINE + 60)),
}
ZONES = ("America/Los_Angeles", "Europe/Paris", "UTC", "Asia/Kolkata")
OFFSETS = (-28_800, 3_600, 19_800, 0)
RESOLUTIONS = (1.0, 10.0, 60.0, 0.5)
SMALL_PAGES = (1, 3, 7, 25)
UNBIASED_SHARE = 6  # one request in six is left as generated
MAX_BUCKETS = 2_000  # keeps a biased request cheap whatever frequency was generated

# Operation path -> (stream family, valid expressions, device ids).
_SIMPLE: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "accel": (
        "watch50",
        ("accel", "user", "gravity", "availability(accel)", "mean(accel)", "first(user)"),
        (rs.WATCH_ID, rs.SPECIAL_DEVICE_ID),
    ),
    "rotation": (
        "watch50",
        ("rotation", "availability(rotation)", "median(rotation)", "last(rotation)"),
        (rs.WATCH_ID, rs.SPECIAL_DEVICE_ID),
    ),
    "heartrate": (
        "heartrate",
        ("bpm", "availability(bpm)", "mean(bpm)", "median(bpm)"),
        (rs.WATCH_ID,),
    ),
    "probability_symptom": (
        "probability",
        ("probability", "availability(probability)", "mean(probability)", "last(probability)"),
        (rs.WATCH_ID,),
    ),
    "band_power": ("band_power", ("power", "availability(power)"), (rs.DBS_ID,)),
    "lfp": (
        "lfp",
        ("lfp", "availability(lfp)", "spectrogram(lfp)", "frequency_spectrum", "mean(lfp)"),
        (rs.DBS_ID,),
    ),
    "state": ("state", ("state", "availability(state)", "event_type", "update"), (rs.DBS_ID,)),
}
LFP_JSON_ANALYSES = (
    "projection(spectrogram(lfp),y,z)",
    "projection(mean(spectrogram(lfp)),y,z)",
    "mean_std(projection(spectrogram(lfp),y,z))",
    "percentiles(projection(spectrogram(lfp),y,z))",
    "band_power(spectrogram(lfp))",
)
NEEDS_RESOLUTION = {"projection(mean(spectrogram(lfp)),y,z)"}
STATE_FIELDS = {
    "stimulation_state": ("ld0.threshold.low", "ld0.threshold.high", "amplitude_ma", "is_on"),
    "battery_state": ("battery_level",),
}
LFP_FILTERS = {
    "anatomy": ("GPi", "STN", "GPi,STN"),
    "channel": ("0", "1,3", "2"),
    "sensor": ("7-5", "0-2,1-3"),
    "algorithm": ("example-dbs-v2",),
}
BAND_FILTERS = {
    "anatomy": ("GPi", "STN"),
    "channel": ("0", "2", "0,2"),
    "sensor": ("7-5", "0-2"),
    "band": ("16.4hz-19.8hz", "8.5hz-9.6hz", "16.4hz-19.8hz,8.5hz-9.6hz"),
    "algorithm": ("medtronic-percept-1",),
}
EVENT_PREFIXES = ("patient", "patient.medication", "device.implant", "patient.activity.walk")
BAD_FILENAME_CHARS = set('"\\/\r\n')


class Chooser:
    """Deterministic choices keyed by a seed string (no RNG state, so runs are reproducible)."""

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def number(self, salt: str) -> int:
        """A stable 32-bit number for ``salt``."""
        return zlib.crc32(f"{self.seed}|{salt}".encode())

    def pick(self, salt: str, options: Sequence[T]) -> T:
        """One of ``options``."""
        return options[self.number(salt) % len(options)]

    def chance(self, salt: str, numerator: int, denominator: int) -> bool:
        """True for about ``numerator/denominator`` of seeds."""
        return self.number(salt) % denominator < numerator


def resource_of(path: str) -> tuple[str, str]:
    """``/v1/accel.json`` -> ``("accel", "json")``; ``/v1/session`` -> ``("session", "raw")``."""
    name = path.removeprefix("/v1/")
    if "." not in name:
        return name, "raw"
    resource, fmt = name.rsplit(".", 1)
    return resource, fmt


def _number(value: Any) -> float | None:
    """``value`` as a finite float when it is a (generated) number, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    return None


def _comma_list_ok(value: Any) -> bool:
    return isinstance(value, str) and all(item.strip() for item in value.split(","))


def bias_query(path: str, query: dict[str, Any], *, positive: bool) -> dict[str, Any]:
    """Return ``query`` steered onto catalogue data (see the module docstring).

    For negative cases only identities and times that are already present and well typed are
    replaced, so that the generated violation stays in place (schemathesis re-validates the
    case afterwards in any case).
    """
    resource, fmt = resource_of(path)
    choose = Chooser(f"{path}|{sorted(query.items(), key=lambda kv: kv[0])!r}")
    q = dict(query)
    if choose.chance("unbiased", 1, UNBIASED_SHARE):
        return q  # some requests keep their arbitrary IDs: 404s (and odd strings) are checked too

    def put(name: str, value: Any) -> None:
        if positive or name in q:
            q[name] = value

    if resource == "session":
        put("session_id", rs.DATASET_ID)
        put("stream_name", choose.pick("stream", ("metadata", "events")))
        return q

    if "patient_id" in q or positive:
        # A client key may leave it out, an access token may not: keep it present.
        q["patient_id"] = rs.PATIENT_ID
    family, expressions, devices = _SIMPLE.get(resource, ("events", (), (rs.WATCH_ID, rs.DBS_ID)))
    start, end = choose.pick("window", WINDOWS[family])
    for name, value in (("start_time", start), ("end_time", end)):
        if name in q and (positive or _number(q[name]) is not None):
            q[name] = value
    if resource in ("event", "span"):
        if positive and resource == "span":
            q["start_time"], q["end_time"] = start, end
        if "device_id" in q:
            q["device_id"] = choose.pick("device", devices)
        if positive and "event" in q:
            q["event"] = choose.pick("event", EVENT_PREFIXES)
    else:
        put("device_id", choose.pick("device", devices))
    if not positive:
        return q

    _repair(q, resource, fmt, expressions, end - start, choose)
    return q


def _repair(
    q: dict[str, Any],
    resource: str,
    fmt: str,
    expressions: tuple[str, ...],
    window: float,
    choose: Chooser,
) -> None:
    """Undo the generated combinations that a documented cross-parameter rule rejects."""
    q.pop("next_page_token", None)  # tokens are issued by the server, never made up
    if resource not in ("session", "span") and choose.chance("small-page", 1, 3):
        q["page_size"] = choose.pick("page-size", SMALL_PAGES)  # so that tokens appear
    if "page" in q and q["page"] not in (None, 0) and choose.chance("page", 1, 2):
        q.pop("page")
    _repair_times_format(q, choose)
    if "partition_size" in q and not (
        isinstance(q["partition_size"], int) and q["partition_size"] >= 1
    ):
        q.pop("partition_size")
    if "filename" in q:
        name = q["filename"]
        if not isinstance(name, str) or BAD_FILENAME_CHARS & set(name) or len(name) > 255:
            q["filename"] = f"{resource}-export.{fmt}"
    if resource in ("event", "span"):
        return

    expression = _repair_expression(q, resource, fmt, expressions, choose)
    _repair_sampling(q, resource, expression, window, choose)
    fix: Callable[[dict[str, Any], str, Chooser], None] | None = {
        "lfp": _repair_lfp,
        "band_power": _repair_band_power,
        "probability_symptom": _repair_probability,
        "state": _repair_state,
    }.get(resource)
    if fix is not None:
        fix(q, expression, choose)


def _repair_times_format(q: dict[str, Any], choose: Chooser) -> None:
    if "timezone" in q and not (isinstance(q["timezone"], int) and abs(q["timezone"]) < 86_400):
        q["timezone"] = choose.pick("offset", OFFSETS)
    if "timezone_name" in q and q["timezone_name"] not in ("", *ZONES):
        q["timezone_name"] = choose.pick("zone", ZONES)
    if q.get("timezone", 0) != 0 and q.get("timezone_name", "") != "":
        q.pop(choose.pick("tz", ("timezone", "timezone_name")))


def _repair_expression(
    q: dict[str, Any], resource: str, fmt: str, expressions: tuple[str, ...], choose: Chooser
) -> str:
    allowed = list(expressions)
    if resource == "lfp" and fmt == "json":
        allowed += LFP_JSON_ANALYSES
    if resource == "state" and fmt == "csv":
        allowed = ["state", "availability(state)"]
    if "expression" not in q:
        return allowed[0]
    if q["expression"] not in allowed:
        q["expression"] = choose.pick("expression", allowed)
    expression = str(q["expression"])
    if (
        resource == "accel"
        and q.get("device_id") == rs.SPECIAL_DEVICE_ID
        and ("user" in expression or "gravity" in expression)
    ):
        q["device_id"] = rs.WATCH_ID  # the phone has no user/gravity split
    return expression


def _repair_sampling(
    q: dict[str, Any], resource: str, expression: str, window: float, choose: Chooser
) -> None:
    if "frequency" in q and "resolution" in q:
        q.pop(choose.pick("sampling", ("frequency", "resolution")))
    smallest = window / MAX_BUCKETS
    if "resolution" in q:
        value = _number(q["resolution"])
        if value is None or value <= 0 or value < smallest:
            q["resolution"] = choose.pick("resolution", RESOLUTIONS)
    if "frequency" in q:
        value = _number(q["frequency"])
        if value is None or value <= 0 or 1 / value < smallest:
            q["frequency"] = 1 / choose.pick("resolution", RESOLUTIONS)
    sampled = "frequency" in q or "resolution" in q
    if resource == "state" and expression != "availability(state)":
        q.pop("frequency", None)  # "only supported for the availability expression"
        q.pop("resolution", None)
    elif not sampled and (expression.startswith(AGGREGATORS) or expression in NEEDS_RESOLUTION):
        q["resolution"] = choose.pick("resolution", RESOLUTIONS)


def _repair_filters(
    q: dict[str, Any], filters: dict[str, tuple[str, ...]], choose: Chooser
) -> None:
    for name, options in filters.items():
        if name in q and (not _comma_list_ok(q[name]) or choose.chance(name, 3, 4)):
            q[name] = choose.pick(f"{name}-value", options)


def _repair_lfp(q: dict[str, Any], expression: str, choose: Chooser) -> None:
    del expression
    if "channels" in q:
        clashing = [n for n in ("algorithm", "anatomy", "channel", "sensor") if q.get(n)]
        if clashing or not _comma_list_ok(q["channels"]):
            q.pop("channels")
        else:
            q["channels"] = choose.pick("channels", ("0,1,2,3", "1", "0,3"))
    _repair_filters(q, LFP_FILTERS, choose)
    low, high = q.get("low_freq", 0), q.get("high_freq", 125)
    if isinstance(low, int) and isinstance(high, int) and low > high:
        q["low_freq"], q["high_freq"] = high, low


def _repair_band_power(q: dict[str, Any], expression: str, choose: Chooser) -> None:
    del expression
    _repair_filters(q, BAND_FILTERS, choose)


def _repair_probability(q: dict[str, Any], expression: str, choose: Chooser) -> None:
    del expression
    q["symptom"] = choose.pick("symptom", ("tremor", "tremor", "dyskinesia"))
    if "severity" in q:
        if q["symptom"] == "tremor":
            q["severity"] = choose.pick("severity", ("*", "mild", "strong,mild", "none,slight"))
        else:
            q.pop("severity")


def _repair_state(q: dict[str, Any], expression: str, choose: Chooser) -> None:
    event = choose.pick("state-event", tuple(STATE_FIELDS))
    fields = STATE_FIELDS[event]
    if expression == "event_type":
        q.pop("event", None) if choose.chance("keep-event", 1, 2) else q.update(event=event)
        q.pop("fields", None)
        return
    q["event"] = event
    if expression == "update" and "fields" not in q:
        return
    count = 1 + choose.number("field-count") % len(fields)
    q["fields"] = ",".join(fields[:count])
