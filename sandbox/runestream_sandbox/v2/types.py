"""V2 stream types: the physical quantity of a stream and the dimensions (columns) of its data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dimension:
    """One column of a stream type (the first dimension of every type is ``time``).

    ``data_type`` is ``timestamp``, ``float``, ``int``, ``enum`` (with ``enum_values``: code ->
    name) or ``dict`` (a JSON object). ``decimals`` is how many digits a CSV cell shows.
    """

    identifier: str
    data_type: str
    quantity_name: str
    quantity_abbrev: str = ""
    unit_name: str = ""
    unit_abbrev: str = ""
    decimals: int = 0
    enum_values: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """runeq's field names (``id``, ``data_type``, ...), as its GraphQL query aliases them."""
        out: dict[str, Any] = {
            "id": self.identifier,
            "data_type": self.data_type,
            "quantity_name": self.quantity_name,
            "quantity_abbrev": self.quantity_abbrev,
            "unit_name": self.unit_name,
            "unit_abbrev": self.unit_abbrev,
        }
        if self.enum_values:
            out["enum_values"] = {str(i): v for i, v in enumerate(self.enum_values)}
        return out


@dataclass(frozen=True)
class StreamType:
    """A stream type: id, human name and description, and its dimensions (``time`` first)."""

    id: str
    name: str
    description: str
    dimensions: tuple[Dimension, ...]

    @property
    def columns(self) -> list[str]:
        """The CSV header: the dimension ids, then ``measurement_duration_ns``."""
        return [d.identifier for d in self.dimensions] + ["measurement_duration_ns"]

    @property
    def value_dimensions(self) -> tuple[Dimension, ...]:
        """Every dimension but ``time``."""
        return self.dimensions[1:]

    @property
    def numeric_value(self) -> Dimension | None:
        """The value dimension when the type has exactly one and it is a number (aggregates)."""
        values = self.value_dimensions
        if len(values) == 1 and values[0].data_type in ("float", "int"):
            return values[0]
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly view in runeq's ``StreamType.to_dict()`` form."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "dimensions": [d.to_dict() for d in self.dimensions],
        }


TIME = Dimension("time", "timestamp", "time", "t", "nanoseconds", "ns")


def _scalar(
    type_id: str,
    name: str,
    description: str,
    dim: str,
    data_type: str,
    quantity: tuple[str, str],
    unit: tuple[str, str],
    decimals: int,
    enum_values: tuple[str, ...] = (),
) -> StreamType:
    value = Dimension(dim, data_type, *quantity, *unit, decimals, enum_values)
    return StreamType(type_id, name, description, (TIME, value))


def _span_type() -> StreamType:
    def ts(name: str) -> Dimension:
        return Dimension(name, "timestamp", name, "", "nanoseconds", "ns")

    return StreamType(
        "span",
        "Span",
        "Events with a duration: core start/end times and their uncertainty bounds",
        (
            TIME,
            ts("start_time_min"),
            ts("start_time"),
            ts("end_time"),
            ts("end_time_max"),
            Dimension("event", "dict", "event", "", "", "", 0),
        ),
    )


_TYPES = (
    _scalar(
        "acceleration",
        "Acceleration",
        "Linear acceleration along one axis",
        "acceleration",
        "float",
        ("acceleration", "a"),
        ("standard gravity", "g"),
        4,
    ),
    _scalar(
        "angular_velocity",
        "Angular velocity",
        "Rotation rate around one axis",
        "angular_velocity",
        "float",
        ("angular velocity", "ω"),
        ("radians per second", "rad/s"),
        4,
    ),
    _scalar(
        "heart_rate",
        "Heart rate",
        "Heart beats per minute",
        "heart_rate",
        "int",
        ("heart rate", "HR"),
        ("beats per minute", "bpm"),
        0,
    ),
    _scalar(
        "probability",
        "Probability",
        "Fraction of each measurement window in which a symptom (severity) was detected",
        "probability",
        "float",
        ("probability", "p"),
        ("", ""),
        4,
    ),
    _scalar(
        "duration",
        "Duration",
        "Seconds of each measurement window in which a symptom was detected",
        "duration",
        "float",
        ("duration", "d"),
        ("seconds", "s"),
        2,
    ),
    _scalar(
        "voltage",
        "Voltage",
        "Local field potential of one sensing channel",
        "voltage",
        "float",
        ("voltage", "V"),
        ("microvolts", "µV"),
        3,
    ),
    _scalar(
        "power",
        "Power",
        "On-device band power of one sensing channel and frequency band",
        "power",
        "float",
        ("power", "P"),
        ("arbitrary units", "au"),
        4,
    ),
    _scalar(
        "threshold",
        "Threshold",
        "An adaptive-stimulation detector threshold",
        "threshold",
        "int",
        ("threshold", "thr"),
        ("arbitrary units", "au"),
        0,
    ),
    _scalar(
        "current",
        "Current",
        "Stimulation amplitude",
        "current",
        "float",
        ("current", "I"),
        ("milliamperes", "mA"),
        1,
    ),
    _scalar(
        "stimulation_status",
        "Stimulation status",
        "Whether stimulation is on",
        "status",
        "enum",
        ("status", ""),
        ("", ""),
        0,
        ("off", "on"),
    ),
    _scalar(
        "battery_level",
        "Battery level",
        "Charge of the implant's battery",
        "battery_level",
        "float",
        ("charge", ""),
        ("fraction", ""),
        2,
    ),
    StreamType(
        "event",
        "Event",
        "Point-in-time events (medication, symptoms, device changes)",
        (TIME, Dimension("event", "dict", "event", "", "", "", 0)),
    ),
    _span_type(),
)

#: Every stream type by id.
STREAM_TYPES: dict[str, StreamType] = {t.id: t for t in _TYPES}
