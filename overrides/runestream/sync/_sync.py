"""``sync``: mirror a selection of streams into a hive-partitioned Parquet dataset, resumably.

One partition per (stream, UTC day): ``patient_id=…/stream_id=…/date=YYYY-MM-DD/part.parquet``.
The files hold the data columns only (``time``, the dimensions, ``measurement_duration_ns``),
typed from the stream type's declared dimensions so every day of a stream has one schema (see
:mod:`._partition`);
``patient_id`` (as ``patient-<id>``), ``stream_id`` and ``date`` come from the path (every hive
reader adds them, so keeping them in the files too would give duplicate columns), the streams'
other metadata is in the manifest (see :mod:`._manifest`).

What is fetched, per stream of the selection and per day of ``[start, end)``:

* a day before the stream's ``min_time`` or after its ``max_time`` is not fetched (no data is
  known there; a later run fetches it once ``max_time`` has moved into it);
* a day recorded complete whose file is still the one recorded is not fetched: the same size
  and modification time (a ``stat``, no read), or else the same SHA-256 (``verify=True``
  hashes every file); one deleted or damaged is fetched again;
* any other day is fetched (``GET /v2/streams/{id}`` over the day, every page) and written to
  a temporary file beside ``part.parquet``, fsynced and renamed onto it; then it is recorded.
  The day containing ``max_time`` is still being recorded: it is written but recorded as not
  complete, so the next run fetches it again.

The manifest is saved at least once a second while partitions complete, and at the end, on
an error and on Ctrl-C; a run killed outright loses at most that second of records (those
partitions are fetched again). A lock file (``_runestream.lock``) keeps two syncs out of one
dataset at once. Partitions outside the selection are never touched.

With ``scheduler=`` the partitions are fetched on a Dask cluster (:mod:`._remote`): the workers
only fetch and return each partition's Parquet bytes; the lock, the files, the manifest and
the progress stay in this process, with the same guarantees.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ..core._config import Config
from ..core._errors import ValidationError
from ..core._outputs import atomic_output, check_compression
from ..core._parallel import check_workers, run_parallel
from ..core._times import TimeLike, to_unix_seconds
from ..objects import Patient
from ._manifest import PART_NAME, Entry, Manifest, fsync_directory, now_text, sha256_of
from ._partition import declared_schema, fetch_partition
from ._remote import Cluster, check_in_flight, check_scheduler, connected

if TYPE_CHECKING:
    from .._session_api import Session
    from ..objects import StreamMetadata

__all__ = ["LOCK_NAME", "PartitionEvent", "SyncResult", "sync"]

DAY_S: Final = 86_400
_NS: Final = 1_000_000_000
#: The lock file at the dataset root, held (``flock``) while a sync writes.
LOCK_NAME: Final = "_runestream.lock"
#: Most seconds between two saves of the manifest while partitions complete.
SAVE_EVERY_S: Final = 1.0


@dataclass(frozen=True)
class PartitionEvent:
    """One partition fetched and written (passed to ``on_partition``).

    Attributes:
        patient_id: The stream's patient.
        stream_id: The stream.
        date: The UTC day, ``YYYY-MM-DD``.
        rows: Rows written (0: no file).
        complete: False for the day still being recorded (fetched again next time).
        done: Partitions fetched so far in this run (this one included).
        total: Partitions this run fetches.
    """

    patient_id: str
    stream_id: str
    date: str
    rows: int
    complete: bool
    done: int
    total: int


@dataclass
class SyncResult:
    """What a sync did.

    Attributes:
        streams: Streams in the selection.
        fetched: Partitions fetched and written in this run.
        up_to_date: Partitions already complete (verified against their files), not fetched.
        refetched: Of ``fetched``, those recorded complete whose file was missing or damaged.
        open_days: Of ``fetched``, days still being recorded (not recorded complete).
        rows: Rows written in this run.
        outside: (stream, day) pairs of the range outside the streams' data, not fetched.
    """

    streams: int = 0
    fetched: int = 0
    up_to_date: int = 0
    refetched: int = 0
    open_days: int = 0
    rows: int = 0
    outside: int = 0
    partitions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Task:
    key: str
    stream: StreamMetadata
    day: dt.date
    complete: bool
    was_recorded: bool


def _segment(name: str, value: str) -> str:
    """A hive path segment; the value %-escaped (hive readers decode it)."""
    return f"{name}={urllib.parse.quote(value, safe='-_.')}"


def partition_key(patient_id: str, stream_id: str, day: dt.date) -> str:
    """The partition directory, relative to the dataset root.

    The patient is in its ``patient-<id>`` form (the API's), so that no hive reader takes an
    id such as ``0001`` for a number.
    """
    return "/".join(
        (
            _segment("patient_id", Patient.denormalize_id(patient_id)),
            _segment("stream_id", stream_id),
            f"date={day.isoformat()}",
        )
    )


def _day_bound(value: TimeLike, parameter: str) -> dt.date:
    seconds = to_unix_seconds(value, parameter=parameter)
    if seconds % DAY_S:
        raise ValidationError(
            f"{parameter} must be a UTC day boundary (a date, or midnight UTC): partitions are "
            f"whole UTC days, got {value!r}",
            parameter=parameter,
        )
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def _day_start_s(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


@contextlib.contextmanager
def _dataset_lock(root: Path) -> Iterator[None]:
    """Hold the dataset's lock file; refuse if another sync holds it."""
    handle: IO[bytes] = (root / LOCK_NAME).open("ab")
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ValidationError(
                f"another sync is writing {str(root)!r} (it holds {LOCK_NAME})", parameter="dest"
            ) from None
        yield
    finally:
        handle.close()


def _remove_stale_temps(directory: Path, name: str) -> None:
    """Remove temporary files a killed run left beside ``name`` (hidden ``.name.*.part``)."""
    if not directory.is_dir():
        return
    for stale in directory.glob(f".{name}.*.part"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _stream_record(stream: StreamMetadata) -> dict[str, Any]:
    return {
        "patient_id": Patient.denormalize_id(stream.patient_id),
        "device_id": stream.device_id,
        "stream_type_id": stream.stream_type.id,
        "algorithm": stream.algorithm,
        "parameters": dict(stream.parameters),
        "min_time": stream.min_time,
        "max_time": stream.max_time,
    }


def sync(
    session: Session,
    dest: str | os.PathLike[str],
    *,
    patient_ids: str | Sequence[str],
    start: TimeLike,
    end: TimeLike,
    category: str | None = None,
    measurement: str | None = None,
    device_id: str | None = None,
    stream_type_id: str | None = None,
    algorithm: str | None = None,
    parameters: Mapping[str, str] | None = None,
    workers: int | None = None,
    compression: str = "zstd",
    on_partition: Callable[[PartitionEvent], object] | None = None,
    scheduler: str | Any | None = None,
    worker_config: Config | None = None,
    verify: bool = False,
) -> SyncResult:
    """Mirror the selected streams' data into the hive-partitioned Parquet dataset ``dest``.

    Streams come from ``session.stream_metadata.get_patient_stream_metadata(patient_id,
    category=..., ...)`` for each patient (GraphQL ``streamList``, every page); each (stream,
    UTC day) of ``[start, end)`` is one partition fetched with ``session.stream.to_arrow``
    (``GET /v2/streams/{stream_id}`` over the day, every page). See the module docs for what
    is (not) fetched, the layout and the guarantees. The dataset opens with
    ``pyarrow.dataset.dataset(dest, partitioning="hive")``, DuckDB's
    ``read_parquet('dest/**/*.parquet', hive_partitioning=true)`` and polars'
    ``scan_parquet(..., hive_partitioning=True)`` (streams of different types have different
    columns: ask those readers to unify them, see the README).

    Args:
        session: The session to fetch through.
        dest: The dataset's root directory (created if missing; may hold earlier syncs).
        patient_ids: A patient id, or several.
        start: First day (inclusive): a date, or midnight UTC in any time form.
        end: End day (exclusive), in the same forms.
        category: Only streams with this ``category`` parameter.
        measurement: Only streams with this ``measurement`` parameter.
        device_id: Only this device's streams.
        stream_type_id: Only streams of this type.
        algorithm: Only streams made by this algorithm.
        parameters: Other parameters that must match exactly.
        workers: Locally, partitions fetched at once (1 to 10, default 1) over the session's
            pooled client. With ``scheduler``, the most partitions in flight (submitted to the
            cluster and not yet written here; 1 to 256, default twice the cluster's threads
            when the sync starts): it bounds the memory results take, on the workers and here.
        compression: Parquet codec of the files.
        on_partition: Called after each partition is written (progress), from any worker
            thread (this thread with ``scheduler``), one call at a time; an exception it
            raises (e.g. ``KeyboardInterrupt``) stops the sync after that partition was
            recorded.
        scheduler: Fetch the partitions on a Dask cluster: its scheduler's address
            (``"tcp://host:8786"``, checked before any request; connected for the sync, then
            closed) or a ``distributed.Client`` (left open). Each (stream, day) is a task that
            a worker fetches through its own pooled, retrying Session (with this session's
            ``max_attempts`` and ``timeout`` when they are numbers) and returns as the bytes
            of its Parquet file; this process keeps the lock, writes every file atomically,
            records it in the manifest and reports progress, as for a local fetch. A task's
            failure raises here the error a local fetch raises (finished results are written
            first, the rest cancelled); a worker lost mid-task is retried by Dask. Needs the
            ``runestream[dask]`` extra.
        worker_config: With ``scheduler``: the Config the workers' sessions use, pickled into
            every task (only for a cluster you trust with the credentials; never in a task
            key or repr). ``None`` (default): each worker's own ``Config()`` (its
            ``~/.rune/config``, ``$RUNE_CONFIG`` or ``RUNE_*`` variables), as
            :func:`runestream.dask.read_streams`.
        verify: Read and hash every complete file before trusting it. By default a file with
            the recorded size and modification time is trusted unread (a file changed since,
            such as a damaged or replaced one, is hashed and fetched again if it differs), so
            a run over a large dataset costs a ``stat`` per partition, not a read.

    Returns:
        What was fetched and what was already complete.

    Raises:
        ValidationError: An argument is invalid (``scheduler`` included), or another sync
            holds ``dest`` (before any request).
        ImportError: ``scheduler`` is given but ``distributed`` is not installed.
        APIError: A request failed after the retry policy; the partitions completed before
            it are kept and recorded.
    """
    ids = [patient_ids] if isinstance(patient_ids, str) else list(patient_ids)
    if not ids or not all(isinstance(pid, str) and pid for pid in ids):
        raise ValidationError("patient_ids must name at least one patient", parameter="patient_ids")
    first, stop = _day_bound(start, "start"), _day_bound(end, "end")
    if stop <= first:
        raise ValidationError("end must be after start (end is exclusive)", parameter="end")
    address: Any = None  # a checked scheduler address, or the caller's Client
    in_flight: int | None = None
    if scheduler is None:
        if worker_config is not None:
            raise ValidationError(
                "worker_config is the workers' Config: it needs a scheduler",
                parameter="worker_config",
            )
        workers = check_workers(1 if workers is None else workers)
    else:
        address = check_scheduler(scheduler)
        in_flight = check_in_flight(workers)
        if worker_config is not None and not isinstance(worker_config, Config):
            raise ValidationError(
                f"worker_config must be a Config, not {type(worker_config).__name__}",
                parameter="worker_config",
            )
    if not isinstance(verify, bool):
        raise ValidationError(f"verify must be True or False, got {verify!r}", parameter="verify")
    check_compression(compression)
    codec = compression.lower()
    if on_partition is not None and not callable(on_partition):
        raise ValidationError("on_partition must be callable", parameter="on_partition")
    extra = _check_parameters(parameters)
    root = Path(dest).expanduser()
    if root.exists() and not root.is_dir():
        raise ValidationError(f"dest {str(root)!r} is not a directory", parameter="dest")
    with contextlib.ExitStack() as stack:
        cluster = None
        if address is not None:
            client = stack.enter_context(connected(address))
            cluster = Cluster(client, worker_config, _worker_options(session), in_flight)
        root.mkdir(parents=True, exist_ok=True)
        stack.enter_context(_dataset_lock(root))
        _remove_stale_temps(root, "_runestream_manifest.json")
        manifest = Manifest(root)
        streams: list[StreamMetadata] = []
        for pid in ids:
            found = session.stream_metadata.get_patient_stream_metadata(
                pid,
                device_id=device_id,
                stream_type_id=stream_type_id,
                algorithm=algorithm,
                category=category,
                measurement=measurement,
                **extra,
            )
            streams.extend(found)
        result = SyncResult(streams=len(streams))
        tasks = _plan(streams, first, stop, manifest, result, verify=verify)
        for stream in streams:
            manifest.streams[stream.id] = _stream_record(stream)
        recorder = _Recorder(manifest, len(tasks), on_partition, result)
        _run(session, root, recorder, tasks, workers or 1, codec, cluster)
    return result


#: The filters ``sync`` names; a ``parameters`` key may not repeat them.
_NAMED_FILTERS: Final = frozenset(
    {"patient_id", "device_id", "stream_type_id", "algorithm", "category", "measurement"}
)


def _check_parameters(parameters: Mapping[str, str] | None) -> dict[str, str]:
    """``parameters`` as stream-parameter filters (text keys and values, no named filter)."""
    if parameters is None:
        return {}
    if not isinstance(parameters, Mapping):
        raise ValidationError(
            f"parameters must be a mapping of parameter names to values, not "
            f"{type(parameters).__name__}",
            parameter="parameters",
        )
    for key, value in parameters.items():
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise ValidationError(
                f"parameters must map non-empty names to text values, got {key!r}: {value!r}",
                parameter="parameters",
            )
        if key in _NAMED_FILTERS:
            raise ValidationError(
                f"{key!r} is a filter of its own: pass {key}=..., not in parameters"
                if key != "patient_id"
                else "'patient_id' is not a stream parameter: pass patient_ids=...",
                parameter="parameters",
            )
    return dict(parameters)


def _worker_options(session: Session) -> tuple[tuple[str, Any], ...]:
    """The session's ``max_attempts`` and ``timeout`` when they are numbers (what a worker's
    session can be built with; a transport or a policy object stays here)."""
    given = getattr(session, "_transport_options", {})
    return tuple(
        (name, given[name])
        for name in ("max_attempts", "timeout")
        if isinstance(given.get(name), int | float) and not isinstance(given.get(name), bool)
    )


def _plan(
    streams: Sequence[StreamMetadata],
    first: dt.date,
    stop: dt.date,
    manifest: Manifest,
    result: SyncResult,
    *,
    verify: bool,
) -> list[_Task]:
    tasks: list[_Task] = []
    days = [first + dt.timedelta(days=n) for n in range((stop - first).days)]
    for stream in streams:
        low, high = stream.min_time, stream.max_time
        for day in days:
            day_start = _day_start_s(day)
            if low is None or high is None or day_start + DAY_S <= low or day_start > high:
                result.outside += 1
                continue
            key = partition_key(stream.patient_id, stream.id, day)
            if manifest.verified(key, verify=verify):
                result.up_to_date += 1
                continue
            recorded = manifest.partitions.get(key)
            tasks.append(
                _Task(
                    key=key,
                    stream=stream,
                    day=day,
                    # the day holding max_time is still being recorded
                    complete=day_start + DAY_S <= high,
                    was_recorded=recorded is not None and recorded.complete,
                )
            )
    return tasks


class _Recorder:
    """Records each written partition in the manifest and the result, then reports it.

    The manifest is saved at most :data:`SAVE_EVERY_S` after a partition was recorded, also
    when no other partition completes (a timer flushes it), so a ``kill -9`` loses at most
    that last second's records (their files are fetched again, never half-read). Reports to
    ``on_partition`` are made one at a time, whichever thread finished the partition (with
    several workers two reports may arrive in the other order of their ``done``).
    """

    def __init__(
        self,
        manifest: Manifest,
        total: int,
        on_partition: Callable[[PartitionEvent], object] | None,
        result: SyncResult,
    ) -> None:
        self.manifest = manifest
        self.total = total
        self.on_partition = on_partition
        self.result = result
        self.lock = threading.Lock()
        self.report_lock = threading.Lock()
        self.last_save = time.monotonic()
        self.dirty = False
        self.closed = False
        self.timer: threading.Timer | None = None

    def record(self, task: _Task, entry: Entry) -> PartitionEvent:
        """Record a partition whose file (if any) is in place; its progress event."""
        with self.lock:
            self.manifest.record(task.key, entry)
            result = self.result
            result.fetched += 1
            result.rows += entry.rows
            result.refetched += task.was_recorded
            result.open_days += not task.complete
            result.partitions.append(task.key)
            event = PartitionEvent(
                patient_id=Patient.denormalize_id(task.stream.patient_id),
                stream_id=task.stream.id,
                date=task.day.isoformat(),
                rows=entry.rows,
                complete=task.complete,
                done=result.fetched,
                total=self.total,
            )
            self.dirty = True
            waited = time.monotonic() - self.last_save
            if waited >= SAVE_EVERY_S:
                self._save_locked()
            elif self.timer is None:
                self.timer = threading.Timer(SAVE_EVERY_S - waited, self._flush)
                self.timer.daemon = True
                self.timer.start()
        return event

    def _save_locked(self) -> None:
        self.manifest.save()
        self.dirty = False
        self.last_save = time.monotonic()

    def _flush(self) -> None:
        """The timer: save what was recorded since the last save (unless the sync ended)."""
        with self.lock:
            self.timer = None
            if self.dirty and not self.closed:
                self._save_locked()

    def notify(self, event: PartitionEvent) -> None:
        """Report a recorded partition to ``on_partition``, one report at a time."""
        if self.on_partition is not None:
            with self.report_lock:
                self.on_partition(event)

    def save(self) -> None:
        """The final save (the timer is stopped; nothing is saved after this)."""
        with self.lock:
            self.closed = True
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            self._save_locked()


def _day_ns(task: _Task) -> tuple[int, int]:
    start_ns = _day_start_s(task.day) * _NS
    return start_ns, start_ns + DAY_S * _NS


def _run(
    session: Session,
    root: Path,
    recorder: _Recorder,
    tasks: list[_Task],
    workers: int,
    codec: str,
    cluster: Cluster | None,
) -> None:
    def work(task: _Task) -> None:
        start_ns, end_ns = _day_ns(task)
        table = fetch_partition(
            session, task.stream.id, start_ns, end_ns, declared_schema(task.stream)
        )
        entry = _write_partition(
            root / task.key,
            table.num_rows,
            lambda out: pq.write_table(table, out, compression=codec),
            task.complete,
        )
        recorder.notify(recorder.record(task, entry))

    def write(task: _Task, rows: int, payload: bytes) -> PartitionEvent:
        entry = _write_partition(
            root / task.key, rows, lambda out: out.write(payload), task.complete
        )
        return recorder.record(task, entry)

    try:
        if cluster is not None:
            cluster.run(tasks, codec, _day_ns, write, recorder.notify)
        elif workers == 1 or len(tasks) <= 1:
            for task in tasks:
                work(task)
        else:
            run_parallel(tasks, work, workers=workers)
    finally:
        recorder.save()


def _write_partition(
    directory: Path, rows: int, write: Callable[[IO[bytes]], object], complete: bool
) -> Entry:
    """Write one day's ``rows`` (``write`` writes the Parquet file) as
    ``directory/part.parquet`` (never partial); its entry. No file for a day without rows."""
    part = directory / PART_NAME
    synced_at = now_text()
    if rows == 0:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
        return Entry(0, None, None, None, complete, synced_at)
    directory.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(directory, PART_NAME)
    with atomic_output(part) as (temp, out):
        write(out)
        out.flush()
        size = out.tell()
        digest = sha256_of(temp)
    fsync_directory(directory)
    mtime_ns = part.stat().st_mtime_ns
    return Entry(int(rows), size, digest, PART_NAME, complete, synced_at, mtime_ns)
