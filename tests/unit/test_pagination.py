"""The token paginator: what crosses the transport, repeated tokens, deprecated page, errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import runestream
from runestream import APIError, AsyncPaginator, PaginationError, Paginator, ServerError
from runestream.v1._params import OPERATIONS, prepare_params
from runestream_api.api.accel import get_accel_csv, get_accel_json
from runestream_api.api.span import get_span_json

from ._fakes import PagedServer, error_response, json_page, make_config, token_for

BASE = {"patient_id": "p1", "device_id": "6*yEoMb2", "start_time": 100, "end_time": 200}
CSV = ["time,x\n1,1\n", "time,x\n2,2\n", "time,x\n3,3\n", "time,x\n4,4\n"]


def _client(server: PagedServer) -> Any:
    return runestream.build_generated_client(
        make_config(), transport=server.transport, max_attempts=1
    )


def _kwargs(key: str, **params: Any) -> dict[str, Any]:
    return prepare_params(OPERATIONS[key], {**BASE, **params}, auth_method="access_token")


def test_follows_tokens_with_every_other_parameter_unchanged() -> None:
    server = PagedServer(CSV)
    kwargs = _kwargs("accel.csv", timestamp="unix", page_size=1, expression="accel")
    paginator: Paginator[runestream.Page] = Paginator(
        get_accel_csv.sync_detailed, client=_client(server), kwargs=kwargs
    )
    pages = list(paginator.iter_pages())

    assert [p.content for p in pages] == [c.encode() for c in CSV]
    assert [p.number for p in pages] == [1, 2, 3, 4]
    assert [p.next_page_token for p in pages] == [token_for(1), token_for(2), token_for(3), None]
    assert len(server.requests) == 4
    # exactly the caller's parameters, nothing the generator would add by default
    first = server.query(0)
    assert first == {
        "patient_id": "p1",
        "device_id": "6*yEoMb2",
        "start_time": "100.0",
        "end_time": "200.0",
        "expression": "accel",
        "timestamp": "unix",
        "page_size": "1",
    }
    assert b"device_id=6%2AyEoMb2" in server.requests[0].url.raw_path
    assert server.queries_without_token() == [first] * 4
    assert [server.query(i).get("next_page_token") for i in range(4)] == [
        None,
        token_for(1),
        token_for(2),
        token_for(3),
    ]
    assert all(r.url.path == "/v1/accel.csv" for r in server.requests)


def test_iteration_maps_pages_and_restarts() -> None:
    server = PagedServer(CSV[:3])
    paginator = Paginator(
        get_accel_csv.sync_detailed,
        client=_client(server),
        kwargs=_kwargs("accel.csv"),
        map_page=lambda page: [page.content.decode()],
    )
    assert list(paginator) == CSV[:3]
    assert list(paginator) == CSV[:3]
    assert len(server.requests) == 6


def test_pages_are_requested_lazily() -> None:
    server = PagedServer(CSV)
    pages = Paginator(
        get_accel_csv.sync_detailed, client=_client(server), kwargs=_kwargs("accel.csv")
    ).iter_pages()
    next(pages)
    assert len(server.requests) == 1


def test_repeated_token_raises_instead_of_looping() -> None:
    server = PagedServer(CSV[:3], tokens=[token_for(1), token_for(2), token_for(1)])
    paginator = Paginator(
        get_accel_csv.sync_detailed, client=_client(server), kwargs=_kwargs("accel.csv")
    )
    seen = []
    with pytest.raises(PaginationError, match="already used") as info:
        for page in paginator.iter_pages():
            seen.append(page.number)
    assert seen == [1, 2]  # the offending page is not yielded
    assert len(server.requests) == 3
    assert info.value.path is not None and info.value.path.startswith("/v1/accel.csv?")


def test_token_equal_to_the_starting_token_raises() -> None:
    server = PagedServer(CSV[:2], tokens=[token_for(1), token_for(1)])
    kwargs = _kwargs("accel.csv", next_page_token=token_for(1))
    paginator = Paginator(get_accel_csv.sync_detailed, client=_client(server), kwargs=kwargs)
    with pytest.raises(PaginationError):
        list(paginator.iter_pages())
    assert len(server.requests) == 1


def test_empty_token_raises() -> None:
    server = PagedServer(CSV[:1], tokens=[""])
    paginator = Paginator(
        get_accel_csv.sync_detailed, client=_client(server), kwargs=_kwargs("accel.csv")
    )
    with pytest.raises(PaginationError, match="empty"):
        list(paginator.iter_pages())


def test_max_pages() -> None:
    server = PagedServer(CSV)
    paginator = Paginator(
        get_accel_csv.sync_detailed,
        client=_client(server),
        kwargs=_kwargs("accel.csv"),
        max_pages=2,
    )
    with pytest.raises(PaginationError, match="max_pages=2"):
        list(paginator.iter_pages())
    assert len(server.requests) == 2


def test_deprecated_page_starts_there_then_follows_tokens() -> None:
    server = PagedServer(CSV)
    paginator = Paginator(
        get_accel_csv.sync_detailed, client=_client(server), kwargs=_kwargs("accel.csv", page=2)
    )
    assert [p.content for p in paginator.iter_pages()] == [CSV[2].encode(), CSV[3].encode()]
    assert server.query(0)["page"] == "2"
    assert "next_page_token" not in server.query(0)
    assert server.query(1)["next_page_token"] == token_for(3)
    assert server.queries_without_token()[0] == server.queries_without_token()[1]


def test_resume_from_a_token() -> None:
    server = PagedServer(CSV)
    kwargs = _kwargs("accel.csv", next_page_token=token_for(2))
    paginator = Paginator(get_accel_csv.sync_detailed, client=_client(server), kwargs=kwargs)
    assert len(list(paginator.iter_pages())) == 2


def test_span_pages_by_token_only() -> None:
    pages = [json_page({"span": []}) for _ in range(3)]
    server = PagedServer(pages)
    kwargs = prepare_params(
        OPERATIONS["span.json"],
        {"patient_id": "p1", "start_time": 1, "end_time": 2},
        auth_method="access_token",
    )
    paginator = Paginator(get_span_json.sync_detailed, client=_client(server), kwargs=kwargs)
    assert len(list(paginator.iter_pages())) == 3
    for index in range(3):
        query = server.query(index)
        assert "page" not in query and "page_size" not in query
    assert server.query(2)["next_page_token"] == token_for(2)


def test_json_pages_three_or_more() -> None:
    pages = [json_page({"time": [i], "x": [i]}) for i in range(3)]
    server = PagedServer(pages)
    paginator = Paginator(
        get_accel_json.sync_detailed,
        client=_client(server),
        kwargs=_kwargs("accel.json", partition_size=5),
        map_page=lambda page: [runestream.core._pagination.check_json_envelope(page)["result"]],
    )
    assert list(paginator) == [{"time": [i], "x": [i]} for i in range(3)]
    assert server.queries_without_token() == [server.queries_without_token()[0]] * 3
    assert server.query(0)["partition_size"] == "5"


def test_api_error_on_a_later_page_is_raised_not_yielded() -> None:
    server = PagedServer([CSV[0], error_response(500, "disk on fire", "InternalError")])
    paginator = Paginator(
        get_accel_csv.sync_detailed, client=_client(server), kwargs=_kwargs("accel.csv")
    )
    got = []
    with pytest.raises(ServerError) as info:
        for page in paginator.iter_pages():
            got.append(page.content)
    assert got == [CSV[0].encode()]
    assert info.value.status_code == 500
    assert info.value.error_type == "InternalError"
    assert info.value.message == "disk on fire"


class _PlainClient:
    """A generated-client stand-in without the error transport: non-2xx reaches the paginator."""

    def __init__(self, handler: Any) -> None:
        self._http = httpx.Client(
            base_url="https://stream.example.test", transport=httpx.MockTransport(handler)
        )
        self.raise_on_unexpected_status = False

    def get_httpx_client(self) -> httpx.Client:
        return self._http


def test_non_2xx_reaching_the_paginator_is_mapped() -> None:
    server = PagedServer([error_response(404, "no such device", "NotFound")])
    paginator = Paginator(
        get_accel_csv.sync_detailed, client=_PlainClient(server), kwargs=_kwargs("accel.csv")
    )
    with pytest.raises(runestream.NotFoundError) as info:
        list(paginator)
    assert info.value.message == "no such device"
    assert info.value.path is not None and "/v1/accel.csv" in info.value.path


def test_success_false_json_is_an_error() -> None:
    body = {"success": False, "error": {"message": "nope", "type": "Bad"}, "result": None}
    server = PagedServer([body])
    paginator = Paginator(
        get_accel_json.sync_detailed,
        client=_client(server),
        kwargs=_kwargs("accel.json"),
        map_page=lambda page: [runestream.core._pagination.check_json_envelope(page)],
    )
    # generated parsing fails on "result": null; the paginator turns that into an APIError
    with pytest.raises(APIError, match="page 1: the response body could not be read"):
        list(paginator)


def test_success_false_json_is_an_error_even_when_parsing_passes() -> None:
    body = {"success": False, "error": {"message": "nope", "type": "Bad"}, "result": {}}
    server = PagedServer([body])
    paginator = Paginator(
        get_accel_json.sync_detailed,
        client=_client(server),
        kwargs=_kwargs("accel.json"),
        map_page=lambda page: [runestream.core._pagination.check_json_envelope(page)],
    )
    with pytest.raises(APIError, match="nope") as info:
        list(paginator)
    assert info.value.error_type == "Bad"


def test_async_paginator() -> None:
    server = PagedServer(CSV[:3])
    paginator: AsyncPaginator[bytes] = AsyncPaginator(
        get_accel_csv.asyncio_detailed,
        client=_client(server),
        kwargs=_kwargs("accel.csv"),
        map_page=lambda page: [page.content],
    )

    async def collect() -> list[bytes]:
        return [item async for item in paginator]

    assert asyncio.run(collect()) == [c.encode() for c in CSV[:3]]
    assert server.queries_without_token() == [server.queries_without_token()[0]] * 3


def test_async_repeated_token() -> None:
    server = PagedServer(CSV[:2], tokens=[token_for(1), token_for(1)])
    paginator: AsyncPaginator[runestream.Page] = AsyncPaginator(
        get_accel_csv.asyncio_detailed, client=_client(server), kwargs=_kwargs("accel.csv")
    )

    async def collect() -> None:
        async for _ in paginator.iter_pages():
            pass

    with pytest.raises(PaginationError):
        asyncio.run(collect())
