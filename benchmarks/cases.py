"""What each benchmark case does inside its measured process.

Every case is split in two: :func:`prepare` imports what the case needs and builds nothing that
touches the server (so that imports are not timed, and the RSS after imports can be read), and
the returned :class:`Prepared` ``run`` does the timed work and returns an :class:`Outcome`.

This module imports only the standard library at import time; each case imports its libraries
in :func:`prepare`, so that the RSS after imports is the case's own.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The API's default CSV page size; a page size equal to it is not sent (as a user would not).
API_DEFAULT_CSV_PAGE_SIZE = 2_000_000

#: Case kinds understood by :func:`prepare`.
KINDS = (
    "download",
    "raw_arrow",
    "raw_pandas",
    "rs_arrow",
    "rs_pandas",
    "rs_pandas_mimalloc",
    "rs_pandas_workers",
    "rs_points",
    "rs_parquet",
    "rs_arrow_workers",
    "runeq_pandas",
    "runeq_points",
    # the V2 suite (``--suite v2``), over ``Spec.stream_ids``
    "v2_download",
    "v2_raw_arrow",
    "v2_raw_pandas",
    "v2_rs_arrow",
    "v2_rs_pandas",
    "v2_rs_set_arrow",
    "v2_rs_set_pandas",
    "v2_runeq_df",
    "v2_runeq_df_time",
    "v2_rs_meta_patient",
    "v2_rs_meta_ids",
    "v2_runeq_meta_patient",
    "v2_runeq_meta_ids",
    "v2_rs_avail",
    "v2_runeq_avail",
    "v2_rs_parquet",
)


class Unavailable(Exception):
    """The feature a case measures is not available in the installed client."""


@dataclass(frozen=True)
class Spec:
    """Everything a measured process needs to know: the case and the query.

    Attributes:
        kind: One of :data:`KINDS`.
        url: Base URL of the sandbox server to query.
        access_token_id: Fake access token ID of the sandbox.
        access_token_secret: Fake access token secret of the sandbox.
        patient_id: Patient to query.
        device_id: Device to query.
        start_s: ``start_time`` in unix seconds.
        end_s: ``end_time`` in unix seconds.
        page_size: CSV ``page_size`` to send, or ``None`` to leave the API default.
        workers: ``workers`` for ``rs_arrow_workers``.
        workdir: Directory for output files (``rs_parquet``).
        stream_ids: The V2 streams to fetch (the ``v2_*`` kinds).
        resolution_s: Bin width of the availability kinds.
    """

    kind: str
    url: str
    access_token_id: str
    access_token_secret: str
    patient_id: str
    device_id: str
    start_s: float
    end_s: float
    page_size: int | None = None
    workers: int | None = None
    workdir: str = "."
    stream_ids: list[str] | None = None
    resolution_s: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spec:
        """Build from the JSON object the orchestrator sends."""
        return cls(**data)

    def window(self) -> dict[str, Any]:
        """The query parameters every client sends: time window and, if set, page size."""
        params: dict[str, Any] = {"start_time": self.start_s, "end_time": self.end_s}
        if self.page_size is not None and self.page_size != API_DEFAULT_CSV_PAGE_SIZE:
            params["page_size"] = self.page_size
        return params

    def auth_headers(self) -> dict[str, str]:
        """The sandbox's access token pair as request headers."""
        return {
            "X-Rune-User-Access-Token-Id": self.access_token_id,
            "X-Rune-User-Access-Token-Secret": self.access_token_secret,
        }


@dataclass
class Outcome:
    """What a timed run reports besides its time and memory.

    Attributes:
        rows: Rows obtained (``None`` where the case does not parse rows).
        pages: Pages fetched, when the case knows.
        bytes: Body bytes received, when the case knows.
        note: A remark for the report (e.g. a fallback that was taken).
    """

    rows: int | None = None
    pages: int | None = None
    bytes: int | None = None
    note: str | None = None


@dataclass
class Prepared:
    """A case ready to run: ``run`` is timed, ``cleanup`` is not."""

    run: Callable[[], Outcome]
    cleanup: Callable[[], None] = field(default=lambda: None)


def _import(*modules: str) -> None:
    """Import modules now, so that their import time is not part of the timed run."""
    for name in modules:
        importlib.import_module(name)


# --- (a) the raw limit: one keep-alive httpx.Client, pyarrow.csv on the bytes ----------------


def _raw_pages(spec: Spec) -> Iterator[bytes]:
    """Yield each CSV page's body, following ``X-Rune-Next-Page-Token`` on one connection."""
    import httpx

    params: dict[str, Any] = {
        "patient_id": spec.patient_id,
        "device_id": spec.device_id,
        **spec.window(),
    }
    with httpx.Client(base_url=spec.url, headers=spec.auth_headers(), timeout=300.0) as client:
        while True:
            response = client.get("/v1/accel.csv", params=params)
            response.raise_for_status()
            token = response.headers.get("X-Rune-Next-Page-Token")
            body = response.content
            del response
            yield body
            del body
            if token is None:
                return
            params["next_page_token"] = token


def _prepare_download(spec: Spec) -> Prepared:
    _import("httpx", "httpcore")

    def run() -> Outcome:
        pages = size = 0
        for body in _raw_pages(spec):
            pages += 1
            size += len(body)
            del body
        return Outcome(pages=pages, bytes=size)

    return Prepared(run)


def _raw_table(spec: Spec) -> tuple[Any, int, int]:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

    tables = []
    size = 0
    for body in _raw_pages(spec):
        size += len(body)
        tables.append(pa_csv.read_csv(pa.BufferReader(body)))
        del body
    return pa.concat_tables(tables), len(tables), size


def _prepare_raw_arrow(spec: Spec) -> Prepared:
    _import("httpx", "httpcore", "pyarrow", "pyarrow.csv")

    def run() -> Outcome:
        table, pages, size = _raw_table(spec)
        return Outcome(rows=table.num_rows, pages=pages, bytes=size)

    return Prepared(run)


def _prepare_raw_pandas(spec: Spec) -> Prepared:
    _import("httpx", "httpcore", "pyarrow", "pyarrow.csv", "pandas")

    def run() -> Outcome:
        table, pages, size = _raw_table(spec)
        frame = table.to_pandas()
        del table
        return Outcome(rows=len(frame), pages=pages, bytes=size)

    return Prepared(run)


# --- (b, c, e, f) runestream -----------------------------------------------------------------

_RUNESTREAM_MODULES = (
    "httpx",
    "httpcore",  # httpx imports it lazily, when the first transport is built
    "pyarrow",
    "pyarrow.csv",
    "runestream",
    "runestream.v1._client",
    "runestream_api.api.accel.get_accel_csv",
)


def _runestream_accel(spec: Spec) -> Any:
    """A runestream ``V1Client`` and its ``Accel`` accessor (construction is timed)."""
    from runestream import Config, V1Client

    config = Config(
        access_token_id=spec.access_token_id,
        access_token_secret=spec.access_token_secret,
        stream_url=spec.url,
    )
    client = V1Client(config)
    return client, client.Accel(patient_id=spec.patient_id, device_id=spec.device_id)


def _prepare_rs_arrow(spec: Spec) -> Prepared:
    _import(*_RUNESTREAM_MODULES)

    def run() -> Outcome:
        client, accel = _runestream_accel(spec)
        with client:
            table = accel.to_arrow(**spec.window())
        return Outcome(rows=table.num_rows)

    return Prepared(run)


def _prepare_rs_pandas(spec: Spec) -> Prepared:
    _import(*_RUNESTREAM_MODULES, "pandas")

    def run() -> Outcome:
        client, accel = _runestream_accel(spec)
        with client:
            frame = accel.to_pandas(**spec.window())
        return Outcome(rows=len(frame))

    return Prepared(run)


def _prepare_rs_pandas_mimalloc(spec: Spec) -> Prepared:
    # Arrow's own switch, read by pyarrow and by runestream on first use (nothing imported yet
    # in this fresh process): runestream then builds its tables in pyarrow's default pool, as
    # before it chose jemalloc.
    os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "mimalloc"
    return _prepare_rs_pandas(spec)


def _prepare_rs_pandas_workers(spec: Spec) -> Prepared:
    _import(*_RUNESTREAM_MODULES, "pandas")
    from runestream import ValidationError

    def run() -> Outcome:
        client, accel = _runestream_accel(spec)
        with client:
            try:
                frame = accel.to_pandas(**spec.window(), workers=spec.workers or 1)
            except (TypeError, ValidationError) as exc:
                if _rejects_workers(exc):
                    raise Unavailable(f"to_pandas rejects workers: {exc}") from None
                raise
        return Outcome(rows=len(frame))

    return Prepared(run)


def _prepare_rs_points(spec: Spec) -> Prepared:
    _import(*_RUNESTREAM_MODULES)

    def run() -> Outcome:
        client, accel = _runestream_accel(spec)
        with client:
            rows = sum(1 for _ in accel.points(**spec.window()))
        return Outcome(rows=rows)

    return Prepared(run)


def _prepare_rs_parquet(spec: Spec) -> Prepared:
    _import(*_RUNESTREAM_MODULES, "pyarrow.parquet")
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    path = Path(spec.workdir) / f"accel-{os.getpid()}.parquet"

    def run() -> Outcome:
        client, accel = _runestream_accel(spec)
        with client:
            written = accel.to_parquet(path, **spec.window())
        return Outcome(rows=pq.ParquetFile(written).metadata.num_rows)

    def cleanup() -> None:
        path.unlink(missing_ok=True)

    return Prepared(run, cleanup)


def _rejects_workers(exc: Exception) -> bool:
    """True when ``exc`` says that ``to_arrow`` does not take ``workers``."""
    return "workers" in str(exc)


def _prepare_rs_arrow_workers(spec: Spec) -> Prepared:
    _import(*_RUNESTREAM_MODULES)
    from runestream import ValidationError

    workers = spec.workers or 1

    def run() -> Outcome:
        client, accel = _runestream_accel(spec)
        with client:
            try:
                table = accel.to_arrow(**spec.window(), workers=workers)
            except (TypeError, ValidationError) as exc:
                if not _rejects_workers(exc):
                    raise
                if workers != 1:
                    raise Unavailable(f"to_arrow rejects workers: {exc}") from None
                # the sequential baseline is still worth knowing: plain to_arrow
                table = accel.to_arrow(**spec.window())
                return Outcome(rows=table.num_rows, note="workers not accepted: plain to_arrow")
        return Outcome(rows=table.num_rows)

    return Prepared(run)


# --- (d) runeq 0.15.0 ------------------------------------------------------------------------

_RUNEQ_MODULES = ("requests", "runeq", "runeq.config", "runeq.stream", "runeq.stream.v1")


def _runeq_accel(spec: Spec) -> Any:
    """A runeq ``V1Client(cfg).Accel`` holding the query as defaults (construction is timed)."""
    from runeq import Config  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from runeq.stream import V1Client  # type: ignore[import-not-found, import-untyped, unused-ignore]

    config = Config(
        access_token_id=spec.access_token_id,
        access_token_secret=spec.access_token_secret,
        stream_url=spec.url,
    )
    return V1Client(config).Accel(
        patient_id=spec.patient_id, device_id=spec.device_id, **spec.window()
    )


def _prepare_runeq_pandas(spec: Spec) -> Prepared:
    _import(*_RUNEQ_MODULES, "pandas")
    import io

    import pandas as pd

    def run() -> Outcome:
        accel = _runeq_accel(spec)
        frames = [pd.read_csv(io.StringIO(text)) for text in accel.iter_csv_text()]
        frame = pd.concat(frames, ignore_index=True)
        pages = len(frames)
        del frames
        return Outcome(rows=len(frame), pages=pages)

    return Prepared(run)


def _prepare_runeq_points(spec: Spec) -> Prepared:
    _import(*_RUNEQ_MODULES)

    def run() -> Outcome:
        accel = _runeq_accel(spec)
        return Outcome(rows=sum(1 for _ in accel.points()))

    return Prepared(run)


# --- the V2 suite: the same streams through httpx + pyarrow, runestream and runeq 0.18.1 -----
#
# Client construction and, for the stream-set cases, the metadata query are done in prepare
# (untimed): the timed region is the data call alone, the same for every client.


def _v2_ids(spec: Spec) -> list[str]:
    if not spec.stream_ids:
        raise ValueError(f"{spec.kind} needs stream_ids")
    return list(spec.stream_ids)


def _v2_raw_pages(spec: Spec) -> Iterator[bytes]:
    """Each CSV page of every stream, one stream after the other, on one keep-alive client."""
    import httpx

    window = {"start_time": spec.start_s, "end_time": spec.end_s}
    with httpx.Client(base_url=spec.url, headers=spec.auth_headers(), timeout=300.0) as client:
        for stream_id in _v2_ids(spec):
            params: dict[str, Any] = {"format": "csv", "timestamp": "unixns", **window}
            while True:
                response = client.get(f"/v2/streams/{stream_id}", params=params)
                response.raise_for_status()
                token = response.headers.get("X-Rune-Next-Page-Token")
                body = response.content
                del response
                yield body
                del body
                if not token:
                    break
                params["page_token"] = token


def _prepare_v2_download(spec: Spec) -> Prepared:
    _import("httpx", "httpcore")

    def run() -> Outcome:
        pages = size = 0
        for body in _v2_raw_pages(spec):
            pages += 1
            size += len(body)
            del body
        return Outcome(pages=pages, bytes=size)

    return Prepared(run)


def _v2_raw_table(spec: Spec) -> tuple[Any, int, int]:
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

    tables = []
    size = 0
    for body in _v2_raw_pages(spec):
        size += len(body)
        tables.append(pa_csv.read_csv(pa.BufferReader(body)))
        del body
    return pa.concat_tables(tables), len(tables), size


def _prepare_v2_raw_arrow(spec: Spec) -> Prepared:
    _import("httpx", "httpcore", "pyarrow", "pyarrow.csv")

    def run() -> Outcome:
        table, pages, size = _v2_raw_table(spec)
        return Outcome(rows=table.num_rows, pages=pages, bytes=size)

    return Prepared(run)


def _prepare_v2_raw_pandas(spec: Spec) -> Prepared:
    _import("httpx", "httpcore", "pyarrow", "pyarrow.csv", "pandas")

    def run() -> Outcome:
        table, pages, size = _v2_raw_table(spec)
        frame = table.to_pandas()
        del table
        return Outcome(rows=len(frame), pages=pages, bytes=size)

    return Prepared(run)


_RS_V2_MODULES = (
    "httpx",
    "httpcore",
    "pyarrow",
    "pyarrow.csv",
    "pandas",
    "runestream",
    "runestream.v2._typed",
    "runestream.v2._tables",
)


def _rs_session(spec: Spec) -> Any:
    """A runestream ``Session`` on the sandbox (built in prepare, not timed)."""
    from runestream import Config, Session

    config = Config(
        access_token_id=spec.access_token_id,
        access_token_secret=spec.access_token_secret,
        stream_url=spec.url,
        graph_url=spec.url,
    )
    return Session(config)


def _workers(spec: Spec) -> dict[str, Any]:
    """``workers=`` when the case sets it (otherwise the API's default)."""
    return {} if spec.workers is None else {"workers": spec.workers}


def _prepare_v2_rs(spec: Spec, method: str) -> Prepared:
    _import(*_RS_V2_MODULES)
    session = _rs_session(spec)
    ids = _v2_ids(spec)

    def run() -> Outcome:
        fetch = getattr(session.stream, method)
        result = fetch(ids, spec.start_s, spec.end_s, **_workers(spec))
        return Outcome(rows=len(result))

    return Prepared(run, session.close)


def _prepare_v2_rs_set(spec: Spec, method: str) -> Prepared:
    _import(*_RS_V2_MODULES)
    session = _rs_session(spec)
    streams = session.stream_metadata.get_stream_metadata(_v2_ids(spec))  # untimed

    def run() -> Outcome:
        result = getattr(streams, method)(spec.start_s, spec.end_s, **_workers(spec))
        return Outcome(rows=len(result))

    return Prepared(run, session.close)


_AWS_LOOKUPS = (
    "AWS_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)


def _runeq18_streams(spec: Spec) -> Any:
    """runeq 0.18.1 initialised on the sandbox, and its ``StreamMetadataSet`` of the ids.

    runeq's ``Config`` builds a boto3 Cognito client; its credential lookup (EC2 metadata
    service, AWS config files) is switched off, as in ``tests/integration/_runeq.py``.
    """
    return _runeq18_init(spec).get_stream_metadata(_v2_ids(spec))


def _prepare_v2_runeq(spec: Spec, to_datetime: bool) -> Prepared:
    _import("requests", "pandas", "boto3")
    import pandas as pd

    streams = _runeq18_streams(spec)  # untimed: initialize and the metadata query

    def run() -> Outcome:
        frame = streams.get_stream_dataframe(start_time=spec.start_s, end_time=spec.end_s)
        if to_datetime:
            # runeq's ISO strings drop trailing zeros of the fraction ("08:00:00Z",
            # "08:00:00.02Z"), so plain pd.to_datetime (format inferred from the first
            # row) raises; format="ISO8601" is the least a user must add.
            frame["time"] = pd.to_datetime(frame["time"], format="ISO8601")
        return Outcome(rows=len(frame))

    return Prepared(run)


# --- V2 (e) metadata, (f) batch availability, (g) Parquet ---------------------------------------
#
# (e) builds the client in prepare and times the metadata call alone. (f) fetches the metadata
# in prepare (untimed) and times the availability call. runeq 0.18.1 sends every id of the set
# in one ``/v2/batch/availability`` request; the sandbox, like the API, refuses more than 50
# (``v2_max_batch_ids``): that case then reports what runeq raised, as unavailable.


def _runeq18_init(spec: Spec) -> Any:
    """runeq 0.18.1 initialised on the sandbox (see :func:`_runeq18_streams`); its module."""
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    nothing = str(Path(spec.workdir) / "no-aws-config")
    os.environ["AWS_CONFIG_FILE"] = nothing
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = nothing
    for name in _AWS_LOOKUPS:
        os.environ.pop(name, None)
    import runeq  # type: ignore[import-not-found, import-untyped, unused-ignore]
    from runeq.resources import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
        stream_metadata,
    )

    runeq.initialize(
        access_token_id=spec.access_token_id,
        access_token_secret=spec.access_token_secret,
        stream_url=spec.url,
        graph_url=spec.url,
    )
    return stream_metadata


def _prepare_v2_rs_meta(spec: Spec, patient: bool) -> Prepared:
    _import(*_RS_V2_MODULES)
    session = _rs_session(spec)
    ids = _v2_ids(spec)

    def run() -> Outcome:
        if patient:
            found = session.stream_metadata.get_patient_stream_metadata(spec.patient_id)
        else:
            found = session.stream_metadata.get_stream_metadata(ids)
        return Outcome(rows=len(list(found)))

    return Prepared(run, session.close)


def _prepare_v2_runeq_meta(spec: Spec, patient: bool) -> Prepared:
    _import("requests", "pandas", "boto3")
    module = _runeq18_init(spec)
    ids = _v2_ids(spec)

    def run() -> Outcome:
        if patient:
            found = module.get_patient_stream_metadata(spec.patient_id)
        else:
            found = module.get_stream_metadata(ids)
        return Outcome(rows=len(list(found)))

    return Prepared(run)


def _resolution(spec: Spec) -> int:
    if spec.resolution_s is None:
        raise ValueError(f"{spec.kind} needs resolution_s")
    return int(spec.resolution_s)


def _prepare_v2_rs_avail(spec: Spec) -> Prepared:
    _import(*_RS_V2_MODULES)
    session = _rs_session(spec)
    ids = _v2_ids(spec)

    def run() -> Outcome:
        table = session.stream.availability(
            ids, spec.start_s, spec.end_s, _resolution(spec), batch_operation="any"
        )
        return Outcome(rows=table.num_rows)

    return Prepared(run, session.close)


def _prepare_v2_runeq_avail(spec: Spec) -> Prepared:
    _import("requests", "pandas", "boto3")
    streams = _runeq18_streams(spec)  # untimed: initialize and the metadata query

    def run() -> Outcome:
        try:
            frame = streams.get_batch_availability_dataframe(
                start_time=spec.start_s,
                end_time=spec.end_s,
                resolution=_resolution(spec),
                batch_operation="any",
            )
        except Exception as exc:  # what runeq raises is the result of this case
            text = " ".join(str(exc).split())[:300]
            raise Unavailable(
                f"runeq 0.18.1 sent all {len(_v2_ids(spec))} ids in one request and raised "
                f"{type(exc).__module__}.{type(exc).__name__}: {text}"
            ) from exc
        return Outcome(rows=len(frame))

    return Prepared(run)


def _prepare_v2_rs_parquet(spec: Spec) -> Prepared:
    _import(*_RS_V2_MODULES, "pyarrow.parquet")
    import pyarrow.parquet as pq

    session = _rs_session(spec)
    ids = _v2_ids(spec)
    path = Path(spec.workdir) / f"v2-{os.getpid()}.parquet"

    def run() -> Outcome:
        written = session.stream.to_parquet(path, ids, spec.start_s, spec.end_s)
        return Outcome(rows=pq.ParquetFile(written).metadata.num_rows)

    def cleanup() -> None:
        session.close()
        path.unlink(missing_ok=True)

    return Prepared(run, cleanup)


_PREPARERS: dict[str, Callable[[Spec], Prepared]] = {
    "download": _prepare_download,
    "raw_arrow": _prepare_raw_arrow,
    "raw_pandas": _prepare_raw_pandas,
    "rs_arrow": _prepare_rs_arrow,
    "rs_pandas": _prepare_rs_pandas,
    "rs_pandas_mimalloc": _prepare_rs_pandas_mimalloc,
    "rs_pandas_workers": _prepare_rs_pandas_workers,
    "rs_points": _prepare_rs_points,
    "rs_parquet": _prepare_rs_parquet,
    "rs_arrow_workers": _prepare_rs_arrow_workers,
    "runeq_pandas": _prepare_runeq_pandas,
    "runeq_points": _prepare_runeq_points,
    "v2_download": _prepare_v2_download,
    "v2_raw_arrow": _prepare_v2_raw_arrow,
    "v2_raw_pandas": _prepare_v2_raw_pandas,
    "v2_rs_arrow": lambda spec: _prepare_v2_rs(spec, "to_arrow"),
    "v2_rs_pandas": lambda spec: _prepare_v2_rs(spec, "to_pandas"),
    "v2_rs_set_arrow": lambda spec: _prepare_v2_rs_set(spec, "to_arrow"),
    "v2_rs_set_pandas": lambda spec: _prepare_v2_rs_set(spec, "to_pandas"),
    "v2_runeq_df": lambda spec: _prepare_v2_runeq(spec, to_datetime=False),
    "v2_runeq_df_time": lambda spec: _prepare_v2_runeq(spec, to_datetime=True),
    "v2_rs_meta_patient": lambda spec: _prepare_v2_rs_meta(spec, patient=True),
    "v2_rs_meta_ids": lambda spec: _prepare_v2_rs_meta(spec, patient=False),
    "v2_runeq_meta_patient": lambda spec: _prepare_v2_runeq_meta(spec, patient=True),
    "v2_runeq_meta_ids": lambda spec: _prepare_v2_runeq_meta(spec, patient=False),
    "v2_rs_avail": _prepare_v2_rs_avail,
    "v2_runeq_avail": _prepare_v2_runeq_avail,
    "v2_rs_parquet": _prepare_v2_rs_parquet,
}
assert set(_PREPARERS) == set(KINDS)


def prepare(spec: Spec) -> Prepared:
    """Import what ``spec.kind`` needs and return its timed ``run``.

    Args:
        spec: The case and the query.

    Returns:
        The prepared case.

    Raises:
        KeyError: Unknown case kind.
    """
    return _PREPARERS[spec.kind](spec)
