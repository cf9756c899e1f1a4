"""JWT and runeq's custom auth headers in ``Config`` (issue 12, point 6), through to the wire."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

import runestream
from runestream import Config, ConfigError, Session

from .conftest import BASE_URL, FAKE_TOKEN_ID, FAKE_TOKEN_SECRET

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXNlY3JldA"
A = "2522ad92fe25e2b9bc904ab0a7ecd946f44f391352eb0c3f6533be09a828cd51"


def sent_headers(config: Config) -> httpx.Headers:
    seen: list[httpx.Request] = []

    def reply(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="time\n", headers={"content-type": "text/csv"})

    with Session(config, transport=httpx.MockTransport(reply)) as session:
        list(session.stream.get_stream_data(A))
    return seen[0].headers


def test_jwt_keyword_goes_out_as_user_access_token() -> None:
    cfg = Config(jwt=JWT, stream_url=BASE_URL)
    assert cfg.auth_method == "jwt"
    headers = sent_headers(cfg)
    assert headers["X-Rune-User-Access-Token"] == JWT  # no "Bearer"
    assert "X-Rune-User-Access-Token-Id" not in headers
    assert JWT not in repr(cfg)


def test_jwt_from_the_runeq_file(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(f"auth_method: jwt\njwt: {JWT}\nstream_url: {BASE_URL}\n")
    cfg = Config(path)
    assert cfg.auth_method == "jwt"
    assert cfg.auth_headers == {"X-Rune-User-Access-Token": JWT}
    assert cfg.to_file_values()["jwt"] == JWT
    assert cfg.to_file_values()["auth_method"] == "jwt"


def test_jwt_round_trips_through_save(tmp_path: Path) -> None:
    path = Config(jwt=JWT).save(tmp_path / "saved")
    assert Config(path).auth_headers == {"X-Rune-User-Access-Token": JWT}


def test_explicit_jwt_without_a_token_names_the_key() -> None:
    with pytest.raises(ConfigError, match="no JWT credentials"):
        Config(auth_method="jwt", access_token_id=FAKE_TOKEN_ID, access_token_secret="x" * 10)


def test_jwt_and_a_token_pair_are_ambiguous_like_runeq() -> None:
    with pytest.raises(ConfigError, match="set auth_method"):
        Config(jwt=JWT, access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET)
    cfg = Config(
        auth_method="jwt",
        jwt=JWT,
        access_token_id=FAKE_TOKEN_ID,
        access_token_secret=FAKE_TOKEN_SECRET,
    )
    assert cfg.auth_headers == {"X-Rune-User-Access-Token": JWT}


def test_jwt_with_a_newline_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError, match="jwt") as info:
        Config(jwt="abc\ndef-" + "s" * 20)
    assert "s" * 20 not in str(info.value)


def test_jwt_is_redacted_from_errors_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    Config(jwt=JWT)
    assert JWT not in str(runestream.APIError(f"server echoed {JWT}"))
    logger = logging.getLogger("runestream")
    redacting = runestream.RedactingFilter()
    logger.addFilter(redacting)
    try:
        with caplog.at_level(logging.DEBUG, logger="runestream"):
            logger.debug("sent %s", JWT)
    finally:
        logger.removeFilter(redacting)
    assert JWT not in caplog.text


def test_custom_auth_headers_keyword_are_sent_as_is() -> None:
    cfg = Config(custom_auth_headers={"X-Gateway-Key": "gw-secret-value-123"}, stream_url=BASE_URL)
    assert cfg.auth_method == "custom"
    headers = sent_headers(cfg)
    assert headers["X-Gateway-Key"] == "gw-secret-value-123"
    assert "gw-secret-value-123" not in repr(cfg)


def test_custom_auth_headers_from_the_runeq_file(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(
        "auth_method: custom\ncustom_auth_headers:\n  X-One: first-secret-1\n  X-Two: second-2\n"
    )
    cfg = Config(path)
    assert cfg.auth_headers == {"X-One": "first-secret-1", "X-Two": "second-2"}
    saved = cfg.save(tmp_path / "saved")
    assert Config(saved).auth_headers == cfg.auth_headers


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        ({"Bad Name": "v" * 8}, "invalid header name"),
        ({"Host": "evil.example"}, "may not set"),
        ({"X-A": "line\nbreak-secret"}, "control character"),
        ({"X-A": ""}, "empty"),
    ],
)
def test_bad_custom_auth_headers_are_refused(headers: dict[str, str], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        Config(custom_auth_headers=headers)


def test_custom_auth_headers_must_be_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("custom_auth_headers: just-a-string\n")
    with pytest.raises(ConfigError, match="mapping"):
        Config(path)
