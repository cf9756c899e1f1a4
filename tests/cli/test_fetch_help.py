"""``runestream fetch --help RESOURCE`` lists the resource's documented parameters."""

from __future__ import annotations

import contextlib
import io

import pytest

from runestream.cli import main
from runestream_api.params import PARAMETERS


def _help(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as exited,
    ):
        main(argv)
    return int(exited.value.code or 0), out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", [["fetch", "--help", "accel"], ["fetch", "accel", "--help"]])
def test_help_resource_lists_every_parameter_of_the_csv_and_json_operations(
    argv: list[str],
) -> None:
    code, out, _ = _help(argv)
    assert code == 0
    assert "usage: runestream fetch" in out
    assert "parameters of accel: GET /v1/accel.csv (with --format jsonl: GET /v1/accel.json)" in out
    names = {p.name for p in PARAMETERS["get_accel_csv"]} | {
        p.name for p in PARAMETERS["get_accel_json"]
    }
    for name in names:
        assert f"\n  {name} (" in out, name
    flat = " ".join(out.split())
    assert "device_id (str, required) [--device-id]" in flat
    assert "start_time (time, required) [--start]" in flat
    assert "timestamp (one of unix|datetime|iso, default 'unix')" in flat
    assert "partition_size (int, only with --format jsonl)" in flat
    assert "Largest number of rows returned in one CSV page" in flat


def test_help_for_a_json_only_resource_and_a_required_parameter() -> None:
    code, out, _ = _help(["fetch", "--help", "probability_symptom"])
    assert code == 0
    assert "symptom (str, required)" in out
    code, out, _ = _help(["fetch", "--help", "event"])
    assert code == 0 and "parameters of event: GET /v1/event.json\n" in out


def test_help_without_a_resource_says_how_to_list_parameters() -> None:
    code, out, _ = _help(["fetch", "--help"])
    assert code == 0
    assert "--help RESOURCE" in out
    assert "parameters of" not in out


def test_help_for_an_unknown_resource_is_a_usage_error() -> None:
    code, out, err = _help(["fetch", "--help", "acel"])
    assert code == 2
    assert "unknown resource 'acel'" in err and out == ""
