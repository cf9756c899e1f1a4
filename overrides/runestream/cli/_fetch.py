"""``runestream fetch RESOURCE``: pull one resource into a CSV, Parquet, JSON-lines or JSON file.

The format is the one the output's name says (``.csv``, ``.parquet``/``.pq``,
``.jsonl``/``.ndjson``, ``.json``), or ``--format``; a name that says nothing known, or says
something else than ``--format``, is refused (exit 2) before any request. Events and spans are
served as JSON; as CSV or Parquet they are written as flat tables
(:mod:`runestream.v1._records`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

from ..core._csv import first_content_byte
from ..core._outputs import atomic_output
from ..core._pagination import Page
from ..core._parallel import MAX_WORKERS
from ..v1._client import V1Client
from ..v1._params import OPERATIONS
from ._common import add_connection_options, load_config
from ._exit import OK, UsageError
from ._param_help import ResourceHelpAction
from ._progress import Progress, human_bytes

#: CLI resource name -> V1Client accessor name.
ACCESSORS = {
    "accel": "Accel",
    "band_power": "BandPower",
    "event": "Event",
    "heartrate": "HeartRate",
    "lfp": "LFP",
    "probability_symptom": "ProbabilitySymptom",
    "rotation": "Rotation",
    "span": "Span",
    "state": "State",
}
JSON_ONLY = frozenset({"event", "span"})
FORMATS = ("csv", "parquet", "jsonl", "json")
#: Output suffix (lower case) -> the format it names.
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``fetch``."""
    parser = subparsers.add_parser(
        "fetch",
        help="fetch one resource into a CSV, Parquet, JSON-lines or JSON file",
        description=(
            "Fetch every page of a resource (GET /v1/<resource>.csv, or .json for event and "
            "span) and write it to one file, in the format its name says (.csv, .parquet, "
            ".jsonl, .json) or --format gives. Events and spans as CSV or Parquet are flat "
            "tables (UTC timestamps, payload as JSON text). The file appears only when complete. "
            "`fetch --help RESOURCE` lists the resource's parameters."
        ),
        add_help=False,
    )
    parser.add_argument(
        "-h", "--help", action=ResourceHelpAction, help="show this help (and RESOURCE's parameters)"
    )
    parser.add_argument("resource", choices=sorted(ACCESSORS), help="what to fetch")
    parser.add_argument("--patient-id", help="patient ID (optional with a client key)")
    parser.add_argument("--device-id", help="device ID")
    parser.add_argument(
        "--start", help="start of the range (inclusive): unix seconds, ISO-8601 or a date"
    )
    parser.add_argument(
        "--end", help="end of the range (exclusive): unix seconds, ISO-8601 or a date"
    )
    parser.add_argument(
        "--expression", help="the resource's expression, e.g. 'availability(accel)'"
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="any other documented parameter (repeatable), e.g. --param symptom=tremor; "
        "--help RESOURCE lists them",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help=(
            "output format (default: from --output's suffix; for - csv, or jsonl for event "
            "and span); json is one JSON array"
        ),
    )
    parser.add_argument(
        "--output",
        "-o",
        required=True,
        metavar="FILE",
        help="output file (.csv, .parquet, .jsonl, .json), or - for stdout (csv, jsonl, json)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help=f"fetch N time windows in parallel (CSV resources; 1 to {MAX_WORKERS})",
    )
    add_connection_options(parser)
    parser.set_defaults(handler=run_fetch)


def _operation_key(resource: str, fmt: str) -> str:
    json_output = fmt in ("jsonl", "json")
    return f"{resource}.json" if resource in JSON_ONLY or json_output else f"{resource}.csv"


def _convert(resource: str, fmt: str, key: str, raw: str) -> Any:
    """Turn a ``--param`` string into the type the parameter takes."""
    operation = OPERATIONS.get(_operation_key(resource, fmt))
    spec = operation.params.get(key) if operation is not None else None
    if spec is None or spec.kind in ("str", "enum", "token", "time"):
        return raw
    try:
        number = int(raw) if spec.kind == "int" else float(raw)
    except ValueError:
        kind = "an integer" if spec.kind == "int" else "a number"
        raise UsageError(f"--param {key}={raw!r}: {key} must be {kind}") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise UsageError(f"--param {key}={raw!r}: {key} must be a finite number")
    return number


def build_params(args: argparse.Namespace, fmt: str) -> dict[str, Any]:
    """Collect the query parameters from the options (validated later by the client)."""
    params: dict[str, Any] = {}
    for option, name in (
        ("patient_id", "patient_id"),
        ("device_id", "device_id"),
        ("start", "start_time"),
        ("end", "end_time"),
        ("expression", "expression"),
    ):
        value = getattr(args, option)
        if value is not None:
            params[name] = value
    for item in args.param:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--param expects KEY=VALUE, got {item!r}")
        if key in params:
            raise UsageError(f"parameter {key!r} given twice")
        params[key] = _convert(args.resource, fmt, key, raw)
    for name in ("start_time", "end_time"):
        value = params.get(name)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):  # else ISO-8601 or a date: the client parses
                params[name] = float(value)
    return params


def _pick_format(args: argparse.Namespace) -> str:
    """The output format: what ``--output``'s name says, checked against ``--format``.

    Raises:
        UsageError: The name says no known format (and no ``--format``), says another one
            than ``--format``, or names a directory; parquet to stdout; ``--workers`` out of
            1 to :data:`MAX_WORKERS`.
    """
    if not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be from 1 to {MAX_WORKERS}, got {args.workers}")
    explicit: str | None = args.format
    output: str = args.output
    if output == "-":
        fmt = explicit or ("jsonl" if args.resource in JSON_ONLY else "csv")
        if fmt == "parquet":
            raise UsageError("parquet cannot be written to stdout: give --output FILE")
        return fmt
    if output.endswith(("/", os.sep)) or Path(output).expanduser().is_dir():
        raise UsageError(
            f"--output {output!r} is a directory: give a file name, "
            f"e.g. {os.path.join(output, args.resource + '.csv')}"
        )
    suffix = Path(output).suffix.lower()
    implied = SUFFIX_FORMATS.get(suffix)
    known = ", ".join(sorted(SUFFIX_FORMATS))
    if explicit is None:
        if implied is None:
            said = f"suffix {suffix!r}" if suffix else "no suffix"
            raise UsageError(
                f"cannot tell the output format from --output {output!r} ({said}): "
                f"name it {known}, or give --format {'|'.join(FORMATS)}"
            )
        return implied
    if implied is not None and implied != explicit:
        raise UsageError(
            f"--format {explicit} contradicts --output {output!r}, a {implied} file name"
        )
    return explicit


def _records_in(page: Page, resource: str) -> int:
    """The number of events or spans in a JSON page (0 when it cannot be told)."""
    result = getattr(page.response.parsed, "result", None)
    records = getattr(result, resource, None)
    return len(records) if isinstance(records, list) else 0


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch the resource and write it; print a one-line summary on stderr."""
    fmt = _pick_format(args)
    params = build_params(args, fmt)
    config = load_config(args)
    progress = Progress(f"{args.resource}")

    def on_page(page: Page) -> None:
        if page.table is not None:  # parsed as it arrived (Arrow-based outputs)
            rows = int(page.table.num_rows)
        elif args.resource in JSON_ONLY:
            rows = _records_in(page, args.resource)
        elif fmt not in ("jsonl", "json") and first_content_byte(page.content) >= 0:
            rows = page.content.count(b"\n") - 1
        else:
            rows = 0
        progress.page(max(rows, 0), page.size)

    rows_written = 0
    try:
        with V1Client(config, on_page=on_page, deadline=args.deadline) as client:
            accessor = getattr(client, ACCESSORS[args.resource])()
            if fmt in ("jsonl", "json"):
                rows_written = _write_json(accessor, args, params, array=fmt == "json")
            elif args.resource in JSON_ONLY:
                rows_written = _write_records_table(accessor, args, fmt, params, progress)
            elif fmt == "parquet":
                path = accessor.to_parquet(args.output, **_workers(args), **params)
                rows_written = progress.rows
                args.output = str(path)
            elif args.output == "-":
                rows_written = _write_csv_stdout(accessor, params)
            else:
                path = accessor.to_csv(args.output, **_workers(args), **params)
                rows_written = progress.rows
                args.output = str(path)
    except BaseException:
        progress.abandon()
        raise
    where = "stdout" if args.output == "-" else args.output
    progress.finish(
        f"{args.resource}: {rows_written:,} rows in {progress.pages} page"
        f"{'s' if progress.pages != 1 else ''} ({human_bytes(progress.bytes)}) "
        f"-> {where} in {progress.elapsed:.1f} s"
    )
    return OK


def _workers(args: argparse.Namespace) -> dict[str, int]:
    return {"workers": args.workers} if args.workers > 1 else {}


def _json_rows(
    accessor: Any, resource: str, params: dict[str, Any]
) -> Generator[dict[str, Any], None, None]:
    if resource == "event":
        for event in accessor.iter_events(**params):
            yield event.to_dict()
    elif resource == "span":
        for span in accessor.iter_spans(**params):
            yield span.to_dict()
    else:
        yield from accessor.points(**params)


def _write_json(
    accessor: Any, args: argparse.Namespace, params: dict[str, Any], *, array: bool
) -> int:
    """Write JSON lines, or (``array``) one JSON array of the same objects."""
    dump = _dump_array if array else _dump_lines
    # Closed on the way out, so that a failed write (or ^C) stops points()' read-ahead at once.
    with contextlib.closing(_json_rows(accessor, args.resource, params)) as rows:
        if args.output == "-":
            return dump(rows, sys.stdout)
        with atomic_output(args.output) as (_, handle):
            text = _TextWriter(handle)
            count = dump(rows, text)
        return count


def _write_records_table(
    accessor: Any, args: argparse.Namespace, fmt: str, params: dict[str, Any], progress: Progress
) -> int:
    """Events or spans as a flat CSV or Parquet table (see ``EventAccessor.to_arrow``)."""
    if fmt == "parquet":
        args.output = str(accessor.to_parquet(args.output, **params))
    elif args.output != "-":
        args.output = str(accessor.to_csv(args.output, **params))
    else:
        tables = accessor.iter_arrow(**params)
        with contextlib.closing(tables):
            writer: pa_csv.CSVWriter | None = None
            for table in tables:
                if writer is None:
                    writer = pa_csv.CSVWriter(sys.stdout.buffer, table.schema)
                writer.write_table(table)
            if writer is not None:
                writer.close()
        sys.stdout.buffer.flush()
    return progress.rows


class _TextWriter:
    """A minimal text adapter over a binary file (UTF-8)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def write(self, text: str) -> int:
        return self._handle.write(text.encode())


def _dump_array(rows: Iterator[dict[str, Any]], out: Any) -> int:
    """One JSON array, one object per line (streamed: a row at a time)."""
    count = 0
    for row in rows:
        out.write(
            ("[\n" if count == 0 else ",\n")
            + json.dumps(row, separators=(",", ":"), allow_nan=False)
        )
        count += 1
    out.write("[]\n" if count == 0 else "\n]\n")
    return count


def _dump_lines(rows: Iterator[dict[str, Any]], out: Any) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, separators=(",", ":"), allow_nan=False) + "\n")
        count += 1
    return count


def _write_csv_stdout(accessor: Any, params: dict[str, Any]) -> int:
    """Write every page's rows under one header to stdout, page by page.

    The same checks as a file (``stream_csv``: each page parsed before it is written, the
    column rule, bodies that are not CSV refused); a failing page ends the command with its
    error after the pages before it.
    """
    out = sys.stdout.buffer
    count: int = accessor.stream_csv(out, **params)
    out.flush()
    return count
