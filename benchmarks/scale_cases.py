"""The cases of the scale suite (``--suite scale``, issue 15 point 4), in the measured process.

Same split as :mod:`benchmarks.cases`: :func:`prepare` imports what a case needs and builds
what a user would already have (a ``Session``, the ``StreamMetadataSet``, a running
``LocalCluster`` with its workers' imports done), untimed; the returned ``run`` is timed.

No case collects the data: ``read_streams`` partitions are reduced where they are computed
(``map_partitions(len)``), and ``Session.sync`` streams each partition to Parquet, so the
memory measured is what one partition costs, not the 40 stream-days.

Standard library only at import time (the orchestrator never imports this module; the child
and the cluster's worker processes do, as :mod:`benchmarks.child` is their main module).
"""

from __future__ import annotations

import os
import resource
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Case kinds of the scale suite (``scale_`` is how :mod:`benchmarks.child` tells them apart).
KINDS = (
    "scale_download",
    "scale_read",
    "scale_sync",
    "scale_sync_scheduler",
)


@dataclass(frozen=True)
class ScaleSpec:
    """What a measured process of the scale suite needs.

    Attributes:
        kind: One of :data:`KINDS`.
        url: Base URL of the sandbox server (Stream API and ``/graphql``).
        access_token_id: Fake access token ID of the sandbox.
        access_token_secret: Fake access token secret of the sandbox.
        start_s: Window start, unix s (a UTC midnight: ``sync`` takes whole days).
        end_s: Window end (exclusive).
        stream_ids: The streams (``read_streams``, the download).
        selections: The same streams as ``sync`` selections (``patient_id``, ``category``).
        scheduler: ``scale_read``: ``sync``, ``threads`` or ``cluster``.
        workers: Threads of the ``threads`` scheduler; ``workers=`` of ``Session.sync``.
        partition: ``read_streams(partition=...)``.
        cluster_workers: Worker processes of the ``LocalCluster``.
        cluster_threads: Threads per worker process.
        page_size: The server's points per page (to tell full pages in the download).
        workdir: Where ``sync`` writes its dataset (removed after the round, untimed).
    """

    kind: str
    url: str
    access_token_id: str
    access_token_secret: str
    start_s: float
    end_s: float
    stream_ids: list[str]
    selections: list[dict[str, str]] = field(default_factory=list)
    scheduler: str = "sync"
    workers: int = 1
    partition: str = "1D"
    cluster_workers: int = 2
    cluster_threads: int = 2
    page_size: int = 100_000
    workdir: str = "."

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScaleSpec:
        """Build from the JSON object the orchestrator sends."""
        return cls(**data)


@dataclass
class ScaleOutcome:
    """What a timed run reports besides its time and memory (fields of the result line).

    Attributes:
        rows: Rows read (``read_streams``: the partition lengths; ``sync``: rows written).
        pages: Pages received (the download only; the server counts everyone's requests).
        bytes: Body bytes received (the download only).
        note: A remark for the report.
        full_pages: Pages holding ``page_size`` points (the download only).
        full_page_bytes: Their bytes.
        partitions: Partitions computed or written.
        worker_peak_kib: ``VmHWM`` of each cluster worker process after the run.
        worker_imports_kib: ``VmHWM`` of each cluster worker process before the run.
        worker_cpu_seconds: CPU time of the cluster's worker processes during the run.
        setup_seconds: Untimed preparation (cluster start and worker imports), for the record.
    """

    rows: int | None = None
    pages: int | None = None
    bytes: int | None = None
    note: str | None = None
    full_pages: int | None = None
    full_page_bytes: int | None = None
    partitions: int | None = None
    worker_peak_kib: list[int] | None = None
    worker_imports_kib: list[int] | None = None
    worker_cpu_seconds: float | None = None
    setup_seconds: float | None = None


@dataclass
class Prepared:
    """A case ready to run (as :class:`benchmarks.cases.Prepared`): ``run`` is timed."""

    run: Callable[[], ScaleOutcome]
    cleanup: Callable[[], None] = field(default=lambda: None)


def _config(spec: ScaleSpec) -> Any:
    from runestream import Config

    return Config(
        access_token_id=spec.access_token_id,
        access_token_secret=spec.access_token_secret,
        stream_url=spec.url,
        graph_url=spec.url,
    )


# --- reference: the same pages downloaded, bytes dropped ---------------------------------------


def _prepare_download(spec: ScaleSpec) -> Prepared:
    import httpx

    def run() -> ScaleOutcome:
        pages = size = full = full_bytes = 0
        headers = {
            "X-Rune-User-Access-Token-Id": spec.access_token_id,
            "X-Rune-User-Access-Token-Secret": spec.access_token_secret,
        }
        # the parameters runestream sends (so the server's page cache serves both)
        base = {
            "start_time_ns": round(spec.start_s * 1e9),
            "end_time_ns": round(spec.end_s * 1e9),
            "format": "csv",
            "timestamp": "unixns",
            "translate_enums": "true",
        }
        rows = 0
        with httpx.Client(base_url=spec.url, headers=headers, timeout=300.0) as client:
            for stream_id in spec.stream_ids:
                params: dict[str, Any] = dict(base)
                while True:
                    response = client.get(f"/v2/streams/{stream_id}", params=params)
                    response.raise_for_status()
                    token = response.headers.get("X-Rune-Next-Page-Token")
                    body = response.content
                    points = body.count(b"\n") - 1  # one header row; every row ends in \n
                    pages += 1
                    size += len(body)
                    rows += points
                    if points == spec.page_size:
                        full += 1
                        full_bytes += len(body)
                    del response, body
                    if token is None:
                        break
                    params["page_token"] = token
        return ScaleOutcome(
            rows=rows, pages=pages, bytes=size, full_pages=full, full_page_bytes=full_bytes
        )

    return Prepared(run)


# --- read_streams: sequential, threads, a LocalCluster --------------------------------------------


def _vm_hwm_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return float(usage.ru_utime + usage.ru_stime)


def _worker_imports() -> int:
    """On a cluster worker: import what a partition needs (untimed), return ``VmHWM``."""
    import pandas  # noqa: F401
    import pyarrow.csv  # type: ignore[import-untyped]  # noqa: F401

    import runestream.dask._worker  # noqa: F401

    return _vm_hwm_kib()


def _start_cluster(spec: ScaleSpec) -> tuple[Any, Any]:
    import distributed

    cluster = distributed.LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=spec.cluster_workers,
        threads_per_worker=spec.cluster_threads,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )
    return cluster, distributed.Client(cluster)  # type: ignore[no-untyped-call]


def _prepare_read(spec: ScaleSpec) -> Prepared:
    import time

    import dask
    import dask.dataframe
    import pandas  # noqa: F401
    import pyarrow.csv  # noqa: F401

    import runestream.dask as rsd
    import runestream.dask._worker  # noqa: F401
    from runestream import Session

    t0 = time.perf_counter()
    config = _config(spec)
    session = Session(config)
    streams = session.stream_metadata.get_stream_metadata(spec.stream_ids)  # untimed
    if len(streams) != len(spec.stream_ids):
        raise RuntimeError(f"{len(streams)} of {len(spec.stream_ids)} streams found")
    cluster = client = None
    scheduler: Any = spec.scheduler
    options: dict[str, Any] = {}
    if spec.scheduler == "threads":
        options["num_workers"] = spec.workers
    elif spec.scheduler == "cluster":
        cluster, client = _start_cluster(spec)
        client.run(_worker_imports)
        scheduler = client
    elif spec.scheduler != "sync":
        raise ValueError(f"unknown scheduler {spec.scheduler!r}")
    setup = time.perf_counter() - t0
    before: dict[str, Any] = {}
    if client is not None:
        before = client.run(lambda: (_vm_hwm_kib(), _cpu_seconds()))

    def run() -> ScaleOutcome:
        frame = rsd.read_streams(
            streams, spec.start_s, spec.end_s, partition=spec.partition, config=config
        )
        with dask.config.set(scheduler=scheduler):
            lengths = frame.map_partitions(len).compute(**options)  # type: ignore[no-untyped-call]
        outcome = ScaleOutcome(
            rows=int(lengths.sum()), partitions=len(lengths), setup_seconds=setup
        )
        if client is not None:
            after = client.run(lambda: (_vm_hwm_kib(), _cpu_seconds()))
            outcome.worker_imports_kib = [before[w][0] for w in sorted(after)]
            outcome.worker_peak_kib = [after[w][0] for w in sorted(after)]
            outcome.worker_cpu_seconds = sum(after[w][1] - before[w][1] for w in after)
        return outcome

    def cleanup() -> None:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        session.close()

    return Prepared(run, cleanup)


# --- Session.sync: the same streams into a Parquet dataset ------------------------------------


def _sync_rows(session: Any, dest: Path, spec: ScaleSpec, **extra: Any) -> ScaleOutcome:
    rows = partitions = 0
    for selection in spec.selections:
        options = {"category": selection["category"]} if selection.get("category") else {}
        result = session.sync(
            dest,
            patient_ids=selection["patient_id"],
            start=spec.start_s,
            end=spec.end_s,
            workers=spec.workers,
            **options,
            **extra,
        )
        rows += result.rows
        partitions += result.fetched
    return ScaleOutcome(rows=rows, partitions=partitions)


def _prepare_sync(spec: ScaleSpec) -> Prepared:
    import pyarrow.parquet  # type: ignore[import-untyped]  # noqa: F401

    import runestream.sync  # noqa: F401
    from runestream import Session

    session = Session(_config(spec))
    dest = Path(spec.workdir) / f"scale-sync-{os.getpid()}"
    shutil.rmtree(dest, ignore_errors=True)

    def run() -> ScaleOutcome:
        return _sync_rows(session, dest, spec)

    def cleanup() -> None:
        session.close()
        shutil.rmtree(dest, ignore_errors=True)

    return Prepared(run, cleanup)


def _prepare_sync_scheduler(spec: ScaleSpec) -> Prepared:
    """``Session.sync(..., scheduler=ADDRESS)``: the same sync, its partitions fetched on a
    2-process ``LocalCluster`` started untimed here (the workers get the credentials with
    ``worker_config=``; ``workers`` is then the partitions in flight)."""
    import pyarrow.parquet  # noqa: F401

    from runestream import Session

    cluster, client = _start_cluster(spec)
    client.run(_worker_imports)
    session = Session(_config(spec))
    dest = Path(spec.workdir) / f"scale-sync-cluster-{os.getpid()}"
    shutil.rmtree(dest, ignore_errors=True)

    def run() -> ScaleOutcome:
        return _sync_rows(
            session, dest, spec, scheduler=cluster.scheduler_address, worker_config=_config(spec)
        )

    def cleanup() -> None:
        client.close()
        cluster.close()
        session.close()
        shutil.rmtree(dest, ignore_errors=True)

    return Prepared(run, cleanup)


_PREPARERS = {
    "scale_download": _prepare_download,
    "scale_read": _prepare_read,
    "scale_sync": _prepare_sync,
    "scale_sync_scheduler": _prepare_sync_scheduler,
}
assert set(_PREPARERS) == set(KINDS)


def prepare(spec: ScaleSpec) -> Prepared:
    """Import what ``spec.kind`` needs and return its timed ``run``.

    Raises:
        KeyError: Unknown case kind.
    """
    return _PREPARERS[spec.kind](spec)
