"""The seam between the metadata objects and whatever fetches stream data for them.

runeq's ``StreamMetadata`` / ``StreamMetadataSet`` fetch data through module-global clients (even
when they came from a ``runeq.Session``). Here no object reaches for a global: each holds an
optional private ``_session``, something that satisfies :class:`MetadataDataSource`, and its
network methods delegate to it. The objects themselves never send a request.

Which data source a call uses, first match wins:

1. the ``stream_client=`` (``client=`` for ``iter_stream_data``) argument, as in runeq;
2. the object's own ``_session`` (a set's, for set methods);
3. for a set without one, the ``_session`` its streams share (a set combined with ``update``
   from sets fetched through one session still works);

else :class:`~runestream.objects.NoSessionError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from runestream.core._errors import ValidationError
from runestream.core._times import TimeLike

from ._errors import NoSessionError

if TYPE_CHECKING:
    import os
    from pathlib import Path

    import dask.dataframe
    import pandas
    import pyarrow  # type: ignore[import-untyped]

    from runestream.core._config import Config

    from ._stream_metadata import StreamMetadata

__all__ = [
    "DaskDataSource",
    "MetadataDataSource",
    "TypedDataSource",
    "dask_source",
    "resolve_source",
    "typed_source",
]


@runtime_checkable
class MetadataDataSource(Protocol):
    """What the metadata objects need from a session to fetch stream data.

    Every argument is passed by keyword, with runeq's names and the caller's values unchanged
    (``None`` where the caller gave nothing); validating them, converting times, and the network
    are the implementation's job. ``timezone_name`` is passed too (runeq's data-frame helpers
    dropped it); ``limit`` and ``page_token`` are the caller's, and apply to each stream.
    An implementation may give its parameters defaults; it must accept these names.
    """

    def stream_dataframe(
        self,
        streams: Sequence[StreamMetadata],
        *,
        start_time: TimeLike | None,
        start_time_ns: int | None,
        end_time: TimeLike | None,
        end_time_ns: int | None,
        limit: int | None,
        page_token: str | None,
        timestamp: str | None,
        timezone: int | None,
        timezone_name: str | None,
        translate_enums: bool | None,
    ) -> pandas.DataFrame:
        """Data of ``streams`` as one frame, runeq's columns: ``time, <dimensions>,
        measurement_duration_ns, stream_id, stream_type_id, patient_id, device_id, algorithm,
        <parameters>`` (backs ``StreamMetadata(Set).get_stream_dataframe``)."""
        ...

    def stream_availability_dataframe(
        self,
        stream: StreamMetadata,
        *,
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        limit: int | None,
        page_token: str | None,
        timestamp: str | None,
        timezone: int | None,
        timezone_name: str | None,
    ) -> pandas.DataFrame:
        """Availability of one stream with its metadata columns (backs
        ``StreamMetadata.get_stream_availability_dataframe``)."""
        ...

    def batch_availability_dataframe(
        self,
        streams: Sequence[StreamMetadata],
        *,
        start_time: TimeLike,
        end_time: TimeLike,
        resolution: int,
        batch_operation: str | None,
        limit: int | None,
        page_token: str | None,
        timestamp: str | None,
        timezone: int | None,
        timezone_name: str | None,
    ) -> pandas.DataFrame:
        """Combined availability (``time, availability``) of ``streams`` (backs
        ``StreamMetadataSet.get_batch_availability_dataframe``)."""
        ...

    def iter_stream_data(
        self,
        stream: StreamMetadata,
        *,
        start_time: TimeLike | None,
        start_time_ns: int | None,
        end_time: TimeLike | None,
        end_time_ns: int | None,
        format: str | None,
        limit: int | None,
        page_token: str | None,
        timestamp: str | None,
        timezone: int | None,
        timezone_name: str | None,
        translate_enums: bool | None,
    ) -> Iterator[str | dict[str, Any]]:
        """Each page of one stream's data, CSV text or a JSON dict (backs
        ``StreamMetadata.iter_stream_data``)."""
        ...


@runtime_checkable
class TypedDataSource(Protocol):
    """What the typed paths of a set need besides :class:`MetadataDataSource`: Arrow tables
    (and files) of the streams' data with their metadata as dictionary-encoded columns (backs
    ``StreamMetadataSet.to_arrow`` / ``to_pandas`` / ``to_parquet``). Arguments by keyword,
    the caller's values unchanged; validation and the network are the implementation's."""

    def stream_table(
        self,
        streams: Sequence[StreamMetadata],
        *,
        start_time: TimeLike | None,
        end_time: TimeLike | None,
        start_time_ns: int | None,
        end_time_ns: int | None,
        limit: int | None,
        timezone_name: str | None,
        translate_enums: bool,
        workers: int | None,
        deadline: float | None,
    ) -> pyarrow.Table:
        """``time, <dimensions>, measurement_duration_ns, stream_id, stream_type_id,
        patient_id, device_id, algorithm, <parameters>`` of ``streams`` in one table."""
        ...

    def write_streams(
        self,
        path: str | os.PathLike[str],
        streams: Sequence[StreamMetadata],
        *,
        format: str,
        start_time: TimeLike | None,
        end_time: TimeLike | None,
        start_time_ns: int | None,
        end_time_ns: int | None,
        limit: int | None,
        timezone_name: str | None,
        translate_enums: bool,
        workers: int | None,
        deadline: float | None,
        compression: str,
    ) -> Path:
        """The same table written to ``path`` page by page (never a partial file)."""
        ...


@runtime_checkable
class DaskDataSource(Protocol):
    """What ``StreamMetadataSet.to_dask`` needs: a lazy Dask data frame of the streams' data
    (``runestream.dask.read_streams``'s). Optional: a source without it makes ``to_dask``
    raise :class:`NoSessionError`. Arguments by keyword, the caller's values unchanged."""

    def dask_frame(
        self,
        streams: Sequence[StreamMetadata],
        *,
        start_time: TimeLike,
        end_time: TimeLike,
        partition: str,
        index: str | None,
        config: Config | None,
        timezone_name: str | None,
        translate_enums: bool,
        max_attempts: int | None,
        timeout: float | None,
    ) -> dask.dataframe.DataFrame:
        """One partition per stream and window (or per window with ``index="time"``)."""
        ...


def typed_source(method: str, source: MetadataDataSource) -> TypedDataSource:
    """``source`` as a :class:`TypedDataSource`, or a :class:`NoSessionError` naming ``method``."""
    if not isinstance(source, TypedDataSource):
        raise NoSessionError(
            f"{method}() needs a runestream session's typed tables; {type(source).__name__} "
            "has none (use get_stream_dataframe(), or fetch the metadata through a Session)"
        )
    return source


def dask_source(method: str, source: MetadataDataSource) -> DaskDataSource:
    """``source`` as a :class:`DaskDataSource`, or a :class:`NoSessionError` naming ``method``."""
    if not isinstance(source, DaskDataSource):
        raise NoSessionError(
            f"{method}() needs a runestream session's Dask reads; {type(source).__name__} has "
            "none (fetch the metadata through a Session, or use runestream.dask.read_streams)"
        )
    return source


def _check_source(value: object, parameter: str) -> MetadataDataSource:
    if not isinstance(value, MetadataDataSource):
        raise ValidationError(
            f"{parameter} must be a runestream session (a MetadataDataSource), not "
            f"{type(value).__name__}; runeq's clients do not fit here",
            parameter=parameter,
        )
    return value


def resolve_source(
    method: str,
    given: object | None,
    own: MetadataDataSource | None,
    members: Iterable[MetadataDataSource | None] = (),
    *,
    parameter: str = "stream_client",
) -> MetadataDataSource:
    """The data source a network method uses (see the module docstring for the order).

    Args:
        method: ``Class.method`` for the error message.
        given: The caller's ``stream_client`` / ``client`` argument.
        own: The object's ``_session``.
        members: A set's streams' ``_session`` values (only read when ``own`` is ``None``).
        parameter: The argument's name, for messages.

    Raises:
        ValidationError: ``given`` is not a :class:`MetadataDataSource`.
        NoSessionError: no source is attached, or the streams come from different ones.
    """
    if given is not None:
        return _check_source(given, parameter)
    if own is not None:
        return own
    found: list[MetadataDataSource] = []
    for source in members:
        if source is not None and not any(source is seen for seen in found):
            found.append(source)
    if len(found) == 1:
        return found[0]
    why = (
        f"its streams come from {len(found)} different sessions"
        if found
        else "no session is attached (it was built by hand, not fetched through runestream)"
    )
    raise NoSessionError(
        f"{method}() needs a session to fetch data, but {why}: fetch the metadata through a "
        f"runestream session, or pass one as {parameter}=session"
    )
