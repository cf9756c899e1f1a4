"""The HTTP stack: auth on every request, timeouts, pooling, redirects, errors never as data."""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import httpx
import pytest

import runestream
import runestream_api
from runestream import Config, RedirectError, build_generated_client
from runestream.core._transport import DEFAULT_LIMITS, _env_proxy, _ssl_context, build_httpx_clients
from runestream_api.api.accel import get_accel_csv, get_accel_json
from runestream_api.api.span import get_span_json

from .conftest import (
    BASE_URL,
    FAKE_ACCESS_KEY,
    FAKE_KEY_ID,
    FAKE_TOKEN_ID,
    FAKE_TOKEN_SECRET,
    Recorder,
)

CSV = b"time,x,y,z\n1,0.1,0.2,0.3\n"
ACCESS_HEADERS = {
    "x-rune-user-access-token-id": FAKE_TOKEN_ID,
    "x-rune-user-access-token-secret": FAKE_TOKEN_SECRET,
}


def ok(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith(".json"):
        return httpx.Response(200, json={"success": True, "result": {"span": []}})
    return httpx.Response(200, content=CSV, headers={"Content-Type": "text/csv"})


def rune_headers(request: httpx.Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower().startswith("x-rune-")}


def fetch_csv(client: runestream_api.Client) -> bytes:
    return get_accel_csv.sync_detailed(
        client=client, device_id="dev", start_time=1.0, end_time=2.0
    ).content


def test_access_token_headers_on_every_request(config: Config) -> None:
    recorder = Recorder(ok)
    client = build_generated_client(config, transport=recorder.transport)
    for _ in range(3):
        assert fetch_csv(client) == CSV
    get_span_json.sync_detailed(client=client, device_id="d", start_time=1.0, end_time=2.0)
    assert len(recorder.requests) == 4
    for request in recorder.requests:
        assert rune_headers(request) == ACCESS_HEADERS
        assert request.url.host == "stream.example.test"
        assert request.headers["user-agent"].startswith("runestream/")


def test_client_key_headers() -> None:
    config = Config(
        client_key_id=FAKE_KEY_ID, client_access_key=FAKE_ACCESS_KEY, stream_url=BASE_URL
    )
    recorder = Recorder(ok)
    fetch_csv(build_generated_client(config, transport=recorder.transport))
    assert rune_headers(recorder.requests[0]) == {
        "x-rune-client-key-id": FAKE_KEY_ID,
        "x-rune-client-access-key": FAKE_ACCESS_KEY,
    }


def test_async_requests_carry_auth_too(config: Config) -> None:
    recorder = Recorder(ok)
    client = build_generated_client(config, transport=recorder.transport)

    async def run() -> None:
        async with client:
            for _ in range(2):
                await get_accel_csv.asyncio_detailed(
                    client=client, device_id="d", start_time=1.0, end_time=2.0
                )

    asyncio.run(run())
    assert [rune_headers(r) for r in recorder.requests] == [ACCESS_HEADERS] * 2


def test_separate_async_transport(config: Config) -> None:
    sync_recorder, async_recorder = Recorder(ok), Recorder(ok)
    client = build_generated_client(
        config, transport=sync_recorder.transport, async_transport=async_recorder.transport
    )
    fetch_csv(client)

    async def run() -> None:
        await get_accel_csv.asyncio_detailed(client=client, device_id="d", start_time=1, end_time=2)

    asyncio.run(run())
    assert len(sync_recorder.requests) == len(async_recorder.requests) == 1


def test_default_timeouts_are_explicit(config: Config) -> None:
    recorder = Recorder(ok)
    fetch_csv(build_generated_client(config, transport=recorder.transport))
    assert recorder.requests[0].extensions["timeout"] == {
        "connect": 10.0,
        "read": 30.0,
        "write": 30.0,
        "pool": 30.0,
    }


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (5, {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}),
        (
            httpx.Timeout(3.0, read=600.0),
            {"connect": 3.0, "read": 600.0, "write": 3.0, "pool": 3.0},
        ),
    ],
)
def test_timeouts_overridable(config: Config, timeout: object, expected: dict[str, float]) -> None:
    recorder = Recorder(ok)
    fetch_csv(build_generated_client(config, transport=recorder.transport, timeout=timeout))  # type: ignore[arg-type]
    assert recorder.requests[0].extensions["timeout"] == expected


def test_one_pooled_client_is_reused(config: Config) -> None:
    client = build_generated_client(config)
    http = client.get_httpx_client()
    assert client.get_httpx_client() is http
    assert isinstance(client.get_async_httpx_client(), httpx.AsyncClient)
    assert http.follow_redirects is False
    assert str(http.base_url).rstrip("/") == BASE_URL
    assert DEFAULT_LIMITS.max_keepalive_connections
    with client:
        pass
    assert http.is_closed


def test_non_2xx_raises_instead_of_returning_data(config: Config) -> None:
    envelope = {"success": False, "error": {"message": "no device", "type": "NotFound"}}
    recorder = Recorder(httpx.Response(404, json=envelope))
    client = build_generated_client(config, transport=recorder.transport)
    with pytest.raises(runestream.NotFoundError) as info:
        get_accel_json.sync(client=client, device_id="dev", start_time=1.0, end_time=2.0)
    assert info.value.error_type == "NotFound"
    assert info.value.message == "no device"
    assert info.value.path is not None and info.value.path.startswith("/v1/accel.json?")


def test_html_error_page_raises(config: Config) -> None:
    recorder = Recorder(
        httpx.Response(
            502, text="<html><body>Bad Gateway</body></html>", headers={"Content-Type": "text/html"}
        )
    )
    client = build_generated_client(config, transport=recorder.transport, max_attempts=1)
    with pytest.raises(runestream.ServerError, match="Bad Gateway"):
        fetch_csv(client)


# --- redirects -------------------------------------------------------------------------------


def two_hosts(location: str, status: int = 302) -> Recorder:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "stream.example.test" and request.url.path == "/v1/accel.csv":
            return httpx.Response(status, headers={"Location": location})
        return ok(request)

    return Recorder(handler)


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example.test/steal?x=1",
        "http://stream.example.test/v1/accel2.csv",  # scheme downgrade: another origin
        "https://stream.example.test:8443/v1/accel2.csv",  # another port
        "//evil.example.test/v1/accel.csv",
    ],
)
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_cross_origin_redirect_raises_and_foreign_host_gets_nothing(
    config: Config, location: str, status: int
) -> None:
    recorder = two_hosts(location, status)
    client = build_generated_client(config, transport=recorder.transport)
    with pytest.raises(RedirectError, match="another origin") as info:
        fetch_csv(client)
    assert len(recorder.requests) == 1  # nothing crossed to the redirect target
    assert recorder.requests[0].url.host == "stream.example.test"
    assert "x=1" not in str(info.value)
    assert FAKE_TOKEN_SECRET not in str(info.value)
    assert isinstance(info.value, runestream.APIError)


def test_async_cross_origin_redirect_raises(config: Config) -> None:
    recorder = two_hosts("https://evil.example.test/")
    client = build_generated_client(config, transport=recorder.transport)

    async def run() -> None:
        await get_accel_csv.asyncio_detailed(client=client, device_id="d", start_time=1, end_time=2)

    with pytest.raises(RedirectError):
        asyncio.run(run())
    assert [r.url.host for r in recorder.requests] == ["stream.example.test"]


@pytest.mark.parametrize(
    "location",
    ["/v1/moved.csv?a=1", "https://stream.example.test/v1/moved.csv?a=1", "moved.csv?a=1"],
)
def test_same_origin_redirect_followed_with_auth(config: Config, location: str) -> None:
    recorder = two_hosts(location, 307)
    client = build_generated_client(config, transport=recorder.transport)
    assert fetch_csv(client) == CSV
    second = recorder.requests[1]
    assert second.url.path == "/v1/moved.csv"
    assert second.url.params["a"] == "1"
    assert rune_headers(second) == ACCESS_HEADERS


def test_async_same_origin_redirect_followed(config: Config) -> None:
    recorder = two_hosts("/v1/moved.csv")
    client = build_generated_client(config, transport=recorder.transport)

    async def run() -> bytes:
        response = await get_accel_csv.asyncio_detailed(
            client=client, device_id="d", start_time=1, end_time=2
        )
        return response.content

    assert asyncio.run(run()) == CSV
    assert [r.url.path for r in recorder.requests] == ["/v1/accel.csv", "/v1/moved.csv"]


def test_redirect_loop_is_bounded(config: Config) -> None:
    recorder = Recorder(httpx.Response(302, headers={"Location": "/v1/accel.csv"}))
    client = build_generated_client(config, transport=recorder.transport)
    with pytest.raises(RedirectError, match="more than 5 redirects"):
        fetch_csv(client)
    assert len(recorder.requests) == 6


def test_redirect_without_location(config: Config) -> None:
    recorder = Recorder(httpx.Response(302))
    client = build_generated_client(config, transport=recorder.transport)
    with pytest.raises(RedirectError, match="without a Location"):
        fetch_csv(client)


def test_absolute_url_to_another_host_gets_no_credentials(config: Config) -> None:
    recorder = Recorder(ok)
    http = build_generated_client(config, transport=recorder.transport).get_httpx_client()
    http.get("https://elsewhere.example.test/file")
    assert rune_headers(recorder.requests[0]) == {}


def test_env_proxy_honours_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    assert _env_proxy(httpx.URL("https://stream.runelabs.io")) == "http://proxy.internal:3128"
    monkeypatch.setenv("NO_PROXY", "runelabs.io")
    assert _env_proxy(httpx.URL("https://stream.runelabs.io")) is None


def test_proxy_from_env_builds(monkeypatch: pytest.MonkeyPatch, config: Config) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    client = build_generated_client(config)
    client.get_httpx_client().close()


# --- construction cost: the async client on demand, one TLS context, none for http:// --------


@pytest.fixture
def async_transports_built(monkeypatch: pytest.MonkeyPatch) -> list[httpx.AsyncHTTPTransport]:
    """Every ``httpx.AsyncHTTPTransport`` built from now on."""
    built: list[httpx.AsyncHTTPTransport] = []
    real = httpx.AsyncHTTPTransport

    class Counting(real):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(httpx, "AsyncHTTPTransport", Counting)
    return built


@pytest.fixture
def ca_loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every CA bundle (file or directory) loaded into a TLS context from now on."""
    loads: list[object] = []
    real = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args or kwargs)
        real(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    return loads


def test_async_client_is_built_on_first_async_use(
    config: Config, async_transports_built: list[httpx.AsyncHTTPTransport]
) -> None:
    client = build_generated_client(config)
    assert async_transports_built == []
    first = client.get_async_httpx_client()
    assert len(async_transports_built) == 1
    assert client.get_async_httpx_client() is first
    assert len(async_transports_built) == 1
    assert str(first.base_url).rstrip("/") == BASE_URL
    assert first.follow_redirects is False


def test_sync_only_v1client_never_builds_an_async_client(
    config: Config, async_transports_built: list[httpx.AsyncHTTPTransport]
) -> None:
    v1 = runestream.V1Client(config)
    v1.close()
    asyncio.run(v1.aclose())  # nothing to close: nothing is built for it
    assert async_transports_built == []
    assert v1.generated_client.get_httpx_client().is_closed


def test_lazy_async_client_serves_async_calls(config: Config) -> None:
    recorder = Recorder(ok)
    client = build_generated_client(config, transport=recorder.transport)

    async def call() -> bytes:
        response = await get_accel_csv.asyncio_detailed(
            client=client, device_id="dev", start_time=1.0, end_time=2.0
        )
        await client.get_async_httpx_client().aclose()
        return response.content

    assert asyncio.run(call()) == CSV
    assert rune_headers(recorder.requests[0]) == ACCESS_HEADERS


def test_https_client_loads_one_ca_bundle_for_both_transports(
    config: Config, ca_loads: list[object]
) -> None:
    client = build_generated_client(config)
    client.get_async_httpx_client()
    assert len(ca_loads) == 1


def test_http_loopback_client_loads_no_ca_bundle(ca_loads: list[object]) -> None:
    config = Config(
        access_token_id=FAKE_TOKEN_ID,
        access_token_secret=FAKE_TOKEN_SECRET,
        stream_url="http://127.0.0.1:8765",
    )
    client = build_generated_client(config)
    client.get_async_httpx_client()
    build_httpx_clients(config)
    assert ca_loads == []


def test_http_tls_context_trusts_nothing() -> None:
    """Anything that tried TLS from an http:// client would fail verification (fail closed)."""
    context = _ssl_context(httpx.URL("http://127.0.0.1:8765"))
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] == 0
