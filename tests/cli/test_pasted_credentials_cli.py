"""The CLI with pasted credentials, proxies in the environment, and ``configure set`` checks."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import runestream_sandbox as rs
from tests.cli.conftest import run_cli

DAY = ["--start", "2024-05-02", "--end", "2024-05-03"]
WATCH = ["--patient-id", rs.PATIENT_ID, "--device-id", rs.WATCH_ID]


@pytest.mark.parametrize("pasted", [" {}", "{}\r", "{}\r\n", "\t{}  "])
def test_pasted_secret_with_surrounding_whitespace_works(
    pasted: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**cli_env, "RUNE_ACCESS_TOKEN_SECRET": pasted.format(rs.ACCESS_TOKEN_SECRET)}
    result = run_cli(["fetch", "accel", *WATCH, *DAY, "-o", "x.csv"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.csv").stat().st_size > 0


@pytest.mark.parametrize("inner", ["\r", "\x1b", "\x7f", "é"])
def test_secret_with_unsafe_characters_is_refused_without_showing_it(
    inner: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    secret = f"{rs.ACCESS_TOKEN_SECRET}{inner}tail-4c9d"
    env = {**cli_env, "RUNE_ACCESS_TOKEN_SECRET": secret}
    result = run_cli(["fetch", "accel", *WATCH, *DAY, "-o", "x.csv", "--debug"], env, tmp_path)
    assert result.returncode == 3, result.stderr
    assert "RUNE_ACCESS_TOKEN_SECRET" in result.stderr
    output = result.stderr + result.stdout
    assert rs.ACCESS_TOKEN_SECRET not in output and "tail-4c9d" not in output
    assert not (tmp_path / "x.csv").exists()


class _Proxy(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:  # http.server's name
        type(self).hits.append(self.path)
        body = b"time,x,y,z\n1,6,6,6\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Proxy,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY", "http_proxy"])
def test_proxy_in_environment_never_sees_loopback_traffic(
    variable: str, proxy: tuple[str, list[str]], cli_env: dict[str, str], tmp_path: Path
) -> None:
    url, hits = proxy
    env = {**cli_env, variable: url}
    result = run_cli(["fetch", "accel", *WATCH, *DAY, "-o", "x.csv"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert hits == []
    assert "6,6,6" not in (tmp_path / "x.csv").read_text()


def _home_env(tmp_path: Path) -> dict[str, str]:
    import os

    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNE_")}
    env["HOME"] = str(home)
    return env


def _file(tmp_path: Path) -> dict[str, str]:
    loaded: dict[str, str] = yaml.safe_load((tmp_path / "home" / ".rune" / "config").read_text())
    return loaded


def test_set_secret_on_argv_warns(tmp_path: Path) -> None:
    env = _home_env(tmp_path)
    result = run_cli(["configure", "set", "access_token_secret", "argv-secret-1234"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "shell history" in result.stderr and "prompted" in result.stderr
    assert "argv-secret-1234" not in result.stderr
    assert _file(tmp_path)["access_token_secret"] == "argv-secret-1234"


def test_set_without_value_reads_the_prompt(tmp_path: Path) -> None:
    env = _home_env(tmp_path)
    result = run_cli(
        ["configure", "set", "access_token_secret"], env, tmp_path, stdin="prompted-secret-99\r\n"
    )
    assert result.returncode == 0, result.stderr
    assert "shell history" not in result.stderr
    assert "prompted-secret-99" not in result.stderr + result.stdout
    assert _file(tmp_path)["access_token_secret"] == "prompted-secret-99"
    non_secret = run_cli(["configure", "set", "access_token_id", "id-7"], env, tmp_path)
    assert non_secret.returncode == 0 and "shell history" not in non_secret.stderr


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("stream_url", "http://stream.example.test", "plain http://"),
        ("stream_url", "ftp://stream.example.test", "https://"),
        ("graph_url", "https://user:pw@graph.example.test", "user name or password"),
        ("access_token_secret", "abc\x1bdef-secret", "control character"),
        ("access_token_id", "idé-123", "non-ASCII"),
        ("auth_method", "jwt", "not supported"),
        ("access_token_id", "   ", "empty"),
    ],
)
def test_set_refuses_bad_values_before_writing(
    key: str, value: str, expected: str, tmp_path: Path
) -> None:
    env = _home_env(tmp_path)
    result = run_cli(["configure", "set", key, value], env, tmp_path)
    assert result.returncode == 3, result.stderr
    assert key in result.stderr and expected in result.stderr
    if key.endswith("secret"):
        assert "def-secret" not in result.stderr
    assert not (tmp_path / "home" / ".rune" / "config").exists()


def test_set_strips_and_normalises(tmp_path: Path) -> None:
    env = _home_env(tmp_path)
    result = run_cli(["configure", "set", "stream_url", " https://s.example.test/ "], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert _file(tmp_path)["stream_url"] == "https://s.example.test"
