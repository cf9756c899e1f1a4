"""What runs on a Dask worker: the credentials a partition's session is built from, one pooled
:class:`~runestream.Session` per worker process and credentials, and the partition reader.

Nothing here lets a secret reach a task key, a name or a repr: :class:`Credentials` and
:class:`ReadPartition` tokenize (``__dask_tokenize__``) as a random id drawn when the graph is
built, never as a hash of the credentials, and their reprs say ``<redacted>``.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pa_compute  # type: ignore[import-untyped]

from .._session_api import Session
from ..core._config import Config
from ..core._csv import conform_table
from ..core._logging import register_secret
from ..core._memory import arrow_memory_pool
from ..objects import StreamMetadata
from ..objects._hook import typed_source
from ..objects._stream_type import Dimension, StreamType

if TYPE_CHECKING:
    import pandas

__all__ = ["Credentials", "Part", "ReadPartition", "conform", "detached_spec"]


class Credentials:
    """The :class:`~runestream.Config` the workers build their sessions from, or ``None``: each
    worker's own ``Config()`` (its ``~/.rune/config``, ``$RUNE_CONFIG``, ``RUNE_*`` variables).

    An explicit Config travels **pickled inside the graph** (to the scheduler, then to each
    worker that runs a partition): the secret is in those messages' bytes, never in a key, a
    task name or a repr. Unpickled on a worker, its credential values are registered with the
    log redaction there too.
    """

    __slots__ = ("config", "token")

    def __init__(self, config: Config | None, token: str | None = None) -> None:
        self.config = config
        self.token = token or uuid.uuid4().hex

    def __dask_tokenize__(self) -> tuple[str, str]:
        return ("runestream-credentials", self.token)

    def __reduce__(self) -> tuple[Any, tuple[Config | None, str]]:
        return (_restore_credentials, (self.config, self.token))

    def __repr__(self) -> str:
        if self.config is None:
            return "Credentials(<the worker's own Config()>)"
        return f"Credentials(<redacted>, stream_url={self.config.stream_url!r})"


def _restore_credentials(config: Config | None, token: str) -> Credentials:
    if config is not None:
        for value in config.auth_headers.values():
            register_secret(value)
    return Credentials(config, token)


_SESSIONS: dict[tuple[str, tuple[tuple[str, Any], ...]], Session] = {}
_SESSIONS_LOCK = threading.Lock()


def _identity(config: Config) -> str:
    """What makes two configs the same session here: the URLs and credentials (a digest, kept
    in this process only), so reads and syncs with equal credentials share one session however
    many runs a long-lived worker serves (a per-run token would add a session per run), and a
    changed credential gets a new one."""
    digest = hashlib.sha256()
    for part in (config.stream_url, config.graph_url, *sorted(config.auth_headers.items())):
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def worker_session(credentials: Credentials, options: tuple[tuple[str, Any], ...]) -> Session:
    """This process's session for these credentials and options (built on first use, then
    reused by every partition the process runs, in this and later computations: one connection
    pool, the retry policy). Without an explicit Config, the worker's own ``Config()`` is read
    for each partition, so rotated credentials on the worker take effect."""
    config = credentials.config if credentials.config is not None else Config()
    key = (_identity(config), options)
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is None or session.closed:
            session = Session(config, **dict(options))
            _SESSIONS[key] = session
        return session


def detached_spec(stream: StreamMetadata) -> dict[str, Any]:
    """A stream's metadata as plain values (no session), to rebuild it on a worker."""
    return stream.to_dict()


def _rebuild(spec: dict[str, Any]) -> StreamMetadata:
    attrs = dict(spec)
    type_attrs = dict(attrs.pop("stream_type"))
    dimensions = [Dimension(**d) for d in type_attrs.pop("dimensions")]
    stream_type = StreamType(dimensions=dimensions, **type_attrs)
    return StreamMetadata(stream_type=stream_type, **attrs)


@dataclass(frozen=True)
class Part:
    """One partition: ``[start_ns, end_ns)`` of some streams (their metadata as plain values).

    One stream per partition without an index; every stream whose data may reach the window
    with ``index="time"``. No stream at all: the window cannot hold data (it lies outside every
    stream's ``min_time``/``max_time``), and the partition is empty without a request.
    """

    streams: tuple[tuple[str, dict[str, Any]], ...]
    start_ns: int
    end_ns: int

    def __dask_tokenize__(self) -> tuple[Any, ...]:
        return (tuple(stream_id for stream_id, _ in self.streams), self.start_ns, self.end_ns)

    def __repr__(self) -> str:
        if len(self.streams) == 1:
            return f"Part({self.streams[0][0][:12]}…, {self.start_ns}, {self.end_ns})"
        return f"Part({len(self.streams)} streams, {self.start_ns}, {self.end_ns})"


class ReadPartition:
    """The function of every partition: fetch its streams' window through the worker's session
    (``StreamMetadataSet.to_arrow``'s typed path) and shape it as the graph's ``meta``.

    With ``index="time"`` the rows are sorted by time (stably: rows of one time keep the set's
    stream order) and ``time`` becomes the index. A part without streams sends no request.
    """

    def __init__(
        self,
        credentials: Credentials,
        schema: pa.Schema,
        dictionaries: dict[str, list[str]],
        nullable: frozenset[str],
        *,
        timezone_name: str | None,
        translate_enums: bool,
        options: tuple[tuple[str, Any], ...],
        index: str | None = None,
    ) -> None:
        self.credentials = credentials
        self.schema = schema
        self.dictionaries = dictionaries
        self.nullable = nullable
        self.timezone_name = timezone_name
        self.translate_enums = translate_enums
        self.options = options
        self.index = index

    def __dask_tokenize__(self) -> tuple[Any, ...]:
        return (
            "runestream-read-partition",
            self.credentials.token,
            self.schema.to_string(),
            repr(sorted(self.dictionaries.items())),
            repr(sorted(self.nullable)),
            self.timezone_name,
            self.translate_enums,
            repr(self.options),
            self.index,
        )

    def __repr__(self) -> str:
        return f"ReadPartition({self.credentials!r}, {len(self.schema)} columns)"

    def __call__(self, part: Part) -> pandas.DataFrame:
        if not part.streams:  # outside every stream's data: nothing to ask for
            return self.shape(self.schema.empty_table())
        session = worker_session(self.credentials, self.options)
        source = session.metadata_source
        assert source is not None  # a Session always has one
        table = typed_source("runestream.dask.read_streams", source).stream_table(
            [_rebuild(spec) for _, spec in part.streams],
            start_time=None,
            end_time=None,
            start_time_ns=part.start_ns,
            end_time_ns=part.end_ns,
            limit=None,
            timezone_name=self.timezone_name,
            translate_enums=self.translate_enums,
            workers=1 if len(part.streams) == 1 else None,  # None: the session's frame_workers
            deadline=None,
        )
        return self.shape(table)

    def shape(self, table: pa.Table) -> pandas.DataFrame:
        """``table`` as this graph's partitions are: conformed, converted, indexed."""
        table = conform(table, self.schema, self.dictionaries)
        if self.index is None:
            return to_frame(table, self.nullable)
        # sort_indices is stable: rows of one time keep their order (the set's stream order)
        pool = arrow_memory_pool()
        order = pa_compute.sort_indices(
            table, sort_keys=[(self.index, "ascending")], memory_pool=pool
        )
        table = pa_compute.take(table, order, memory_pool=pool)
        return to_frame(table, self.nullable).set_index(self.index)


def to_frame(table: pa.Table, nullable: frozenset[str] = frozenset()) -> pandas.DataFrame:
    """A conformed table as pandas, converted as ``StreamMetadataSet.to_pandas`` converts,
    except the ``nullable`` integer columns: pandas ``Int64`` (exact, nulls as ``<NA>``), so
    that a partition with a missing value keeps the dtype of one without."""
    import pandas as pd

    pool = arrow_memory_pool()
    frame: pandas.DataFrame = table.to_pandas(memory_pool=pool)
    mapper = {pa.int64(): pd.Int64Dtype()}.get
    for name in nullable:
        column = pa.table({name: table.column(name)}).to_pandas(
            types_mapper=mapper, memory_pool=pool
        )
        frame[name] = column[name]
    return frame


def conform(table: pa.Table, schema: pa.Schema, dictionaries: dict[str, list[str]]) -> pa.Table:
    """``table`` with exactly ``schema``'s columns, in order, of its types.

    A column the table lacks is all null; a dictionary column is re-encoded over
    ``dictionaries[name]`` (the set's values, in the set's order), so every partition has the
    same categories; any other column is cast (int64 values where the stream type declares a
    float, say). Columns the schema does not name are dropped.
    """
    pool = arrow_memory_pool()
    plain = conform_table(table, pa.schema([f for f in schema if not _is_dictionary(f)]))
    columns: list[pa.Array | pa.ChunkedArray] = []
    for field in schema:
        if not _is_dictionary(field):
            columns.append(plain.column(field.name))
            continue
        values = pa.array(dictionaries[field.name], pa.string())
        if table.schema.get_field_index(field.name) >= 0:
            chunks = [_recode(c, values, pool) for c in table.column(field.name).chunks]
            indices = pa.chunked_array(chunks, pa.int32()).combine_chunks()
        else:
            indices = pa.nulls(table.num_rows, pa.int32())
        columns.append(pa.DictionaryArray.from_arrays(indices, values))
    return pa.Table.from_arrays(columns, schema=schema)


def _is_dictionary(field: pa.Field) -> bool:
    return bool(pa.types.is_dictionary(field.type))


def _recode(chunk: pa.Array, values: pa.Array, pool: Any) -> pa.Array:
    """``chunk``'s positions in ``values`` (int32, null where absent). A dictionary chunk (the
    metadata columns of the typed tables) is recoded through its small dictionary, one lookup
    per distinct value and a gather per row, never a string per row."""
    if pa.types.is_dictionary(chunk.type):
        text = pa_compute.cast(chunk.dictionary, pa.string(), memory_pool=pool)
        mapping = pa_compute.index_in(text, value_set=values, memory_pool=pool)
        found = pa_compute.take(mapping, chunk.indices, memory_pool=pool)
    else:
        text = pa_compute.cast(chunk, pa.string(), memory_pool=pool)
        found = pa_compute.index_in(text, value_set=values, memory_pool=pool)
    return pa_compute.cast(found, pa.int32(), memory_pool=pool)
