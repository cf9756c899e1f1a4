"""Every CSV output follows one column rule, and no 2xx body of the wrong shape becomes data.

* Columns of a later page in another order are matched by name (the output keeps the first
  page's order); a page with another set of columns raises ``CSVParseError`` naming the page
  and both headers — for ``to_arrow``, ``iter_arrow``, ``points``, ``to_parquet``, ``to_csv``,
  ``stream_csv`` and ``iter_csv_text`` alike, also across time chunks.
* A 2xx body that is not CSV (an HTML proxy page, a JSON error envelope) is an ``APIError``,
  on every CSV output and on the JSON endpoints; an envelope keeps the server's message and type.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from runestream import APIError, CSVParseError
from runestream.core._csvstream import PEEK_BYTES

from ._fakes import PagedServer, make_client

DEFAULTS = {"patient_id": "patient-1", "device_id": "device-1"}
WINDOW = {"start_time": 100, "end_time": 110}

FIRST = b"time,x,y,z\n1,1,2,3\n2,4,5,6\n"
REORDERED = b"time,z,x,y\n3,30,10,20\n"
EXPECTED = {"time": [1.0, 2.0, 3.0], "x": [1.0, 4.0, 10.0], "y": [2.0, 5.0, 20.0]}
EXPECTED["z"] = [3.0, 6.0, 30.0]


def _accel(pages: list[Any]) -> Any:
    return make_client(PagedServer(pages)).Accel(**DEFAULTS, **WINDOW)


def _stream(accel: Any, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    accel.stream_csv(out, **kwargs)
    return out.getvalue()


# Every output, as a function of (accessor, tmp_path) returning a pyarrow table (or the CSV
# bytes for the CSV outputs).
def _arrow(accel: Any, _: Path) -> Any:
    return accel.to_arrow()


def _iter_arrow(accel: Any, _: Path) -> Any:
    return pa.concat_tables([t for t in accel.iter_arrow() if t.num_columns])


def _points(accel: Any, _: Path) -> Any:
    return pa.Table.from_pylist(list(accel.points()))


def _parquet(accel: Any, tmp_path: Path) -> Any:
    return pq.read_table(accel.to_parquet(tmp_path / "out.parquet"))


def _csv(accel: Any, tmp_path: Path) -> Any:
    return accel.to_csv(tmp_path / "out.csv").read_bytes()


def _csv_unvalidated(accel: Any, tmp_path: Path) -> Any:
    return accel.to_csv(tmp_path / "out.csv", validate_pages=False).read_bytes()


def _stdout(accel: Any, _: Path) -> Any:
    return _stream(accel)


OUTPUTS: dict[str, Callable[[Any, Path], Any]] = {
    "to_arrow": _arrow,
    "iter_arrow": _iter_arrow,
    "points": _points,
    "to_parquet": _parquet,
    "to_csv": _csv,
    "to_csv-unvalidated": _csv_unvalidated,
    "stream_csv": _stdout,
}
CSV_OUTPUTS = {"to_csv", "to_csv-unvalidated", "stream_csv"}


@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_reordered_columns_are_matched_by_name(output: str, tmp_path: Path) -> None:
    result = OUTPUTS[output](_accel([FIRST, b"", REORDERED]), tmp_path)
    if output in CSV_OUTPUTS:
        assert result == b"time,x,y,z\n1,1,2,3\n2,4,5,6\n3,10,20,30\n"
    else:
        assert result.column_names == ["time", "x", "y", "z"]
        assert result.to_pydict() == EXPECTED


def test_iter_arrow_yields_later_pages_in_the_first_pages_order() -> None:
    tables = list(_accel([FIRST, REORDERED]).iter_arrow())
    assert [t.column_names for t in tables] == [["time", "x", "y", "z"]] * 2


def test_reordered_quoted_and_crlf_rows_keep_their_values(tmp_path: Path) -> None:
    first = b"time,sensor,x\r\n1,7-5,0.10\r\n"
    second = b'x,time,sensor\r\n0.20,2,"0-2"\r\n3e-1,3,1-1'
    accel = make_client(PagedServer([first, second])).State(
        **DEFAULTS, **WINDOW, event="e", fields="x,sensor"
    )
    written = accel.to_csv(tmp_path / "out.csv").read_bytes()
    assert written == b"time,sensor,x\r\n1,7-5,0.10\r\n2,0-2,0.20\n3,1-1,3e-1\n"


@pytest.mark.parametrize(
    "changed",
    [b"time,x,y,q\n3,1,2,3\n", b"time,x,y\n3,1,2\n", b"time,x,y,z,w\n3,1,2,3,4\n"],
    ids=["renamed", "missing", "extra"],
)
@pytest.mark.parametrize("output", sorted(OUTPUTS))
def test_changed_columns_raise_naming_page_and_both_headers(
    output: str, changed: bytes, tmp_path: Path
) -> None:
    with pytest.raises(CSVParseError) as info:
        OUTPUTS[output](_accel([FIRST, b"", changed]), tmp_path)
    message = str(info.value)
    assert "CSV page 3 of /v1/accel.csv" in message
    assert repr(changed.split(b"\n")[0].decode()) in message
    assert "'time,x,y,z'" in message and "page 1" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_iter_csv_text_refuses_a_changed_set_of_columns_but_keeps_reordered_pages() -> None:
    assert list(_accel([FIRST, REORDERED]).iter_csv_text()) == [
        FIRST.decode(),
        REORDERED.decode(),
    ]
    pages = _accel([FIRST, b"time,x,y,q\n3,1,2,3\n"]).iter_csv_text()
    assert next(pages) == FIRST.decode()
    with pytest.raises(CSVParseError, match=r"CSV page 2 .*'time,x,y,q'.*'time,x,y,z'"):
        next(pages)


def test_stream_csv_validates_pages_like_a_file() -> None:
    out = io.BytesIO()
    accel = _accel([FIRST, b"time,x,y,z\n3,1,2\n"])
    with pytest.raises(CSVParseError, match="CSV page 2"):
        accel.stream_csv(out)
    assert out.getvalue() == FIRST  # the ragged page was not written
    assert _stream(_accel([FIRST, b"", b"time,x,y,z\n"])) == FIRST
    assert _stream(_accel([b"", b""])) == b""


def test_stream_csv_returns_the_row_count() -> None:
    out = io.BytesIO()
    assert _accel([FIRST, REORDERED, b"time,x,y,z\n4,1,1,1"]).stream_csv(out) == 4
    assert out.getvalue().endswith(b"\n4,1,1,1\n")


class ChunkedSchemaServer:
    """Rows every second of [start_time, end_time); chunks from ``split`` on use ``late``."""

    def __init__(self, late: str, split: float = 104.0) -> None:
        self.late = late
        self.split = split

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        start, end = float(params["start_time"]), float(params["end_time"])
        header = self.late if start >= self.split else "time,x,y"
        names = header.split(",")
        rows = []
        for t in range(int(start), int(end)):
            value = {"time": str(t), "x": str(t * 10), "y": str(t * 100), "q": "0"}
            rows.append(",".join(value[name] for name in names))
        body = header + "\n" + "".join(row + "\n" for row in rows)
        return httpx.Response(200, headers={"Content-Type": "text/csv"}, content=body.encode())


def _chunked(late: str) -> Any:
    return make_client(ChunkedSchemaServer(late)).Accel(**DEFAULTS, start_time=100, end_time=112)


@pytest.mark.parametrize("method", ["to_arrow", "to_csv", "to_parquet"])
def test_reordered_columns_across_time_chunks(method: str, tmp_path: Path) -> None:
    one = _chunked("time,x,y").to_csv(tmp_path / "one.csv").read_bytes()
    accel = _chunked("y,time,x")
    if method == "to_arrow":
        table = accel.to_arrow(workers=3)
    elif method == "to_csv":
        assert accel.to_csv(tmp_path / "many.csv", workers=3).read_bytes() == one
        return
    else:
        table = pq.read_table(accel.to_parquet(tmp_path / "many.parquet", workers=3))
    assert table.column_names == ["time", "x", "y"]
    assert table.column("x").to_pylist() == [t * 10.0 for t in range(100, 112)]
    assert table.column("y").to_pylist() == [t * 100.0 for t in range(100, 112)]


@pytest.mark.parametrize("method", ["to_arrow", "to_csv", "to_parquet"])
def test_changed_columns_across_time_chunks_raise(method: str, tmp_path: Path) -> None:
    accel = _chunked("time,x,q")
    with pytest.raises(CSVParseError, match=r"time chunk 2.*'time,x,q'.*'time,x,y'"):
        if method == "to_arrow":
            accel.to_arrow(workers=3)
        else:
            getattr(accel, method)(tmp_path / "out", workers=3)
    assert list(tmp_path.iterdir()) == []


# --- 2xx bodies that are not CSV ---------------------------------------------------------------

LOGIN = b"<!DOCTYPE html>\n<html><head><title>Proxy login</title></head>\n<body>Sign in</body>\n"
ENVELOPE = {"success": False, "error": {"message": "token expired", "type": "Unauthorized"}}


def html_page(body: bytes = LOGIN, content_type: str | None = "text/html; charset=utf-8") -> Any:
    headers = {"Content-Type": content_type} if content_type else {}
    return httpx.Response(200, headers=headers, content=body)


def envelope_page(content_type: str = "application/json") -> httpx.Response:
    body = json.dumps({**ENVELOPE, "result": None}).encode()
    return httpx.Response(200, headers={"Content-Type": content_type}, content=body)


ALL_CSV_OUTPUTS: dict[str, Callable[[Any, Path], Any]] = {
    **OUTPUTS,
    "iter_csv_text": lambda accel, _: list(accel.iter_csv_text()),
    "iter_csv_availability": lambda accel, _: list(accel.iter_csv_availability()),
}


@pytest.mark.parametrize("output", sorted(ALL_CSV_OUTPUTS))
@pytest.mark.parametrize(
    "page",
    [
        html_page(),
        html_page(content_type=None),  # no Content-Type: the first bytes tell
        html_page(b"time,x\n1,2\n", content_type="text/html"),  # the type alone tells
        html_page(b"\n  <?xml version='1.0'?><Error>denied</Error>", content_type="text/plain"),
        html_page(LOGIN * (PEEK_BYTES // len(LOGIN) + 2)),  # larger than the streamed peek
    ],
    ids=["html", "html-untyped", "csv-typed-html", "xml", "large-html"],
)
def test_a_2xx_page_that_is_not_csv_is_an_api_error(
    output: str, page: httpx.Response, tmp_path: Path
) -> None:
    with pytest.raises(APIError) as info:
        ALL_CSV_OUTPUTS[output](_accel([FIRST, page]), tmp_path)
    assert not isinstance(info.value, CSVParseError)
    assert "page 2" in str(info.value) and "not CSV" in str(info.value)
    assert info.value.status_code == 200 and info.value.path is not None
    assert list(tmp_path.iterdir()) == []


def test_html_message_names_the_page_title() -> None:
    with pytest.raises(APIError, match="Proxy login"):
        _accel([html_page()]).to_arrow()


@pytest.mark.parametrize("output", sorted(ALL_CSV_OUTPUTS))
@pytest.mark.parametrize("content_type", ["application/json", "text/csv"])
def test_a_2xx_error_envelope_on_csv_keeps_type_and_message(
    output: str, content_type: str, tmp_path: Path
) -> None:
    with pytest.raises(APIError) as info:
        ALL_CSV_OUTPUTS[output](_accel([FIRST, envelope_page(content_type)]), tmp_path)
    assert info.value.message == "token expired"
    assert info.value.error_type == "Unauthorized"
    assert info.value.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_async_csv_pages_check_the_body_shape() -> None:
    server = PagedServer([FIRST, html_page()])
    client = make_client(server)
    v1 = type(client)(client.config, async_transport=server.transport, max_attempts=1)

    async def run() -> list[bytes]:
        return [page.content async for page in v1.Accel(**DEFAULTS, **WINDOW).async_pages("csv")]

    with pytest.raises(APIError, match=r"page 2.*not CSV"):
        asyncio.run(run())


# --- JSON endpoints ----------------------------------------------------------------------------

JSON_CALLS: dict[str, Callable[[Any], Any]] = {
    "iter_json_data": lambda v1: list(v1.Accel(**DEFAULTS, **WINDOW).iter_json_data()),
    "iter_json_availability": lambda v1: list(
        v1.Accel(**DEFAULTS, **WINDOW).iter_json_availability()
    ),
    "iter_events": lambda v1: list(v1.Event(patient_id="p", **WINDOW, event="x").iter_events()),
    "iter_spans": lambda v1: list(v1.Span(patient_id="p", **WINDOW).iter_spans()),
    "pages": lambda v1: list(v1.Accel(**DEFAULTS, **WINDOW).pages("json").iter_pages()),
}


@pytest.mark.parametrize("result", [None, {}], ids=["result-null", "result-empty"])
@pytest.mark.parametrize("call", sorted(JSON_CALLS))
def test_a_2xx_error_envelope_on_json_keeps_type_and_message(call: str, result: Any) -> None:
    body = json.dumps({**ENVELOPE, "result": result}).encode()
    page = httpx.Response(200, headers={"Content-Type": "application/json"}, content=body)
    with pytest.raises(APIError) as info:
        JSON_CALLS[call](make_client(PagedServer([page])))
    assert info.value.message == "token expired"
    assert info.value.error_type == "Unauthorized"
    assert info.value.status_code == 200


@pytest.mark.parametrize("call", sorted(JSON_CALLS))
def test_a_2xx_html_page_on_json_is_an_api_error(call: str) -> None:
    with pytest.raises(APIError, match=r"page 1.*not JSON.*Proxy login") as info:
        JSON_CALLS[call](make_client(PagedServer([html_page()])))
    assert info.value.status_code == 200
