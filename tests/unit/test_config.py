"""Config: precedence, runeq file format, credential inference, URL policy, writing the file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import yaml

import runestream
from runestream import Config, ConfigError, default_config_path, load_config_file, save_config_file

from .conftest import FAKE_ACCESS_KEY, FAKE_KEY_ID, FAKE_TOKEN_ID, FAKE_TOKEN_SECRET

RUNEQ_FILE = f"""\
auth_method: access_token
access_token_id: {FAKE_TOKEN_ID}
access_token_secret: {FAKE_TOKEN_SECRET}
stream_url: https://stream.file.test
graph_url: https://graph.file.test
jwt_client_id: ignored-by-runestream
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def home_config(hermetic_env: Path) -> Path:
    return write(hermetic_env / ".rune" / "config", RUNEQ_FILE)


def test_runeq_default_file_is_read(home_config: Path) -> None:
    cfg = Config()
    assert cfg.auth_method == "access_token"
    assert cfg.stream_url == "https://stream.file.test"
    assert cfg.graph_url == "https://graph.file.test"
    assert cfg.auth_headers == {
        "X-Rune-User-Access-Token-Id": FAKE_TOKEN_ID,
        "X-Rune-User-Access-Token-Secret": FAKE_TOKEN_SECRET,
    }
    assert cfg.source == f"config file {home_config}"


def test_explicit_path_positional_like_runeq(tmp_path: Path) -> None:
    path = write(tmp_path / "example_config.yaml", RUNEQ_FILE)
    assert Config(path).stream_url == "https://stream.file.test"
    assert Config(str(path)).auth_method == "access_token"


def test_explicit_path_missing_raises(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        Config(tmp_path / "nope")


def test_rune_config_env_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "elsewhere.yaml", RUNEQ_FILE)
    monkeypatch.setenv("RUNE_CONFIG", str(path))
    assert default_config_path() == path
    assert Config().stream_url == "https://stream.file.test"
    monkeypatch.setenv("RUNE_CONFIG", str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigError, match="not found"):
        Config()


def test_defaults_when_no_file(hermetic_env: Path) -> None:
    cfg = Config(access_token_id=FAKE_TOKEN_ID, access_token_secret=FAKE_TOKEN_SECRET)
    assert cfg.stream_url == "https://stream.runelabs.io" == runestream.DEFAULT_STREAM_URL
    assert cfg.graph_url == "https://graph.runelabs.io"
    assert default_config_path() == hermetic_env / ".rune" / "config"


def test_client_key_kwargs_like_runeq() -> None:
    cfg = Config(
        client_key_id=FAKE_KEY_ID, client_access_key=FAKE_ACCESS_KEY, stream_url="https://s.test/"
    )
    assert cfg.auth_method == "client_key"
    assert cfg.stream_url == "https://s.test"
    assert cfg.client_key_id == FAKE_KEY_ID
    assert cfg.access_token_id is None
    assert cfg.auth_headers == {
        "X-Rune-Client-Key-Id": FAKE_KEY_ID,
        "X-Rune-Client-Access-Key": FAKE_ACCESS_KEY,
    }


def test_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNE_CLIENT_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("RUNE_CLIENT_ACCESS_KEY", FAKE_ACCESS_KEY)
    monkeypatch.setenv("RUNE_STREAM_URL", "https://env.test")
    cfg = Config()
    assert cfg.auth_method == "client_key"
    assert cfg.stream_url == "https://env.test"
    assert cfg.source == "environment"


def test_precedence_kwargs_over_env_over_file(
    home_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # file: access token + stream.file.test; env: client key + env.test
    monkeypatch.setenv("RUNE_CLIENT_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("RUNE_CLIENT_ACCESS_KEY", FAKE_ACCESS_KEY)
    monkeypatch.setenv("RUNE_STREAM_URL", "https://env.test")
    env_cfg = Config()
    assert (env_cfg.auth_method, env_cfg.stream_url) == ("client_key", "https://env.test")
    assert env_cfg.graph_url == "https://graph.file.test"  # per key: only the file sets it

    kw_cfg = Config(
        access_token_id="kw-token-id-0001",
        access_token_secret="kw-token-secret-0001",
        stream_url="https://kw.test",
    )
    assert kw_cfg.auth_method == "access_token"
    assert kw_cfg.access_token_id == "kw-token-id-0001"
    assert kw_cfg.stream_url == "https://kw.test"


def test_env_url_overrides_file_url_but_file_credentials_used(
    home_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNE_STREAM_URL", "https://env.test")
    cfg = Config()
    assert cfg.stream_url == "https://env.test"
    assert cfg.access_token_id == FAKE_TOKEN_ID


def test_credentials_come_from_one_source(home_config: Path) -> None:
    # A client key given as kwargs is not mixed with the file's access token (no ambiguity).
    cfg = Config(client_key_id=FAKE_KEY_ID, client_access_key=FAKE_ACCESS_KEY)
    assert cfg.auth_method == "client_key"
    assert cfg.stream_url == "https://stream.file.test"


def test_incomplete_kwargs_name_missing_key() -> None:
    with pytest.raises(ConfigError, match="missing access_token_secret") as info:
        Config(access_token_id=FAKE_TOKEN_ID)
    assert "keyword arguments" in str(info.value)
    with pytest.raises(ConfigError, match="missing client_key_id"):
        Config(client_access_key=FAKE_ACCESS_KEY)


def test_incomplete_env_names_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNE_ACCESS_TOKEN_ID", FAKE_TOKEN_ID)
    with pytest.raises(ConfigError, match="missing RUNE_ACCESS_TOKEN_SECRET"):
        Config()


def test_incomplete_file_names_missing_key(tmp_path: Path) -> None:
    path = write(tmp_path / "c", f"client_key_id: {FAKE_KEY_ID}\n")
    with pytest.raises(ConfigError, match=r"missing client_access_key") as info:
        Config(path)
    assert str(path) in str(info.value)


def test_ambiguous_credentials_raise() -> None:
    with pytest.raises(ConfigError, match="set auth_method"):
        Config(
            access_token_id=FAKE_TOKEN_ID,
            access_token_secret=FAKE_TOKEN_SECRET,
            client_key_id=FAKE_KEY_ID,
            client_access_key=FAKE_ACCESS_KEY,
        )


def test_partial_second_pair_is_still_ambiguous_like_runeq() -> None:
    with pytest.raises(ConfigError, match="both access token and client key"):
        Config(
            access_token_id=FAKE_TOKEN_ID,
            access_token_secret=FAKE_TOKEN_SECRET,
            client_key_id=FAKE_KEY_ID,
        )


@pytest.mark.parametrize("method", ["client_key", "client_keys"])
def test_explicit_auth_method_honoured(method: str) -> None:
    cfg = Config(
        auth_method=method,
        access_token_id=FAKE_TOKEN_ID,
        access_token_secret=FAKE_TOKEN_SECRET,
        client_key_id=FAKE_KEY_ID,
        client_access_key=FAKE_ACCESS_KEY,
    )
    assert cfg.auth_method == "client_key"
    assert set(cfg.auth_headers) == {"X-Rune-Client-Key-Id", "X-Rune-Client-Access-Key"}


def test_explicit_auth_method_in_file_honoured(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c",
        "auth_method: client_keys\n"
        f"access_token_id: {FAKE_TOKEN_ID}\naccess_token_secret: {FAKE_TOKEN_SECRET}\n"
        f"client_key_id: {FAKE_KEY_ID}\nclient_access_key: {FAKE_ACCESS_KEY}\n",
    )
    assert Config(path).auth_method == "client_key"


def test_explicit_auth_method_selects_source(
    home_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNE_CLIENT_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("RUNE_CLIENT_ACCESS_KEY", FAKE_ACCESS_KEY)
    # env holds a client key, but access_token is asked for: the file's pair is used.
    assert Config(auth_method="access_token").access_token_id == FAKE_TOKEN_ID


def test_explicit_auth_method_with_missing_pair() -> None:
    with pytest.raises(ConfigError, match="missing access_token_secret"):
        Config(auth_method="access_token", access_token_id=FAKE_TOKEN_ID)


@pytest.mark.parametrize(
    ("value", "match"), [("cognito_refresh", "not supported"), ("magic", "invalid")]
)
def test_bad_auth_method(value: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        Config(auth_method=value, access_token_id="a" * 8, access_token_secret="b" * 8)


def test_no_credentials_anywhere() -> None:
    with pytest.raises(ConfigError, match="no credentials found") as info:
        Config()
    assert "RUNE_ACCESS_TOKEN_ID" in str(info.value)
    assert isinstance(info.value, ValueError)  # runeq raised ValueError


def test_numeric_looking_values_stay_strings(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c", "access_token_id: 0123\naccess_token_secret: 1e10\nother: [1, 2]\n"
    )
    cfg = Config(path)
    assert cfg.auth_headers["X-Rune-User-Access-Token-Id"] == "0123"
    assert cfg.auth_headers["X-Rune-User-Access-Token-Secret"] == "1e10"


def test_null_and_empty_values_are_absent(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c",
        f"access_token_id: {FAKE_TOKEN_ID}\naccess_token_secret: {FAKE_TOKEN_SECRET}\n"
        "client_key_id: null\nclient_access_key:\n",
    )
    assert Config(path).auth_method == "access_token"


@pytest.mark.parametrize("text", ["- a\n- b\n", "key: [unclosed\n"])
def test_malformed_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="config file"):
        Config(write(tmp_path / "c", text))


def test_non_string_value_in_file(tmp_path: Path) -> None:
    path = write(tmp_path / "c", "access_token_id: {a: b}\naccess_token_secret: x\n")
    with pytest.raises(ConfigError, match="access_token_id"):
        Config(path)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000",
        "http://127.0.0.1:8000",
        "http://127.1.2.3",
        "http://[::1]:9000",
        "https://stream.runelabs.io",
        "https://10.0.0.1:8443/prefix",
    ],
)
def test_allowed_urls(url: str) -> None:
    cfg = Config(access_token_id="a" * 8, access_token_secret="b" * 8, stream_url=url)
    assert cfg.stream_url == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("http://stream.runelabs.io", "plain http"),
        ("http://10.0.0.1", "plain http"),
        ("http://localhost.evil.test", "plain http"),
        ("ftp://stream.runelabs.io", "https"),
        ("stream.runelabs.io", "https"),
        ("https://user:pw@stream.runelabs.io", "user name or password"),
    ],
)
def test_refused_urls(url: str, match: str) -> None:
    with pytest.raises(ConfigError, match=match) as info:
        Config(access_token_id="a" * 8, access_token_secret="b" * 8, stream_url=url)
    assert "pw" not in str(info.value)


def test_refused_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNE_STREAM_URL", "http://stream.runelabs.io")
    with pytest.raises(ConfigError, match="stream_url from environment"):
        Config(access_token_id="a" * 8, access_token_secret="b" * 8)


def test_save_round_trip_runeq_format(hermetic_env: Path) -> None:
    cfg = Config(client_key_id=FAKE_KEY_ID, client_access_key=FAKE_ACCESS_KEY)
    path = cfg.save()
    assert path == hermetic_env / ".rune" / "config"
    data = yaml.safe_load(path.read_text())
    assert data == {
        "auth_method": "client_keys",  # runeq's spelling, so runeq can read the file too
        "client_key_id": FAKE_KEY_ID,
        "client_access_key": FAKE_ACCESS_KEY,
        "stream_url": "https://stream.runelabs.io",
        "graph_url": "https://graph.runelabs.io",
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    again = Config()
    assert again.auth_headers == cfg.auth_headers


def test_save_tightens_existing_default_dir(hermetic_env: Path) -> None:
    (hermetic_env / ".rune").mkdir(mode=0o755)
    (hermetic_env / ".rune").chmod(0o755)
    save_config_file({"access_token_id": "x"})
    assert stat.S_IMODE((hermetic_env / ".rune").stat().st_mode) == 0o700


def test_save_config_file_explicit_path_and_load(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "config"
    written = save_config_file(
        {"access_token_id": FAKE_TOKEN_ID, "access_token_secret": None, "extra": "kept"}, path
    )
    assert written == path
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config_file(path) == {"access_token_id": FAKE_TOKEN_ID, "extra": "kept"}
    assert not [p for p in path.parent.iterdir() if p.name != "config"]  # no temp file left


def test_save_overwrites_loose_existing_file_with_0600(tmp_path: Path) -> None:
    path = write(tmp_path / "config", "old: 1\n")
    path.chmod(0o644)
    save_config_file({"access_token_id": "x"}, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_config_file(path) == {"access_token_id": "x"}


def test_save_rejects_non_string(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be a string"):
        save_config_file({"page_size": 3}, tmp_path / "c")  # type: ignore[dict-item]


def test_load_empty_file(tmp_path: Path) -> None:
    assert load_config_file(write(tmp_path / "c", "")) == {}
