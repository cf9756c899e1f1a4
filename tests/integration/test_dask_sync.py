"""``sync(..., scheduler=...)`` and ``runestream sync --scheduler`` on a real 2-process
``distributed.LocalCluster`` (``conftest.dask_client``) against the sandbox on 127.0.0.1.

The workers' requests come from other processes, so the sandbox itself counts them (an ASGI
middleware records every ``/v2/streams/`` request it answers). Proved here: a cluster sync writes
the very files a local sync writes (the CLI with ``--send-config``); a second run fetches only
the days still being recorded (the workers' own config, at most ``workers`` partitions in
flight); a partition that hits a fault raises the local error's class while every finished
partition stays written and recorded, no secret reaches the scheduler, and the next run fetches
only what is missing. Bad ``scheduler`` arguments fail before any request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import runestream_sandbox as rs
from runestream import Config, ServerError, Session, ValidationError
from runestream.cli import main as cli_main
from runestream.sync import MANIFEST_NAME, PartitionEvent, SyncResult
from runestream.sync._manifest import Manifest

distributed = pytest.importorskip("distributed")

pytestmark = [pytest.mark.sandbox, pytest.mark.slow, pytest.mark.allow_hosts(["127.0.0.1"])]

START, END = "2024-05-06", "2024-05-10"  # 05-08 holds each stream's max_time; 05-09 is after
PATIENT = "patient-0001"
PARTITIONS = 15  # device_state: 5 streams x 3 days, one page each


class _DataRequests:
    """ASGI middleware: the path of every ``/v2/streams/`` request the sandbox answers."""

    def __init__(self, app: Any, seen: list[str]) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope.get("type") == "http" and str(scope.get("path", "")).startswith("/v2/streams/"):
            self.seen.append(str(scope["path"]))
        await self.app(scope, receive, send)


class Sandbox:
    """The module's sandbox (started) with its request log."""

    def __init__(self, server: rs.SandboxServer, seen: list[str]) -> None:
        self.server = server
        self.seen = seen
        self.config = Config(
            stream_url=server.url,
            graph_url=server.url,
            access_token_id=rs.ACCESS_TOKEN_ID,
            access_token_secret=rs.ACCESS_TOKEN_SECRET,
        )

    def take(self) -> int:
        count = len(self.seen)
        self.seen.clear()
        return count


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    seen: list[str] = []
    server = rs.SandboxServer()
    server.app.add_middleware(_DataRequests, seen=seen)
    with server:
        yield Sandbox(server, seen)


@pytest.fixture(scope="module")
def client(dask_client: Any) -> Any:
    return dask_client


def _options(**kwargs: Any) -> dict[str, Any]:
    return {"patient_ids": [PATIENT], "start": START, "end": END, **kwargs}


def _manifest(dest: Path) -> dict[str, dict[str, Any]]:
    partitions: dict[str, dict[str, Any]] = json.loads((dest / MANIFEST_NAME).read_text())[
        "partitions"
    ]
    return partitions


def _temp_files(dest: Path) -> list[Path]:
    return [p for p in dest.rglob("*") if p.name.endswith(".part")]


def test_a_cluster_sync_writes_the_files_a_local_sync_writes(
    client: Any, sandbox: Sandbox, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNE_")}
    url = sandbox.config.stream_url
    env.update(
        HOME=str(tmp_path),
        RUNE_STREAM_URL=url,
        RUNE_GRAPH_URL=url,
        RUNE_ACCESS_TOKEN_ID=rs.ACCESS_TOKEN_ID,
        RUNE_ACCESS_TOKEN_SECRET=rs.ACCESS_TOKEN_SECRET,
    )
    remote = tmp_path / "remote"
    command = [sys.executable, "-m", "runestream.cli", "sync", str(remote), "--patient-id"]
    command += [PATIENT, "--category", "device_state", "--start", START, "--end", END]
    command += ["--scheduler", client.scheduler.address, "--send-config", "--workers", "3"]
    sandbox.take()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{PARTITIONS} partitions fetched" in done.stderr
    assert sandbox.take() == PARTITIONS  # each partition fetched once, by a worker

    local = tmp_path / "local"
    with Session(sandbox.config) as session:
        session.sync(local, category="device_state", **_options())
    assert sandbox.take() == PARTITIONS
    left, right = _manifest(local), _manifest(remote)
    assert sorted(left) == sorted(right) and len(left) == PARTITIONS
    for key, entry in left.items():
        assert (right[key]["rows"], right[key]["complete"]) == (entry["rows"], entry["complete"])
        assert right[key]["sha256"] == entry["sha256"]  # the same bytes (same pyarrow)
        if entry["file"]:
            assert pq.read_table(remote / key / "part.parquet").equals(
                pq.read_table(local / key / "part.parquet")
            )
    assert _temp_files(remote) == []


def test_a_second_cluster_run_fetches_only_the_open_days(
    client: Any, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers read their own environment (no Config in the tasks); 2 partitions in flight."""
    variables = {
        "RUNE_STREAM_URL": sandbox.config.stream_url,
        "RUNE_GRAPH_URL": sandbox.config.graph_url,
        "RUNE_ACCESS_TOKEN_ID": rs.ACCESS_TOKEN_ID,
        "RUNE_ACCESS_TOKEN_SECRET": rs.ACCESS_TOKEN_SECRET,
    }

    def set_environment(values: dict[str, str | None]) -> None:
        import os

        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    submitted: list[str] = []
    original = client.submit

    def counting_submit(*args: Any, **kwargs: Any) -> Any:
        submitted.append(kwargs["key"])
        return original(*args, **kwargs)

    in_flight: list[int] = []

    def progress(event: PartitionEvent) -> None:
        in_flight.append(len(submitted) - (event.done - 1))  # submitted, not yet written

    monkeypatch.setattr(client, "submit", counting_submit)
    dest = tmp_path / "mirror"
    client.run(set_environment, variables)
    try:
        with Session(sandbox.config) as session:
            sandbox.take()
            first = session.sync(
                dest,
                category="device_state",
                scheduler=client,
                workers=2,
                on_partition=progress,
                **_options(),
            )
            assert (first.fetched, first.open_days) == (PARTITIONS, 5)
            assert sandbox.take() == PARTITIONS
            assert len(submitted) == PARTITIONS and max(in_flight) <= 2
            before = _manifest(dest)
            again = session.sync(dest, category="device_state", scheduler=client, **_options())
    finally:
        client.run(set_environment, dict.fromkeys(variables))
    assert (again.fetched, again.up_to_date, again.open_days) == (5, 10, 5)
    assert sandbox.take() == 5  # nothing complete is fetched again
    after = _manifest(dest)
    assert {k: v for k, v in after.items() if v["complete"]} == {
        k: v for k, v in before.items() if v["complete"]
    }


def _scheduler_view(dask_scheduler: Any) -> list[str]:
    return [f"{ts.key!r} {ts.prefix.name} {ts.run_spec!r}" for ts in dask_scheduler.tasks.values()]


def test_a_partition_that_hits_a_fault_fails_as_locally_and_keeps_the_rest(
    client: Any, sandbox: Sandbox, tmp_path: Path
) -> None:
    with Session(sandbox.config) as session:
        streams = session.stream_metadata.get_patient_stream_metadata(
            PATIENT, category="device_state"
        )
    victim = list(streams.ids())[-1]  # its days are submitted once 5 others are written
    faults = sandbox.server.app.state.faults
    faults.add(rs.FaultRule("503", count=None, path=f"/v2/streams/{victim}"))
    dest = tmp_path / "mirror"
    seen: list[str] = []

    def watch(event: PartitionEvent) -> None:
        seen.extend(client.run_on_scheduler(_scheduler_view))

    try:
        with Session(sandbox.config, max_attempts=1) as once:
            with pytest.raises(ServerError) as locally:
                once.sync(tmp_path / "local", category="device_state", **_options())
            with pytest.raises(ServerError) as remotely:
                once.sync(
                    dest,
                    category="device_state",
                    scheduler=client,
                    worker_config=sandbox.config,
                    on_partition=watch,
                    **_options(),
                )
    finally:
        faults.clear()
    assert type(remotely.value) is type(locally.value) and remotely.value.status_code == 503
    recorded = _manifest(dest)
    assert recorded and not any(victim in key for key in recorded)
    manifest = Manifest(dest)
    assert all(manifest.verified(key) for key, e in recorded.items() if e["complete"])
    assert _temp_files(dest) == []
    assert seen and not any(
        secret in text for text in seen for secret in (rs.ACCESS_TOKEN_SECRET, rs.ACCESS_TOKEN_ID)
    )

    sandbox.take()
    with Session(sandbox.config) as session:
        resumed: SyncResult = session.sync(
            dest,
            category="device_state",
            scheduler=client,
            worker_config=sandbox.config,
            **_options(),
        )
    complete = sum(1 for e in recorded.values() if e["complete"])
    assert resumed.up_to_date == complete and resumed.fetched == PARTITIONS - complete
    assert sandbox.take() == resumed.fetched
    assert len(_manifest(dest)) == PARTITIONS


@pytest.mark.parametrize(
    ("scheduler", "match"),
    [
        ("not an address", "spaces"),
        ("tcp://scheduler-host", "port"),
        ("carrier-pigeon://loft:1", "protocol"),
        (8786, "distributed.Client"),
    ],
)
def test_a_bad_scheduler_is_refused_before_any_request(
    sandbox: Sandbox, tmp_path: Path, scheduler: object, match: str
) -> None:
    sandbox.take()
    with Session(sandbox.config) as session, pytest.raises(ValidationError, match=match) as error:
        session.sync(tmp_path / "m", scheduler=scheduler, **_options())
    assert error.value.parameter == "scheduler"
    assert sandbox.take() == 0 and not (tmp_path / "m").exists()


def test_scheduler_arguments_that_do_not_fit_are_refused(
    sandbox: Sandbox,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sandbox.take()
    with Session(sandbox.config) as session:
        with pytest.raises(ValidationError, match="worker_config"):
            session.sync(tmp_path / "m", worker_config=sandbox.config, **_options())
        with pytest.raises(ValidationError, match="in flight"):
            session.sync(tmp_path / "m", scheduler="tcp://127.0.0.1:1", workers=999, **_options())
    for name, value in (
        ("RUNE_STREAM_URL", sandbox.config.stream_url),
        ("RUNE_GRAPH_URL", sandbox.config.graph_url),
        ("RUNE_ACCESS_TOKEN_ID", rs.ACCESS_TOKEN_ID),
        ("RUNE_ACCESS_TOKEN_SECRET", rs.ACCESS_TOKEN_SECRET),
    ):
        monkeypatch.setenv(name, value)
    command = ["sync", str(tmp_path / "m"), "--patient-id", PATIENT, "--start", START]
    command += ["--end", END]
    assert cli_main([*command, "--scheduler", "tcp://scheduler-host"]) == 2
    assert "scheduler" in capsys.readouterr().err
    assert cli_main([*command, "--send-config"]) == 2
    assert "--scheduler" in capsys.readouterr().err
    assert cli_main([*command, "--scheduler", "tcp://h:1", "--workers", "999"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert sandbox.take() == 0


def test_without_distributed_the_error_names_the_extra(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with (
        Session(sandbox.config) as session,
        pytest.raises(ImportError, match=r"runestream\[dask\]"),
    ):
        session.sync(tmp_path / "m", scheduler="tcp://127.0.0.1:8786", **_options())
    assert sandbox.take() == 0
