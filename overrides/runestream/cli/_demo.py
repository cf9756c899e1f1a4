"""``runestream demo``: today's workflow (GraphQL metadata + V2 Stream API) on the built-in sandbox.

Starts the sandbox in-process on a free loopback port and goes through what a researcher does
with runeq 0.18, on one :class:`runestream.Session` (``stream_url`` and ``graph_url`` both the
sandbox's):

1. who am I: ``session.user.get_current_user()``;
2. patients: ``session.patient.get_all_patients()``;
3. a patient's stream metadata, filtered: ``session.stream_metadata.get_patient_stream_metadata``
   then ``StreamMetadataSet.filter`` (the watch's acceleration and heart rate, the tremor
   probability, one LFP channel of the implant);
4. batch availability of the selected streams: ``session.stream.availability(ids, ...,
   batch_operation="any" | "all")`` and each stream's own;
5. one table of all the streams: ``session.stream.to_arrow(ids, ..., workers=...)`` plus the
   streams' metadata columns joined by ``stream_id`` (:func:`stream_frame`);
6. ``data.parquet``, ``availability.parquet`` and a PNG of availability and values.

A short summary is printed at each step. Needs no credentials and no network.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import httpx
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from .._session_api import Session
from ..core._config import Config
from ..core._outputs import atomic_output
from ..core._parallel import MAX_WORKERS
from ..objects import StreamMetadata, StreamMetadataSet
from ._exit import OK, UsageError
from ._progress import human_bytes

__all__ = [
    "DEMO_END",
    "DEMO_PATIENT_ID",
    "DEMO_START",
    "RESOLUTION_S",
    "availability_table",
    "select_streams",
    "stream_frame",
    "stream_label",
]

#: The demo's window: one day of the sandbox's data (the watch is worn from the morning to the
#: evening with a break at midday; the implant records 60 s of LFP every hour).
DEMO_START: Final = datetime(2024, 5, 2, tzinfo=UTC)
DEMO_END: Final = datetime(2024, 5, 3, tzinfo=UTC)
#: The demo's patient, as ``get_all_patients()`` names it (``patient-0001`` normalized).
DEMO_PATIENT_ID: Final = "0001"
#: Availability bin width, seconds.
RESOLUTION_S: Final = 300
#: Streams fetched at once by default.
DEFAULT_WORKERS: Final = 6
#: The files the demo writes, in its output directory.
DATA_FILE: Final = "data.parquet"
AVAILABILITY_FILE: Final = "availability.parquet"
PLOT_FILE: Final = "runestream-demo.png"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``demo``."""
    parser = subparsers.add_parser(
        "demo",
        help="run the end-to-end demo against the built-in sandbox (no credentials needed)",
    )
    parser.add_argument(
        "--output-dir",
        default="runestream-demo",
        metavar="DIR",
        help="where to write the files (default ./runestream-demo)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        metavar="N",
        help=f"streams fetched at once (1-{MAX_WORKERS}, default {DEFAULT_WORKERS})",
    )
    parser.set_defaults(handler=run_demo)


# -- the workflow's pieces (also what the tests compare the files with) -------------------


def select_streams(metadata: StreamMetadataSet) -> StreamMetadataSet:
    """The demo's streams out of a patient's metadata, in this order: the watch's acceleration
    (the x axis: one axis keeps the demo's frame small), its heart rate, its tremor probability
    (all severities) and LFP channel 0."""
    watch = metadata.filter(device_id="watch-0001")
    chosen = StreamMetadataSet()
    chosen.update(watch.filter(category="kinematics", measurement="acceleration", axis="x"))
    chosen.update(watch.filter(category="vitals", measurement="heart_rate"))
    chosen.update(
        watch.filter(
            stream_type_id="probability",
            measurement="tremor",
            filter_function=lambda stream: "severity" not in stream.parameters,
        )
    )
    chosen.update(metadata.filter(category="neural", measurement="lfp", channel="0"))
    return chosen


def stream_label(stream: StreamMetadata) -> str:
    """A short readable name: the measurement and the distinguishing parameters."""
    params = dict(stream.parameters)
    params.pop("category", None)
    measurement = params.pop("measurement", stream.stream_type.id)
    return " ".join([str(measurement), *(f"{k}={v}" for k, v in params.items())])


def stream_frame(
    session: Session,
    streams: StreamMetadataSet,
    start_time: datetime,
    end_time: datetime,
    *,
    workers: int = DEFAULT_WORKERS,
) -> pa.Table:
    """The streams' data in one table with their metadata: ``streams.to_arrow(...)``.

    runeq's column order (``StreamMetadataSet.get_stream_dataframe``): ``time, <dimensions>,
    measurement_duration_ns, stream_id, stream_type_id, patient_id, device_id, algorithm,
    <parameters>``, ``time`` exact to the nanosecond, every metadata column dictionary-encoded
    (a small integer per row, not a string); the streams fetched ``workers`` at a time over the
    session's pooled client. ``streams.get_stream_dataframe(start_time, end_time)`` is runeq's
    pandas form of the same data.
    """
    del session  # the set carries the session it was fetched through
    table: pa.Table = streams.to_arrow(start_time, end_time, workers=workers)
    return table


def availability_table(
    session: Session,
    stream_ids: Sequence[str],
    start_time: datetime,
    end_time: datetime,
    resolution: int = RESOLUTION_S,
) -> pa.Table:
    """``time``, ``any`` and ``all`` (the batch availability of all the streams with each
    ``batch_operation``), then one boolean column per stream, named by its id."""
    ids = list(stream_ids)
    batch_any = session.stream.availability(
        ids, start_time, end_time, resolution, batch_operation="any"
    )
    batch_all = session.stream.availability(
        ids, start_time, end_time, resolution, batch_operation="all"
    )
    table = pa.table(
        {
            "time": batch_any.column("time"),
            "any": batch_any.column("availability"),
            "all": batch_all.column("availability"),
        }
    )
    for sid in ids:
        one = session.stream.availability(sid, start_time, end_time, resolution)
        table = table.append_column(sid, one.column("availability"))
    return table


# -- measuring what crosses the wire -------------------------------------------------------


class _Meter:
    """Counts the responses (pages) and body bytes of the session's clients, by API.

    A response hook on the session's pooled httpx clients (the customisation point httpx
    offers); retries happen below it, so one count is one answered request.
    """

    def __init__(self, session: Session) -> None:
        self._lock = threading.Lock()
        self.requests = {"graphql": 0, "stream": 0}
        self.bytes = {"graphql": 0, "stream": 0}
        for client in (session.graph_httpx_client(), session.generated_client().get_httpx_client()):
            client.event_hooks["response"].append(self._on_response)

    def _on_response(self, response: httpx.Response) -> None:
        api = "graphql" if response.request.url.path.endswith("/graphql") else "stream"
        size = int(response.headers.get("content-length", 0))
        with self._lock:
            self.requests[api] += 1
            self.bytes[api] += size

    def snapshot(self) -> tuple[dict[str, int], dict[str, int]]:
        with self._lock:
            return dict(self.requests), dict(self.bytes)


@contextmanager
def _step(meter: _Meter, number: int, title: str, call: str) -> Iterator[Callable[[], str]]:
    """Print the step's heading; yield a function giving "N requests, B, S s" so far."""
    print(f"\n{number}. {title}\n   {call}")
    requests0, bytes0 = meter.snapshot()
    began = time.monotonic()

    def cost() -> str:
        requests, nbytes = meter.snapshot()
        parts = []
        for api in ("graphql", "stream"):
            count = requests[api] - requests0[api]
            if count:
                unit = "request" if api == "graphql" else "page"
                parts.append(
                    f"{count} {api} {unit}{'s' if count != 1 else ''} "
                    f"({human_bytes(nbytes[api] - bytes0[api])})"
                )
        return f"{', '.join(parts) or 'no request'}, {time.monotonic() - began:.2f} s"

    yield cost


def _short(stream_id: str) -> str:
    return stream_id[:8] + "…"


def _hours(flags: pa.ChunkedArray, resolution: int) -> float:
    return float(pc.sum(flags.cast(pa.int64())).as_py() or 0) * resolution / 3600


# -- the command --------------------------------------------------------------------------


def run_demo(args: argparse.Namespace) -> int:
    """Run the demo; see the module docstring."""
    try:
        import runestream_sandbox as sandbox
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise UsageError(
            f"the demo needs the sandbox extra: pip install 'runestream[demo]' ({exc})"
        ) from None
    if not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers must be 1 to {MAX_WORKERS}, not {args.workers}")
    out_dir = Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    print("runestream demo: today's workflow (GraphQL metadata, V2 Stream API) on the sandbox")
    with sandbox.SandboxServer() as server:
        config = Config(
            access_token_id=sandbox.ACCESS_TOKEN_ID,
            access_token_secret=sandbox.ACCESS_TOKEN_SECRET,
            stream_url=server.url,
            graph_url=server.url,
        )
        print(f"Sandbox at {server.url} (Stream API and GraphQL); no credentials needed")
        with Session(config) as session:
            _workflow(session, out_dir, args.workers)
    print(f"\nFiles in {out_dir.resolve()}")
    return OK


def _workflow(session: Session, out_dir: Path, workers: int) -> None:
    meter = _Meter(session)
    with _step(meter, 1, "Who am I", "session.user.get_current_user()") as cost:
        user = session.user.get_current_user()
        print(
            f"   {user.name} <{user.get('email')}>, active org {user.active_org_name!r} ({cost()})"
        )

    with _step(meter, 2, "Patients", "session.patient.get_all_patients()") as cost:
        patients = session.patient.get_all_patients()
        devices = patients.devices
        disabled = sum(1 for d in devices if d.get("disabled"))
        print(
            f"   {len(patients)} patients, {len(devices)} devices ({disabled} disabled) ({cost()})"
        )
        patient = patients.get(DEMO_PATIENT_ID)
        kinds = ", ".join(f"{d.id} ({d.device_type_id})" for d in patient.devices)
        print(f"   picked {patient.id} ({patient.name}): {kinds}")

    call = f"session.stream_metadata.get_patient_stream_metadata({patient.id!r}) + .filter(...)"
    with _step(meter, 3, "Stream metadata, filtered", call) as cost:
        metadata = session.stream_metadata.get_patient_stream_metadata(patient.id)
        streams = select_streams(metadata)
        categories: dict[str, int] = {}
        for s in metadata:
            key = str(s.parameters.get("category"))
            categories[key] = categories.get(key, 0) + 1
        listing = ", ".join(f"{n} {c}" for c, n in categories.items())
        print(f"   {len(metadata)} streams ({listing}) ({cost()})")
        print(f"   selected {len(streams)}:")
        for s in streams:
            category = s.parameters.get("category", "")
            print(
                f"     {_short(s.id)}  {s.device_id:<10} {s.stream_type.id:<12} "
                f"{category:<10} {stream_label(s)}"
            )
    ids = [s.id for s in streams]
    window = f"{DEMO_START:%Y-%m-%d} .. {DEMO_END:%Y-%m-%d} UTC"

    call = f"session.stream.availability(ids, start, end, {RESOLUTION_S}, 'any'|'all')"
    with _step(meter, 4, f"Availability, {window}, {RESOLUTION_S // 60}-min bins", call) as cost:
        availability = availability_table(session, ids, DEMO_START, DEMO_END)
        bins = availability.num_rows
        for op in ("any", "all"):
            hours = _hours(availability.column(op), RESOLUTION_S)
            print(f"   {op}: data in {hours:4.1f} h of {bins * RESOLUTION_S / 3600:.0f} h")
        for s in streams:
            hours = _hours(availability.column(s.id), RESOLUTION_S)
            print(f"     {_short(s.id)}  {hours:4.1f} h  {stream_label(s)}")
        print(f"   ({cost()})")

    call = f"streams.to_arrow(start, end, workers={workers})"
    with _step(meter, 5, f"Data frame of {len(ids)} streams", call) as cost:
        frame = stream_frame(session, streams, DEMO_START, DEMO_END, workers=workers)
        print(
            f"   {frame.num_rows:,} rows x {frame.num_columns} columns, "
            f"{human_bytes(frame.nbytes)} in memory ({cost()})"
        )
        print(f"   columns: {', '.join(frame.column_names)}")
        counts = pc.value_counts(frame.column("stream_id")).to_pylist() if frame.num_rows else []
        rows = {str(c["values"]): int(c["counts"]) for c in counts}
        for s in streams:
            print(f"     {_short(s.id)}  {rows.get(s.id, 0):>10,} rows  {stream_label(s)}")

    with _step(meter, 6, "Files", f"pyarrow.parquet.write_table -> {out_dir}/") as cost:
        for name, table in ((DATA_FILE, frame), (AVAILABILITY_FILE, availability)):
            path = out_dir / name
            with atomic_output(path) as (_, handle):
                pq.write_table(table, handle, compression="zstd")
            print(f"   {name:<22} {table.num_rows:>10,} rows  {human_bytes(path.stat().st_size)}")
        png = _plot(frame, availability, streams, patient.id, out_dir / PLOT_FILE)
        print(f"   {png.name:<22} {human_bytes(png.stat().st_size):>21}  ({cost()})")


def _plot(
    frame: pa.Table,
    availability: pa.Table,
    streams: StreamMetadataSet,
    patient_id: str,
    path: Path,
) -> Path:
    from ._demo_plot import Series, draw, plot_data  # numpy and matplotlib: the demo extra

    series = [Series.of(s, stream_label(s)) for s in streams]
    data = plot_data(frame, availability, series, patient_id, DEMO_START, DEMO_END)
    return draw(data, path)
