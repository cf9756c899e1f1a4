"""``SandboxSettings.stream_copies``: a bigger stream catalogue for benchmarks, default unchanged.

Copy ``n`` of a stream carries one more parameter, ``copy=str(n)`` (so its own id), and the
stream's points; ``/graphql`` lists the copies after the catalogue's streams and ``/v2`` serves
them. With the default (0) the app answers from ``STREAMS`` and ``WORLD`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import runestream_sandbox as rs
from runestream_sandbox.graph.world import WORLD, world_for
from runestream_sandbox.v2 import streams_with_copies
from runestream_sandbox.v2.streams import COPY_PARAMETER, stream_id

from ._helpers import TOKEN_HEADERS
from ._v2 import ACCEL_X, HEART, data_path, second

pytestmark = [pytest.mark.sandbox, pytest.mark.allow_hosts(["127.0.0.1"])]

COPIES = 2
STREAM_LIST = """
query list($cursor: Cursor, $filters: StreamQueryFilters) {
  streamList(filters: $filters, cursor: $cursor) {
    pageInfo { endCursor }
    streams { id parameters { key value } }
  }
}
"""
BY_IDS = """
query byIds($streamIds: [String]) {
  streamListByIds(streamIds: $streamIds) { streams { id } }
}
"""


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with (
        rs.SandboxServer(rs.SandboxSettings(stream_copies=COPIES)) as server,
        httpx.Client(base_url=server.url, headers=TOKEN_HEADERS, timeout=60) as client,
    ):
        yield client


def _graphql(http: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def _copy(stream: rs.Stream, n: int) -> rs.Stream:
    params = {**stream.parameters, COPY_PARAMETER: str(n)}
    sid = stream_id(
        stream.patient_id, stream.device_id, stream.stream_type.id, stream.algorithm, params
    )
    return streams_with_copies(COPIES)[sid]


def test_the_default_is_the_catalogue_itself() -> None:
    assert rs.SandboxSettings().stream_copies == 0
    assert streams_with_copies(0) is rs.STREAMS and len(rs.STREAMS) == 79
    assert world_for(0) is WORLD
    assert rs.SandboxServer().app.state.graph_states.world is WORLD
    with pytest.raises(ValueError, match="stream_copies"):
        rs.SandboxSettings(stream_copies=-1)


def test_copies_have_their_own_ids_and_the_streams_metadata() -> None:
    streams = streams_with_copies(COPIES)
    assert len(streams) == 79 * (1 + COPIES)
    assert list(streams)[:79] == list(rs.STREAMS)  # the catalogue first, in its order
    copy = _copy(HEART, 2)
    assert copy.id not in rs.STREAMS
    assert (copy.patient_id, copy.device_id, copy.stream_type, copy.algorithm, copy.recipe) == (
        HEART.patient_id,
        HEART.device_id,
        HEART.stream_type,
        HEART.algorithm,
        HEART.recipe,
    )
    assert copy.parameters == {**HEART.parameters, "copy": "2"}
    assert streams_with_copies(COPIES) is streams  # built once


def test_graphql_lists_a_patient_with_copies(http: httpx.Client) -> None:
    ids: list[str] = []
    cursor = None
    for _ in range(100):
        page = _graphql(http, STREAM_LIST, cursor=cursor, filters={"patientId": rs.PATIENT_ID})
        ids += [s["id"] for s in page["streamList"]["streams"]]
        cursor = page["streamList"]["pageInfo"]["endCursor"]
        if cursor is None:
            break
    mine = [s.id for s in streams_with_copies(COPIES).values() if s.patient_id == rs.PATIENT_ID]
    assert ids == mine and len(ids) == 50 * (1 + COPIES)
    wanted = ids[:100]
    found = _graphql(http, BY_IDS, streamIds=wanted)["streamListByIds"]["streams"]
    assert {s["id"] for s in found} == set(wanted)


def test_v2_serves_a_copy_with_its_streams_points(http: httpx.Client) -> None:
    for stream in (ACCEL_X, HEART):
        params = {**second(seconds=600), "format": "csv", "timestamp": "unixns"}
        original = http.get(data_path(stream), params=params)
        copy = http.get(data_path(_copy(stream, 1)), params=params)
        assert original.status_code == copy.status_code == 200, copy.text
        assert copy.text == original.text and original.text.count("\n") > 1
    bins = {"start_time": rs.CATALOG.start_time, "end_time": rs.CATALOG.start_time + 86_400}
    ids = [HEART.id, _copy(HEART, 1).id, _copy(HEART, 2).id]
    answer = http.get(
        "/v2/batch/availability",
        params=[*(("stream_id", i) for i in ids), *bins.items(), ("resolution", 3600),
                ("batch_operation", "all"), ("format", "json")],
    )  # fmt: skip
    single = http.get(
        data_path(HEART, "/availability"), params={**bins, "resolution": 3600, "format": "json"}
    )
    assert answer.status_code == single.status_code == 200, answer.text
    assert answer.json()["data"] == single.json()["data"]


def test_the_default_app_does_not_know_the_copies(server: rs.SandboxServer) -> None:
    with httpx.Client(base_url=server.url, headers=TOKEN_HEADERS, timeout=60) as client:
        response = client.get(data_path(_copy(HEART, 1)), params=second())
    assert response.status_code == 404, response.text
