"""The manifest of a synced dataset: which (stream, day) partitions are complete, and their files.

``_runestream_manifest.json`` at the dataset root (a leading ``_``: pyarrow, DuckDB's
``**/*.parquet`` and polars never read it as data) holds, per partition directory
(``patient_id=…/stream_id=…/date=YYYY-MM-DD``), the row count, byte size and SHA-256 of its
``part.parquet`` (or ``file: null`` for a day without rows), and whether the day was complete
when fetched (a day still being recorded is ``complete: false`` and fetched again). It is
replaced atomically (temporary file, fsync, rename, fsync of the directory); a partition is
recorded only after its file has been renamed into place, so the manifest never names a file
that was not whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from ..core._outputs import atomic_output

__all__ = [
    "MANIFEST_NAME",
    "PART_NAME",
    "Entry",
    "Manifest",
    "fsync_directory",
    "sha256_of",
]

#: The manifest's file name at the dataset root.
MANIFEST_NAME: Final = "_runestream_manifest.json"
#: The one data file of a partition directory.
PART_NAME: Final = "part.parquet"
_FORMAT: Final = "runestream-sync"
_VERSION: Final = 1


@dataclass(frozen=True)
class Entry:
    """One partition as recorded: what its file must be."""

    rows: int
    bytes: int | None
    sha256: str | None
    file: str | None
    complete: bool
    synced_at: str
    #: The file's ``st_mtime_ns`` once in place (``None`` in manifests written before it was
    #: recorded: those files are hashed).
    mtime_ns: int | None = None


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Manifest:
    """The manifest of the dataset at ``root``, loaded on creation (empty if absent)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / MANIFEST_NAME
        self.partitions: dict[str, Entry] = {}
        self.streams: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            # An unreadable manifest only costs a refetch: nothing in it is trusted.
            raise ValueError(
                f"{self.path} is not a readable runestream manifest ({error}); move it away "
                "to sync the dataset again"
            ) from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ValueError(f"{self.path} is not a runestream sync manifest")
        if data.get("version") != _VERSION:
            raise ValueError(f"{self.path} has version {data.get('version')!r}, not {_VERSION}")
        try:
            for key, value in data.get("partitions", {}).items():
                self.partitions[key] = Entry(**value)
            self.streams = dict(data.get("streams", {}))
        except (TypeError, ValueError, AttributeError) as error:
            raise ValueError(
                f"{self.path} is not a readable runestream manifest (an entry is malformed: "
                f"{error}); move it away to sync the dataset again"
            ) from None

    def verified(self, key: str, *, verify: bool = False) -> bool:
        """Whether partition ``key`` is complete and its file is the one recorded.

        The file must exist with the recorded size; a file whose modification time is the one
        recorded when it was written is trusted without reading it, any other is read and
        must have the recorded SHA-256 (so also the recorded rows). ``verify`` reads and hashes
        every file (catches changes that kept the size and the modification time, such as
        bit rot or a copy with ``cp -p``). A day without rows must have no file.
        """
        entry = self.partitions.get(key)
        if entry is None or not entry.complete:
            return False
        part = self.root / key / PART_NAME
        if entry.file is None:
            return not part.exists()
        try:
            status = part.stat()
        except OSError:
            return False
        if status.st_size != entry.bytes:
            return False
        if not verify and entry.mtime_ns is not None and status.st_mtime_ns == entry.mtime_ns:
            return True
        return sha256_of(part) == entry.sha256

    def record(self, key: str, entry: Entry) -> None:
        """Record a partition whose file (if any) is in place."""
        self.partitions[key] = entry

    def save(self) -> None:
        """Replace the manifest file atomically (and durably)."""
        data = {
            "format": _FORMAT,
            "version": _VERSION,
            "updated_at": now_text(),
            "streams": self.streams,
            "partitions": {key: asdict(self.partitions[key]) for key in sorted(self.partitions)},
        }
        with atomic_output(self.path) as (_, out):
            out.write(json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
        fsync_directory(self.root)


def now_text() -> str:
    """The current UTC time as RFC 3339 text."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
