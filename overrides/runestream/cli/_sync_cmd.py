"""``runestream sync DEST``: mirror streams into a resumable hive-partitioned Parquet dataset.

Runs :func:`runestream.sync.sync`: one ``part.parquet`` per (stream, UTC day) under
``DEST/patient_id=…/stream_id=…/date=YYYY-MM-DD/``, a manifest of what is complete, nothing
fetched again that is complete and intact. Progress per partition is drawn with rich on stderr
when stderr is a terminal; otherwise only the one-line summary is printed.

``--workers N`` fetches N partitions at once in this process. ``--scheduler ADDRESS`` fetches
them on a Dask cluster instead (the ``runestream[dask]`` extra) while this process keeps the
lock, the files and the manifest; ``--workers N`` then bounds the partitions in flight
(default: twice the cluster's threads). The workers use their own config (``~/.rune/config``,
``RUNE_*``) unless ``--send-config`` sends this command's config, credentials included, inside
the tasks.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._session_api import Session
from ..core._parallel import MAX_WORKERS
from ..sync import PartitionEvent, sync
from ..sync._remote import MAX_IN_FLIGHT
from ._common import add_connection_options, load_config
from ._exit import OK, UsageError
from ._metadata_cmd import add_stream_filters, stream_parameters
from ._progress import Progress

__all__ = ["add_parser"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sync``."""
    parser = subparsers.add_parser(
        "sync",
        help="mirror streams into a resumable, hive-partitioned Parquet dataset",
        description=(
            "Mirror the streams of one or more patients (filtered like `runestream streams`) "
            "over [--start, --end) into DEST as patient_id=…/stream_id=…/date=YYYY-MM-DD/"
            "part.parquet (UTC days), with a manifest of what is complete. Run it again to "
            "resume or to refresh: complete days are not fetched again (a deleted or damaged "
            "file is), the day still being recorded is. Other selections synced into DEST are "
            "kept. Read it with pyarrow.dataset, DuckDB or polars (hive partitioning)."
        ),
    )
    parser.add_argument("dest", metavar="DEST", help="the dataset's directory")
    parser.add_argument(
        "--patient-id",
        action="append",
        required=True,
        metavar="ID",
        help="a patient whose streams to mirror (repeatable)",
    )
    add_stream_filters(parser)
    parser.add_argument(
        "--start", required=True, help="first UTC day (inclusive): a date or midnight UTC"
    )
    parser.add_argument("--end", required=True, help="end UTC day (exclusive)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help=(
            f"fetch N partitions at once (1 to {MAX_WORKERS}, default 1); with --scheduler, "
            f"the most partitions in flight (1 to {MAX_IN_FLIGHT}, default twice the "
            "cluster's threads)"
        ),
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=(
            "fetch the partitions on the Dask cluster of this scheduler (tcp://host:8786; "
            "needs runestream[dask]); files and manifest are still written here"
        ),
    )
    parser.add_argument(
        "--send-config",
        action="store_true",
        help=(
            "with --scheduler: send this command's config (credentials included) to the "
            "workers inside the tasks, instead of their own ~/.rune/config or RUNE_* "
            "variables; only to a cluster you trust"
        ),
    )
    parser.add_argument(
        "--compression", default="zstd", help="Parquet codec (default zstd; none to disable)"
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help=(
            "read and hash every complete file before trusting it (default: a file with its "
            "recorded size and modification time is trusted unread; others are hashed)"
        ),
    )
    add_connection_options(parser)
    parser.set_defaults(handler=run_sync)


class _RichProgress:
    """A rich progress bar of partitions, drawn only on a terminal (stderr by default)."""

    def __init__(self, console: Any = None) -> None:
        self.console = console
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, event: PartitionEvent) -> None:
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("sync"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=self.console if self.console is not None else Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=event.total)
        state = "" if event.complete else " (open day)"
        self.bar.update(
            self.task,
            advance=1,
            description=f"{event.stream_id[:12]}… {event.date}: {event.rows:,} rows{state}",
        )

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_sync(args: argparse.Namespace) -> int:
    """Sync the selection into DEST; print a one-line summary on stderr."""
    limit = MAX_WORKERS if args.scheduler is None else MAX_IN_FLIGHT
    if args.workers is not None and not 1 <= args.workers <= limit:
        raise UsageError(f"--workers must be from 1 to {limit}, got {args.workers}")
    if args.send_config and args.scheduler is None:
        raise UsageError("--send-config sends the config to a cluster's workers: add --scheduler")
    parameters = stream_parameters(args.param)
    summary = Progress("sync", enabled=False)
    drawer = _RichProgress() if sys.stderr.isatty() else None
    try:
        config = load_config(args)
        with Session(config) as session:
            result = sync(
                session,
                args.dest,
                patient_ids=args.patient_id,
                start=args.start,
                end=args.end,
                category=args.category,
                measurement=args.measurement,
                device_id=args.device_id,
                stream_type_id=args.stream_type_id,
                algorithm=args.algorithm,
                parameters=parameters,
                workers=args.workers,
                compression=args.compression,
                on_partition=drawer,
                scheduler=args.scheduler,
                worker_config=config if args.send_config else None,
                verify=args.verify,
            )
    finally:
        if drawer is not None:
            drawer.stop()
    if result.streams == 0:
        patients = ", ".join(args.patient_id)
        print(
            f"runestream: warning: no stream of {patients} matches the selection; nothing to "
            "sync (check the patient ids and the filters with `runestream streams`)",
            file=sys.stderr,
        )
    open_days = f", {result.open_days} still open" if result.open_days else ""
    summary.finish(
        f"sync: {result.streams} stream{'s' if result.streams != 1 else ''}, "
        f"{result.fetched} partition{'s' if result.fetched != 1 else ''} fetched "
        f"({result.rows:,} rows, {result.refetched} refetched{open_days}), "
        f"{result.up_to_date} already complete -> {args.dest} in {summary.elapsed:.1f} s"
    )
    return OK
