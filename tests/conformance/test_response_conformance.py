"""Plain conformance: realistic requests to a real sandbox, responses validated against the spec.

Independent of schemathesis's generation: every one of the 17 V1 operations gets a success and
an error request (see ``_cases.py``; the V2 operations: ``test_schemathesis_sandbox_v2.py``);
each response must have a declared status, the declared
media type, a body valid against the declared schema (``openapi-schema-validator``, OAS 3.1)
and valid declared headers. Paginated examples are followed to their last page, validating
every page and the ``X-Rune-Next-Page-Token`` header on the way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import runestream_sandbox as rs

from ._cases import ERRORS, EXAMPLES, SPAN_PAGE_SIZE, SUCCESSES, Example
from ._spec import (
    NOT_YET_SERVED_BY_SANDBOX,
    assert_conforms,
    load_spec,
    operation_paths,
    parameters,
    sandbox_paths,
    served_operation_paths,
    served_v1_paths,
)

NEXT = "X-Rune-Next-Page-Token"


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """A client of a real sandbox (uvicorn on 127.0.0.1), so the wire format is checked too."""
    settings = rs.SandboxSettings(span_page_size=SPAN_PAGE_SIZE)
    with (
        rs.SandboxServer(settings) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        yield client


def _send(http: httpx.Client, example: Example, **extra: Any) -> httpx.Response:
    return http.get(example.path, params={**example.query, **extra}, headers=example.headers)


def test_conformance_covers_every_spec_operation_but_this_gap() -> None:
    """The sandbox serves only spec operations, and all of them (V1 and V2; the gap is empty)."""
    spec_paths = set(operation_paths())
    assert sandbox_paths() <= spec_paths, sorted(sandbox_paths() - spec_paths)
    unserved = spec_paths - sandbox_paths()
    assert unserved == NOT_YET_SERVED_BY_SANDBOX, (
        "the spec operations the sandbox does not serve changed: "
        f"now {sorted(unserved)}, declared {sorted(NOT_YET_SERVED_BY_SANDBOX)}; "
        "once the sandbox serves one, delete it from _spec.NOT_YET_SERVED_BY_SANDBOX"
    )


def test_sandbox_serves_every_spec_operation() -> None:
    assert set(served_operation_paths()) == set(operation_paths())


def test_sandbox_index_lists_what_it_serves(http: httpx.Client) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert set(response.json()["operations"]) == sandbox_paths()


def test_every_operation_has_a_success_and_an_error_example() -> None:
    paths = set(served_v1_paths())
    assert len(paths) == 17
    assert {e.path for e in SUCCESSES} == paths
    assert {e.path for e in ERRORS} == paths
    # Every error status the spec declares, except 500 (a sandbox bug by definition).
    declared = {int(s) for p in paths for s in load_spec()["paths"][p]["get"]["responses"]}
    assert {e.status for e in ERRORS} == declared - {200, 500}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_examples_use_declared_parameters(example: Example) -> None:
    """A spec that adds a required parameter (or drops one) must fail here, not go unnoticed."""
    declared = parameters(example.path)
    undeclared = set(example.query) - set(declared)
    if example.error_type == "UnknownParameter":
        assert undeclared, "the example must send a parameter the spec does not declare"
    else:
        assert not undeclared, undeclared
    if example.status == 200:
        required = {name for name, p in declared.items() if p.get("required")}
        assert required <= set(example.query), required - set(example.query)


@pytest.mark.parametrize("example", SUCCESSES, ids=lambda e: e.id)
def test_success_matches_spec(http: httpx.Client, example: Example) -> None:
    response = _send(http, example)
    assert response.status_code == 200, response.text
    body = assert_conforms(example.path, response)
    if example.path.endswith(".csv"):
        assert body.splitlines()[0].split(",")[0] in ("time", "timestamp"), body[:200]
    if not example.paginated:
        assert NEXT not in response.headers
        return
    # Follow the token to the last page; every page must conform.
    pages = 1
    token = response.headers.get(NEXT)
    assert token, "a small page_size must leave a next-page token"
    while token is not None:
        response = _send(http, example, next_page_token=token)
        assert response.status_code == 200, response.text
        assert_conforms(example.path, response)
        token = response.headers.get(NEXT)
        pages += 1
        assert pages < 50
    assert pages >= 2


@pytest.mark.parametrize("example", ERRORS, ids=lambda e: e.id)
def test_error_matches_spec(http: httpx.Client, example: Example) -> None:
    response = _send(http, example)
    assert response.status_code == example.status, response.text
    body = assert_conforms(example.path, response)
    assert body["success"] is False and body["result"] is None
    assert body["error"]["type"] == example.error_type
    assert body["error"]["message"]
    if example.status == 429:
        assert response.headers["Retry-After"] == "2"
