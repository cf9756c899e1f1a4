"""``runestream whoami | orgs | patients | streams``: the GraphQL metadata API on the command line.

Each command prints a table (rich) when stdout is a terminal and machine-readable output when
it is piped or redirected: JSON (``--json``, or ``--format json``) by default, CSV for
``streams --format csv``. Stream selection (``--patient-id``, ``--device-id``, ``--category``,
``--measurement``, ``--param k=v``) is shared with ``runestream stream fetch``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from .._session_api import Session
from ..objects import StreamMetadataSet
from ._common import add_connection_options, load_config
from ._exit import OK, UsageError

__all__ = [
    "add_parsers",
    "add_stream_filters",
    "add_stream_selection",
    "select_streams",
    "stream_parameters",
]

#: Columns of ``runestream streams`` (then one per parameter key, sorted).
STREAM_COLUMNS = (
    "id",
    "patient_id",
    "device_id",
    "stream_type_id",
    "algorithm",
    "min_time",
    "max_time",
)


def add_parsers(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``whoami``, ``orgs``, ``patients`` and ``streams``."""
    whoami = subparsers.add_parser("whoami", help="the user the credentials act as")
    _add_output(whoami)
    whoami.set_defaults(handler=run_whoami)

    orgs = subparsers.add_parser("orgs", help="your organizations (and switch the active one)")
    orgs.add_argument("--set", metavar="ORG_ID", help="make this organization the active one")
    _add_output(orgs)
    orgs.set_defaults(handler=run_orgs)

    patients = subparsers.add_parser("patients", help="patients of the active organization")
    _add_output(patients)
    patients.set_defaults(handler=run_patients)

    streams = subparsers.add_parser(
        "streams",
        help="a patient's streams (stream metadata), filtered",
        description="List the stream metadata of a patient's streams matching ALL filters.",
    )
    add_stream_selection(streams, required=True)
    streams.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        help="output format (default: table on a terminal, else json)",
    )
    add_connection_options(streams)
    streams.set_defaults(handler=run_streams)


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="print JSON (the default when stdout is not a terminal)"
    )
    add_connection_options(parser)


def add_stream_selection(parser: argparse.ArgumentParser, *, required: bool) -> None:
    """Add the stream filters (``--patient-id`` required when ``required``)."""
    parser.add_argument(
        "--patient-id", required=required, metavar="ID", help="the patient whose streams to use"
    )
    add_stream_filters(parser)


def add_stream_filters(parser: argparse.ArgumentParser) -> None:
    """Add the filters on a patient's streams (``--device-id`` ... ``--param``), without the
    patient (commands choose one or several)."""
    parser.add_argument("--device-id", metavar="ID", help="only this device's streams")
    parser.add_argument("--category", help="the category parameter (e.g. neural, vitals)")
    parser.add_argument("--measurement", help="the measurement parameter (e.g. heart_rate)")
    parser.add_argument("--stream-type-id", metavar="ID", help="only streams of this type")
    parser.add_argument("--algorithm", help="only streams made by this algorithm")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter that must match exactly (repeatable)",
    )


#: The filters with an option of their own: ``--param`` may not name them.
_NAMED_FILTERS = ("category", "measurement", "device_id", "stream_type_id", "algorithm")


def stream_parameters(pairs: Sequence[str]) -> dict[str, str]:
    """The ``--param KEY=VALUE`` options as stream-parameter filters.

    Raises:
        UsageError: A pair is not ``KEY=VALUE``, a key is given twice, or it names a filter
            with an option of its own (or ``patient_id``).
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--param must be KEY=VALUE, got {pair!r}")
        if key in _NAMED_FILTERS:
            raise UsageError(f"use --{key.replace('_', '-')}, not --param")
        if key == "patient_id":
            raise UsageError("patient_id is not a stream parameter: use --patient-id")
        if key in out:
            raise UsageError(f"--param {key} given twice")
        out[key] = value
    return out


def select_streams(session: Session, args: argparse.Namespace) -> StreamMetadataSet:
    """The streams the selection options name (every page of the patient's stream list)."""
    return session.stream_metadata.get_patient_stream_metadata(
        args.patient_id,
        device_id=args.device_id,
        stream_type_id=args.stream_type_id,
        algorithm=args.algorithm,
        category=args.category,
        measurement=args.measurement,
        **stream_parameters(args.param),
    )


def _session(args: argparse.Namespace) -> Session:
    return Session(load_config(args))


def _as_table(want_json: bool) -> bool:
    return not want_json and sys.stdout.isatty()


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def _print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


def run_whoami(args: argparse.Namespace) -> int:
    """Print the current user."""
    with _session(args) as session:
        user = session.user.get_current_user().to_dict()
    if _as_table(args.json):
        _print_table("user", ["field", "value"], [(k, v) for k, v in user.items()])
    else:
        _print_json(user)
    return OK


def run_orgs(args: argparse.Namespace) -> int:
    """Print the user's organizations (after switching the active one with ``--set``)."""
    with _session(args) as session:
        if args.set is not None:
            session.org.set_active_org(args.set)
        active = session.user.get_current_user().active_org_id
        orgs = session.org.get_orgs().to_list()
    active_id = active.removeprefix("org-").removesuffix(",org") if active else None
    for org in orgs:
        org["active"] = org.get("id") == active_id
    if _as_table(args.json):
        columns = ["id", "name", "active", "created_at", "tags"]
        _print_table("organizations", columns, ([o.get(c) for c in columns] for o in orgs))
    else:
        _print_json(orgs)
    return OK


def run_patients(args: argparse.Namespace) -> int:
    """Print the active organization's patients and their devices."""
    with _session(args) as session:
        patients = list(session.patient.get_all_patients())
    if _as_table(args.json):
        columns = ["id", "name", "created_at", "devices"]
        rows = ((p.id, p.name, p.created_at, ", ".join(d.id for d in p.devices)) for p in patients)
        _print_table("patients", columns, rows)
    else:
        _print_json([{**p.to_dict(), "devices": p.devices.to_list()} for p in patients])
    return OK


def run_streams(args: argparse.Namespace) -> int:
    """Print the selected streams' metadata."""
    with _session(args) as session:
        streams = select_streams(session, args)
    records = [_stream_record(s.to_dict()) for s in streams]
    keys = sorted({k for r in records for k in r} - set(STREAM_COLUMNS))
    columns = [*STREAM_COLUMNS, *keys]
    fmt = args.format or ("table" if sys.stdout.isatty() else "json")
    if fmt == "table":
        _print_table(
            f"{len(records)} streams of patient {args.patient_id}",
            columns,
            ([r.get(c) for c in columns] for r in records),
        )
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        _print_json(records)
    return OK


def _stream_record(data: dict[str, Any]) -> dict[str, Any]:
    """A stream's dict flattened for output: its type's id, its parameters as columns."""
    record = {k: v for k, v in data.items() if k not in ("stream_type", "parameters")}
    stream_type = data.get("stream_type")
    record["stream_type_id"] = (
        stream_type.get("id") if isinstance(stream_type, dict) else getattr(stream_type, "id", None)
    )
    parameters = data.get("parameters") or {}
    for key, value in parameters.items():
        record.setdefault(key, value)
    return record
