"""Credentials never show up in reprs, exception text or logs (httpx/httpcore DEBUG included)."""

from __future__ import annotations

import logging
import pickle
import traceback
from pathlib import Path

import httpx
import pytest

import runestream
from runestream import Config, build_generated_client
from runestream.core._logging import REDACTED_LOGGERS, RedactingFilter, redact
from runestream_api.api.accel import get_accel_csv

from .conftest import (
    BASE_URL,
    FAKE_ACCESS_KEY,
    FAKE_KEY_ID,
    FAKE_TOKEN_ID,
    FAKE_TOKEN_SECRET,
    Recorder,
    cut_response,
)

SECRETS = (FAKE_TOKEN_ID, FAKE_TOKEN_SECRET, FAKE_KEY_ID, FAKE_ACCESS_KEY)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def client_key_config() -> Config:
    return Config(client_key_id=FAKE_KEY_ID, client_access_key=FAKE_ACCESS_KEY, stream_url=BASE_URL)


def test_config_repr_and_str(config: Config) -> None:
    for cfg in (config, client_key_config()):
        assert_clean(repr(cfg))
        assert_clean(str(cfg))
        assert_clean(f"{cfg!r} {cfg}")
        assert "redacted" in repr(cfg)


def test_config_from_file_and_env_repr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config"
    path.write_text(f"access_token_id: {FAKE_TOKEN_ID}\naccess_token_secret: {FAKE_TOKEN_SECRET}\n")
    assert_clean(repr(Config(path)))
    monkeypatch.setenv("RUNE_CLIENT_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("RUNE_CLIENT_ACCESS_KEY", FAKE_ACCESS_KEY)
    assert_clean(repr(Config()))


def test_config_errors_never_echo_values() -> None:
    with pytest.raises(runestream.ConfigError) as info:
        Config(access_token_secret=FAKE_TOKEN_SECRET)
    assert_clean(str(info.value))
    with pytest.raises(runestream.ConfigError) as info:
        Config(
            access_token_id=FAKE_TOKEN_ID,
            access_token_secret=FAKE_TOKEN_SECRET,
            client_key_id=FAKE_KEY_ID,
            client_access_key=FAKE_ACCESS_KEY,
        )
    assert_clean(str(info.value))
    with pytest.raises(runestream.ConfigError) as info:
        Config(
            access_token_id=FAKE_TOKEN_ID,
            access_token_secret=FAKE_TOKEN_SECRET,
            stream_url=f"https://{FAKE_TOKEN_ID}:{FAKE_TOKEN_SECRET}@stream.example.test",
        )
    assert_clean(str(info.value))


def test_client_reprs(config: Config) -> None:
    client = build_generated_client(config, transport=Recorder(httpx.Response(200)).transport)
    http = client.get_httpx_client()
    texts = [
        repr(client),
        str(client),
        repr(http),
        repr(http.headers),
        repr(client.get_async_httpx_client()),
        repr(http.auth),
        repr(http._transport),
    ]
    for text in texts:
        assert_clean(text)


def test_config_pickles_without_leaking_into_repr(config: Config) -> None:
    clone = pickle.loads(pickle.dumps(config))
    assert clone.auth_headers == config.auth_headers
    assert_clean(repr(clone))


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(
            401, json={"success": False, "error": {"message": "bad token", "type": "Unauthorized"}}
        ),
        httpx.Response(302, headers={"Location": "https://evil.example.test/"}),
        httpx.Response(503, text="<html>down</html>"),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
    ],
)
def test_exception_text_and_traceback(config: Config, failure: object) -> None:
    recorder = Recorder(failure)  # type: ignore[arg-type]
    client = build_generated_client(config, transport=recorder.transport, sleep=lambda _: None)
    with pytest.raises(runestream.APIError) as info:
        get_accel_csv.sync_detailed(client=client, device_id="d", start_time=1.0, end_time=2.0)
    assert_clean(str(info.value))
    assert_clean(repr(info.value))
    assert_clean("".join(traceback.format_exception(info.value)))
    assert recorder.requests[0].headers["x-rune-user-access-token-secret"] == FAKE_TOKEN_SECRET


def test_logs_at_debug_hold_no_secret(config: Config, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in REDACTED_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    recorder = Recorder(
        httpx.Response(503, headers={"Retry-After": "0"}),
        lambda _: cut_response(b"time,x\n1,2\n", 3),
        httpx.Response(302, headers={"Location": "/v1/elsewhere.csv"}),
        httpx.Response(200, content=b"time,x\n1,2\n"),
    )
    client = build_generated_client(config, transport=recorder.transport, sleep=lambda _: None)
    get_accel_csv.sync_detailed(client=client, device_id="d", start_time=1.0, end_time=2.0)
    assert len(recorder.requests) == 4
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "retrying" in logged and "HTTP Request" in logged
    assert_clean(logged)
    assert_clean(caplog.text)


@pytest.mark.parametrize(
    "logger_name", ["httpx", "httpcore.http11", "httpcore.connection", "runestream"]
)
def test_http_stack_loggers_redact_header_dumps(
    config: Config, caplog: pytest.LogCaptureFixture, logger_name: str
) -> None:
    build_generated_client(config, transport=Recorder(httpx.Response(200)).transport)
    caplog.set_level(logging.DEBUG, logger=logger_name)
    log = logging.getLogger(logger_name)
    request = httpx.Request("GET", BASE_URL, headers=config.auth_headers)
    log.debug("send_request_headers.started headers=%r", request.headers.raw)
    log.debug("headers %s", dict(request.headers))
    log.debug("X-Rune-User-Access-Token-Secret: %s", FAKE_TOKEN_SECRET)
    log.debug("token in a url https://x.test/?t=%s", FAKE_TOKEN_ID)
    assert len(caplog.records) == 4
    assert_clean(caplog.text)
    assert caplog.text.count("<redacted>") >= 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("X-Rune-Client-Access-Key: abcdef123", "X-Rune-Client-Access-Key: <redacted>"),
        ("'x-rune-client-key-id': 'kid-99'", "'x-rune-client-key-id': '<redacted>'"),
        (
            "(b'X-Rune-User-Access-Token-Secret', b's3cr3t')",
            "(b'X-Rune-User-Access-Token-Secret', b'<redacted>')",
        ),
        ("x-rune-user-access-token-id=tid42&x=1", "x-rune-user-access-token-id=<redacted>&x=1"),
        ("X-Rune-Next-Page-Token: abc", "X-Rune-Next-Page-Token: abc"),  # not a credential
    ],
)
def test_redact_header_forms(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_filter_on_a_handler_covers_other_loggers(config: Config) -> None:
    records: list[str] = []

    class ListHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = ListHandler()
    handler.addFilter(RedactingFilter())
    log = logging.getLogger("some.app")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        log.debug("oops %s", config.auth_headers)
    finally:
        log.removeHandler(handler)
    assert records and "<redacted>" in records[0]
    assert_clean(records[0])


def test_filter_survives_bad_format_args(caplog: pytest.LogCaptureFixture) -> None:
    record = logging.LogRecord("httpx", logging.DEBUG, __file__, 1, "%d", ("x",), None)
    assert RedactingFilter().filter(record) is True
