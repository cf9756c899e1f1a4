"""The parameter table (checked against spec/stream-api.yaml) and validation before requests."""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from runestream import ValidationError
from runestream.v1._params import (
    CSV_RESOURCES,
    JSON_RESOURCES,
    OPERATIONS,
    Operation,
    get_operation,
    prepare_params,
)
from runestream_api.models.band_power_expression_name import BandPowerExpressionName
from runestream_api.models.interpolation import Interpolation
from runestream_api.models.timestamp_format import TimestampFormat
from runestream_api.types import UNSET, Unset

SPEC = Path(__file__).resolve().parents[2] / "spec" / "stream-api.yaml"
BASE = {"patient_id": "p1", "device_id": "d1", "start_time": 100, "end_time": 200}


# --- the table agrees with the spec ---------------------------------------------------------


@functools.cache
def _load_spec() -> dict[str, Any]:
    with SPEC.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.load(
            handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    return spec


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _spec_params(spec: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    operation = spec["paths"][path]["get"]
    params = [_resolve(spec, p) for p in operation.get("parameters", [])]
    return {p["name"]: p for p in params if p["in"] == "query"}


def _spec_enum(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    """(enum values, closed) of a parameter schema; ((), False) when it has no enum."""
    schema = _resolve(spec, schema)
    if "enum" in schema:
        return tuple(schema["enum"]), True
    if "anyOf" in schema:
        values: tuple[str, ...] = ()
        closed = True
        for option in schema["anyOf"]:
            option = _resolve(spec, option)
            if "enum" in option:
                values += tuple(option["enum"])
            elif option.get("type") == "string":
                closed = False
        return values, closed
    return (), False


def test_there_are_16_paginated_operations() -> None:
    assert len(OPERATIONS) == 16
    assert {op.path for op in OPERATIONS.values()} == {f"/v1/{r}.json" for r in JSON_RESOURCES} | {
        f"/v1/{r}.csv" for r in CSV_RESOURCES
    }


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_table_matches_spec(key: str) -> None:
    spec = _load_spec()
    operation = OPERATIONS[key]
    assert operation.path in spec["paths"]
    documented = _spec_params(spec, operation.path)
    assert set(operation.params) == set(documented), key
    for name, param in operation.params.items():
        doc = documented[name]
        schema = _resolve(spec, doc["schema"])
        assert param.required == bool(doc.get("required")), (key, name)
        values, closed = _spec_enum(spec, doc["schema"])
        assert set(param.enum_values) == set(values), (key, name)
        if values:
            assert param.closed == closed, (key, name)
        assert param.minimum == schema.get("minimum"), (key, name)
        assert param.maximum == schema.get("maximum"), (key, name)
        assert param.deprecated == bool(doc.get("deprecated")), (key, name)
        expected_kind = {"number": ("float", "time"), "integer": ("int",)}.get(
            schema.get("type", ""), ("str", "enum", "token")
        )
        assert param.kind in expected_kind, (key, name, param.kind)


def test_page_size_ranges() -> None:
    assert OPERATIONS["accel.json"].params["page_size"].maximum == 10_000
    assert OPERATIONS["accel.csv"].params["page_size"].maximum == 3_600_000
    assert OPERATIONS["band_power.csv"].params["page_size"].maximum == 10_000
    assert "page" not in OPERATIONS["span.json"].params


def test_no_csv_for_event_and_span() -> None:
    for resource in ("event", "span"):
        with pytest.raises(ValidationError, match="no CSV endpoint"):
            get_operation(resource, "csv")


# --- prepare_params ----------------------------------------------------------------------------


def _prepare(key: str, auth: str | None = "access_token", **params: Any) -> dict[str, Any]:
    return prepare_params(OPERATIONS[key], params, auth_method=auth)


def test_every_parameter_is_passed_explicitly() -> None:
    kwargs = _prepare("accel.csv", **BASE)
    assert set(kwargs) == set(OPERATIONS["accel.csv"].params)
    assert kwargs["start_time"] == 100.0
    # plain generator defaults (timezone=0, timezone_name="", page=0, ...) are not sent
    for name in ("timezone", "timezone_name", "page", "page_size", "expression", "algorithm"):
        assert isinstance(kwargs[name], Unset), name


def test_values_are_converted() -> None:
    kwargs = _prepare(
        "band_power.csv",
        **BASE,
        timestamp="iso",
        interpolation="previous",
        expression="availability(power)",
        band=["16.4hz-19.8hz", "8.5hz-9.6hz"],
        channel=[0, 1],
        frequency=2,
        timezone=-28800,
        page_size=10_000,
    )
    assert kwargs["timestamp"] is TimestampFormat.ISO
    assert kwargs["interpolation"] is Interpolation.PREVIOUS
    assert kwargs["expression"] is BandPowerExpressionName.AVAILABILITY_POWER
    assert kwargs["band"] == "16.4hz-19.8hz,8.5hz-9.6hz"
    assert kwargs["channel"] == "0,1"
    assert kwargs["frequency"] == 2.0
    assert kwargs["timezone"] == -28800
    assert kwargs["page_size"] == 10_000


def test_open_expression_accepts_downsampling_forms() -> None:
    kwargs = _prepare("heartrate.csv", **BASE, expression="mean(bpm)", resolution=60)
    assert kwargs["expression"] == "mean(bpm)"
    kwargs = _prepare("heartrate.csv", **BASE, expression="availability(bpm)")
    assert str(kwargs["expression"]) == "availability(bpm)"


def test_none_means_not_given() -> None:
    kwargs = _prepare("accel.json", **BASE, algorithm=None, frequency=None)
    assert kwargs["algorithm"] is UNSET and kwargs["frequency"] is UNSET


@pytest.mark.parametrize(
    ("key", "params", "parameter", "fragment"),
    [
        ("accel.csv", {"devce_id": "x"}, "devce_id", "did you mean 'device_id'"),
        ("accel.csv", {"partition_size": 10}, "partition_size", "unknown parameter"),
        ("accel.csv", {"frequency": 1, "resolution": 1}, "resolution", "at most one"),
        ("accel.json", {"timezone": 3600, "timezone_name": "Europe/Paris"}, "timezone_name", ""),
        ("accel.csv", {"start_time": 200, "end_time": 200}, "start_time", "before end_time"),
        ("accel.csv", {"start_time": "2024-05-02", "end_time": "2024-05-01"}, "start_time", ""),
        ("accel.json", {"page_size": 10_001}, "page_size", "[0 .. 10000]"),
        ("accel.csv", {"page_size": 3_600_001}, "page_size", "[0 .. 3600000]"),
        ("accel.csv", {"page_size": -1}, "page_size", "range"),
        ("band_power.csv", {"page_size": 10_001}, "page_size", "[0 .. 10000]"),
        ("accel.csv", {"page": -1}, "page", "range"),
        ("lfp.csv", {"high_freq": 201}, "high_freq", "[0 .. 200]"),
        ("accel.csv", {"frequency": math.nan}, "frequency", "finite"),
        ("accel.csv", {"resolution": math.inf}, "resolution", "finite"),
        ("accel.csv", {"frequency": 0}, "frequency", "> 0"),
        ("accel.csv", {"start_time": math.nan}, "start_time", "finite"),
        ("accel.csv", {"page_size": "100"}, "page_size", "integer"),
        ("accel.csv", {"page_size": 10.5}, "page_size", "integer"),
        ("accel.csv", {"page_size": True}, "page_size", "integer"),
        ("accel.csv", {"device_id": 42}, "device_id", "string"),
        ("accel.csv", {"frequency": "2"}, "frequency", "number"),
        ("accel.csv", {"timestamp": "epoch"}, "timestamp", "allowed: 'datetime', 'iso', 'unix'"),
        ("accel.csv", {"interpolation": "cubic"}, "interpolation", "not allowed"),
        ("accel.csv", {"interpolation": "lineer"}, "interpolation", "did you mean 'linear'"),
        ("band_power.csv", {"expression": "mean(power)"}, "expression", "not allowed"),
        ("state.csv", {"expression": "update", "event": "e", "fields": "f"}, "expression", ""),
        ("accel.csv", {"expression": "mean(accel)"}, "expression", "needs 'frequency'"),
        ("lfp.csv", {"channels": "0,1", "sensor": "0-2"}, "channels", "deprecated"),
        ("accel.csv", {"page": 1, "next_page_token": "abc"}, "page", "at most one"),
        ("span.json", {"page": 1}, "page", "next_page_token only"),
        ("span.json", {"page_size": 10}, "page_size", "next_page_token only"),
        ("accel.csv", {"device_id": None}, "device_id", "missing required"),
        ("probability_symptom.csv", {}, "symptom", "missing required"),
        ("accel.csv", {"patient_id": None}, "patient_id", "client key"),
        ("state.csv", {"event": "stimulation_state"}, "fields", "missing required"),
        ("state.json", {}, "event", "missing required"),
        ("state.json", {"event": "e"}, "fields", "missing required"),
    ],
)
def test_invalid_input(key: str, params: dict[str, Any], parameter: str, fragment: str) -> None:
    params = {**BASE, **params}
    if key.startswith("span"):
        params.pop("device_id")
    with pytest.raises(ValidationError) as info:
        _prepare(key, **params)
    assert info.value.parameter == parameter
    assert parameter in str(info.value)
    assert fragment in str(info.value)


def test_did_you_mean_text() -> None:
    with pytest.raises(ValidationError) as info:
        _prepare("accel.csv", **BASE, strat_time=1)
    message = str(info.value)
    assert message.startswith("unknown parameter 'strat_time' for GET /v1/accel.csv")
    assert "did you mean 'start_time'?" in message


def test_patient_id_optional_with_client_key() -> None:
    params = {k: v for k, v in BASE.items() if k != "patient_id"}
    kwargs = _prepare("accel.csv", auth="client_key", **params)
    assert kwargs["patient_id"] is UNSET


def test_state_json_required_depends_on_expression() -> None:
    _prepare("state.json", expression="event_type", **BASE)
    _prepare("state.json", expression="update", event="stimulation_state", **BASE)
    _prepare("state.json", event="stimulation_state", fields="a,b", **BASE)
    with pytest.raises(ValidationError, match="'event'"):
        _prepare("state.json", expression="update", **BASE)


def test_event_times_optional_and_span_token_accepted() -> None:
    _prepare("event.json", patient_id="p1")
    kwargs = _prepare("span.json", patient_id="p1", start_time=1, end_time=2, next_page_token="t")
    assert kwargs["next_page_token"] == "t"


def test_timezone_with_empty_timezone_name_is_fine() -> None:
    _prepare("accel.json", **BASE, timezone=-28800, timezone_name="")


def test_operation_describe_elides_token() -> None:
    operation: Operation = OPERATIONS["accel.csv"]
    kwargs = _prepare("accel.csv", **{**BASE, "device_id": "patient-ABC,device-456"})
    kwargs["next_page_token"] = "secret-ish"
    path = operation.describe(kwargs)
    assert path.startswith("/v1/accel.csv?")
    assert "device_id=patient-ABC%2Cdevice-456" in path
    assert "next_page_token=..." in path and "secret-ish" not in path
