"""``runestream.dask.read_streams`` on a real ``distributed.LocalCluster`` (2 worker processes)
against the sandbox on 127.0.0.1: the same rows as a local ``to_pandas``, a failing partition
raising the local error's class, a worker killed mid-computation, and no secret in the graph;
``StreamMetadataSet.to_dask`` giving the same frame; ``index="time"`` with known divisions that
``loc`` prunes by; no request for a window outside a stream's ``min_time``/``max_time``.

One cluster (``conftest.dask_client``) and one sandbox for the module; windows of seconds, so
it stays well under a minute. The workers reach the sandbox over loopback with the Config
passed explicitly.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pandas as pd
import pytest

import runestream_sandbox as rs
from runestream import Config, NotFoundError, ServerError, Session, ValidationError
from runestream.objects import NoSessionError, StreamMetadata, StreamMetadataSet

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import runestream.dask as rsd  # noqa: E402

pytestmark = [pytest.mark.sandbox, pytest.mark.slow, pytest.mark.allow_hosts(["127.0.0.1"])]

START = int(rs.CATALOG.start_time + 8 * 3600)  # the watch is worn
END = START + 120
BOGUS = "f" * 64


@pytest.fixture(scope="module")
def server() -> Iterator[rs.SandboxServer]:
    with rs.SandboxServer(rs.SandboxSettings(v2_page_size=2_000)) as srv:
        yield srv


@pytest.fixture(scope="module")
def config(server: rs.SandboxServer) -> Config:
    return Config(
        stream_url=server.url,
        graph_url=server.url,
        access_token_id=rs.ACCESS_TOKEN_ID,
        access_token_secret=rs.ACCESS_TOKEN_SECRET,
    )


@pytest.fixture(scope="module")
def session(config: Config) -> Iterator[Session]:
    with Session(config) as s:
        yield s


@pytest.fixture(scope="module")
def streams(session: Session) -> StreamMetadataSet:
    """Every stream of the watch: accelerometry, heart rate (int), tremor, spans (dict and
    timestamp dimensions), different parameter keys."""
    found = session.stream_metadata.get_patient_stream_metadata(
        rs.PATIENT_ID, device_id=rs.WATCH_ID
    )
    assert len(found) >= 6
    return found


@pytest.fixture(scope="module")
def client(dask_client: Any) -> Any:
    """The module's 2-process LocalCluster (``conftest.dask_client``)."""
    return dask_client


@pytest.fixture(scope="module")
def local(streams: StreamMetadataSet) -> pd.DataFrame:
    return streams.to_pandas(START, END)


def _declared(streams: StreamMetadataSet) -> dict[str, str]:
    return {d.id: str(d.data_type) for s in streams for d in s.stream_type.dimensions}


def _same_as_local(got: pd.DataFrame, local: pd.DataFrame, streams: StreamMetadataSet) -> None:
    """``got`` (the partitions in order) equals the local frame, value by value; the dtypes
    differ only where the declared types decide (ints nullable, text as Dask shapes it)."""
    got = got.reset_index(drop=True)
    assert list(got.columns) == list(local.columns)
    declared = _declared(streams)
    differ = [c for c in local.columns if got[c].dtype != local[c].dtype]
    for column in differ:
        if isinstance(got[column].dtype, pd.Int64Dtype):
            assert declared[column] in ("int", "timestamp"), column
        else:
            assert pd.api.types.is_string_dtype(got[column].dtype), column
            assert declared[column] in ("dict", "enum", "string"), column
    pd.testing.assert_frame_equal(got, local.astype({c: got[c].dtype for c in differ}))


def test_the_partitions_hold_what_a_local_fetch_holds(
    client: Any,
    streams: StreamMetadataSet,
    config: Config,
    local: pd.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[httpx.Request] = []
    original = httpx.Client.send

    def counting(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        sent.append(request)
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", counting)
    ddf = rsd.read_streams(streams, START, END, partition="40s", config=config)
    assert sent == []  # building the graph sent nothing
    monkeypatch.undo()
    assert ddf.npartitions == len(streams) * 3
    assert ddf.divisions == (None,) * (ddf.npartitions + 1)
    got = ddf.compute()
    assert len(got) == len(local) > 5_000
    _same_as_local(got, local, streams)
    # meta is what the partitions are: dtypes, and the categories known and equal
    assert dict(ddf.dtypes) == dict(got.dtypes)
    for name in ("stream_id", "device_id", "measurement"):
        assert list(ddf[name].dtype.categories) == list(got[name].dtype.categories)
    assert list(ddf["stream_id"].dtype.categories) == list(streams.ids())
    assert ddf["time"].dtype == pd.DatetimeTZDtype("ns", "UTC")


def test_stream_ids_are_resolved_once_while_building(
    client: Any, streams: StreamMetadataSet, config: Config, local: pd.DataFrame
) -> None:
    ids = list(streams.ids())[:2]
    ddf = rsd.read_streams(ids, START, START + 30, partition="1D", config=config)
    assert ddf.npartitions == 2
    expected = streams.filter(filter_function=lambda s: s.id in ids).to_pandas(START, START + 30)
    got = ddf.compute().reset_index(drop=True)
    assert list(got["stream_id"].astype(str).unique()) == ids
    assert len(got) == len(expected) > 0


def _with_bogus(streams: StreamMetadataSet) -> StreamMetadataSet:
    real = next(iter(streams))
    spec = real.to_dict()
    spec["id"] = BOGUS
    ghost = StreamMetadata(**{**spec, "stream_type": real.stream_type})
    return StreamMetadataSet([real, ghost], _session=streams._session)


def test_a_missing_stream_fails_as_a_local_fetch_fails(
    client: Any, streams: StreamMetadataSet, config: Config
) -> None:
    chosen = _with_bogus(streams)
    with pytest.raises(NotFoundError):
        chosen.to_pandas(START, START + 10)
    ddf = rsd.read_streams(chosen, START, START + 10, config=config)
    with pytest.raises(NotFoundError):
        ddf.compute()


def test_a_fault_on_one_streams_path_fails_as_a_local_fetch_fails(
    client: Any, server: rs.SandboxServer, streams: StreamMetadataSet, config: Config
) -> None:
    victim = list(streams.ids())[1]
    rule = rs.FaultRule("503", count=None, path=f"/v2/streams/{victim}*")
    server.app.state.faults.add(rule)
    try:
        with Session(config, max_attempts=1) as once, pytest.raises(ServerError) as locally:
            once.stream.to_arrow([victim], START, START + 10)
        ddf = rsd.read_streams(streams, START, START + 10, config=config, max_attempts=1)
        with pytest.raises(ServerError) as remotely:
            ddf.compute()
        assert type(remotely.value) is type(locally.value)
        assert remotely.value.status_code == 503
    finally:
        server.app.state.faults.clear()


def test_the_graph_completes_when_a_worker_is_killed(
    client: Any,
    server: rs.SandboxServer,
    streams: StreamMetadataSet,
    config: Config,
) -> None:
    expected = streams.to_pandas(START, START + 60)
    # every data request slowed down, so tasks are running when the worker dies
    server.app.state.faults.add(rs.FaultRule("latency", count=None, latency_s=0.25, path="/v2/*"))
    try:
        ddf = rsd.read_streams(streams, START, START + 60, partition="20s", config=config)
        pids = client.run(os.getpid)
        future = client.compute(ddf)
        deadline = time.monotonic() + 20
        while not any(client.processing().values()):
            assert time.monotonic() < deadline, "no task started"
            time.sleep(0.05)
        busy = next(addr for addr, keys in client.processing().items() if keys)
        os.kill(pids[busy], signal.SIGKILL)
        got = future.result(timeout=60)
    finally:
        server.app.state.faults.clear()
    _same_as_local(got, expected, streams)
    assert set(client.run(os.getpid).values()) != set(pids.values())  # a worker was replaced


def test_no_secret_in_keys_names_or_reprs(
    client: Any, streams: StreamMetadataSet, config: Config
) -> None:
    secrets = (rs.ACCESS_TOKEN_SECRET, rs.ACCESS_TOKEN_ID)
    ddf = rsd.read_streams(streams, START, START + 10, partition="5s", config=config)
    graph = dict(ddf.__dask_graph__())
    seen = [ddf._name, repr(ddf), str(ddf.dask), *map(str, graph), *map(repr, graph.values())]
    seen += [repr(expr) for expr in ddf.expr.walk()]
    persisted = ddf.persist()
    try:
        distributed.wait(persisted, timeout=30)

        def scheduler_view(dask_scheduler: Any) -> list[str]:
            return [
                f"{ts.key!r} {ts.prefix.name} {ts.run_spec!r}"
                for ts in dask_scheduler.tasks.values()
            ]

        seen += client.run_on_scheduler(scheduler_view)
    finally:
        del persisted
    assert len(seen) > 2 * len(streams)
    for text in seen:
        for secret in secrets:
            assert secret not in text


def test_bad_arguments_are_refused_before_any_request(streams: StreamMetadataSet) -> None:
    with pytest.raises(ValidationError, match="partition"):
        rsd.read_streams(streams, START, END, partition="soon")
    with pytest.raises(ValidationError, match="end_time"):
        rsd.read_streams(streams, END, START)
    with pytest.raises(ValidationError, match="streams"):
        rsd.read_streams(StreamMetadataSet(), START, END)
    with pytest.raises(ValidationError, match="index"):
        rsd.read_streams(streams, START, END, index="date")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="max_attempts"):
        rsd.read_streams(streams, START, END, max_attempts=0)
    with pytest.raises(ValidationError, match="timeout"):
        rsd.read_streams(streams, START, END, timeout=-1)
    with pytest.raises(ValidationError, match="config must be"):
        rsd.read_streams(streams, START, END, config={})  # type: ignore[arg-type]
    month = START + 30 * 86_400
    with pytest.raises(ValidationError, match="2,592,000 windows"):  # before building them
        rsd.read_streams(streams, START, month, partition="1s")
    n = len(streams)
    with pytest.raises(ValidationError, match=f"{n} streams x 40,000 windows"):
        rsd.read_streams(streams, START, START + 40_000, partition="1s")


def _sorted_by_time(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("time", kind="stable").reset_index(drop=True)


def test_to_dask_is_read_streams(
    client: Any, streams: StreamMetadataSet, config: Config, local: pd.DataFrame
) -> None:
    ddf = streams.to_dask(START, END, partition="40s", config=config)
    same = rsd.read_streams(streams, START, END, partition="40s", config=config)
    assert (ddf.npartitions, ddf.divisions) == (same.npartitions, same.divisions)
    assert dict(ddf.dtypes) == dict(same.dtypes)
    _same_as_local(ddf.compute(), local, streams)
    by_time = streams.to_dask(START, END, partition="40s", index="time", config=config)
    assert (
        by_time.divisions
        == rsd.read_streams(
            streams, START, END, partition="40s", index="time", config=config
        ).divisions
    )


def test_to_dask_needs_a_session_and_dask(
    streams: StreamMetadataSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    detached = StreamMetadataSet(
        [StreamMetadata(**{**s.to_dict(), "stream_type": s.stream_type}) for s in streams]
    )
    with pytest.raises(NoSessionError, match="to_dask"):
        detached.to_dask(START, END)
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(ImportError, match=r"runestream\[dask\]"):
        streams.to_dask(START, END)
    with pytest.raises(ImportError, match=r"runestream\[dask\]"):
        rsd.read_streams(streams, START, END)


def test_a_time_index_has_known_divisions_that_loc_prunes_by(
    client: Any, streams: StreamMetadataSet, config: Config, local: pd.DataFrame
) -> None:
    ddf = rsd.read_streams(streams, START, END, partition="40s", index="time", config=config)
    bounds = [pd.Timestamp(t, unit="s", tz="UTC") for t in (START, START + 40, START + 80, END)]
    assert ddf.known_divisions and list(ddf.divisions) == bounds
    assert ddf.npartitions == 3 and ddf.index.name == "time"
    a, b = bounds[1] + pd.Timedelta("5s"), bounds[2] - pd.Timedelta("5s")
    inner = ddf.loc[a:b]
    assert inner.npartitions == 1  # only the middle window is read
    got = ddf.compute()
    assert got.index.is_monotonic_increasing and got.index.dtype == local["time"].dtype
    _same_as_local(got.reset_index(), _sorted_by_time(local), streams)
    middle = inner.compute()
    assert len(middle) == int(((local["time"] >= a) & (local["time"] <= b)).sum()) > 0


def test_windows_outside_a_streams_data_send_no_request(
    streams: StreamMetadataSet, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Computed in this process (``scheduler="sync"``), so that every request is seen."""
    late = max(streams, key=lambda s: s.min_time)  # starts days after the others
    early = min(streams, key=lambda s: s.min_time)
    t0 = int(late.min_time) - 50  # windows [t0, t0+40) before late's data, then two with it
    assert early.min_time < t0 and early.max_time > t0 + 120
    pair = streams.filter(filter_function=lambda s: s.id in (early.id, late.id))
    asked: list[tuple[str, str]] = []
    original = httpx.Client.send

    def counting(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        if request.url.path.startswith("/v2/streams/"):
            asked.append((request.url.path.rsplit("/", 1)[-1], request.url.params["start_time_ns"]))
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", counting)
    ddf = rsd.read_streams(pair, t0, t0 + 120, partition="40s", config=config)
    got = [part.compute(scheduler="sync") for part in ddf.partitions]
    windows = [str((t0 + 40 * n) * 10**9) for n in range(3)]
    ids = list(pair.ids())
    assert set(asked) == {(early.id, w) for w in windows} | {(late.id, w) for w in windows[1:]}
    empty = got[ids.index(late.id) * 3]  # late's first window: no request, the frame's meta
    assert empty.empty and dict(empty.dtypes) == dict(ddf.dtypes)
    assert len(got[ids.index(late.id) * 3 + 1]) > 0

    asked.clear()  # after every stream's max_time: no request at all, meta still right
    after = int(max(s.max_time for s in pair)) + 3600
    by_time = rsd.read_streams(
        pair, after, after + 80, partition="40s", index="time", config=config
    )
    frame = by_time.compute(scheduler="sync")
    assert asked == [] and frame.empty and by_time.known_divisions
    assert dict(frame.dtypes) == dict(by_time.dtypes)
    assert frame.index.dtype == by_time.index.dtype
