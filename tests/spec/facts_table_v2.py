"""The Stream API V2 parameters, transcribed from ``API-FACTS-V2.md`` and runeq 0.18.1's signatures.

No reference page of the V2 API exists; ``API-FACTS-V2.md`` is the source, and for names, order and
what is required it defers to runeq 0.18.1's ``runeq/resources/stream.py``. One entry per parameter
of each of the five operations, with exactly what those sources state: type, required, default,
enum, range, and for the repeated ``stream_id`` its form/explode style and the assumed limit of 50.
Kept independent of ``spec/stream-api.yaml`` so that a slip in the spec shows up as a difference;
what the spec adds beyond these facts is declared in ``V2_SPEC_CHOICES`` in
``test_spec_matches_docs.py`` and explained in ``spec/NOTES.md``.
"""

from __future__ import annotations

from tests.spec.docs_table import Param

STREAM_ID = Param("string", required=True, location="path")
FORMAT = Param("string", default="csv", enum=("csv", "json"))
LIMIT = Param("integer", minimum=0)  # "int >= 0, max timestamps across all pages, 0 = all"
PAGE_TOKEN = Param("string")
TIMESTAMP = Param("string", enum=("unix", "unixns", "iso"))  # "runeq sends iso"; no server default
TIMEZONE = Param("integer")  # offset in seconds
TIMEZONE_NAME = Param("string")  # IANA name
START = Param("float", required=True)  # unix seconds
END = Param("float", required=True)
RESOLUTION_AVAILABILITY = Param("integer", required=True, minimum=300, maximum=86400)
BATCH_OPERATION = Param("string", enum=("any", "all"))

V2_FACTS: dict[str, dict[str, Param]] = {
    "/v2/streams/{stream_id}": {
        "stream_id": STREAM_ID,
        "start_time": Param("float"),
        "start_time_ns": Param("integer", format="int64"),
        "end_time": Param("float"),
        "end_time_ns": Param("integer", format="int64"),
        "format": FORMAT,
        "limit": LIMIT,
        "page_token": PAGE_TOKEN,
        "timestamp": TIMESTAMP,
        "timezone": TIMEZONE,
        "timezone_name": TIMEZONE_NAME,
        "translate_enums": Param("boolean"),  # "runeq sends True"; no server default
    },
    "/v2/streams/{stream_id}/availability": {
        "stream_id": STREAM_ID,
        "start_time": START,
        "end_time": END,
        "resolution": RESOLUTION_AVAILABILITY,
        "batch_operation": BATCH_OPERATION,
        "format": FORMAT,
        "limit": LIMIT,
        "page_token": PAGE_TOKEN,
        "timestamp": TIMESTAMP,
        "timezone": TIMEZONE,
        "timezone_name": TIMEZONE_NAME,
    },
    "/v2/batch/availability": {
        # "stream_id repeated (stream_id=a&stream_id=b)"; "at most 50" is a Decision
        "stream_id": Param("array[string]", required=True, explode=True, max_items=50),
        "start_time": START,
        "end_time": END,
        "resolution": RESOLUTION_AVAILABILITY,
        "batch_operation": Param("string", required=True, enum=("any", "all")),
        "format": FORMAT,
        "limit": LIMIT,
        "page_token": PAGE_TOKEN,
        "timestamp": TIMESTAMP,
        "timezone": TIMEZONE,
        "timezone_name": TIMEZONE_NAME,
    },
    "/v2/streams/{stream_id}/daily_aggregate": {
        "stream_id": STREAM_ID,
        "start_time": START,
        "resolution": Param("integer", required=True),  # "must divide 86400"
        "n_days": Param("integer", required=True, minimum=1, maximum=14),
    },
    "/v2/streams/{stream_id}/aggregate_window": {
        "stream_id": STREAM_ID,
        "start_time": START,
        "end_time": END,
        "resolution": Param("integer", required=True),
        "aggregate_function": Param("string", required=True, enum=("sum", "mean")),
        "timestamp": TIMESTAMP,
        "timezone": TIMEZONE,
        "timezone_name": TIMEZONE_NAME,
    },
}

# operationId and tag of each operation: runeq's function names (the batch call is runeq's
# get_stream_availability with several ids) and the tags.
V2_OPERATIONS: dict[str, tuple[str, str]] = {
    "/v2/streams/{stream_id}": ("get_stream_data", "single-stream"),
    "/v2/streams/{stream_id}/availability": ("get_stream_availability", "single-stream"),
    "/v2/batch/availability": ("get_batch_availability", "multi-stream"),
    "/v2/streams/{stream_id}/daily_aggregate": ("get_stream_daily_aggregate", "single-stream"),
    "/v2/streams/{stream_id}/aggregate_window": ("get_stream_aggregate_window", "single-stream"),
}

# The CSV / JSON shape of each operation's 200, from API-FACTS-V2.md: media types and the
# required keys of the JSON body (and of its nested "data" / "summary" objects).
V2_RESPONSES: dict[str, dict[str, object]] = {
    "/v2/streams/{stream_id}": {
        "media": ("text/csv", "application/json"),
        "paged": True,
        "keys": {"cardinality", "data"},
        "data": {"time", "measurement_duration_ns"},
    },
    "/v2/streams/{stream_id}/availability": {
        "media": ("text/csv", "application/json"),
        "paged": True,
        "keys": {"approx_available_duration_s", "cardinality", "data"},
        "data": {"time", "availability"},
    },
    "/v2/batch/availability": {
        "media": ("text/csv", "application/json"),
        "paged": True,
        "keys": {"approx_available_duration_s", "cardinality", "data"},
        "data": {"time", "availability"},
    },
    "/v2/streams/{stream_id}/daily_aggregate": {
        "media": ("application/json",),
        "paged": False,
        "keys": {"approx_available_duration_s", "cardinality", "data", "summary"},
        "data": {"offset", "values", "n_days_with_data"},
        "summary": {
            "n_days_with_data_total",
            "duration_mean_per_day",
            "duration_min_per_day",
            "duration_max_per_day",
            "value_mean",
            "value_min",
            "value_max",
            "value_med",
            "value_std",
        },
    },
    "/v2/streams/{stream_id}/aggregate_window": {
        "media": ("application/json",),
        "paged": False,
        "keys": {"cardinality", "data", "summary"},
        "data": {"time", "aggregate_values", "duration_sum"},
        "summary": {"value_mean", "value_min", "value_max", "value_med", "value_std"},
    },
}
