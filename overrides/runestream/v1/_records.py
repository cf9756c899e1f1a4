"""Events and spans as flat, typed Arrow tables: one row per record.

The columns, in this order, are fixed (the same on every page, also for an empty result):

* events: ``time, created_time``; spans: ``start_time_min, start_time, end_time, end_time_max,
  created_time`` — ``timestamp[ns, tz=UTC]``, converted exactly from the unix seconds the API
  sends (``timestamp=unix``, the default); null when the record has no such field;
* ``device_id, id, event_namespace, event_type, event_enum, display_name`` — strings (the
  classification is ``event_namespace.event_type.event_enum``; ``event_enum`` is null for
  types without one, e.g. ``device.implant``);
* ``payload`` — the payload object as **JSON text** (compact, keys in the server's order;
  null when the record has none);
* ``extra`` — JSON text of an object holding any keys of the record that the spec does not
  list (null when there are none), so that nothing the server sends is dropped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Final

import pyarrow as pa  # type: ignore[import-untyped]

from ..core._errors import APIError
from ..core._memory import arrow_memory_pool

__all__ = [
    "EVENT_SCHEMA",
    "EVENT_TIME_FIELDS",
    "SPAN_SCHEMA",
    "SPAN_TIME_FIELDS",
    "TIMESTAMP_TYPE",
    "records_table",
]

#: The type of every time column: nanoseconds since the epoch, UTC.
TIMESTAMP_TYPE: Final = pa.timestamp("ns", tz="UTC")
#: Time fields of an event, in column order.
EVENT_TIME_FIELDS: Final = ("time", "created_time")
#: Time fields of a span, in column order.
SPAN_TIME_FIELDS: Final = (
    "start_time_min",
    "start_time",
    "end_time",
    "end_time_max",
    "created_time",
)
#: Text fields shared by events and spans, in column order.
TEXT_FIELDS: Final = (
    "device_id",
    "id",
    "event_namespace",
    "event_type",
    "event_enum",
    "display_name",
)
#: The JSON-text columns: the payload object, and keys the spec does not list.
PAYLOAD_COLUMN: Final = "payload"
EXTRA_COLUMN: Final = "extra"

_NS_PER_SECOND: Final = 1_000_000_000
_INT64_LIMIT: Final = 2**63


def _schema(time_fields: tuple[str, ...]) -> pa.Schema:
    return pa.schema(
        [pa.field(name, TIMESTAMP_TYPE) for name in time_fields]
        + [pa.field(name, pa.string()) for name in TEXT_FIELDS]
        + [pa.field(PAYLOAD_COLUMN, pa.string()), pa.field(EXTRA_COLUMN, pa.string())]
    )


#: Columns of an events table.
EVENT_SCHEMA: Final = _schema(EVENT_TIME_FIELDS)
#: Columns of a spans table.
SPAN_SCHEMA: Final = _schema(SPAN_TIME_FIELDS)


def _bad(message: str, record: Mapping[str, Any], path: str) -> APIError:
    rid = record.get("id")
    which = f"record {rid!r}" if isinstance(rid, str) else "a record"
    return APIError(f"{which}: {message}", path=path or None)


def _nanoseconds(value: object, name: str, record: Mapping[str, Any], path: str) -> int | None:
    """Unix seconds (int or float) to integer nanoseconds, exactly as written in the JSON."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad(
            f"{name}={value!r} is not unix seconds (tables need timestamp=unix)", record, path
        )
    if isinstance(value, int):
        ns = value * _NS_PER_SECOND
    elif not math.isfinite(value):
        raise _bad(f"{name}={value!r} is not a finite time", record, path)
    else:  # repr() is the shortest text that reads back as this float: the server's digits
        ns = int(Decimal(repr(value)).scaleb(9).to_integral_value(ROUND_HALF_EVEN))
    if not -_INT64_LIMIT < ns < _INT64_LIMIT:
        raise _bad(f"{name}={value!r} is out of the range of a timestamp", record, path)
    return ns


def _text(value: object, name: str, record: Mapping[str, Any], path: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _bad(f"{name}={value!r} is not a string", record, path)


def _json_text(value: object, name: str, record: Mapping[str, Any], path: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:  # NaN or Infinity, which JSON text cannot hold
        raise _bad(f"{name} holds a number JSON cannot represent", record, path) from None


def records_table(
    records: Iterable[Mapping[str, Any]], schema: pa.Schema, *, path: str = ""
) -> pa.Table:
    """Flatten event or span records (their JSON objects) into one table of ``schema``.

    Args:
        records: The records as dicts, e.g. ``Event.to_dict()`` (absent fields left out).
        schema: :data:`EVENT_SCHEMA` or :data:`SPAN_SCHEMA`.
        path: The request path, for error messages.

    Returns:
        A ``pyarrow.Table`` with exactly the columns of ``schema`` (see the module docstring).

    Raises:
        APIError: A time field is not unix seconds (a string from ``timestamp=iso``, NaN, out
            of range), a text field is not a string, or a JSON value cannot be written as JSON.
    """
    time_fields = [f.name for f in schema if f.type == TIMESTAMP_TYPE]
    known = frozenset(time_fields) | frozenset(TEXT_FIELDS) | {PAYLOAD_COLUMN}
    times: dict[str, list[int | None]] = {name: [] for name in time_fields}
    texts: dict[str, list[str | None]] = {name: [] for name in TEXT_FIELDS}
    payloads: list[str | None] = []
    extras: list[str | None] = []
    for record in records:
        for name in time_fields:
            times[name].append(_nanoseconds(record.get(name), name, record, path))
        for name in TEXT_FIELDS:
            texts[name].append(_text(record.get(name), name, record, path))
        payload = record.get(PAYLOAD_COLUMN)
        payloads.append(
            None if payload is None else _json_text(payload, PAYLOAD_COLUMN, record, path)
        )
        extra = {key: value for key, value in record.items() if key not in known}
        extras.append(_json_text(extra, EXTRA_COLUMN, record, path) if extra else None)
    pool = arrow_memory_pool()
    columns: dict[str, list[Any]] = {
        **times,
        **texts,
        PAYLOAD_COLUMN: payloads,
        EXTRA_COLUMN: extras,
    }
    arrays = [pa.array(columns[f.name], type=f.type, memory_pool=pool) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)
