"""``runestream whoami | orgs | patients | streams`` and ``stream fetch --patient-id`` against
the sandbox: JSON/CSV when piped, the sandbox's values, exit codes, nothing sent for bad input."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import runestream_sandbox as rs
from runestream import Config, Session
from runestream_sandbox.graph.world import WORLD

from .conftest import run_cli

pytestmark = [pytest.mark.allow_hosts(["127.0.0.1"])]

MORNING = int(rs.CATALOG.start_time + 8 * 3600)


def session(server: rs.SandboxServer) -> Session:
    return Session(
        Config(
            stream_url=server.url,
            graph_url=server.url,
            access_token_id=rs.ACCESS_TOKEN_ID,
            access_token_secret=rs.ACCESS_TOKEN_SECRET,
        )
    )


def test_whoami_prints_the_user_as_json_when_piped(
    server: rs.SandboxServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_cli(["whoami"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    user = json.loads(result.stdout)
    assert user["name"] == WORLD.user.display_name
    assert user["email"] == WORLD.user.email
    assert rs.ACCESS_TOKEN_SECRET not in result.stdout + result.stderr


def test_orgs_lists_every_membership_and_set_switches_the_active_one(
    server: rs.SandboxServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_cli(["orgs"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    orgs = json.loads(result.stdout)
    assert sorted(o["name"] for o in orgs) == sorted(o.name for o in WORLD.orgs)
    assert sum(o["active"] for o in orgs) == 1
    other = next(o for o in orgs if not o["active"])
    try:
        switched = run_cli(["orgs", "--set", other["id"]], cli_env, tmp_path)
        assert switched.returncode == 0, switched.stderr
        after = {o["id"]: o["active"] for o in json.loads(switched.stdout)}
        assert after[other["id"]] is True
    finally:
        first = next(o for o in orgs if o["active"])
        assert run_cli(["orgs", "--set", first["id"]], cli_env, tmp_path).returncode == 0


def test_patients_lists_patients_with_their_devices(
    server: rs.SandboxServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_cli(["patients", "--json"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    patients = json.loads(result.stdout)
    with session(server) as s:
        expected = s.patient.get_all_patients()
    assert [p["id"] for p in patients] == list(expected.ids())
    first = next(iter(expected))
    assert [d["id"] for d in patients[0]["devices"]] == [d.id for d in first.devices]


def test_streams_filters_and_prints_json_or_csv(
    server: rs.SandboxServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    args = ["streams", "--patient-id", rs.PATIENT_ID, "--measurement", "acceleration"]
    result = run_cli([*args, "--param", "axis=x"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    streams = json.loads(result.stdout)
    with session(server) as s:
        expected = s.stream_metadata.get_patient_stream_metadata(
            rs.PATIENT_ID, measurement="acceleration", axis="x"
        )
    assert [r["id"] for r in streams] == list(expected.ids())
    assert {r["axis"] for r in streams} == {"x"}
    as_csv = run_cli([*args, "--format", "csv"], cli_env, tmp_path)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows and {r["measurement"] for r in rows} == {"acceleration"}
    assert list(rows[0])[:3] == ["id", "patient_id", "device_id"]


def test_stream_fetch_by_patient_and_category_fetches_every_matching_stream(
    server: rs.SandboxServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    window = ["--start", str(MORNING), "--end", str(MORNING + 30)]
    args = ["stream", "fetch", "--patient-id", rs.PATIENT_ID, "--device-id", rs.WATCH_ID]
    args += ["--measurement", "acceleration", *window, "-o", "accel.parquet", "--workers", "3"]
    result = run_cli(args, cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    with session(server) as s:
        ids = list(
            s.stream_metadata.get_patient_stream_metadata(
                rs.PATIENT_ID, device_id=rs.WATCH_ID, measurement="acceleration"
            ).ids()
        )
        expected = s.stream.to_arrow(ids, MORNING, MORNING + 30)
    assert len(ids) >= 3
    assert pq.read_table(tmp_path / "accel.parquet").equals(expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stream", "fetch", "-o", "x.parquet"], "give stream ids, or --patient-id"),
        (["stream", "fetch", "abc", "--patient-id", "p", "-o", "x.csv"], "not both"),
        (["stream", "fetch", "abc", "--category", "vitals", "-o", "x.csv"], "need --patient-id"),
        (["streams", "--patient-id", "p", "--param", "axis"], "KEY=VALUE"),
        (["streams", "--patient-id", "p", "--param", "category=x"], "use --category"),
    ],
)
def test_bad_selections_exit_2_before_any_request(
    cli_env: dict[str, str], tmp_path: Path, args: list[str], message: str
) -> None:
    env = {
        **cli_env,
        "RUNE_GRAPH_URL": "http://127.0.0.1:9",
        "RUNE_STREAM_URL": "http://127.0.0.1:9",
    }
    result = run_cli(args, env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr


def test_a_selection_matching_nothing_exits_2(cli_env: dict[str, str], tmp_path: Path) -> None:
    args = ["stream", "fetch", "--patient-id", rs.PATIENT_ID, "--param", "axis=none"]
    result = run_cli([*args, "-o", "x.parquet"], cli_env, tmp_path)
    assert result.returncode == 2
    assert "matches the filters" in result.stderr
    assert not (tmp_path / "x.parquet").exists()


def test_an_unknown_patient_is_an_api_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(["patients"], {**cli_env, "RUNE_ACCESS_TOKEN_SECRET": "wrong"}, tmp_path)
    assert result.returncode == 3
    assert "wrong" not in result.stderr


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["whoami"], "user"),
        (["orgs"], "organizations"),
        (["patients"], "patients"),
        (["streams", "--patient-id", rs.PATIENT_ID, "--category", "vitals"], "streams of patient"),
    ],
)
def test_on_a_terminal_each_command_prints_a_table(
    server: rs.SandboxServer,
    cli_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    title: str,
) -> None:
    from runestream.cli import main

    for name, value in cli_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert title in out
    assert "│" in out or "┃" in out  # rich's table borders, not JSON
    assert not out.lstrip().startswith(("{", "["))
