"""Pasted credentials (stray whitespace, CR, LF, NUL, non-ASCII) and proxies for loopback URLs.

A credential with a trailing ``\\r`` used to reach httpx, whose "Illegal header value b'...'"
printed it in full (CLI stderr, DEBUG logs). Now surrounding whitespace is stripped, anything else
unsafe in a header is refused by :class:`Config` naming the key (never the value), and the
redaction of logs and exception text also covers escaped forms of a registered secret.
"""

from __future__ import annotations

import http.server
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runestream import Config, ConfigError, V1Client
from runestream.core._logging import redact, register_secret
from runestream.core._transport import build_httpx_clients

from .conftest import BASE_URL, FAKE_TOKEN_ID, FAKE_TOKEN_SECRET

PASTED = ("  {}", "{} ", "{}\r", "{}\n", "{}\r\n", "\t{}\t")
UNSAFE = ("{}\x00", "ab\rcd{}", "{}\nX-Evil: 1", "{}\x7f", "{}é", "{}\x1b[31m")


@pytest.mark.parametrize("shape", PASTED)
def test_surrounding_whitespace_is_stripped_from_kwargs(shape: str) -> None:
    cfg = Config(access_token_id=FAKE_TOKEN_ID, access_token_secret=shape.format(FAKE_TOKEN_SECRET))
    assert cfg.auth_headers["X-Rune-User-Access-Token-Secret"] == FAKE_TOKEN_SECRET


@pytest.mark.parametrize("shape", PASTED)
def test_surrounding_whitespace_is_stripped_from_env(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_ID", shape.format(FAKE_TOKEN_ID))
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_SECRET", shape.format(FAKE_TOKEN_SECRET))
    monkeypatch.setenv("RUNE_STREAM_URL", shape.format("http://127.0.0.1:9"))
    cfg = Config()
    assert cfg.access_token_id == FAKE_TOKEN_ID
    assert cfg.auth_headers["X-Rune-User-Access-Token-Secret"] == FAKE_TOKEN_SECRET
    assert cfg.stream_url == "http://127.0.0.1:9"


def test_quoted_file_values_with_cr_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(
        f'access_token_id: "{FAKE_TOKEN_ID}\\r"\r\n'
        f'access_token_secret: "{FAKE_TOKEN_SECRET} "\r\n'.encode()
    )
    cfg = Config(path)
    assert cfg.auth_headers["X-Rune-User-Access-Token-Secret"] == FAKE_TOKEN_SECRET


@pytest.mark.parametrize("shape", UNSAFE)
@pytest.mark.parametrize("key", ["access_token_id", "access_token_secret"])
def test_unsafe_characters_are_refused_naming_the_key_not_the_value(shape: str, key: str) -> None:
    values = {"access_token_id": FAKE_TOKEN_ID, "access_token_secret": FAKE_TOKEN_SECRET}
    values[key] = shape.format(values[key])
    with pytest.raises(ConfigError) as info:
        Config(**values)
    message = str(info.value)
    assert key in message and "keyword arguments" in message
    assert FAKE_TOKEN_SECRET not in message and FAKE_TOKEN_ID not in message
    assert FAKE_TOKEN_SECRET not in repr(info.value)


def test_unsafe_env_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_ID", FAKE_TOKEN_ID)
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_SECRET", f"{FAKE_TOKEN_SECRET[:8]}\r{FAKE_TOKEN_SECRET}")
    with pytest.raises(ConfigError, match="RUNE_ACCESS_TOKEN_SECRET") as info:
        Config()
    assert FAKE_TOKEN_SECRET not in str(info.value)


def test_unsafe_file_value_names_key_and_file(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(
        f'access_token_id: {FAKE_TOKEN_ID}\naccess_token_secret: "{FAKE_TOKEN_SECRET}\\u00e9"\n'
    )
    with pytest.raises(ConfigError, match=r"access_token_secret.*config file") as info:
        Config(path)
    assert FAKE_TOKEN_SECRET not in str(info.value)


def test_url_with_control_characters_is_refused() -> None:
    with pytest.raises(ConfigError, match="stream_url"):
        Config(
            access_token_id=FAKE_TOKEN_ID,
            access_token_secret=FAKE_TOKEN_SECRET,
            stream_url="https://stream.example.test/\x00x",
        )


@pytest.mark.parametrize(
    "escape",
    [
        lambda s: repr(s)[1:-1],
        lambda s: repr(s.encode())[2:-1],
        lambda s: s.encode("unicode_escape").decode("ascii"),
        lambda s: urllib.parse.quote(s, safe=""),
    ],
    ids=["repr", "bytes-repr", "unicode-escape", "percent"],
)
def test_redaction_covers_escaped_forms(escape: object) -> None:
    secret = "escaped-secret-\r\x00-é/+ end"
    register_secret(secret)
    form = escape(secret)  # type: ignore[operator]
    assert form != secret
    text = f"Illegal header value b'{form}' sent"
    assert form not in redact(text)
    assert "<redacted>" in redact(text)


def test_api_error_text_is_redacted() -> None:
    from runestream import APIConnectionError

    register_secret(FAKE_TOKEN_SECRET)
    error = APIConnectionError(f"LocalProtocolError: Illegal header value b'{FAKE_TOKEN_SECRET}'")
    assert FAKE_TOKEN_SECRET not in str(error)
    assert FAKE_TOKEN_SECRET not in repr(error)
    assert FAKE_TOKEN_SECRET not in error.message


def test_debug_logs_never_show_a_refused_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConfigError):
        Config(access_token_id=FAKE_TOKEN_ID, access_token_secret=f"{FAKE_TOKEN_SECRET}\r\nX: y")
    assert FAKE_TOKEN_SECRET not in caplog.text


# -- proxies -------------------------------------------------------------------------------------


class _Recording(http.server.BaseHTTPRequestHandler):
    hits: list[str]
    answer = b"time,x\n1,2\n"

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(self.answer)))
        self.end_headers()
        self.wfile.write(self.answer)

    def log_message(self, *args: object) -> None:
        pass


def _serve(hits: list[str]) -> Iterator[str]:
    handler = type("Handler", (_Recording,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy_hits() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    for url in _serve(hits):
        yield url, hits


@pytest.fixture
def api_hits() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    for url in _serve(hits):
        yield url, hits


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_env_proxy_never_sees_a_plain_http_loopback_request(
    variable: str,
    monkeypatch: pytest.MonkeyPatch,
    proxy_hits: tuple[str, list[str]],
    api_hits: tuple[str, list[str]],
) -> None:
    proxy_url, proxied = proxy_hits
    api_url, served = api_hits
    monkeypatch.setenv(variable, proxy_url)
    cfg = Config(
        access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET, stream_url=api_url
    )
    with V1Client(cfg) as client:
        pages = list(
            client.Accel(patient_id="p", device_id="d").iter_csv_text(start_time=0, end_time=1)
        )
    assert proxied == []
    assert len(served) == 1 and pages
    sync, _async = build_httpx_clients(cfg)
    try:
        assert sync.get("/v1/accel.csv").status_code == 200
    finally:
        sync.close()
    assert proxied == []


def test_explicit_proxy_for_plain_http_is_refused(proxy_hits: tuple[str, list[str]]) -> None:
    cfg = Config(
        access_token_id=FAKE_TOKEN_ID,
        access_token_secret=FAKE_TOKEN_SECRET,
        stream_url="http://127.0.0.1:9",
    )
    with pytest.raises(ConfigError, match="proxy"):
        build_httpx_clients(cfg, proxy=proxy_hits[0])
    assert proxy_hits[1] == []


def test_env_proxy_still_used_for_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")
    cfg = Config(
        access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET, stream_url=BASE_URL
    )
    from runestream.core._transport import _env_proxy

    assert _env_proxy(httpx.URL(cfg.stream_url)) == "http://proxy.example.test:3128"
    assert _env_proxy(httpx.URL("https://127.0.0.1:8443")) is None
    assert _env_proxy(httpx.URL("https://localhost:8443")) is None
