"""CSV pages to typed Arrow tables; schema unification; atomic writers."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from runestream import APIError, CSVParseError
from runestream.core._csv import (
    column_type,
    concat_tables,
    csv_text,
    first_content_byte,
    parse_csv_page,
)
from runestream.core._outputs import atomic_output, write_csv_pages, write_parquet_tables

BAND_POWER = (
    b"timestamp,algorithm,anatomy,band,channel,sensor,power\n"
    b"1590706257.554,medtronic-percept-1,STN,16.4hz-19.8hz,2,7-5,-4.5\n"
    b"1590706258.554,medtronic-percept-1,GPi,8.5hz-9.6hz,12345678,0-2,\n"
)
PATH = "/v1/band_power.csv?device_id=d1"


def test_textual_columns_stay_strings_values_are_float64() -> None:
    table = parse_csv_page(BAND_POWER, page=1, path=PATH)
    assert table.schema == pa.schema(
        [
            ("timestamp", pa.float64()),
            ("algorithm", pa.string()),
            ("anatomy", pa.string()),
            ("band", pa.string()),
            ("channel", pa.string()),
            ("sensor", pa.string()),
            ("power", pa.float64()),
        ]
    )
    data = table.to_pydict()
    assert data["sensor"] == ["7-5", "0-2"]
    assert data["band"] == ["16.4hz-19.8hz", "8.5hz-9.6hz"]
    assert data["channel"] == ["2", "12345678"]
    assert data["power"] == [-4.5, None]  # empty cell -> null
    assert data["timestamp"] == [1590706257.554, 1590706258.554]


def test_integer_looking_values_are_float64_and_ids_strings() -> None:
    page = b"time,device_id,patient_id,id,bpm\n1,12345678,00042,987,60\n2,12345678,00042,988,\n"
    table = parse_csv_page(page)
    assert table.schema.field("time").type == pa.float64()
    assert table.schema.field("bpm").type == pa.float64()
    assert table.column("device_id").to_pylist() == ["12345678", "12345678"]
    assert table.column("patient_id").to_pylist() == ["00042", "00042"]  # leading zeros kept
    assert table.column("id").to_pylist() == ["987", "988"]
    assert table.column("bpm").to_pylist() == [60.0, None]


@pytest.mark.parametrize("fmt", ["datetime", "iso"])
def test_string_timestamps(fmt: str) -> None:
    page = b"time,x\n2024-05-01T00:00:00.000Z,1\n2024-05-01T00:00:01.000Z,2\n"
    table = parse_csv_page(page, timestamps=fmt)
    assert table.schema.field("time").type == pa.string()
    assert table.column("time")[0].as_py() == "2024-05-01T00:00:00.000Z"
    assert column_type("timestamp", timestamps=fmt) == pa.string()


def test_non_numeric_value_column_becomes_string() -> None:
    page = b"time,mode,amplitude\n1,on,1.5\n2,off,\n3,,2\n"
    table = parse_csv_page(page)
    assert table.schema.field("mode").type == pa.string()
    assert table.column("mode").to_pylist() == ["on", "off", None]
    assert table.schema.field("amplitude").type == pa.float64()


def test_header_only_page_is_typed_and_empty() -> None:
    table = parse_csv_page(b"timestamp,algorithm,potential\n")
    assert table.num_rows == 0
    assert table.schema == pa.schema(
        [("timestamp", pa.float64()), ("algorithm", pa.string()), ("potential", pa.float64())]
    )
    assert parse_csv_page(b"time,x").num_columns == 2  # no trailing newline


@pytest.mark.parametrize("body", [b"", b"\n", b"  \r\n"])
def test_empty_page_has_no_columns(body: bytes) -> None:
    table = parse_csv_page(body)
    assert table.num_columns == 0 and table.num_rows == 0


def test_crlf_line_endings() -> None:
    table = parse_csv_page(b"time,x\r\n1,2\r\n")
    assert table.to_pydict() == {"time": [1.0], "x": [2.0]}


@pytest.mark.parametrize(
    "body",
    [
        b"time,x,y\n1,2,3\n4,5\n",  # short row
        b"time,x\n1,2\n3,4,5\n",  # long row
        b"time,,y\n1,2,3\n",  # empty column name
        b"time,x,x\n1,2,3\n",  # repeated column name
        b"time,x\n1,\xff\xfe\n",  # not UTF-8
    ],
)
def test_malformed_page_names_page_and_path(body: bytes) -> None:
    with pytest.raises(CSVParseError) as info:
        parse_csv_page(body, page=3, path=PATH)
    assert f"CSV page 3 of {PATH}" in str(info.value)
    assert info.value.path == PATH


def test_error_envelope_instead_of_csv_is_an_api_error() -> None:
    body = b'{"success": false, "error": {"message": "bad token", "type": "BadRequest"}}'
    with pytest.raises(APIError, match="bad token") as info:
        parse_csv_page(body, page=2, path=PATH)
    assert info.value.error_type == "BadRequest"
    assert not isinstance(info.value, CSVParseError)


def test_concat_unifies_schemas() -> None:
    first = parse_csv_page(b"time,state,x\n1,1,1\n")
    second = parse_csv_page(b"time,state,x\n2,on,\n")
    empty = parse_csv_page(b"")
    header_only = parse_csv_page(b"time,state,x\n")
    table = concat_tables([first, empty, header_only, second])
    assert table.schema.field("state").type == pa.string()
    assert table.column("state").to_pylist() == ["1", "on"]
    assert table.column("x").to_pylist() == [1.0, None]
    assert concat_tables([empty]).num_columns == 0
    assert concat_tables([]).num_columns == 0


def test_concat_refuses_another_set_of_columns_and_matches_reordered_ones_by_name() -> None:
    # A changed set of columns is refused (it used to be unioned, null-filled): issue 11.3.
    with pytest.raises(CSVParseError, match=r"table 2: columns 'time,b' differ from table 1's"):
        concat_tables([parse_csv_page(b"time,a\n1,1\n"), parse_csv_page(b"time,b\n2,2\n")])
    table = concat_tables(
        [parse_csv_page(b"time,a,b\n1,1,x\n"), parse_csv_page(b"b,time,a\n3,2,2\n")]
    )
    assert table.to_pydict() == {"time": [1.0, 2.0], "a": [1.0, 2.0], "b": ["x", "3"]}


def test_csv_text() -> None:
    assert csv_text("time,anatomy\n1,Gpi\u00e9\n".encode()) == "time,anatomy\n1,Gpi\u00e9\n"


# --- writers --------------------------------------------------------------------------------


def _pages(*bodies: bytes) -> list[tuple[int, str, bytes]]:
    return [(i + 1, PATH, body) for i, body in enumerate(bodies)]


def test_write_csv_pages_one_header_rows_byte_exact(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    pages = _pages(b"time,x\n1,0.10\n", b"time,x\n", b"", b"time,x\n2,0.20", b"time,x\n3,3\n")
    assert write_csv_pages(pages, target) == target
    assert target.read_bytes() == b"time,x\n1,0.10\n2,0.20\n3,3\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_csv_pages_header_mismatch(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(CSVParseError, match="CSV page 2"):
        write_csv_pages(_pages(b"time,x\n1,1\n", b"time,y\n2,2\n"), target)
    assert list(tmp_path.iterdir()) == []


def test_write_csv_pages_validation_failure_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old contents")

    def validate(number: int, path: str, data: bytes) -> None:
        parse_csv_page(data, page=number, path=path)

    with pytest.raises(CSVParseError, match="CSV page 2"):
        write_csv_pages(_pages(b"time,x\n1,1\n", b"time,x\n1,2,3\n"), target, validate=validate)
    assert target.read_bytes() == b"old contents"  # the previous file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_csv_all_empty_pages_gives_empty_file(tmp_path: Path) -> None:
    target = write_csv_pages(_pages(b"", b""), tmp_path / "out.csv")
    assert target.read_bytes() == b""


def test_write_parquet_tables(tmp_path: Path) -> None:
    tables = [
        (1, PATH, parse_csv_page(b"time,sensor,x\n1,7-5,1\n")),
        (2, PATH, parse_csv_page(b"")),
        (3, PATH, parse_csv_page(b"time,sensor,x\n2,0-2,\n")),
    ]
    target = write_parquet_tables(tables, tmp_path / "out.parquet")
    table = pq.read_table(target)
    assert table.to_pydict() == {"time": [1.0, 2.0], "sensor": ["7-5", "0-2"], "x": [1.0, None]}
    assert table.schema.field("sensor").type == pa.string()
    assert [p.name for p in tmp_path.iterdir()] == ["out.parquet"]


def test_write_parquet_incompatible_page(tmp_path: Path) -> None:
    tables = [
        (1, PATH, parse_csv_page(b"time,mode\n1,1\n")),
        (2, PATH, parse_csv_page(b"time,mode\n2,on\n")),
    ]
    with pytest.raises(CSVParseError, match=r"CSV page 2 .*'mode'"):
        write_parquet_tables(tables, tmp_path / "out.parquet")
    assert list(tmp_path.iterdir()) == []


def test_write_parquet_all_empty(tmp_path: Path) -> None:
    target = write_parquet_tables([(1, PATH, parse_csv_page(b""))], tmp_path / "out.parquet")
    assert pq.read_table(target).num_columns == 0


def test_atomic_output_removes_temp_on_interrupt(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as (temp, out):
        out.write(b"partial")
        assert temp.exists() and temp.parent == tmp_path
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), atomic_output(tmp_path / "nope" / "out.csv"):
        pass


# --- no whole-page copies ----------------------------------------------------------------------


@given(
    st.binary(max_size=12) | st.lists(st.sampled_from(list(b" \t\n\r\x0b\x0c{a\x00"))).map(bytes)
)
def test_first_content_byte_agrees_with_strip(data: bytes) -> None:
    index = first_content_byte(data)
    stripped = data.strip()
    assert (index < 0) == (not stripped)
    if index >= 0:
        assert data[index:] == data.lstrip()


@pytest.mark.parametrize("body", [b" \x0b\x0c\t\r\n", b"\x0b{}", b"\n\n  {"])
def test_blank_and_envelope_detection_ignore_the_same_whitespace_as_strip(body: bytes) -> None:
    if not body.strip():
        assert parse_csv_page(body).num_columns == 0
    else:
        with pytest.raises((APIError, CSVParseError)):
            parse_csv_page(body)


PAGE = b"time,x,y,z\n" + b"1565304080.125,0.5,-0.25,0.75\n" * (1 << 16)  # ~2 MiB
BLANK_PAGE = b"\n" * len(PAGE)


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def traced_growth(call: Callable[[], object]) -> int:
    """The most traced memory ``call`` held on top of what was there before it."""
    before, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    call()
    _, peak = tracemalloc.get_traced_memory()
    return peak - before


@pytest.mark.usefixtures("traced")
@pytest.mark.parametrize("body", [PAGE, BLANK_PAGE], ids=["rows", "blank"])
def test_parse_csv_page_does_not_copy_the_page(body: bytes) -> None:
    parse_csv_page(body)  # warm up; pyarrow's own buffers are not traced, a bytes copy would be
    assert traced_growth(lambda: parse_csv_page(body)) < len(body) // 8


@pytest.mark.usefixtures("traced")
def test_write_csv_pages_does_not_copy_pages(tmp_path: Path) -> None:
    pages = [(n, PATH, PAGE) for n in range(1, 5)] + [(5, PATH, BLANK_PAGE)]

    def validate(_number: int, _path: str, data: bytes) -> object:
        return parse_csv_page(data)

    target = tmp_path / "out.csv"
    write_csv_pages(pages[:1], target, validate=validate)
    assert traced_growth(lambda: write_csv_pages(pages, target, validate=validate)) < len(PAGE) // 8
    assert target.stat().st_size == len(PAGE) + 3 * (len(PAGE) - len(b"time,x,y,z\n"))
