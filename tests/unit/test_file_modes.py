"""Output files follow the umask like ``cp`` and shell redirection; a replaced file keeps its mode.

Every writer goes through one temporary-file helper (``runestream.core._files``): ``atomic_output``,
``to_csv``/``to_parquet`` (one query and parallel windows), CSV/Parquet page writers and session
downloads. The config file is the exception (``0600``, tested in ``test_config.py``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from runestream.core._csv import parse_csv_page
from runestream.core._files import create_temp_beside
from runestream.core._outputs import atomic_output, write_csv_pages, write_parquet_tables

from ._fakes import PagedServer, make_client
from .test_resources import ACCEL_PAGES, DEFAULTS, WINDOW, SeriesServer

PATH = "/v1/accel.csv"


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under a known umask, restored afterwards."""
    old = os.umask(request.param)
    try:
        yield int(request.param)
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def only_file(directory: Path) -> Path:
    (path,) = list(directory.iterdir())
    return path


def _atomic(target: Path) -> None:
    with atomic_output(target) as (_, out):
        out.write(b"data\n")


def _csv_pages(target: Path) -> None:
    write_csv_pages([(1, PATH, ACCEL_PAGES[0])], target)


def _parquet_tables(target: Path) -> None:
    write_parquet_tables([(1, PATH, parse_csv_page(ACCEL_PAGES[0]))], target)


def _to_csv(target: Path) -> None:
    make_client(PagedServer(ACCEL_PAGES)).Accel(**DEFAULTS, **WINDOW).to_csv(target)


def _to_parquet(target: Path) -> None:
    make_client(PagedServer(ACCEL_PAGES)).Accel(**DEFAULTS, **WINDOW).to_parquet(target)


def _to_csv_workers(target: Path) -> None:
    accel = make_client(SeriesServer()).Accel(**DEFAULTS, start_time=0, end_time=9, page_size=4)
    accel.to_csv(target, workers=3)


def _to_parquet_workers(target: Path) -> None:
    accel = make_client(SeriesServer()).Accel(**DEFAULTS, start_time=0, end_time=9, page_size=4)
    accel.to_parquet(target, workers=3)


def _session(target: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(b"raw-bytes"))

    with make_client(handler) as v1:
        v1.download_session(session_id="dataset-1", stream_name="metadata", path=target)


WRITERS: dict[str, Callable[[Path], None]] = {
    "atomic_output": _atomic,
    "write_csv_pages": _csv_pages,
    "write_parquet_tables": _parquet_tables,
    "to_csv": _to_csv,
    "to_parquet": _to_parquet,
    "to_csv_workers": _to_csv_workers,
    "to_parquet_workers": _to_parquet_workers,
    "download_session": _session,
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_new_file_follows_the_umask(tmp_path: Path, umask: int, writer: str) -> None:
    target = tmp_path / "out.file"
    WRITERS[writer](target)
    assert only_file(tmp_path) == target
    assert mode(target) == 0o666 & ~umask


@pytest.mark.parametrize("writer", list(WRITERS))
@pytest.mark.parametrize("existing", [0o644, 0o640, 0o600, 0o664])
def test_replaced_file_keeps_its_mode(
    tmp_path: Path, umask: int, writer: str, existing: int
) -> None:
    target = tmp_path / "out.file"
    target.write_bytes(b"old")
    target.chmod(existing)
    WRITERS[writer](target)
    assert only_file(tmp_path) == target
    assert target.read_bytes() != b"old"
    assert mode(target) == existing


def test_temp_file_is_hidden_beside_the_target_and_exclusive(tmp_path: Path) -> None:
    target = tmp_path / "accel.csv"
    names = set()
    for _ in range(20):
        fd, path = create_temp_beside(target, tag="3.")
        os.close(fd)
        assert path.parent == tmp_path
        assert path.name.startswith(".accel.csv.3.") and path.name.endswith(".part")
        names.add(path.name)
    assert len(names) == 20
    assert not target.exists()


def test_temp_file_never_follows_a_symlink_to_the_target(tmp_path: Path, umask: int) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"keep")
    elsewhere.chmod(0o600)
    target = tmp_path / "link.csv"
    target.symlink_to(elsewhere)
    # The link is replaced by the new file (the linked file is untouched); the new file takes
    # the mode of the file the link pointed at, as ``cp`` writing through the link would.
    _atomic(target)
    assert not target.is_symlink()
    assert elsewhere.read_bytes() == b"keep" and mode(elsewhere) == 0o600
    assert mode(target) == 0o600


def test_missing_directory_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        create_temp_beside(tmp_path / "nope" / "out.csv")
