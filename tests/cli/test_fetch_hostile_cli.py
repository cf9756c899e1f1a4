"""``runestream fetch`` against a hostile server on 127.0.0.1: no wrong data with exit 0.

The server answers every page with 200 but changes what a page holds: a reordered header, a
changed set of columns, ragged rows, the JSON error envelope, an HTML proxy login page. Stdout
(``--output -``) gets the same checks as a file.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.cli.conftest import run_cli

FIRST = b"time,x,y,z\n1,1,2,3\n2,4,5,6\n"
ARGS = ["fetch", "accel", "--patient-id", "p1", "--device-id", "d1"]
ARGS += ["--start", "2024-05-02", "--end", "2024-05-03"]
ENVELOPE = {"success": False, "error": {"message": "token expired", "type": "Unauthorized"}}
LOGIN = b"<!DOCTYPE html><html><head><title>Proxy login</title></head><body>Sign in</body></html>"


class ScriptedServer:
    """Serve ``pages`` (``(content type, body)``) in token order, each with a 200."""

    def __init__(self) -> None:
        self.pages: list[tuple[str, bytes]] = []
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                index = int(query.get("next_page_token", ["0"])[0])
                content_type, body = pages[index]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if index + 1 < len(pages):
                    self.send_header("X-Rune-Next-Page-Token", str(index + 1))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def hostile() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


def fetch(
    hostile: ScriptedServer,
    pages: list[tuple[str, bytes]],
    output: str,
    cli_env: dict[str, str],
    tmp_path: Path,
) -> tuple[int, bytes, str]:
    """Run ``fetch -o OUTPUT`` against ``pages``; (exit code, the CSV written, stderr)."""
    hostile.pages[:] = pages
    env = {**cli_env, "RUNE_STREAM_URL": hostile.url}
    result = run_cli([*ARGS, "-o", output], env, tmp_path)
    if output == "-":
        written = result.stdout.encode()
    else:
        file = tmp_path / output
        written = file.read_bytes() if file.exists() else b""
    return result.returncode, written, result.stderr


OUTPUTS = ["-", "out.csv"]


def csv(body: bytes) -> tuple[str, bytes]:
    return ("text/csv", body)


@pytest.mark.parametrize("output", OUTPUTS)
def test_reordered_header_is_written_in_the_first_pages_order(
    hostile: ScriptedServer, cli_env: dict[str, str], tmp_path: Path, output: str
) -> None:
    pages = [csv(FIRST), csv(b""), csv(b"time,z,x,y\n3,30,10,20\n")]
    code, written, stderr = fetch(hostile, pages, output, cli_env, tmp_path)
    assert code == 0, stderr
    assert written == b"time,x,y,z\n1,1,2,3\n2,4,5,6\n3,10,20,30\n"
    assert "3 rows in 3 pages" in stderr


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (csv(b"time,x,y,q\n3,1,2,3\n"), ["CSV page 2", "'time,x,y,q'", "'time,x,y,z'"]),
        (csv(b"time,x,y\n3,1,2\n"), ["CSV page 2", "'time,x,y'", "'time,x,y,z'"]),
        (csv(b"time,x,y,z\n3,1,2\n"), ["CSV page 2", "Expected 4 columns, got 3"]),
        (("application/json", json.dumps(ENVELOPE).encode()), ["Unauthorized: token expired"]),
        (("text/csv", json.dumps(ENVELOPE).encode()), ["Unauthorized: token expired"]),
        (("text/html", LOGIN), ["CSV page 2", "not CSV", "Proxy login"]),
        (("text/plain", LOGIN), ["CSV page 2", "not CSV", "Proxy login"]),
    ],
    ids=["changed", "missing", "ragged", "envelope", "envelope-as-csv", "html", "html-untyped"],
)
def test_a_bad_second_page_fails_with_exit_4_and_is_never_written(
    hostile: ScriptedServer,
    cli_env: dict[str, str],
    tmp_path: Path,
    output: str,
    page: tuple[str, bytes],
    expected: list[str],
) -> None:
    code, written, stderr = fetch(hostile, [csv(FIRST), page], output, cli_env, tmp_path)
    assert code == 4, stderr
    for text in expected:
        assert text in stderr, stderr
    assert "Traceback" not in stderr
    if output == "-":
        assert written == FIRST  # the pages before the bad one, nothing of it
    else:
        assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == []


def test_a_first_page_that_is_not_csv_writes_nothing_to_stdout(
    hostile: ScriptedServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    code, written, stderr = fetch(hostile, [("text/html", LOGIN)], "-", cli_env, tmp_path)
    assert code == 4 and written == b"" and "not CSV" in stderr
