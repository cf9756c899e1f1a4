"""Errors that used to escape the runestream tree, and messages that said too little or too much."""

from __future__ import annotations

import gzip
import socket
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

import runestream
from runestream import (
    APIConnectionError,
    ClientClosedError,
    Config,
    ConfigError,
    RunestreamError,
    ServerError,
    V1Client,
    ValidationError,
)
from runestream.core._auth import RuneAuth

from ._hostile import CSV_BODY, HostileServer, head, refused_port
from .conftest import FAKE_TOKEN_ID, FAKE_TOKEN_SECRET, Recorder

QUERY: dict[str, Any] = {"patient_id": "p1", "device_id": "d1", "start_time": 0, "end_time": 60}
GARBAGE = b"\x1f\x8b\x08\x00garbage, not a gzip stream at all"


def loopback(url: str, **kwargs: Any) -> V1Client:
    config = Config(
        access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET, stream_url=url
    )
    return V1Client(config, **kwargs)


def gzip_response(body: bytes, *, json_body: bool = False) -> bytes:
    kind = "application/json" if json_body else "text/csv"
    return head(Content_Type=kind, Content_Encoding="gzip", Content_Length=len(body)) + body


def garbage_then_good(json_body: bool = False) -> Any:
    good = b'{"success": true, "result": {"accel": {}}}' if json_body else CSV_BODY

    def handler(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
        body = GARBAGE if number == 1 else gzip.compress(good)
        conn.sendall(gzip_response(body, json_body=json_body))

    return handler


def always_garbage(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
    conn.sendall(gzip_response(GARBAGE))


# --- garbage gzip: retried, then wrapped ------------------------------------------------------


@pytest.mark.parametrize("method", ["to_arrow", "iter_csv_text", "iter_json_data"])
def test_garbage_gzip_is_retried(method: str) -> None:
    with HostileServer(garbage_then_good(json_body=method == "iter_json_data")) as server:
        with loopback(server.url, retry_policy=runestream.RetryPolicy(initial_backoff=0)) as v1:
            result = getattr(v1.Accel(), method)(**QUERY)
            rows = result.num_rows if method == "to_arrow" else len(list(result))
        assert len(server.requests) == 2
    assert rows == (2 if method == "to_arrow" else 1)


@pytest.mark.parametrize("method", ["to_arrow", "iter_csv_text"])
def test_persistent_garbage_gzip_is_an_api_connection_error(method: str) -> None:
    with HostileServer(always_garbage) as server:
        v1 = loopback(server.url, retry_policy=runestream.RetryPolicy(initial_backoff=0))
        with v1, pytest.raises(APIConnectionError) as info:
            result = getattr(v1.Accel(), method)(**QUERY)
            list(result) if method == "iter_csv_text" else None
        assert len(server.requests) == 4
    message = str(info.value)
    assert "could not be decoded" in message and "gzip" in message
    assert "after 4 attempts" in message
    assert info.value.path is not None and info.value.path.startswith("/v1/accel.csv")


# --- a closed client ----------------------------------------------------------------------


def test_accessor_of_a_closed_client_says_it_is_closed(config: Config) -> None:
    recorder = Recorder(httpx.Response(200, text="time,x\n1,2\n"))
    v1 = V1Client(config, transport=recorder.transport)
    accel = v1.Accel(patient_id="p1")
    pages = accel.iter_csv_text(**QUERY)
    v1.close()
    with pytest.raises(ClientClosedError, match="closed"):
        v1.Accel()
    with pytest.raises(ClientClosedError, match="closed"):
        accel.to_arrow(**QUERY)
    with pytest.raises(ClientClosedError, match="closed"):
        next(pages)
    with pytest.raises(ClientClosedError, match="closed"):
        v1.download_session(session_id="dataset-1", stream_name="metadata", path="x")
    assert recorder.requests == []
    assert isinstance(ClientClosedError("x"), RunestreamError)


def test_closed_generated_client_raises_a_runestream_error(config: Config) -> None:
    from runestream_api.api.accel import get_accel_csv

    recorder = Recorder(httpx.Response(200, text="time,x\n1,2\n"))
    client = runestream.build_generated_client(config, transport=recorder.transport)
    client.get_httpx_client().close()
    with pytest.raises(ClientClosedError, match="closed"):
        get_accel_csv.sync_detailed(client=client, **QUERY)


# --- a header that cannot be encoded ----------------------------------------------------------


def test_non_ascii_header_is_a_clear_error_without_the_value(config: Config) -> None:
    recorder = Recorder(httpx.Response(200, text="time,x\n1,2\n"))
    with V1Client(config, transport=recorder.transport) as v1:
        # Config refuses such values; a header that still cannot be encoded must not read as
        # "the response body could not be read".
        http = v1.generated_client.get_httpx_client()
        http.auth = RuneAuth(
            {"X-Rune-User-Access-Token-Secret": "s\u00e9-zq9-value"}, httpx.URL(config.stream_url)
        )
        for method in ("to_arrow", "iter_csv_text", "iter_json_data"):
            with pytest.raises(ConfigError) as info:
                result = getattr(v1.Accel(), method)(**QUERY)
                list(result)
            message = str(info.value)
            assert "X-Rune-User-Access-Token-Secret" in message
            assert "ASCII" in message
            assert "could not be read" not in message
            assert "zq9" not in message and "\u00e9" not in message and "xe9" not in message
    assert recorder.requests == []


# --- output arguments checked before any request ---------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_bogus_parquet_compression_is_refused_before_any_request(
    config: Config, tmp_path: Path, workers: int
) -> None:
    recorder = Recorder(httpx.Response(200, text="time,x\n1,2\n"))
    with (
        V1Client(config, transport=recorder.transport) as v1,
        pytest.raises(ValidationError, match="compression") as info,
    ):
        v1.Accel().to_parquet(tmp_path / "x.parquet", compression="bogus", workers=workers, **QUERY)
    assert "'bogus'" in str(info.value) and "zstd" in str(info.value)
    assert recorder.requests == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("method", ["to_parquet", "to_csv"])
@pytest.mark.parametrize("workers", [1, 2])
def test_directory_as_path_is_refused_before_any_request(
    config: Config, tmp_path: Path, method: str, workers: int
) -> None:
    recorder = Recorder(httpx.Response(200, text="time,x\n1,2\n"))
    with V1Client(config, transport=recorder.transport) as v1:
        with pytest.raises(ValidationError, match="is a directory"):
            getattr(v1.Accel(), method)(tmp_path, workers=workers, **QUERY)
        with pytest.raises(ValidationError, match="does not exist"):
            getattr(v1.Accel(), method)(tmp_path / "no" / "x.out", workers=workers, **QUERY)
    assert recorder.requests == []


def test_valid_compressions_are_accepted(config: Config, tmp_path: Path) -> None:
    recorder = Recorder(httpx.Response(200, text="time,x\n1,2\n"))
    with V1Client(config, transport=recorder.transport) as v1:
        for codec in ("zstd", "SNAPPY", "gzip", "none"):
            v1.Accel().to_parquet(tmp_path / f"{codec}.parquet", compression=codec, **QUERY)


# --- messages ------------------------------------------------------------------------------


NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def test_html_error_page_does_not_repeat_the_status(config: Config) -> None:
    recorder = Recorder(
        httpx.Response(502, content=NGINX_502, headers={"Content-Type": "text/html"})
    )
    with (
        V1Client(config, transport=recorder.transport, max_attempts=1) as v1,
        pytest.raises(ServerError) as info,
    ):
        v1.Accel().to_arrow(**QUERY)
    assert info.value.message == "Bad Gateway"
    assert str(info.value).startswith("502 Bad Gateway (/v1/accel.csv")
    assert "502 502" not in str(info.value)


@pytest.mark.parametrize("method", ["to_arrow", "iter_csv_text"])
def test_error_without_detail_is_not_an_empty_message(config: Config, method: str) -> None:
    recorder = Recorder(httpx.ReadError(""))  # httpx raises some errors with no text at all
    policy = runestream.RetryPolicy(initial_backoff=0)
    with (
        V1Client(config, transport=recorder.transport, retry_policy=policy) as v1,
        pytest.raises(APIConnectionError) as info,
    ):
        result = getattr(v1.Accel(), method)(**QUERY)
        list(result) if method == "iter_csv_text" else None
    message = str(info.value)
    assert ":  " not in message and ": after" not in message
    assert message.startswith("ReadError: no further detail")
    assert "stream.example.test:443" in message
    assert "after 4 attempts" in message


def test_connection_reset_names_the_host() -> None:
    def hang_up(conn: socket.socket, request: bytes, number: int, stop: threading.Event) -> None:
        conn.sendall(head(Content_Type="text/csv", Content_Length=100) + b"time,x\n")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.close()  # RST mid-body

    with HostileServer(hang_up) as server:
        v1 = loopback(server.url, retry_policy=runestream.RetryPolicy(initial_backoff=0))
        with v1, pytest.raises(APIConnectionError) as info:
            list(v1.Accel().iter_csv_text(**QUERY))
    message = str(info.value)
    assert ":  " not in message and ": after" not in message
    assert f"127.0.0.1:{server.port}" in message
    assert "after 4 attempts" in message


@pytest.mark.parametrize("method", ["to_arrow", "iter_csv_text"])
def test_connection_refused_names_the_host(method: str) -> None:
    port = refused_port()
    v1 = loopback(
        f"http://127.0.0.1:{port}", retry_policy=runestream.RetryPolicy(initial_backoff=0)
    )
    with v1, pytest.raises(APIConnectionError) as info:
        result = getattr(v1.Accel(), method)(**QUERY)
        list(result) if method == "iter_csv_text" else None
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message
    assert "refused" in message.lower()
    assert "after 4 attempts" in message
