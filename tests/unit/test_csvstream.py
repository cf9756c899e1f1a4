"""CSV pages parsed while their bodies arrive: same tables as whole pages, restarts on breaks."""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Iterator

import httpx
import pyarrow as pa
import pytest

import runestream
from runestream import APIError, CSVParseError, IncompleteResponseError
from runestream.core._csv import parse_csv_page
from runestream.core._csvstream import PEEK_BYTES, NotNumericColumn, parse_csv_stream

from ._fakes import PagedServer, make_config, token_for

PATH = "/v1/accel.csv?device_id=d1"
WINDOW = {"patient_id": "p1", "device_id": "d1", "start_time": 1, "end_time": 2}


def accel_body(rows: int, *, crlf: bool = False, last_newline: bool = True) -> bytes:
    """An accel page of ``rows`` rows with a few empty cells (nulls)."""
    end = "\r\n" if crlf else "\n"
    lines = ["time,x,y,z"]
    for i in range(rows):
        x = "" if i % 997 == 0 else f"{(i % 200) / 100 - 1:.4f}"
        lines.append(f"{1714547501 + i / 100:.6f},{x},-0.3314,-0.9001")
    text = end.join(lines) + (end if last_newline else "")
    return text.encode()


BIG = accel_body(150_000)  # ~5 MiB: past the peek, several parse blocks
assert len(BIG) > 3 * PEEK_BYTES


def chunked(data: bytes, seed: int) -> Iterator[bytes]:
    """``data`` cut at random places (1 byte to 200 KiB per chunk)."""
    rng = random.Random(seed)
    position = 0
    while position < len(data):
        size = rng.choice([1, 7, 1000, 65_536, 200_000])
        yield data[position : position + size]
        position += size


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(
    "body",
    [
        BIG,
        accel_body(150_000, crlf=True),
        accel_body(150_000, last_newline=False),
        accel_body(10),  # small: parsed whole
        b"",
        b"time,x,y,z\n",
        b"time,x",
    ],
    ids=["big", "crlf", "no-last-newline", "small", "empty", "header-only", "header-no-newline"],
)
def test_the_table_is_the_one_of_the_whole_page(body: bytes, seed: int) -> None:
    streamed = parse_csv_stream(chunked(body, seed), page=2, path=PATH)
    whole = parse_csv_page(body, page=2, path=PATH)
    assert streamed.schema == whole.schema
    assert streamed.equals(whole)


def test_text_columns_and_string_timestamps_match_the_whole_page() -> None:
    lines = ["timestamp,channel,band,sensor,power"]
    lines += [
        f"2024-05-01T00:00:{i % 60:02d}Z,ch{i % 3},16.4hz-19.8hz,7-5,{i}" for i in range(80_000)
    ]
    body = ("\n".join(lines) + "\n").encode()
    assert len(body) > PEEK_BYTES
    streamed = parse_csv_stream(chunked(body, 1), timestamps="iso")
    assert streamed.equals(parse_csv_page(body, timestamps="iso"))
    assert streamed.schema.field("sensor").type == pa.string()


def test_a_late_text_value_in_a_numeric_column_asks_for_the_page_again() -> None:
    body = BIG[: BIG.rindex(b"\n", 0, len(BIG) - 100) + 1] + b"1.0,on,2.0,3.0\n"
    with pytest.raises(NotNumericColumn) as caught:
        parse_csv_stream(chunked(body, 0), page=3, path=PATH)
    assert caught.value.name == "x"
    again = parse_csv_stream(chunked(body, 0), page=3, path=PATH, text_columns={"x"})
    assert again.equals(parse_csv_page(body, page=3, path=PATH))
    assert again.schema.field("x").type == pa.string()


def test_a_ragged_row_late_in_the_page_names_the_page_and_path() -> None:
    body = BIG + b"1.0,2.0\n" + accel_body(10)[11:]
    with pytest.raises(CSVParseError, match=r"CSV page 4 of /v1/accel\.csv"):
        parse_csv_stream(chunked(body, 0), page=4, path=PATH)


@pytest.mark.parametrize("prefix", [b"\n\n", b"   ", b" \r\n"])
def test_a_big_page_with_a_blank_start_is_parsed_as_a_whole_page(prefix: bytes) -> None:
    body = prefix + BIG
    try:
        whole = parse_csv_page(body, page=5, path=PATH)
    except CSVParseError as exc:
        with pytest.raises(CSVParseError) as caught:
            parse_csv_stream(chunked(body, 2), page=5, path=PATH)
        # The same error; which bad row pyarrow's parse threads quote first may differ.
        assert str(caught.value).split(": ")[:3] == str(exc).split(": ")[:3]
    else:
        assert parse_csv_stream(chunked(body, 2), page=5, path=PATH).equals(whole)


def test_a_json_error_envelope_is_an_api_error() -> None:
    envelope = b'{"success": false, "error": {"type": "Throttled", "message": "slow down"}}'
    body = envelope + b" " * (2 * PEEK_BYTES)
    with pytest.raises(APIError, match="slow down") as caught:
        parse_csv_stream(chunked(body, 0), path=PATH)
    assert caught.value.error_type == "Throttled"


def test_a_failure_while_receiving_is_raised_as_is() -> None:
    def broken() -> Iterator[bytes]:
        yield BIG[: 3 * PEEK_BYTES]
        raise httpx.ReadError("connection reset")

    with pytest.raises(httpx.ReadError, match="connection reset"):
        parse_csv_stream(broken())


def test_the_whole_body_is_never_held_at_once() -> None:
    rows = accel_body(1000)[len(b"time,x,y,z\n") :]
    body = b"time,x,y,z\n" + rows * 2000  # 2,000,000 rows, ~80 MB: a default-size page
    tracemalloc.start()  # traces Python objects only: the chunks and blocks, not Arrow's memory
    try:
        table = parse_csv_stream(body[i : i + 65_536] for i in range(0, len(body), 65_536))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.num_rows == 2_000_000
    # At most the peek and pyarrow's read-ahead of blocks, never a second copy of the body.
    assert peak < 0.6 * len(body), f"peak {peak / 2**20:.1f} MiB, body {len(body) / 2**20:.1f} MiB"


# --- through the client: restarts and retyping re-request the page ----------------------


class Body(httpx.SyncByteStream):
    """A response body sent in 64 KiB chunks, optionally breaking off after ``cut`` bytes."""

    def __init__(self, data: bytes, cut: int | None = None) -> None:
        self.data = data
        self.cut = cut

    def __iter__(self) -> Iterator[bytes]:
        end = len(self.data) if self.cut is None else self.cut
        for start in range(0, end, 65_536):
            yield self.data[start : min(start + 65_536, end)]
        if self.cut is not None:
            raise httpx.RemoteProtocolError("peer closed connection mid-body")


def streamed(
    data: bytes, *, cut: int | None = None, length: int | None = None, token: str | None = None
) -> httpx.Response:
    headers = {"Content-Type": "text/csv", "Content-Length": str(length or len(data))}
    if token is not None:
        headers["X-Rune-Next-Page-Token"] = token
    return httpx.Response(200, headers=headers, stream=Body(data, cut))


def retrying_client(server: PagedServer, attempts: int = 3) -> runestream.V1Client:
    policy = runestream.RetryPolicy(max_attempts=attempts, initial_backoff=0, max_backoff=0)
    return runestream.V1Client(
        make_config(), transport=httpx.MockTransport(server), retry_policy=policy
    )


def test_a_body_that_breaks_off_is_requested_again_from_the_start() -> None:
    answers = iter([streamed(BIG, cut=2 * PEEK_BYTES), streamed(BIG)])
    server = PagedServer([lambda request: next(answers)])
    table = retrying_client(server).Accel(**WINDOW).to_arrow()
    assert table.equals(parse_csv_page(BIG))  # no row lost or repeated
    assert len(server.requests) == 2
    assert server.requests[0].url == server.requests[1].url


def test_a_body_shorter_than_its_content_length_is_requested_again() -> None:
    short = BIG[: len(BIG) // 2]
    answers = iter([streamed(short, length=len(BIG)), streamed(BIG)])
    server = PagedServer([lambda request: next(answers)])
    table = retrying_client(server).Accel(**WINDOW).to_arrow()
    assert table.num_rows == 150_000
    assert len(server.requests) == 2


def test_a_body_that_always_breaks_off_fails_after_the_policy_attempts() -> None:
    server = PagedServer([lambda request: streamed(BIG, cut=2 * PEEK_BYTES)])
    with pytest.raises(IncompleteResponseError, match="after 3 attempts"):
        retrying_client(server).Accel(**WINDOW).to_arrow()
    assert len(server.requests) == 3


def test_a_late_text_column_rereads_the_page_once_without_using_an_attempt() -> None:
    body = BIG[: BIG.rindex(b"\n", 0, len(BIG) - 100) + 1] + b"1.0,2.0,on,3.0\n"
    server = PagedServer([lambda request: streamed(body)])
    table = retrying_client(server, attempts=1).Accel(**WINDOW).to_arrow()
    assert table.equals(parse_csv_page(body))
    assert table.schema.field("y").type == pa.string()
    assert len(server.requests) == 2


def test_on_page_sees_the_table_and_the_body_size() -> None:
    seen: list[tuple[int, int, bytes]] = []
    server = PagedServer([lambda request: streamed(BIG, token=token_for(1)), accel_body(5)])
    client = runestream.V1Client(
        make_config(),
        transport=httpx.MockTransport(server),
        on_page=lambda page: seen.append((page.size, page.table.num_rows, page.content)),
    )
    assert client.Accel(**WINDOW).to_arrow().num_rows == 150_005
    assert seen == [(len(BIG), 150_000, b""), (len(accel_body(5)), 5, b"")]


def test_a_ragged_row_mid_stream_fails_the_page_and_closes_its_response() -> None:
    cut = BIG.index(b"\n", 2 * PEEK_BYTES) + 1
    body = BIG[:cut] + b"1.0,2.0\n" + BIG[cut:]
    closed: list[bool] = []

    class Watched(Body):
        def close(self) -> None:
            closed.append(True)

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "text/csv", "Content-Length": str(len(body))}
        return httpx.Response(200, headers=headers, stream=Watched(body))

    server = PagedServer([answer])
    with pytest.raises(CSVParseError, match=r"CSV page 1 of /v1/accel\.csv\?patient_id=p1"):
        retrying_client(server).Accel(**WINDOW).to_arrow()
    assert len(server.requests) == 1  # a malformed page is not retried
    assert closed == [True]
