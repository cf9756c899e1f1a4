"""The recorded cassettes: no credentials, no recording port, small, complete, no orphans."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from vcr.request import Request

import runestream_sandbox as rs

from . import _world as w
from ._scrub import CREDENTIAL_VALUES, REDACTED, scrub_request, scrub_response

HERE = Path(__file__).resolve().parent
CASSETTES = sorted(HERE.glob("*/*.yaml"))
MAX_TOTAL_BYTES = 2 * 1024 * 1024  # "well under 5 MB"
OPERATIONS = {
    f"/v1/{name}"
    for name in (
        "accel.json",
        "accel.csv",
        "band_power.json",
        "band_power.csv",
        "event.json",
        "span.json",
        "heartrate.json",
        "heartrate.csv",
        "lfp.json",
        "lfp.csv",
        "rotation.json",
        "rotation.csv",
        "session",
        "state.json",
        "state.csv",
        "probability_symptom.json",
        "probability_symptom.csv",
    )
}
V2_MODULE = "test_v2_calls"
V2_OPERATIONS = set(rs.V2_PATHS)
_STREAM_ID = re.compile(r"(?<=/v2/streams/)[0-9a-f]{64}")
SECRETS = {
    rs.JWT,
    rs.ACCESS_TOKEN_ID,
    rs.ACCESS_TOKEN_SECRET,
    rs.CLIENT_KEY_ID,
    rs.CLIENT_ACCESS_KEY,
    *CREDENTIAL_VALUES,
}


def _interactions(path: Path) -> list[dict[str, Any]]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    interactions: list[dict[str, Any]] = loaded["interactions"]
    return interactions


def _looks_like_credential(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("x-rune-") and any(
        word in lowered for word in ("secret", "access-key", "key-id", "access-token")
    )


def _paths(module: str) -> dict[str, set[str]]:
    """Operation path -> query parameter names seen, over one test module's cassettes."""
    seen: dict[str, set[str]] = {}
    for path in CASSETTES:
        if path.parent.name == module:
            for item in _interactions(path):
                uri = urlsplit(item["request"]["uri"])
                seen.setdefault(uri.path, set()).update(parse_qs(uri.query))
    return seen


def _v2_paths(layer: str) -> dict[str, set[str]]:
    """Spec path -> query parameter names, over the V2 cassettes of one layer's tests.

    ``layer`` is the test name prefix: ``test_generated_`` or ``test_session_``.
    """
    seen: dict[str, set[str]] = {}
    for path in CASSETTES:
        if path.parent.name == V2_MODULE and path.stem.startswith(layer):
            for item in _interactions(path):
                uri = urlsplit(item["request"]["uri"])
                spec_path = _STREAM_ID.sub("{stream_id}", uri.path)
                seen.setdefault(spec_path, set()).update(parse_qs(uri.query))
    return seen


def test_there_are_cassettes() -> None:
    assert len(CASSETTES) >= 40


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_credentials_in_cassette(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text, f"{path.name} holds a credential value"
    for item in _interactions(path):
        for side in ("request", "response"):
            for name, values in item[side]["headers"].items():
                if _looks_like_credential(name):
                    assert values == [REDACTED], f"{path.name}: {side} header {name}={values}"


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_cassette_is_independent_of_the_recording_port(path: Path) -> None:
    placeholder = urlsplit(w.PLACEHOLDER_URL)
    for item in _interactions(path):
        request = item["request"]
        assert urlsplit(request["uri"]).netloc == placeholder.netloc
        assert request["headers"].get("host", [placeholder.netloc]) == [placeholder.netloc]
        assert "date" not in {n.lower() for n in item["response"]["headers"]}


def test_cassettes_are_small() -> None:
    total = sum(p.stat().st_size for p in CASSETTES)
    assert total < MAX_TOTAL_BYTES, f"{total} bytes of cassettes"


def test_every_cassette_belongs_to_a_test() -> None:
    for path in CASSETTES:
        module = HERE / f"{path.parent.name}.py"
        assert module.is_file(), f"{path} has no test module"
        tree = ast.parse(module.read_text(encoding="utf-8"))
        tests = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert path.stem.split("[")[0] in tests, f"orphan cassette {path}"


@pytest.mark.parametrize("module", ["test_typed_calls", "test_client_layer"])
def test_every_operation_is_recorded(module: str) -> None:
    seen = _paths(module)
    assert set(seen) == OPERATIONS, sorted(OPERATIONS - set(seen))


@pytest.mark.parametrize("layer", ["test_generated_", "test_session_"])
def test_every_v2_operation_is_recorded(layer: str) -> None:
    seen = _v2_paths(layer)
    assert set(seen) == V2_OPERATIONS, sorted(V2_OPERATIONS ^ set(seen))


@pytest.mark.parametrize("layer", ["test_generated_", "test_session_"])
def test_multi_page_v2_data_is_recorded(layer: str) -> None:
    assert "page_token" in _v2_paths(layer)["/v2/streams/{stream_id}"]


def test_v2_json_errors_are_recorded() -> None:
    errors = {}
    for path in CASSETTES:
        if path.parent.name == V2_MODULE:
            for item in _interactions(path):
                response = item["response"]
                if response["status"]["code"] >= 400:
                    envelope = json.loads(response["body"]["string"])["error"]
                    assert envelope["type"] and envelope["message"], path.name
                    errors[response["status"]["code"]] = envelope["type"]
    assert errors == {400: "InvalidParameter", 404: "NotFound"}


def test_chunked_batch_availability_is_recorded() -> None:
    chunked = [p for p in CASSETTES if p.stem.startswith("test_session_batch_availability_chunked")]
    assert len(chunked) == 2  # any, all
    for path in chunked:
        counts = [
            len(parse_qs(urlsplit(i["request"]["uri"]).query)["stream_id"])
            for i in _interactions(path)
            if urlsplit(i["request"]["uri"]).path == "/v2/batch/availability"
        ]
        assert max(counts) <= 50 < sum(counts), (path.name, counts)


def test_v2_session_cassettes_send_the_jwt_redacted() -> None:
    found = 0
    for path in CASSETTES:
        if path.parent.name == V2_MODULE and path.stem.startswith("test_session_"):
            for item in _interactions(path):
                headers = {n.lower(): v for n, v in item["request"]["headers"].items()}
                assert headers["x-rune-user-access-token"] == [REDACTED], path.name
                found += 1
    assert found >= 6


def test_multi_page_results_are_recorded() -> None:
    for module in ("test_typed_calls", "test_client_layer"):
        paged = {path for path, params in _paths(module).items() if "next_page_token" in params}
        assert len(paged) >= 12, f"{module}: tokens followed only on {sorted(paged)}"


def test_errors_are_recorded() -> None:
    statuses = {
        (urlsplit(i["request"]["uri"]).path.rsplit(".", 1)[-1], i["response"]["status"]["code"])
        for p in CASSETTES
        if p.parent.name == "test_api_errors"
        for i in _interactions(p)
    }
    assert {("csv", 404), ("csv", 400), ("json", 403), ("json", 401)} <= statuses


@pytest.mark.parametrize(
    "name",
    [
        "X-Rune-User-Access-Token-Id",
        "x-rune-user-access-token-secret",
        "X-Rune-Client-Key-ID",  # runeq's spelling
        "X-RUNE-CLIENT-ACCESS-KEY",
        "X-Rune-User-Access-Token",  # V2 JWT
    ],
)
def test_scrubbers_redact_any_spelling(name: str) -> None:
    request = Request(
        "GET",
        "http://127.0.0.1:54321/v1/accel.csv?a=1",
        b"",
        {name: "s3cret", "Host": "127.0.0.1:54321", "Accept": "*/*"},
    )
    scrubbed = scrub_request(request)
    assert scrubbed.headers[name] == REDACTED
    assert scrubbed.headers["Host"] == "127.0.0.1:9"
    assert scrubbed.uri == "http://127.0.0.1:9/v1/accel.csv?a=1"
    response = scrub_response(
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {name: ["s3cret"], "Date": ["now"], "X-Echo": [rs.ACCESS_TOKEN_SECRET]},
            "body": {"string": f"echo {rs.CLIENT_ACCESS_KEY} {rs.JWT}".encode()},
        }
    )
    assert response["headers"] == {name: [REDACTED], "X-Echo": [REDACTED]}
    assert response["body"]["string"] == f"echo {REDACTED} {REDACTED}".encode()


def test_graphql_requests_match_on_operation_and_variables_not_whitespace() -> None:
    from vcr.request import Request

    from ._scrub import match_graphql_operation

    def post(query: str, variables: dict[str, object]) -> Request:
        body = json.dumps({"query": query, "operationName": "op", "variables": variables})
        return Request("POST", "http://127.0.0.1:9/graphql", body, {})

    recorded = post("query op($a: ID) {\n  x(a: $a)\n}", {"a": "1", "b": None})
    match_graphql_operation(recorded, post("query op($a: ID) { x(a: $a) }", {"b": None, "a": "1"}))
    with pytest.raises(AssertionError):
        match_graphql_operation(recorded, post("query op($a: ID) { x(a: $a) }", {"a": "2"}))
    with pytest.raises(AssertionError):
        match_graphql_operation(recorded, post("query op($a: ID) { y(a: $a) }", {"a": "1"}))
    plain = Request("GET", "http://127.0.0.1:9/v2/streams/x", None, {})
    match_graphql_operation(plain, plain)  # not GraphQL: left to the other matchers
