"""``runestream stream fetch|availability``: V2 stream data and availability by stream id.

``fetch`` streams one or several streams into one file through ``Session.stream.write`` (each
page written as it arrives, the file renamed into place once complete); ``availability``
writes ``Session.stream.availability``'s table. The format comes from ``--format`` or the
output's suffix; ``--output -`` writes CSV or JSON Lines to stdout once the result is complete
(it is assembled in a temporary file first, so that several streams' columns are known).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, overload

from .._session_api import Session
from ..core._outputs import atomic_output, check_compression, check_output_path
from ..core._pagination import Page
from ..core._parallel import MAX_WORKERS
from ..v2._tables import dump_table
from ._common import add_connection_options, load_config
from ._exit import OK, UsageError
from ._metadata_cmd import add_stream_selection, select_streams
from ._progress import Progress, human_bytes

__all__ = ["add_parser"]

FORMATS = ("csv", "parquet", "jsonl")
#: Output suffix (lower case) -> the format it names.
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``stream`` with its ``fetch`` and ``availability`` sub-commands."""
    parser = subparsers.add_parser(
        "stream",
        help="V2 stream data and availability by stream id",
        description="Fetch V2 Stream API data (GET /v2/streams/{stream_id}) by stream id.",
    )
    sub = parser.add_subparsers(dest="stream_command", metavar="SUBCOMMAND", required=True)
    _add_fetch(sub)
    _add_availability(sub)


def _add_common(
    parser: argparse.ArgumentParser, *, required_range: bool, select: bool = False
) -> None:
    if select:
        parser.add_argument(
            "stream_ids",
            nargs="*",
            metavar="STREAM_ID",
            help="stream id(s); or select them with --patient-id and the filters below",
        )
        add_stream_selection(parser, required=False)
    else:
        parser.add_argument("stream_ids", nargs="+", metavar="STREAM_ID", help="stream id(s)")
    what = "required" if required_range else "default: the stream's first data"
    parser.add_argument(
        "--start",
        required=required_range,
        help=f"start (inclusive): unix seconds, ISO-8601 or a date ({what})",
    )
    what = "required" if required_range else "default: the stream's last data"
    parser.add_argument(
        "--end",
        required=required_range,
        help=f"end (exclusive): unix seconds, ISO-8601 or a date ({what})",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from --output's suffix; csv for -)",
    )
    parser.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="FILE",
        help="output file (.csv, .parquet, .jsonl), or - for stdout (csv, jsonl)",
    )
    parser.add_argument(
        "--compression", default="zstd", help="Parquet codec (default zstd; none to disable)"
    )
    add_connection_options(parser)


def _add_fetch(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "fetch",
        help="fetch streams' data into one CSV, Parquet or JSON-lines file",
        description=(
            "Fetch every page of each stream (CSV, exact nanosecond times) into one typed "
            "table: time (UTC, or --timezone-name), the dimensions, measurement_duration_ns, "
            "and stream_id (a dictionary-encoded column, also for one id). The file appears only "
            "when complete. Give stream ids, or --patient-id with filters (--device-id, "
            "--category, --measurement, --param k=v) to fetch every stream that matches."
        ),
    )
    _add_common(parser, required_range=False, select=True)
    parser.add_argument("--start-ns", type=int, metavar="NS", help="start as unix nanoseconds")
    parser.add_argument("--end-ns", type=int, metavar="NS", help="end as unix nanoseconds")
    parser.add_argument("--limit", type=int, metavar="N", help="most rows per stream")
    parser.add_argument("--timezone-name", metavar="ZONE", help="IANA zone of the time column")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help=f"fetch N streams at once (1 to {MAX_WORKERS})",
    )
    parser.set_defaults(handler=run_fetch)


def _add_availability(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "availability",
        help="whether streams have data, bin by bin",
        description=(
            "Availability of one stream, or of several combined with --batch-operation "
            "(any|all), in bins of --resolution seconds: a table of time, availability."
        ),
    )
    _add_common(parser, required_range=True)
    parser.add_argument(
        "--resolution", type=int, required=True, metavar="SECONDS", help="bin width, 300-86400"
    )
    parser.add_argument(
        "--batch-operation", choices=("any", "all"), help="combine several streams: any or all"
    )
    parser.set_defaults(handler=run_availability)


@overload
def _time(text: str) -> float | str: ...
@overload
def _time(text: None) -> None: ...
def _time(text: str | None) -> float | str | None:
    """A ``--start``/``--end`` value: unix seconds when it is a number, else text."""
    if text is None:
        return None
    with contextlib.suppress(ValueError):
        return float(text)
    return text


def _pick_format(args: argparse.Namespace) -> str:
    """The output format: what ``--output``'s name says, checked against ``--format``."""
    explicit: str | None = args.format
    output: str = args.output
    if output == "-":
        fmt = explicit or "csv"
        if fmt == "parquet":
            raise UsageError("parquet cannot be written to stdout: give --output FILE")
        return fmt
    if output.endswith(("/", os.sep)) or Path(output).expanduser().is_dir():
        raise UsageError(f"--output {output!r} is a directory: give a file name")
    suffix = Path(output).suffix.lower()
    implied = SUFFIX_FORMATS.get(suffix)
    if explicit is None:
        if implied is None:
            said = f"suffix {suffix!r}" if suffix else "no suffix"
            raise UsageError(
                f"cannot tell the output format from --output {output!r} ({said}): name it "
                f"{', '.join(sorted(SUFFIX_FORMATS))}, or give --format {'|'.join(FORMATS)}"
            )
        return implied
    if implied is not None and implied != explicit:
        raise UsageError(
            f"--format {explicit} contradicts --output {output!r}, a {implied} file name"
        )
    return explicit


def _session(args: argparse.Namespace) -> Session:
    return Session(load_config(args))


def _to_stdout(write: Any, fmt: str) -> None:
    """Run ``write(path)`` into a private temporary directory, then copy the file to stdout."""
    with tempfile.TemporaryDirectory(prefix="runestream-") as directory:
        path = Path(directory) / f"out.{fmt}"
        write(path)
        with path.open("rb") as source:
            shutil.copyfileobj(source, sys.stdout.buffer, 1 << 20)
    sys.stdout.buffer.flush()


def _selection_given(args: argparse.Namespace) -> bool:
    filters = ("device_id", "category", "measurement", "stream_type_id", "algorithm")
    return bool(args.param) or any(getattr(args, name) is not None for name in filters)


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch the streams into the output; print a one-line summary on stderr."""
    fmt = _pick_format(args)
    if not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be from 1 to {MAX_WORKERS}, got {args.workers}")
    if args.patient_id is None and not args.stream_ids:
        raise UsageError("give stream ids, or --patient-id (with filters) to select streams")
    if args.patient_id is not None and args.stream_ids:
        raise UsageError("give stream ids or --patient-id, not both")
    if args.patient_id is None and _selection_given(args):
        raise UsageError("the stream filters need --patient-id")
    if args.output != "-":  # before any request, the stream list's included
        check_output_path(args.output)
        if fmt == "parquet":
            check_compression(args.compression)
    with _session(args) as session:
        ids = list(args.stream_ids)
        if args.patient_id is not None:
            ids = list(select_streams(session, args).ids())
            if not ids:
                raise UsageError(f"no stream of patient {args.patient_id} matches the filters")
        _fetch_into(session, args, ids, fmt)
    return OK


def _fetch_into(session: Session, args: argparse.Namespace, ids: list[str], fmt: str) -> None:
    progress = Progress(f"{len(ids)} stream{'s' if len(ids) != 1 else ''}")

    def on_page(page: Page) -> None:
        table = page.table
        progress.page(int(table.num_rows) if table is not None else 0, page.size)

    options: dict[str, Any] = {
        "start_time": _time(args.start),
        "end_time": _time(args.end),
        "format": fmt,
        "start_time_ns": args.start_ns,
        "end_time_ns": args.end_ns,
        "limit": args.limit,
        "timezone_name": args.timezone_name,
        "workers": args.workers,
        "deadline": args.deadline,
        "compression": args.compression,
        "on_page": on_page,
    }
    # One id is still a list: the file has a stream_id column whatever the count.
    try:
        if args.output == "-":
            _to_stdout(lambda path: session.stream.write(path, ids, **options), fmt)
        else:
            args.output = str(session.stream.write(args.output, ids, **options))
    except BaseException:
        progress.abandon()
        raise
    where = "stdout" if args.output == "-" else args.output
    progress.finish(
        f"{len(ids)} stream{'s' if len(ids) != 1 else ''}: {progress.rows:,} rows in "
        f"{progress.pages} page{'s' if progress.pages != 1 else ''} "
        f"({human_bytes(progress.bytes)}) -> {where} in {progress.elapsed:.1f} s"
    )


def run_availability(args: argparse.Namespace) -> int:
    """Write the availability table; print a one-line summary on stderr."""
    fmt = _pick_format(args)
    if args.output != "-":
        check_output_path(args.output)
        if fmt == "parquet":
            check_compression(args.compression)
    progress = Progress("availability")
    with _session(args) as session:
        table = session.stream.availability(
            args.stream_ids,
            _time(args.start),
            _time(args.end),
            args.resolution,
            batch_operation=args.batch_operation,
        )
    if args.output == "-":
        dump_table(table, sys.stdout.buffer, fmt)
        sys.stdout.buffer.flush()
        where = "stdout"
    else:
        with atomic_output(args.output) as (_, out):
            dump_table(table, out, fmt, args.compression.lower())
        where = args.output
    available = sum(1 for value in table.column("availability").to_pylist() if value)
    progress.finish(
        f"availability: {table.num_rows:,} bins, {available:,} with data -> {where} "
        f"in {progress.elapsed:.1f} s"
    )
    return OK
