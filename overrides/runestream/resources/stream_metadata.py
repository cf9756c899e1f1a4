"""runeq's ``runeq.resources.stream_metadata``, on the default :class:`~runestream.Session` (or
``client=``; the data-frame functions take runeq's ``graph_client=`` and ``stream_client=``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._session_api import Session
from ..core._errors import ValidationError
from ..core._times import TimeLike
from ..graph import StreamMetadataNamespace
from ..objects import (
    Dimension,
    MetadataDataSource,
    StreamMetadata,
    StreamMetadataSet,
    StreamType,
    StreamTypeSet,
)
from ._choose import namespace_of

if TYPE_CHECKING:
    import pandas

__all__ = [
    "Dimension",
    "StreamMetadata",
    "StreamMetadataSet",
    "StreamType",
    "StreamTypeSet",
    "get_all_stream_types",
    "get_patient_stream_metadata",
    "get_stream_availability_dataframe",
    "get_stream_dataframe",
    "get_stream_metadata",
]

_Client = Session | StreamMetadataNamespace | None


def _ns(client: _Client, parameter: str = "client") -> StreamMetadataNamespace:
    return namespace_of(client, StreamMetadataNamespace, "stream_metadata", parameter)


def _source(stream_client: Session | MetadataDataSource | None) -> MetadataDataSource | None:
    """What the frames fetch data through: ``stream_client``'s, else the metadata's session."""
    if stream_client is None or isinstance(stream_client, MetadataDataSource):
        return stream_client
    if isinstance(stream_client, Session):
        return stream_client.metadata_source
    raise ValidationError(
        f"stream_client must be a runestream.Session, not {type(stream_client).__name__}",
        parameter="stream_client",
    )


def get_all_stream_types(client: _Client = None) -> StreamTypeSet:
    """Every stream type; see :meth:`StreamMetadataNamespace.get_all_stream_types`."""
    return _ns(client).get_all_stream_types()


def get_stream_metadata(
    stream_ids: str | Iterable[str], client: _Client = None
) -> StreamMetadataSet:
    """Streams by id, always a set; see :meth:`StreamMetadataNamespace.get_stream_metadata`."""
    return _ns(client).get_stream_metadata(stream_ids)


def get_patient_stream_metadata(
    patient_id: str,
    device_id: str | None = None,
    stream_type_id: str | None = None,
    algorithm: str | None = None,
    category: str | None = None,
    measurement: str | None = None,
    client: _Client = None,
    **parameters: str,
) -> StreamMetadataSet:
    """A patient's streams matching every filter; see
    :meth:`StreamMetadataNamespace.get_patient_stream_metadata`."""
    return _ns(client).get_patient_stream_metadata(
        patient_id,
        device_id=device_id,
        stream_type_id=stream_type_id,
        algorithm=algorithm,
        category=category,
        measurement=measurement,
        **parameters,
    )


def get_stream_dataframe(
    stream_ids: str | Iterable[str],
    start_time: TimeLike | None = None,
    start_time_ns: int | None = None,
    end_time: TimeLike | None = None,
    end_time_ns: int | None = None,
    limit: int | None = None,
    page_token: str | None = None,
    timestamp: str | None = "iso",
    timezone: int | None = None,
    translate_enums: bool | None = True,
    stream_client: Session | MetadataDataSource | None = None,
    graph_client: _Client = None,
    *,
    timezone_name: str | None = None,
) -> pandas.DataFrame:
    """Streams' data with their metadata as one frame; see
    :meth:`StreamMetadataNamespace.get_stream_dataframe`."""
    return _ns(graph_client, "graph_client").get_stream_dataframe(
        stream_ids,
        start_time=start_time,
        start_time_ns=start_time_ns,
        end_time=end_time,
        end_time_ns=end_time_ns,
        limit=limit,
        page_token=page_token,
        timestamp=timestamp,
        timezone=timezone,
        translate_enums=translate_enums,
        timezone_name=timezone_name,
        stream_client=_source(stream_client),
    )


def get_stream_availability_dataframe(
    stream_ids: str | Iterable[str],
    start_time: TimeLike,
    end_time: TimeLike,
    resolution: int,
    batch_operation: str | None = None,
    limit: int | None = None,
    page_token: str | None = None,
    timestamp: str | None = "iso",
    timezone: int | None = None,
    stream_client: Session | MetadataDataSource | None = None,
    graph_client: _Client = None,
    *,
    timezone_name: str | None = None,
) -> pandas.DataFrame:
    """Availability as a frame (one stream with its metadata, or several combined); see
    :meth:`StreamMetadataNamespace.get_stream_availability_dataframe`."""
    return _ns(graph_client, "graph_client").get_stream_availability_dataframe(
        stream_ids,
        start_time=start_time,
        end_time=end_time,
        resolution=resolution,
        batch_operation=batch_operation,
        limit=limit,
        page_token=page_token,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
        stream_client=_source(stream_client),
    )
