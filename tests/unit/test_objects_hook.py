"""The session hook: network methods of the metadata objects delegate to a MetadataDataSource
(runeq's signatures, arguments passed through), never to a global; no session, a clear error."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from runeq.resources import stream_metadata as runeq_streams

from runestream import objects as ro
from runestream.core._errors import RunestreamError, ValidationError

from . import _graph_dicts as g

ROOT = Path(__file__).resolve().parents[2]


class FakeSource:
    """A MetadataDataSource that records each call and answers a marker frame."""

    def __init__(self, name: str = "fake") -> None:
        self.name = name
        self.calls: list[tuple[str, Any, dict[str, Any]]] = []

    def _frame(self, method: str, target: Any, kwargs: dict[str, Any]) -> pd.DataFrame:
        self.calls.append((method, target, kwargs))
        return pd.DataFrame({"source": [self.name]})

    def stream_dataframe(self, streams: Sequence[ro.StreamMetadata], **kwargs: Any) -> pd.DataFrame:
        return self._frame("stream_dataframe", list(streams), kwargs)

    def stream_availability_dataframe(
        self, stream: ro.StreamMetadata, **kwargs: Any
    ) -> pd.DataFrame:
        return self._frame("stream_availability_dataframe", stream, kwargs)

    def batch_availability_dataframe(
        self, streams: Sequence[ro.StreamMetadata], **kwargs: Any
    ) -> pd.DataFrame:
        return self._frame("batch_availability_dataframe", list(streams), kwargs)

    def iter_stream_data(
        self, stream: ro.StreamMetadata, **kwargs: Any
    ) -> Iterator[str | dict[str, Any]]:
        self.calls.append(("iter_stream_data", stream, kwargs))
        return iter(["time,x\n"])


def _streams(client: g.RecordingClient, session: Any = None) -> ro.StreamMetadataSet:
    start = len(client.responses)
    runeq_streams.get_patient_stream_metadata("0001", client=client)
    out = ro.StreamMetadataSet(_session=session)
    for response in client.since(start):
        for data in response.get("streamList", {}).get("streams", []):
            out.add(ro.StreamMetadata.from_graphql(data, _session=session))
    return out


@pytest.fixture
def client() -> g.RecordingClient:
    return g.RecordingClient()


def test_the_fake_satisfies_the_protocol_at_run_time() -> None:
    assert isinstance(FakeSource(), ro.MetadataDataSource)
    assert not isinstance(object(), ro.MetadataDataSource)


CALLS = {
    "set.get_stream_dataframe": lambda s: s.get_stream_dataframe(1.0, None, 2.0),
    "set.get_batch_availability_dataframe": lambda s: s.get_batch_availability_dataframe(
        1.0, 2.0, 300, "any"
    ),
    "stream.get_stream_dataframe": lambda s: next(iter(s)).get_stream_dataframe(1.0),
    "stream.get_stream_availability_dataframe": lambda s: next(
        iter(s)
    ).get_stream_availability_dataframe(1.0, 2.0, 300),
    "stream.iter_stream_data": lambda s: next(iter(s)).iter_stream_data(1.0),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_without_a_session_a_clear_error(name: str, client: g.RecordingClient) -> None:
    streams = _streams(client)
    with pytest.raises(ro.NoSessionError) as error:
        CALLS[name](streams)
    assert isinstance(error.value, RuntimeError) and isinstance(error.value, RunestreamError)
    message = str(error.value)
    method = name.split(".")[1]
    assert method in message and "no session is attached" in message
    assert ("client=session" if method == "iter_stream_data" else "stream_client=session") in (
        message
    )


def test_set_methods_pass_runeq_arguments_through(client: g.RecordingClient) -> None:
    source = FakeSource()
    streams = _streams(client, source)
    frame = streams.get_stream_dataframe(1.0, None, 2.0, None, 10, "tok")
    assert list(frame["source"]) == ["fake"]
    method, target, kwargs = source.calls[-1]
    assert method == "stream_dataframe" and [s.id for s in target] == list(streams.ids())
    assert kwargs == {
        "start_time": 1.0,
        "start_time_ns": None,
        "end_time": 2.0,
        "end_time_ns": None,
        "limit": 10,
        "page_token": "tok",
        "timestamp": "iso",
        "timezone": None,
        "timezone_name": None,
        "translate_enums": True,
    }
    streams.get_batch_availability_dataframe(1.0, 2.0, 300, "all", timezone_name="Europe/Paris")
    method, target, kwargs = source.calls[-1]
    assert method == "batch_availability_dataframe" and len(target) == len(streams)
    assert kwargs == {
        "start_time": 1.0,
        "end_time": 2.0,
        "resolution": 300,
        "batch_operation": "all",
        "limit": None,
        "page_token": None,
        "timestamp": "iso",
        "timezone": None,
        "timezone_name": "Europe/Paris",
    }


def test_stream_methods_pass_runeq_arguments_through(client: g.RecordingClient) -> None:
    source = FakeSource()
    stream = next(iter(_streams(client, source)))
    assert list(stream.iter_stream_data(start_time_ns=5, format="json")) == ["time,x\n"]
    method, target, kwargs = source.calls[-1]
    assert method == "iter_stream_data" and target is stream
    assert kwargs["start_time_ns"] == 5 and kwargs["format"] == "json"
    assert kwargs["timestamp"] == "iso" and kwargs["translate_enums"] is True
    stream.get_stream_dataframe(end_time=3.0, timezone=-28800)
    method, target, kwargs = source.calls[-1]
    assert method == "stream_dataframe" and target == [stream]
    assert kwargs["end_time"] == 3.0 and kwargs["timezone"] == -28800
    stream.get_stream_availability_dataframe(1.0, 2.0, 600, limit=3)
    method, target, kwargs = source.calls[-1]
    assert method == "stream_availability_dataframe" and target is stream
    assert kwargs["resolution"] == 600 and kwargs["limit"] == 3


def test_stream_client_wins_over_the_attached_session(client: g.RecordingClient) -> None:
    attached, given = FakeSource("attached"), FakeSource("given")
    streams = _streams(client, attached)
    frame = streams.get_stream_dataframe(stream_client=given)  # type: ignore[arg-type]
    assert list(frame["source"]) == ["given"] and not attached.calls
    next(iter(streams)).iter_stream_data(client=given)  # type: ignore[arg-type]
    assert given.calls[-1][0] == "iter_stream_data" and not attached.calls


def test_a_runeq_client_is_refused(client: g.RecordingClient) -> None:
    streams = _streams(client, FakeSource())
    with pytest.raises(ValidationError, match="runestream session") as error:
        streams.get_stream_dataframe(stream_client=object())  # type: ignore[arg-type]
    assert error.value.parameter == "stream_client"
    with pytest.raises(ValidationError) as error:
        next(iter(streams)).iter_stream_data(client=client)  # type: ignore[arg-type]
    assert error.value.parameter == "client"


def test_a_combined_set_uses_its_streams_session(client: g.RecordingClient) -> None:
    """The quickstart's ``StreamMetadataSet()`` + ``update(...)``, then a data method."""
    source = FakeSource()
    streams = _streams(client, source)
    combined = ro.StreamMetadataSet()
    combined.update(streams.filter(category="kinematics"))
    combined.update(streams.filter(measurement="heart_rate"))
    assert 0 < len(combined) < len(streams)
    combined.get_batch_availability_dataframe(1.0, 2.0, 300, "any")
    assert [s.id for s in source.calls[-1][1]] == list(combined.ids())


def test_streams_of_two_sessions_need_an_explicit_one(client: g.RecordingClient) -> None:
    one, two = _streams(client, FakeSource("one")), _streams(client, FakeSource("two"))
    mixed = ro.StreamMetadataSet(list(one)[:2])
    mixed.update(list(two)[2:4])
    with pytest.raises(ro.NoSessionError, match="2 different sessions"):
        mixed.get_stream_dataframe()
    given = FakeSource("given")
    mixed.get_stream_dataframe(stream_client=given)  # type: ignore[arg-type]
    assert len(given.calls[-1][1]) == 4


def test_the_session_travels_with_derived_objects(client: g.RecordingClient) -> None:
    source = FakeSource()
    streams = _streams(client, source)
    assert streams.filter(category="kinematics")._session is source
    stream = next(iter(streams))
    assert stream._session is source and stream.stream_type._session is source
    assert all(d._session is source for d in stream.stream_type.dimensions)
    start = len(client.responses)
    from runeq.resources import patient as runeq_patient

    runeq_patient.get_patient("0001", client)
    patient = ro.Patient.from_graphql(client.since(start)[0]["patient"], _session=source)
    assert patient._session is source and patient.devices._session is source
    assert all(d._session is source for d in patient.devices)
    assert ro.PatientSet([patient], _session=source).devices._session is source
    assert "_session" not in patient.to_dict() and "_session" not in stream.to_dict()


def _names(function: Any) -> list[tuple[str, Any]]:
    return [
        (p.name, p.default)
        for p in inspect.signature(function).parameters.values()
        if p.name != "self"
    ]


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (
            ro.StreamMetadataSet.get_stream_dataframe,
            runeq_streams.StreamMetadataSet.get_stream_dataframe,
        ),
        (
            ro.StreamMetadataSet.get_batch_availability_dataframe,
            runeq_streams.StreamMetadataSet.get_batch_availability_dataframe,
        ),
        (ro.StreamMetadataSet.filter, runeq_streams.StreamMetadataSet.filter),
        (ro.StreamMetadata.get_stream_dataframe, runeq_streams.StreamMetadata.get_stream_dataframe),
        (
            ro.StreamMetadata.get_stream_availability_dataframe,
            runeq_streams.StreamMetadata.get_stream_availability_dataframe,
        ),
        (ro.StreamMetadata.iter_stream_data, runeq_streams.StreamMetadata.iter_stream_data),
    ],
    ids=lambda f: f.__qualname__,
)
def test_signatures_are_runeqs_plus_timezone_name(ours: Any, theirs: Any) -> None:
    mine, runeqs = _names(ours), _names(theirs)
    assert mine[: len(runeqs)] == runeqs  # same names, order and defaults
    extra = mine[len(runeqs) :]
    assert extra in ([], [("timezone_name", None)])
    if extra:
        param = inspect.signature(ours).parameters["timezone_name"]
        assert param.kind is inspect.Parameter.KEYWORD_ONLY


IMPLEMENTATION = """
from collections.abc import Iterator, Sequence
from typing import Any

import pandas

from runestream.core._times import TimeLike
from runestream.objects import MetadataDataSource, StreamMetadata, StreamMetadataSet


class Later:
    def stream_dataframe(
        self, streams: Sequence[StreamMetadata], *, start_time: TimeLike | None = None,
        start_time_ns: int | None = None, end_time: TimeLike | None = None,
        end_time_ns: int | None = None, limit: int | None = None, page_token: str | None = None,
        timestamp: str | None = "iso", timezone: int | None = None,
        timezone_name: str | None = None, translate_enums: bool | None = True,
    ) -> pandas.DataFrame:
        return pandas.DataFrame()

    def stream_availability_dataframe(
        self, stream: StreamMetadata, *, start_time: TimeLike, end_time: TimeLike,
        resolution: int, limit: int | None = None, page_token: str | None = None,
        timestamp: str | None = "iso", timezone: int | None = None,
        timezone_name: str | None = None,
    ) -> pandas.DataFrame:
        return pandas.DataFrame()

    def batch_availability_dataframe(
        self, streams: Sequence[StreamMetadata], *, start_time: TimeLike, end_time: TimeLike,
        resolution: int, batch_operation: str | None = None, limit: int | None = None,
        page_token: str | None = None, timestamp: str | None = "iso",
        timezone: int | None = None, timezone_name: str | None = None,
    ) -> pandas.DataFrame:
        return pandas.DataFrame()

    def iter_stream_data(
        self, stream: StreamMetadata, *, start_time: TimeLike | None = None,
        start_time_ns: int | None = None, end_time: TimeLike | None = None,
        end_time_ns: int | None = None, format: str | None = "csv", limit: int | None = None,
        page_token: str | None = None, timestamp: str | None = "iso",
        timezone: int | None = None, timezone_name: str | None = None,
        translate_enums: bool | None = True,
    ) -> Iterator[str | dict[str, Any]]:
        return iter(())


source: MetadataDataSource = Later()
frame: pandas.DataFrame = StreamMetadataSet(_session=source).get_stream_dataframe(1.0, end_time=2.0)
"""


@pytest.mark.slow
def test_a_later_implementation_type_checks_and_a_wrong_one_does_not(tmp_path: Path) -> None:
    good = tmp_path / "good.py"
    good.write_text(textwrap.dedent(IMPLEMENTATION))
    bad = tmp_path / "bad.py"  # timezone_name forgotten in one method
    bad.write_text(
        textwrap.dedent(IMPLEMENTATION).replace(
            'timestamp: str | None = "iso", timezone: int | None = None,\n'
            "        timezone_name: str | None = None,\n    ) -> pandas.DataFrame:",
            'timestamp: str | None = "iso", timezone: int | None = None,\n'
            "    ) -> pandas.DataFrame:",
            1,
        )
    )
    assert bad.read_text() != good.read_text()

    def mypy(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "--cache-dir",
                str(tmp_path / "cache"),
                str(path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )

    ok = mypy(good)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    wrong = mypy(bad)
    assert wrong.returncode == 1 and "MetadataDataSource" in wrong.stdout, wrong.stdout
