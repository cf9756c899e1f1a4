"""The V2 stream catalogue: stable 64-hex ids covering every V1 resource of every device."""

from __future__ import annotations

import json
import re

import pytest

import runestream_sandbox as rs
from runestream_sandbox.__main__ import main
from runestream_sandbox.v2.streams import stream_id

pytestmark = [pytest.mark.sandbox]


def test_ids_are_64_hex_unique_and_derived_from_the_stream() -> None:
    assert len(rs.STREAMS) == len({s.id for s in rs.STREAMS.values()})
    for sid, s in rs.STREAMS.items():
        assert re.fullmatch(r"[0-9a-f]{64}", sid)
        assert sid == stream_id(
            s.patient_id, s.device_id, s.stream_type.id, s.algorithm, s.parameters
        )


def test_ids_are_stable_across_releases() -> None:
    # pinned: tests, cassettes and users may hard-code these ids
    assert rs.find_stream(device_id=rs.WATCH_ID, measurement="acceleration", axis="x").id == (
        "5fbbf8da17811bed9905ab33b1e8422fa30b2aa67a9e039022d7b82b4166cd74"
    )


def test_every_v1_resource_of_every_device_has_streams() -> None:
    kinds = {
        "accel": {"accel"},
        "rotation": {"rotation"},
        "heartrate": {"heartrate"},
        "probability_symptom": {"probability", "duration", "severity"},
        "lfp": {"lfp"},
        "band_power": {"band_power"},
        "state": {"state"},
    }
    for patient in rs.CATALOG.patients.values():
        for device in patient.devices.values():
            have = {
                s.recipe.kind
                for s in rs.find_streams(patient_id=patient.patient_id, device_id=device.device_id)
            }
            for resource in device.resources:
                assert kinds[resource] <= have, (device.device_id, resource)
        records = {s.recipe.kind for s in rs.find_streams(patient_id=patient.patient_id)}
        assert {"event", "span"} <= records


def test_streams_carry_runeq_style_parameters() -> None:
    tremor = rs.find_streams(category="symptom", measurement="tremor", stream_type_id="duration")
    assert {s.device_id for s in tremor} == {rs.WATCH_ID, rs.OTHER_WATCH_ID}
    lfp = rs.find_streams(patient_id=rs.PATIENT_ID, category="neural", measurement="lfp")
    assert sorted(s.parameters["channel"] for s in lfp) == ["0", "1", "2", "3"]
    assert {s.algorithm for s in lfp} == {"example-dbs-v2"}
    axes = rs.find_streams(device_id=rs.SPECIAL_DEVICE_ID, stream_type_id="acceleration")
    assert sorted(s.parameters["axis"] for s in axes) == ["x", "y", "z"]
    with pytest.raises(LookupError):
        rs.find_stream(measurement="acceleration")


def test_stream_types_have_dimensions_time_first() -> None:
    for t in rs.STREAM_TYPES.values():
        assert t.dimensions[0].identifier == "time"
        assert t.columns[-1] == "measurement_duration_ns"
    span = rs.STREAM_TYPES["span"]
    assert span.columns == [
        "time",
        "start_time_min",
        "start_time",
        "end_time",
        "end_time_max",
        "event",
        "measurement_duration_ns",
    ]


def test_catalog_is_json_in_runeq_form(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = rs.stream_catalog()
    assert len(catalog) == len(rs.STREAMS)
    first = catalog[0]
    assert set(first) == {
        "id",
        "created_at",
        "algorithm",
        "device_id",
        "patient_id",
        "stream_type",
        "min_time",
        "max_time",
        "parameters",
    }
    assert rs.CATALOG.start_time <= first["min_time"] < first["max_time"] < rs.CATALOG.end_time
    main(["--streams"])
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(json.dumps(catalog))
