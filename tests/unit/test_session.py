"""download_session: streamed to disk, length-checked, restarted, atomic, errors raised."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import runestream
from runestream import Config, ValidationError, build_generated_client, download_session
from runestream.core._retry import STREAM_EXTENSION

from .conftest import FAKE_TOKEN_SECRET, ChunkStream, Recorder

CHUNK = 64 * 1024
BODY = bytes(range(256)) * (CHUNK // 256) * 40 + b"tail"  # ~2.5 MiB, not a chunk multiple


class CountingStream(ChunkStream):
    """Records how many chunks have been handed out, to prove the body is streamed."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        super().__init__(chunks, error)
        self.yielded = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.yielded += 1
            yield chunk
        if self.error is not None:
            raise self.error


def chunks(body: bytes, size: int = CHUNK) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def body_response(body: bytes = BODY, *, length: int | None = None, **kw: object) -> httpx.Response:
    headers = {"Content-Type": "application/octet-stream"}
    headers["Content-Length"] = str(len(body) if length is None else length)
    return httpx.Response(200, headers=headers, stream=ChunkStream(chunks(body), **kw))  # type: ignore[arg-type]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture
def sleeps() -> list[float]:
    return []


def make_client(config: Config, recorder: Recorder, sleeps: list[float]) -> object:
    return build_generated_client(
        config, transport=recorder.transport, sleep=sleeps.append, rand=lambda: 1.0
    )


def test_streams_in_chunks_to_the_target(config: Config, tmp_path: Path) -> None:
    stream = CountingStream(chunks(BODY))
    recorder = Recorder(
        lambda _: httpx.Response(200, headers={"Content-Length": str(len(BODY))}, stream=stream)
    )
    progress: list[tuple[int, int | None, int]] = []
    client = build_generated_client(config, transport=recorder.transport)
    target = tmp_path / "accel.bin"
    result = download_session(
        client,
        session_id="dataset-abc",
        stream_name="metadata",
        path=target,
        chunk_size=CHUNK,
        progress=lambda done, total: progress.append((done, total, stream.yielded)),
    )
    assert result == target
    assert target.read_bytes() == BODY
    assert leftovers(tmp_path) == ["accel.bin"]
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # like cp (test_file_modes.py)
    # Streamed: progress was reported while most of the body had not been produced yet.
    assert progress[0] == (0, len(BODY), 1) or progress[0][:2] == (0, len(BODY))
    assert progress[1][2] < len(stream.chunks)
    assert [p[0] for p in progress] == sorted(p[0] for p in progress)
    assert progress[-1][:2] == (len(BODY), len(BODY))

    (request,) = recorder.requests
    assert request.url.path == "/v1/session"
    assert dict(request.url.params) == {"session_id": "dataset-abc", "stream_name": "metadata"}
    assert request.extensions[STREAM_EXTENSION] is True
    assert request.headers["x-rune-user-access-token-secret"] == FAKE_TOKEN_SECRET


def test_directory_target_uses_stream_name(config: Config, tmp_path: Path) -> None:
    recorder = Recorder(lambda _: body_response(b"abc"))
    client = build_generated_client(config, transport=recorder.transport)
    result = download_session(client, session_id="d", stream_name="raw/../x y", path=tmp_path)
    assert result == tmp_path / "raw_.._x_y"
    assert result.read_bytes() == b"abc"


def test_httpx_client_accepted_and_no_content_length(config: Config, tmp_path: Path) -> None:
    recorder = Recorder(lambda _: httpx.Response(200, stream=ChunkStream([b"ab", b"cd"])))
    http = build_generated_client(config, transport=recorder.transport).get_httpx_client()
    totals: list[int | None] = []
    download_session(
        http,
        session_id="d",
        stream_name="s",
        path=tmp_path / "f",
        progress=lambda _, total: totals.append(total),
    )
    assert (tmp_path / "f").read_bytes() == b"abcd"
    assert set(totals) == {None}


def test_length_mismatch_restarts_from_scratch(
    config: Config, tmp_path: Path, sleeps: list[float]
) -> None:
    recorder = Recorder(
        lambda _: body_response(BODY[:1000], length=len(BODY)), lambda _: body_response()
    )
    client = make_client(config, recorder, sleeps)
    path = download_session(client, session_id="d", stream_name="s", path=tmp_path / "out")  # type: ignore[arg-type]
    assert path.read_bytes() == BODY  # not the short attempt followed by the full one
    assert len(recorder.requests) == 2
    assert sleeps == [0.5]
    assert leftovers(tmp_path) == ["out"]


def test_cut_connection_restarts_from_scratch(
    config: Config, tmp_path: Path, sleeps: list[float]
) -> None:
    cut = httpx.RemoteProtocolError("peer closed connection without sending complete body")
    recorder = Recorder(
        lambda _: body_response(BODY[: CHUNK * 3], length=len(BODY), error=cut),
        lambda _: body_response(BODY[:10], length=len(BODY), error=httpx.ReadError("reset")),
        lambda _: body_response(),
    )
    client = make_client(config, recorder, sleeps)
    path = download_session(client, session_id="d", stream_name="s", path=tmp_path / "out")  # type: ignore[arg-type]
    assert path.read_bytes() == BODY
    assert len(recorder.requests) == 3
    assert sleeps == [0.5, 1.0]


def test_persistent_mismatch_raises_and_leaves_no_file(
    config: Config, tmp_path: Path, sleeps: list[float]
) -> None:
    existing = tmp_path / "out"
    existing.write_bytes(b"previous complete download")
    recorder = Recorder(lambda _: body_response(BODY[:100], length=len(BODY)))
    client = make_client(config, recorder, sleeps)
    with pytest.raises(runestream.IncompleteResponseError, match="after 4 attempts") as info:
        download_session(client, session_id="d", stream_name="s", path=existing)  # type: ignore[arg-type]
    assert len(recorder.requests) == 4
    assert existing.read_bytes() == b"previous complete download"  # untouched
    assert leftovers(tmp_path) == ["out"]  # no partial or temp file
    assert info.value.path == "/v1/session?session_id=d&stream_name=s"


def test_not_found_envelope_raises_without_a_file(config: Config, tmp_path: Path) -> None:
    envelope = {
        "success": False,
        "error": {"message": "dataset not found", "type": "NotFound"},
        "result": None,
    }
    recorder = Recorder(httpx.Response(404, json=envelope))
    client = build_generated_client(config, transport=recorder.transport)
    with pytest.raises(runestream.NotFoundError) as info:
        download_session(client, session_id="d", stream_name="s", path=tmp_path / "out")
    assert info.value.message == "dataset not found"
    assert info.value.error_type == "NotFound"
    assert len(recorder.requests) == 1
    assert leftovers(tmp_path) == []


def test_error_with_plain_httpx_client(tmp_path: Path) -> None:
    envelope = {"success": False, "error": {"message": "nope", "type": "Forbidden"}}
    http = httpx.Client(
        base_url="https://s.test",
        transport=httpx.MockTransport(lambda _: httpx.Response(403, json=envelope)),
    )
    with pytest.raises(runestream.PermissionDeniedError, match="nope"):
        download_session(http, session_id="d", stream_name="s", path=tmp_path / "out")
    assert leftovers(tmp_path) == []


def test_status_before_body_is_retried_by_the_transport(
    config: Config, tmp_path: Path, sleeps: list[float]
) -> None:
    recorder = Recorder(httpx.Response(503), lambda _: body_response(b"xyz"))
    client = make_client(config, recorder, sleeps)
    path = download_session(client, session_id="d", stream_name="s", path=tmp_path / "o")  # type: ignore[arg-type]
    assert path.read_bytes() == b"xyz"
    assert len(recorder.requests) == 2


def test_interrupt_leaves_no_partial_file(config: Config, tmp_path: Path) -> None:
    recorder = Recorder(lambda _: body_response())
    client = build_generated_client(config, transport=recorder.transport)

    def progress(done: int, total: int | None) -> None:
        if done > CHUNK:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        download_session(
            client, session_id="d", stream_name="s", path=tmp_path / "o", progress=progress
        )
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"session_id": ""}, "session_id"),
        ({"stream_name": ""}, "stream_name"),
        ({"chunk_size": 0}, "chunk_size"),
    ],
)
def test_bad_arguments(
    config: Config, tmp_path: Path, kwargs: dict[str, object], parameter: str
) -> None:
    recorder = Recorder(lambda _: body_response(b"x"))
    client = build_generated_client(config, transport=recorder.transport)
    arguments: dict[str, object] = {"session_id": "d", "stream_name": "s", "path": tmp_path / "o"}
    arguments.update(kwargs)
    with pytest.raises(ValidationError) as info:
        download_session(client, **arguments)  # type: ignore[arg-type]
    assert info.value.parameter == parameter
    assert recorder.requests == []


def test_missing_directory(config: Config, tmp_path: Path) -> None:
    client = build_generated_client(config, transport=Recorder(lambda _: body_response()).transport)
    with pytest.raises(ValidationError, match="does not exist"):
        download_session(client, session_id="d", stream_name="s", path=tmp_path / "no" / "f")


@pytest.mark.parametrize("depth", [1, 2])
def test_trailing_slash_creates_the_directory(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, depth: int
) -> None:
    monkeypatch.chdir(tmp_path)
    recorder = Recorder(lambda _: body_response(b"abc"))
    client = build_generated_client(config, transport=recorder.transport)
    name = "/".join(["raw2"] * depth) + "/"
    result = download_session(client, session_id="d", stream_name="metadata", path="./" + name)
    directory = tmp_path.joinpath(*["raw2"] * depth)
    assert directory.is_dir()
    assert result.resolve() == directory / "metadata"
    assert (directory / "metadata").read_bytes() == b"abc"
    assert leftovers(directory) == ["metadata"]


def test_trailing_slash_on_a_file_is_refused_before_any_request(
    config: Config, tmp_path: Path
) -> None:
    (tmp_path / "raw2").write_bytes(b"keep")
    recorder = Recorder(lambda _: body_response(b"abc"))
    client = build_generated_client(config, transport=recorder.transport)
    with pytest.raises(ValidationError, match="not a directory") as info:
        download_session(client, session_id="d", stream_name="s", path=f"{tmp_path}/raw2/")
    assert info.value.parameter == "path"
    assert recorder.requests == []
    assert (tmp_path / "raw2").read_bytes() == b"keep"


def test_failed_download_removes_the_directory_it_created(config: Config, tmp_path: Path) -> None:
    envelope = {"success": False, "error": {"message": "no such dataset", "type": "NotFound"}}
    recorder = Recorder(httpx.Response(404, json=envelope))
    client = build_generated_client(config, transport=recorder.transport)
    with pytest.raises(runestream.NotFoundError):
        download_session(client, session_id="d", stream_name="s", path=f"{tmp_path}/new/raw/")
    assert leftovers(tmp_path) == []
    (tmp_path / "there").mkdir()
    with pytest.raises(runestream.NotFoundError):
        download_session(client, session_id="d", stream_name="s", path=f"{tmp_path}/there/")
    assert leftovers(tmp_path) == ["there"]  # existing directories are never removed
