"""runeq's ``StreamMetadata`` / ``StreamMetadataSet`` (``runeq/resources/stream_metadata.py``).

The data methods (``iter_stream_data``, ``get_stream_dataframe``,
``get_stream_availability_dataframe``, ``get_batch_availability_dataframe``) keep runeq's
signatures (plus a keyword ``timezone_name``, which runeq's helpers dropped) and delegate to a
:class:`~runestream.objects.MetadataDataSource` (see ``_hook``); nothing here sends a request.

Different from runeq, deliberately:

* No global clients: a method uses ``stream_client=`` (``client=``), else the object's session,
  else the one its streams share; with none, :class:`~runestream.objects.NoSessionError`.
* ``from_graphql`` keeps the ``parameters`` dict complete, but does not copy a parameter whose
  key is a field name (``id``, ``algorithm``, ``device_id``, ...) to the top level: runeq let
  such a parameter overwrite the field (or failed with ``TypeError``).
* ``patient_id`` is kept normalized (bare), whichever form the API answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from runestream.core._times import TimeLike

from ._base import ItemBase, ItemSet
from ._frames import Kind, Schema, require_pandas, table_frame
from ._hook import TypedDataSource, dask_source, resolve_source, typed_source
from ._patient import Device, Patient
from ._stream_type import StreamType

if TYPE_CHECKING:
    import os
    from pathlib import Path
    from typing import Literal

    import dask.dataframe
    import pandas
    import pyarrow  # type: ignore[import-untyped]

    from runestream.core._config import Config

    from ._hook import MetadataDataSource

__all__ = ["StreamMetadata", "StreamMetadataSet"]

#: Names a parameter is not copied to the top level under (the fields, and ``id``).
_FIELD_NAMES = frozenset(
    {
        "id",
        "created_at",
        "algorithm",
        "device_id",
        "patient_id",
        "stream_type",
        "min_time",
        "max_time",
        "parameters",
        "_session",
    }
)


class StreamMetadata(ItemBase):
    """Metadata of a stream (a timeseries), with methods that fetch its data.

    Args:
        id: Stream ID (64 hex characters).
        created_at: When the stream was created (unix seconds).
        algorithm: Versioned label of the process that derived the timeseries.
        device_id: The device's short id.
        patient_id: Patient ID.
        stream_type: The stream's type (its dimensions are the data's columns).
        min_time: Earliest timestamp of the data (unix seconds).
        max_time: Latest timestamp of the data (unix seconds).
        parameters: Key/value labels of the stream (``category``, ``measurement``, ...).
        **attributes: Other attributes: :meth:`from_graphql` passes each parameter again
            here, so ``stream["category"]`` and ``filter(category=...)`` read it (as in runeq).
    """

    def __init__(
        self,
        id: str,
        created_at: float | None,
        algorithm: str | None,
        device_id: str,
        patient_id: str,
        stream_type: StreamType,
        min_time: float | None,
        max_time: float | None,
        parameters: dict[str, str],
        **attributes: Any,
    ) -> None:
        self.created_at = created_at
        self.algorithm = algorithm
        self.device_id = device_id
        self.patient_id = patient_id
        self.stream_type = stream_type
        self.min_time = min_time
        self.max_time = max_time
        self.parameters = parameters
        super().__init__(
            id=id,
            created_at=created_at,
            algorithm=algorithm,
            device_id=device_id,
            patient_id=patient_id,
            stream_type=stream_type,
            min_time=min_time,
            max_time=max_time,
            parameters=parameters,
            **attributes,
        )

    def to_dict(self) -> dict[str, Any]:
        """The attributes, ``stream_type`` as its dict."""
        attrs = dict(self._attributes)
        attrs["stream_type"] = self.stream_type.to_dict()
        return attrs

    @classmethod
    def from_graphql(
        cls, data: Mapping[str, Any], *, _session: MetadataDataSource | None = None
    ) -> StreamMetadata:
        """Build from a ``streams`` entry of runeq's ``getStreamList`` / ``getStreamListByIds``
        queries.

        ``data`` is ``{id, created_at, algorithm, device_id, patient_id, streamType: {...},
        parameters: [{key, value}], min_time, max_time}`` (runeq's aliases). ``device_id`` (the
        long form ``patient-<pid>,device-<id>``) becomes the short id; ``streamType`` becomes
        ``stream_type`` (:meth:`StreamType.from_graphql`); the parameters become the
        ``parameters`` dict and top-level attributes (module docstring for the exception).
        """
        attrs = dict(data)
        stream_type = StreamType.from_graphql(attrs.pop("streamType"), _session=_session)
        attrs["device_id"] = Device.normalize_id(attrs["device_id"])
        attrs["patient_id"] = Patient.normalize_id(attrs["patient_id"])
        parameters: dict[str, str] = {}
        for param in attrs.pop("parameters", None) or ():
            parameters[param["key"]] = param["value"]
        for key, value in parameters.items():
            if key not in _FIELD_NAMES:
                attrs[key] = value
        return cls(stream_type=stream_type, parameters=parameters, _session=_session, **attrs)

    # data (delegated to the session) -----------------------------------------------------

    def iter_stream_data(
        self,
        start_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time: TimeLike | None = None,
        end_time_ns: int | None = None,
        format: str | None = "csv",
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        translate_enums: bool | None = True,
        client: MetadataDataSource | None = None,
        *,
        timezone_name: str | None = None,
    ) -> Iterator[str | dict[str, Any]]:
        """Each page of this stream's data (``GET /v2/streams/{stream_id}``): CSV text, or a
        dict with ``format="json"``.

        Args: as runeq's; ``client`` is a runestream session (default: this stream's);
        ``timezone_name`` an IANA zone (not with ``timezone``).

        Raises:
            NoSessionError: no session is attached and none was given.
        """
        source = resolve_source(
            "StreamMetadata.iter_stream_data", client, self._session, parameter="client"
        )
        return source.iter_stream_data(
            self,
            start_time=start_time,
            start_time_ns=start_time_ns,
            end_time=end_time,
            end_time_ns=end_time_ns,
            format=format,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
        )

    def get_stream_dataframe(
        self,
        start_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time: TimeLike | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        translate_enums: bool | None = True,
        stream_client: MetadataDataSource | None = None,
        *,
        timezone_name: str | None = None,
    ) -> pandas.DataFrame:
        """This stream's data with its metadata columns, as runeq's (``time, <dimensions>,
        measurement_duration_ns, stream_id, stream_type_id, patient_id, device_id, algorithm,
        <parameters>``).

        Raises:
            NoSessionError: no session is attached and none was given.
        """
        source = resolve_source("StreamMetadata.get_stream_dataframe", stream_client, self._session)
        return source.stream_dataframe(
            [self],
            start_time=start_time,
            start_time_ns=start_time_ns,
            end_time=end_time,
            end_time_ns=end_time_ns,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
        )

    def get_stream_availability_dataframe(
        self,
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        stream_client: MetadataDataSource | None = None,
        *,
        timezone_name: str | None = None,
    ) -> pandas.DataFrame:
        """This stream's availability (``GET /v2/streams/{stream_id}/availability``) with its
        metadata columns, as runeq's.

        Raises:
            NoSessionError: no session is attached and none was given.
        """
        source = resolve_source(
            "StreamMetadata.get_stream_availability_dataframe", stream_client, self._session
        )
        return source.stream_availability_dataframe(
            self,
            start_time=start_time,
            end_time=end_time,
            resolution=resolution,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
        )


class StreamMetadataSet(ItemSet[StreamMetadata]):
    """A collection of stream metadata, with filters and data methods over all its streams."""

    _item_class: ClassVar[type[ItemBase]] = StreamMetadata
    _schema: ClassVar[Schema] = (
        ("created_at", Kind.FLOAT),
        ("algorithm", Kind.STR),
        ("device_id", Kind.STR),
        ("patient_id", Kind.STR),
        ("stream_type", Kind.OBJECT),
        ("min_time", Kind.FLOAT),
        ("max_time", Kind.FLOAT),
        ("parameters", Kind.OBJECT),
        ("id", Kind.STR),
    )

    def filter(
        self,
        stream_id: str | None = None,
        patient_id: str | None = None,
        device_id: str | None = None,
        stream_type_id: str | None = None,
        algorithm: str | None = None,
        category: str | None = None,
        measurement: str | None = None,
        filter_function: Callable[[StreamMetadata], bool] | None = None,
        **parameters: Any,
    ) -> StreamMetadataSet:
        """The streams matching **all** the given criteria, as a new set (with this set's
        session), in this set's order.

        Each criterion is an exact match; an omitted (or empty) one matches everything, as in
        runeq. ``category``, ``measurement`` and ``**parameters`` compare the stream's
        top-level attributes (its flattened parameters), so ``axis="x"`` keeps the streams
        whose parameter ``axis`` is ``"x"``. ``filter_function(stream)`` must return true too.
        """
        kept = StreamMetadataSet(_session=self._session)
        for stream in self._items.values():
            if (
                (not stream_id or stream.id == stream_id)
                and (not patient_id or stream.patient_id == patient_id)
                and (not device_id or stream.device_id == device_id)
                and (not stream_type_id or stream.stream_type.id == stream_type_id)
                and (not algorithm or stream.algorithm == algorithm)
                and (not category or stream.get("category") == category)
                and (not measurement or stream.get("measurement") == measurement)
                and all(stream.get(name) == value for name, value in parameters.items())
                and (not filter_function or filter_function(stream))
            ):
                kept.add(stream)
        return kept

    def _source(self, method: str, given: object | None) -> MetadataDataSource:
        return resolve_source(
            f"StreamMetadataSet.{method}",
            given,
            self._session,
            (stream._session for stream in self._items.values()),
        )

    def get_stream_dataframe(
        self,
        start_time: TimeLike | None = None,
        start_time_ns: int | None = None,
        end_time: TimeLike | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        translate_enums: bool | None = True,
        stream_client: MetadataDataSource | None = None,
        *,
        timezone_name: str | None = None,
    ) -> pandas.DataFrame:
        """Data of every stream in the set as one frame with metadata columns (runeq's order:
        ``time, <dimensions>, measurement_duration_ns, stream_id, stream_type_id, patient_id,
        device_id, algorithm, <parameters>``); ``limit`` and ``page_token`` apply per stream.

        Raises:
            NoSessionError: no session is attached (to the set or shared by its streams) and
                none was given.
        """
        return self._source("get_stream_dataframe", stream_client).stream_dataframe(
            list(self._items.values()),
            start_time=start_time,
            start_time_ns=start_time_ns,
            end_time=end_time,
            end_time_ns=end_time_ns,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
        )

    def get_batch_availability_dataframe(
        self,
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        batch_operation: str | None = None,
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        stream_client: MetadataDataSource | None = None,
        *,
        timezone_name: str | None = None,
    ) -> pandas.DataFrame:
        """Availability of **all** or **any** (``batch_operation``) of the set's streams
        (``GET /v2/batch/availability``), columns ``time, availability``.

        Raises:
            NoSessionError: no session is attached (to the set or shared by its streams) and
                none was given.
        """
        return self._source(
            "get_batch_availability_dataframe", stream_client
        ).batch_availability_dataframe(
            list(self._items.values()),
            start_time=start_time,
            end_time=end_time,
            resolution=resolution,
            batch_operation=batch_operation,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
        )

    def _typed(self, method: str, given: object | None) -> TypedDataSource:
        return typed_source(f"StreamMetadataSet.{method}", self._source(method, given))

    def to_arrow(
        self,
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int | None = None,
        deadline: float | None = None,
        stream_client: MetadataDataSource | None = None,
    ) -> pyarrow.Table:
        """The data of every stream in the set with its metadata, as one typed Arrow table.

        The fast path beside :meth:`get_stream_dataframe`: the streams are fetched
        concurrently (``workers`` at once) as CSV with exact nanosecond times and assembled
        once; columns in runeq's order (``time, <dimensions>, measurement_duration_ns,
        stream_id, stream_type_id, patient_id, device_id, algorithm, <parameters>``) with
        ``time`` a ``timestamp[ns, UTC]`` (or ``timezone_name``'s zone) and every metadata
        column dictionary-encoded (one small integer per row, not a string). A parameter
        whose key is a dimension's or a metadata column's name is left out (it would hide
        that column). ``limit`` applies per stream.

        Raises:
            NoSessionError: no session is attached and none was given.
            ValidationError: An argument is invalid (before any request).
        """
        return self._typed("to_arrow", stream_client).stream_table(
            list(self._items.values()),
            start_time=start_time,
            end_time=end_time,
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            limit=limit,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            workers=workers,
            deadline=deadline,
        )

    def to_pandas(
        self,
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int | None = None,
        deadline: float | None = None,
        stream_client: MetadataDataSource | None = None,
    ) -> pandas.DataFrame:
        """:meth:`to_arrow` as a ``pandas.DataFrame``: ``time`` ``datetime64[ns, tz]``, the
        metadata columns categorical.

        The table is converted column by column and released as it goes
        (:func:`~runestream.objects._frames.table_frame`), so that it and the frame are not
        held in full at once; the frame equals ``to_arrow(...).to_pandas()``."""
        require_pandas("StreamMetadataSet.to_pandas")
        # The table is passed on without a name here, so table_frame holds its only reference.
        return table_frame(
            self.to_arrow(
                start_time,
                end_time,
                start_time_ns=start_time_ns,
                end_time_ns=end_time_ns,
                limit=limit,
                timezone_name=timezone_name,
                translate_enums=translate_enums,
                workers=workers,
                deadline=deadline,
                stream_client=stream_client,
            )
        )

    def to_parquet(
        self,
        path: str | os.PathLike[str],
        start_time: TimeLike | None = None,
        end_time: TimeLike | None = None,
        *,
        start_time_ns: int | None = None,
        end_time_ns: int | None = None,
        limit: int | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        workers: int | None = None,
        deadline: float | None = None,
        compression: str = "zstd",
        stream_client: MetadataDataSource | None = None,
    ) -> Path:
        """:meth:`to_arrow`'s table written to one Parquet file page by page (bounded memory;
        the file appears only when complete, never partial)."""
        return self._typed("to_parquet", stream_client).write_streams(
            path,
            list(self._items.values()),
            format="parquet",
            start_time=start_time,
            end_time=end_time,
            start_time_ns=start_time_ns,
            end_time_ns=end_time_ns,
            limit=limit,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            workers=workers,
            deadline=deadline,
            compression=compression,
        )

    def to_dask(
        self,
        start_time: TimeLike,
        end_time: TimeLike,
        *,
        partition: str = "1D",
        index: Literal[None, "time"] = None,
        config: Config | None = None,
        timezone_name: str | None = None,
        translate_enums: bool = True,
        max_attempts: int | None = None,
        timeout: float | None = None,
        stream_client: MetadataDataSource | None = None,
    ) -> dask.dataframe.DataFrame:
        """The set's data as a lazy ``dask.dataframe.DataFrame``:
        ``runestream.dask.read_streams(self, ...)`` (the same graph and result; see there).

        One partition per stream and ``partition`` window (``index=None``: ``time`` a
        column, divisions unknown), or per window with every stream's rows sorted by time
        (``index="time"``: known divisions). Building it sends no request. The session only
        chooses the implementation: the workers build their own sessions, from their own
        ``Config()`` unless ``config`` is given (it then travels pickled in the graph).

        Raises:
            NoSessionError: no session is attached and none was given.
            ImportError: Dask is not installed (the ``runestream[dask]`` extra).
            ValidationError: An argument is invalid (before any request).
        """
        source = dask_source("StreamMetadataSet.to_dask", self._source("to_dask", stream_client))
        return source.dask_frame(
            list(self._items.values()),
            start_time=start_time,
            end_time=end_time,
            partition=partition,
            index=index,
            config=config,
            timezone_name=timezone_name,
            translate_enums=translate_enums,
            max_attempts=max_attempts,
            timeout=timeout,
        )
