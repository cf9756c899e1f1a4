"""``runestream.sync.sync`` and ``runestream sync`` against the sandbox.

Every data request the session sends is counted (an httpx hook on its pooled client), so each
test proves what was, and was not, fetched: a first sync, a second that fetches only the day
still being recorded, a deleted or damaged partition fetched again, two selections in one
dataset, a run interrupted from its progress callback and a CLI run killed with SIGKILL, both
resumed without a visible partial file. The dataset is read with pyarrow, polars and DuckDB.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import runestream_sandbox as rs
from runestream import Config, Session, ValidationError
from runestream.cli import main
from runestream.sync import MANIFEST_NAME, PartitionEvent, SyncResult, sync
from runestream.sync._sync import SAVE_EVERY_S

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

START, END = "2024-05-06", "2024-05-10"  # 05-08 holds every chosen stream's max_time
DAYS = ("2024-05-06", "2024-05-07", "2024-05-08")  # 05-09 is after max_time: not fetched
PATIENT = "patient-0001"


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer() as srv:
        yield srv


class Counted:
    """A session whose data requests (``/v2/streams/...``) are counted."""

    def __init__(self, server: rs.SandboxServer) -> None:
        config = Config(
            stream_url=server.url,
            graph_url=server.url,
            access_token_id=rs.ACCESS_TOKEN_ID,
            access_token_secret=rs.ACCESS_TOKEN_SECRET,
        )
        self.session = Session(config)
        self.paths: list[str] = []
        client = self.session.stream.generated_client().get_httpx_client()
        client.event_hooks["request"].append(self._seen)

    def _seen(self, request: httpx.Request) -> None:
        if request.url.path.startswith("/v2/streams/"):
            self.paths.append(request.url.path)

    def take(self) -> int:
        count, self.paths = len(self.paths), []
        return count

    def sync(self, dest: Path, **kwargs: object) -> SyncResult:
        options: dict[str, object] = {"patient_ids": [PATIENT], "start": START, "end": END}
        options.update(kwargs)
        return sync(self.session, dest, **options)  # type: ignore[arg-type]


@pytest.fixture
def counted(server: rs.SandboxServer) -> Iterator[Counted]:
    c = Counted(server)
    with c.session:
        yield c


def manifest(dest: Path) -> dict[str, dict[str, object]]:
    data = json.loads((dest / MANIFEST_NAME).read_text())
    partitions: dict[str, dict[str, object]] = data["partitions"]
    return partitions


def temp_files(dest: Path) -> list[Path]:
    return [p for p in dest.rglob("*") if p.name.endswith(".part")]


def expected_day(session: Session, stream_id: str, day: str) -> pa.Table:
    start = int(pa.scalar(day, pa.string()).cast(pa.date32()).cast(pa.int32()).as_py()) * 86400
    return session.stream.to_arrow(
        stream_id, start_time_ns=start * 10**9, end_time_ns=(start + 86400) * 10**9
    )


def test_first_sync_writes_each_day_and_every_reader_opens_it(
    counted: Counted, tmp_path: Path
) -> None:
    dest = tmp_path / "mirror"
    result = counted.sync(dest, category="vitals")
    assert (result.streams, result.fetched, result.up_to_date, result.open_days) == (1, 3, 0, 1)
    assert counted.take() == 3  # one page per day, nothing for the day past max_time
    stream = next(
        iter(
            counted.session.stream_metadata.get_patient_stream_metadata(PATIENT, category="vitals")
        )
    )
    entries = manifest(dest)
    assert sorted(entries) == [
        f"patient_id={PATIENT}/stream_id={stream.id}/date={day}" for day in DAYS
    ]
    assert [entries[k]["complete"] for k in sorted(entries)] == [True, True, False]
    assert temp_files(dest) == []

    dataset = ds.dataset(dest, partitioning="hive")
    table = dataset.to_table()
    assert table.column_names == [
        "time",
        "heart_rate",
        "measurement_duration_ns",
        "patient_id",
        "stream_id",
        "date",
    ]
    assert set(table.column("patient_id").to_pylist()) == {PATIENT}
    for day in DAYS:
        got = dataset.to_table(filter=ds.field("date") == day).select(
            ["time", "heart_rate", "measurement_duration_ns"]
        )
        want = expected_day(counted.session, stream.id, day)
        assert want.num_rows > 1000 and got.sort_by("time").equals(want)

    pl = pytest.importorskip("polars")
    frame = pl.scan_parquet(str(dest / "**/*.parquet"), hive_partitioning=True).collect()
    assert frame.height == table.num_rows
    assert set(frame["patient_id"].to_list()) == {PATIENT}
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(
        f"SELECT stream_id, count(*) FROM read_parquet('{dest}/**/*.parquet', "
        "hive_partitioning=true) GROUP BY stream_id"
    ).fetchall()
    assert rows == [(stream.id, table.num_rows)]


def test_second_sync_fetches_only_the_open_day(counted: Counted, tmp_path: Path) -> None:
    dest = tmp_path / "mirror"
    counted.sync(dest, category="vitals")
    counted.take()
    before = manifest(dest)
    again = counted.sync(dest, category="vitals")
    assert (again.fetched, again.up_to_date, again.open_days) == (1, 2, 1)
    assert counted.take() == 1
    after = manifest(dest)
    (open_key,) = [k for k in after if k.endswith(DAYS[-1])]
    assert not after[open_key]["complete"]
    assert all(after[k] == before[k] for k in after if k != open_key)


def test_a_deleted_or_damaged_partition_is_fetched_again(counted: Counted, tmp_path: Path) -> None:
    dest = tmp_path / "mirror"
    counted.sync(dest, category="vitals")
    counted.take()
    first, second = sorted(dest.rglob("part.parquet"))[:2]
    original = second.read_bytes()
    first.unlink()
    damaged = bytearray(original)
    damaged[len(damaged) // 2] ^= 0xFF  # same size, other content
    second.write_bytes(bytes(damaged))
    result = counted.sync(dest, category="vitals")
    assert (result.fetched, result.refetched, result.up_to_date) == (3, 2, 0)
    assert counted.take() == 3  # both days, and the open day
    assert first.exists() and second.read_bytes() == original  # the same writer, same bytes
    assert counted.sync(dest, category="vitals").up_to_date == 2


def test_selections_accumulate_in_one_dataset(counted: Counted, tmp_path: Path) -> None:
    dest = tmp_path / "mirror"
    counted.sync(dest, category="vitals")
    vitals = {p: p.read_bytes() for p in dest.rglob("part.parquet")}
    counted.take()
    other = counted.sync(dest, category="device_state", measurement="battery_level")
    assert (other.streams, other.fetched) == (1, 3)
    assert counted.take() == 3
    assert {p: p.read_bytes() for p in vitals} == vitals  # the first selection is untouched
    assert len(manifest(dest)) == 6
    assert counted.sync(dest, category="vitals").fetched == 1  # still complete but the open day
    table = ds.dataset(dest, partitioning="hive").to_table(columns=["stream_id"])
    assert len(set(table.column("stream_id").to_pylist())) == 2


def test_a_run_interrupted_from_its_callback_resumes(counted: Counted, tmp_path: Path) -> None:
    dest = tmp_path / "mirror"
    seen: list[PartitionEvent] = []

    def stop_after_two(event: PartitionEvent) -> None:
        seen.append(event)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        counted.sync(dest, category="device_state", on_partition=stop_after_two)
    assert counted.take() == 2 and seen[-1].total == 15  # 5 streams x 3 days
    assert len(manifest(dest)) == 2  # what was written is recorded
    assert temp_files(dest) == []
    resumed = counted.sync(dest, category="device_state", workers=4)  # on the thread pool
    assert (resumed.fetched, resumed.up_to_date) == (13, 2)
    assert counted.take() == 13


def test_a_killed_cli_run_leaves_no_partial_file_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "mirror"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNE_")}
    with rs.SandboxServer(rs.SandboxSettings(page_latency_s=0.25)) as slow:
        env.update(
            HOME=str(tmp_path),
            RUNE_STREAM_URL=slow.url,
            RUNE_GRAPH_URL=slow.url,
            RUNE_ACCESS_TOKEN_ID=rs.ACCESS_TOKEN_ID,
            RUNE_ACCESS_TOKEN_SECRET=rs.ACCESS_TOKEN_SECRET,
        )
        command = [sys.executable, "-m", "runestream.cli", "sync", str(dest), "--patient-id"]
        command += [PATIENT, "--category", "device_state", "--start", START, "--end", END]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None:
                if (dest / MANIFEST_NAME).exists() and manifest(dest):
                    break
                time.sleep(0.05)
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(30)
        assert process.returncode == -signal.SIGKILL
        recorded = len(manifest(dest))
        assert 1 <= recorded < 15
        visible = list(dest.rglob("*.parquet"))  # what DuckDB's and polars' globs read
        for path in visible:
            pq.read_metadata(path)  # every visible file is whole
        ds.dataset(dest, partitioning="hive").to_table()

        counted = Counted(slow)
        with counted.session:
            resumed = counted.sync(dest, category="device_state")
            assert resumed.fetched + resumed.up_to_date == 15
            assert resumed.up_to_date >= recorded - 5  # at most the open days are fetched again
            assert resumed.fetched < 15 and counted.take() == resumed.fetched
            assert temp_files(dest) == []
            assert len(manifest(dest)) == 15
            again = counted.sync(dest, category="device_state")
            assert again.fetched == again.open_days == 5  # only the days still being recorded


def test_session_sync_is_the_same_mirror(counted: Counted, tmp_path: Path) -> None:
    by_function = counted.sync(tmp_path / "a", category="vitals")
    by_method = counted.session.sync(
        tmp_path / "b", patient_ids=[PATIENT], start=START, end=END, category="vitals"
    )
    assert (by_method.fetched, by_method.streams) == (by_function.fetched, by_function.streams)
    assert sorted(manifest(tmp_path / "a")) == sorted(manifest(tmp_path / "b"))
    for key in manifest(tmp_path / "a"):
        left = pq.read_table(tmp_path / "a" / key / "part.parquet")
        assert left.equals(pq.read_table(tmp_path / "b" / key / "part.parquet"))


def test_progress_reports_never_overlap_with_several_workers(
    counted: Counted, tmp_path: Path
) -> None:
    inside = [0]
    most = [0]

    def slow_report(_event: PartitionEvent) -> None:
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.02)  # long enough for another worker to finish meanwhile
        inside[0] -= 1

    result = counted.sync(
        tmp_path / "mirror", category="device_state", workers=8, on_partition=slow_report
    )
    assert result.fetched == 15
    assert most[0] == 1


def test_the_manifest_is_saved_within_a_second_when_no_other_partition_completes(
    counted: Counted, tmp_path: Path
) -> None:
    dest = tmp_path / "mirror"
    on_disk: list[int] = []

    def wait_after_the_first(event: PartitionEvent) -> None:
        if event.done == 1:  # the only worker waits: no other partition completes meanwhile
            time.sleep(SAVE_EVERY_S + 0.6)
            on_disk.append(len(manifest(dest)) if (dest / MANIFEST_NAME).exists() else 0)

    counted.sync(dest, category="vitals", on_partition=wait_after_the_first)
    assert on_disk == [1]


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"patient_id": "patient-0002"}, "patient_ids="),
        ({"category": "vitals"}, "a filter of its own"),
        ({"axis": 1}, "text values"),
        (["axis=x"], "mapping"),
    ],
)
def test_bad_parameters_are_refused_before_any_request_or_file(
    counted: Counted, tmp_path: Path, parameters: object, message: str
) -> None:
    dest = tmp_path / "mirror"
    with pytest.raises(ValidationError, match=message):
        counted.sync(dest, parameters=parameters)
    assert counted.take() == 0
    assert not dest.exists()


def test_the_cli_refuses_patient_id_as_a_parameter_and_warns_on_an_empty_selection(
    server: rs.SandboxServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in (
        ("RUNE_STREAM_URL", server.url),
        ("RUNE_GRAPH_URL", server.url),
        ("RUNE_ACCESS_TOKEN_ID", rs.ACCESS_TOKEN_ID),
        ("RUNE_ACCESS_TOKEN_SECRET", rs.ACCESS_TOKEN_SECRET),
    ):
        monkeypatch.setenv(name, value)
    dest = str(tmp_path / "mirror")
    window = ["--start", START, "--end", END]
    assert main(["sync", dest, "--patient-id", PATIENT, "--param", "patient_id=x", *window]) == 2
    assert "use --patient-id" in capsys.readouterr().err
    assert main(["sync", dest, "--patient-id", PATIENT, "--category", "nothing", *window]) == 0
    err = capsys.readouterr().err
    assert f"no stream of {PATIENT} matches the selection" in err


def test_open_dataset_has_every_stream_types_columns(counted: Counted, tmp_path: Path) -> None:
    import duckdb
    import polars as pl

    from runestream.sync import dataset_schema, open_dataset

    dest = tmp_path / "mirror"
    first = counted.sync(dest, category="device_state")
    second = counted.sync(dest, category="vitals")
    whole = open_dataset(dest)
    table = whole.to_table()
    assert table.num_rows == first.rows + second.rows
    assert whole.schema == dataset_schema(dest)
    for column in ("heart_rate", "battery_level", "status", "patient_id", "stream_id", "date"):
        assert column in table.column_names
    heart = table.filter(pc.is_valid(table.column("heart_rate")))
    assert heart.num_rows == second.rows  # only the vitals stream has it
    frame = pl.scan_pyarrow_dataset(whole).collect()
    assert frame.shape == (table.num_rows, table.num_columns)
    files = f"'{dest}/**/*.parquet'"
    sql = f"SELECT count(*) FROM read_parquet({files}, hive_partitioning = 1, union_by_name = 1)"
    assert duckdb.sql(sql).fetchall() == [(table.num_rows,)]


def test_open_dataset_refuses_what_is_not_a_synced_dataset(tmp_path: Path) -> None:
    from runestream.sync import open_dataset

    with pytest.raises(ValidationError, match="not a synced dataset"):
        open_dataset(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text(
        json.dumps({"format": "runestream-sync", "version": 1, "partitions": {"k": {"x": 1}}})
    )
    with pytest.raises(ValueError, match="an entry is malformed"):
        open_dataset(tmp_path)


def test_a_second_run_trusts_unchanged_files_without_reading_them(
    counted: Counted, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runestream.sync import _manifest

    dest = tmp_path / "mirror"
    counted.sync(dest, category="device_state")  # 15 partitions, 10 complete
    hashed: list[Path] = []
    real = _manifest.sha256_of

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(_manifest, "sha256_of", counting)
    again = counted.sync(dest, category="device_state")
    assert again.up_to_date == 10
    assert hashed == []  # a stat per complete partition, no read
    assert counted.sync(dest, category="device_state", verify=True).up_to_date == 10
    assert len(hashed) == 10  # --verify reads every complete file


def test_verify_catches_a_change_that_kept_size_and_modification_time(
    counted: Counted, tmp_path: Path
) -> None:
    dest = tmp_path / "mirror"
    counted.sync(dest, category="vitals")
    part = sorted(dest.rglob("part.parquet"))[0]  # a complete day
    original = part.read_bytes()
    status = part.stat()
    rotten = bytearray(original)
    rotten[len(rotten) // 2] ^= 0xFF
    part.write_bytes(bytes(rotten))
    os.utime(part, ns=(status.st_atime_ns, status.st_mtime_ns))  # bit rot keeps both
    counted.take()
    assert counted.sync(dest, category="vitals").up_to_date == 2  # trusted by its stat
    result = counted.sync(dest, category="vitals", verify=True)
    assert (result.up_to_date, result.refetched) == (1, 1)
    assert part.read_bytes() == original
    with pytest.raises(ValidationError, match="verify"):
        counted.sync(dest, verify="yes")
