"""``session.stream_metadata``: runeq 0.18's ``runeq.resources.stream_metadata``.

Differences from runeq:

- ``get_stream_metadata`` always returns a :class:`~runestream.objects.StreamMetadataSet`
  (runeq returned a bare ``StreamMetadata`` when one stream was found), sends its batches of at
  most :data:`MAX_IDS_PER_REQUEST` ids concurrently, asks for each id once, and raises
  :class:`~runestream.NotFoundError` naming the ids the API did not return;
- ``get_patient_stream_metadata`` sends no ``get_patient`` request first (runeq spent a round
  trip on it): an unknown patient is the API's own error, or an empty set;
- parameter filters must be strings (checked before any request);
- the data-frame functions pass ``timezone_name`` on (runeq dropped it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from runestream.core._errors import NotFoundError, ValidationError
from runestream.core._parallel import run_parallel
from runestream.core._times import TimeLike
from runestream.objects import (
    Device,
    MetadataDataSource,
    Patient,
    StreamMetadata,
    StreamMetadataSet,
    StreamType,
    StreamTypeSet,
)
from runestream_graphql.fragments import StreamFields
from runestream_graphql.input_types import StreamParameterFilter, StreamQueryFilters

from ._api import GraphAPI, check_id, dump, malformed
from ._paging import follow_cursor

if TYPE_CHECKING:
    import pandas

__all__ = ["MAX_IDS_PER_REQUEST", "StreamMetadataNamespace", "stream_id_list"]

#: Most ids one ``streamListByIds`` request may carry (the API refuses more).
MAX_IDS_PER_REQUEST: Final = 100


def stream_id_list(stream_ids: str | Iterable[str], parameter: str = "stream_ids") -> list[str]:
    """One id or an iterable of ids as a list without repeats (first occurrence kept).

    Raises:
        ValidationError: Not a string or iterable of non-empty strings, or empty.
    """
    if isinstance(stream_ids, str):
        given: list[object] = [stream_ids]
    elif isinstance(stream_ids, Iterable):
        given = list(stream_ids)
    else:
        raise ValidationError(
            f"{parameter} must be a stream id or an iterable of ids, not "
            f"{type(stream_ids).__name__}",
            parameter=parameter,
        )
    if not given:
        raise ValidationError(f"{parameter} must name at least one stream", parameter=parameter)
    return list(dict.fromkeys(check_id(s, parameter) for s in given))


def _parameter_filters(parameters: dict[str, object]) -> list[StreamParameterFilter]:
    filters = []
    for key, value in parameters.items():
        if not isinstance(value, str):
            raise ValidationError(
                f"stream parameter {key}={value!r} must be a string (parameters match exactly, "
                "as text)",
                parameter=key,
            )
        filters.append(StreamParameterFilter(key=key, value=value))
    return filters


class StreamMetadataNamespace:
    """Stream types and stream metadata; data frames of streams by id."""

    def __init__(self, api: GraphAPI) -> None:
        self._api = api

    def _stream(self, stream: StreamFields) -> StreamMetadata:
        return StreamMetadata.from_graphql(dump(stream), _session=self._api.source)

    def get_all_stream_types(self) -> StreamTypeSet:
        """Every stream type, with its dimensions."""
        listing = self._api.client.get_stream_types().stream_type_list
        if listing is None:
            malformed("stream type list")
        source = self._api.source
        types = (
            StreamType.from_graphql(dump(t), _session=source)
            for t in listing.stream_types or ()
            if t
        )
        return StreamTypeSet(types, _session=source)

    def get_stream_metadata(self, stream_ids: str | Iterable[str]) -> StreamMetadataSet:
        """The metadata of these streams (one id or many), always as a set, in the given order.

        Raises:
            NotFoundError: Some ids were not found (the message names them).
        """
        ids = stream_id_list(stream_ids)
        batches = [
            ids[i : i + MAX_IDS_PER_REQUEST] for i in range(0, len(ids), MAX_IDS_PER_REQUEST)
        ]

        def fetch(batch: list[str]) -> list[StreamFields]:
            listing = self._api.client.get_stream_list_by_ids(
                stream_ids=list(batch)
            ).stream_list_by_ids
            if listing is None:
                malformed("stream list")
            return [s for s in listing.streams or () if s is not None]

        found: dict[str, StreamMetadata] = {}
        for streams in run_parallel(batches, fetch, workers=self._api.workers):
            for stream in streams:
                found.setdefault(stream.id, self._stream(stream))
        absent = [i for i in ids if i not in found]
        if absent:
            raise NotFoundError(
                f"{len(absent)} stream id(s) not found: {', '.join(absent)}",
                error_type="NotFoundError",
            )
        return StreamMetadataSet((found[i] for i in ids), _session=self._api.source)

    def get_patient_stream_metadata(
        self,
        patient_id: str,
        device_id: str | None = None,
        stream_type_id: str | None = None,
        algorithm: str | None = None,
        category: str | None = None,
        measurement: str | None = None,
        **parameters: str,
    ) -> StreamMetadataSet:
        """A patient's streams matching ALL the given filters (every page).

        Args:
            patient_id: The patient (either form).
            device_id: A device of the patient (short or long form).
            stream_type_id: A stream type id.
            algorithm: The versioned label of the process that made the stream.
            category: The ``category`` parameter (e.g. ``neural``, ``vitals``).
            measurement: The ``measurement`` parameter (e.g. ``heart_rate``).
            **parameters: Other parameters that must match exactly (strings).
        """
        check_id(patient_id, "patient_id")
        named = {"category": category, "measurement": measurement}
        wanted: dict[str, object] = dict(parameters)
        wanted.update({k: v for k, v in named.items() if v is not None})
        filters = StreamQueryFilters(
            patientId=Patient.normalize_id(patient_id),
            deviceId=(
                Device.denormalize_id(patient_id, check_id(device_id, "device_id"))
                if device_id is not None
                else None
            ),
            streamTypeId=stream_type_id,
            algorithm=algorithm,
            parameters=list(_parameter_filters(wanted)),
        )

        def fetch(cursor: str | None) -> tuple[Iterable[StreamFields], str | None]:
            listing = self._api.client.get_stream_list(cursor=cursor, filters=filters).stream_list
            if listing is None:
                return (), None
            return [s for s in listing.streams or () if s], listing.page_info.end_cursor

        streams = follow_cursor(fetch, what=f"the streams of patient {patient_id}")
        return StreamMetadataSet((self._stream(s) for s in streams), _session=self._api.source)

    def get_stream_dataframe(
        self,
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
        *,
        timezone_name: str | None = None,
        stream_client: MetadataDataSource | None = None,
    ) -> pandas.DataFrame:
        """The data of these streams with their metadata as one frame (runeq's columns:
        ``time, <dimensions>, measurement_duration_ns, stream_id, stream_type_id, patient_id,
        device_id, algorithm, <parameters>``); see ``StreamMetadataSet.get_stream_dataframe``
        (``stream_client``: fetch the data through another session's data source)."""
        return self.get_stream_metadata(stream_ids).get_stream_dataframe(
            start_time=start_time,
            start_time_ns=start_time_ns,
            end_time=end_time,
            end_time_ns=end_time_ns,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            translate_enums=translate_enums,
            stream_client=stream_client,
            timezone_name=timezone_name,
        )

    def get_stream_availability_dataframe(
        self,
        stream_ids: str | Iterable[str],
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        batch_operation: str | None = None,
        limit: int | None = None,
        page_token: str | None = None,
        timestamp: str | None = "iso",
        timezone: int | None = None,
        *,
        timezone_name: str | None = None,
        stream_client: MetadataDataSource | None = None,
    ) -> pandas.DataFrame:
        """Availability as a frame: of one stream with its metadata columns, or of several
        combined (``time, availability``, with ``batch_operation`` ``any`` / ``all``), as
        runeq's (``stream_client`` as for :meth:`get_stream_dataframe`)."""
        streams = self.get_stream_metadata(stream_ids)
        common: dict[str, Any] = {
            "start_time": start_time,
            "end_time": end_time,
            "resolution": resolution,
            "limit": limit,
            "page_token": page_token,
            "timestamp": timestamp,
            "timezone": timezone,
            "stream_client": stream_client,
            "timezone_name": timezone_name,
        }
        if len(streams) == 1:
            (only,) = list(streams)
            return only.get_stream_availability_dataframe(**common)
        return streams.get_batch_availability_dataframe(batch_operation=batch_operation, **common)

    def __repr__(self) -> str:
        return "StreamMetadataNamespace()"
