"""runeq's ``runeq.resources.stream`` functions, on the default :class:`~runestream.Session`.

Each function takes runeq's arguments plus ``client=`` (a :class:`~runestream.Session` or its
``.stream`` namespace; runeq passes a ``StreamClient`` there) and ``stream_client=`` (the name
runeq's dataframe helpers use), else uses the session set by :func:`runestream.initialize`.
See :class:`runestream.v2.StreamNamespace` for the arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

from .._default_session import default_session
from .._session_api import Session
from ..core._errors import ValidationError
from ..core._times import TimeLike
from ..v2 import StreamNamespace
from ..v2._names import suggest_names

__all__ = [
    "get_stream_aggregate_window",
    "get_stream_availability",
    "get_stream_daily_aggregate",
    "get_stream_data",
]

_Client = Session | StreamNamespace | None


def _namespace(client: _Client, stream_client: _Client) -> StreamNamespace:
    if client is not None and stream_client is not None and client is not stream_client:
        raise ValidationError("give client or stream_client, not both", parameter="client")
    chosen = client if client is not None else stream_client
    if chosen is None:
        return default_session().stream
    if isinstance(chosen, Session):
        return chosen.stream
    if isinstance(chosen, StreamNamespace):
        return chosen
    raise ValidationError(
        f"client must be a runestream.Session or its .stream, not {type(chosen).__name__}",
        parameter="client",
    )


@suggest_names
def get_stream_data(
    stream_id: str,
    start_time: TimeLike | None = None,
    start_time_ns: int | None = None,
    end_time: TimeLike | None = None,
    end_time_ns: int | None = None,
    format: str = "csv",
    limit: int | None = None,
    page_token: str | None = None,
    timestamp: str | None = "iso",
    timezone: int | None = None,
    timezone_name: str | None = None,
    translate_enums: bool | None = True,
    client: _Client = None,
    *,
    stream_client: _Client = None,
) -> Iterator[str | dict[str, Any]]:
    """Fetch a stream's data page by page; see :meth:`StreamNamespace.get_stream_data`."""
    return _namespace(client, stream_client).get_stream_data(
        stream_id,
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


@suggest_names
def get_stream_availability(
    stream_ids: str | Iterable[str],
    start_time: TimeLike,
    end_time: TimeLike,
    resolution: int,
    batch_operation: str | None = None,
    format: str = "csv",
    limit: int | None = None,
    page_token: str | None = None,
    timestamp: str | None = "iso",
    timezone: int | None = None,
    timezone_name: str | None = None,
    client: _Client = None,
    *,
    stream_client: _Client = None,
) -> Iterator[str | dict[str, Any]]:
    """Fetch availability of one or several streams; see
    :meth:`StreamNamespace.get_stream_availability`."""
    return _namespace(client, stream_client).get_stream_availability(
        stream_ids,
        start_time,
        end_time,
        resolution,
        batch_operation=batch_operation,
        format=format,
        limit=limit,
        page_token=page_token,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
    )


@suggest_names
def get_stream_daily_aggregate(
    stream_id: str,
    start_time: TimeLike,
    resolution: int,
    n_days: int,
    client: _Client = None,
    *,
    stream_client: _Client = None,
) -> dict[str, Any]:
    """An average day of a stream; see :meth:`StreamNamespace.get_stream_daily_aggregate`."""
    return _namespace(client, stream_client).get_stream_daily_aggregate(
        stream_id, start_time, resolution, n_days
    )


@suggest_names
def get_stream_aggregate_window(
    stream_id: str,
    start_time: TimeLike,
    end_time: TimeLike,
    resolution: int,
    aggregate_function: Literal["sum", "mean"],
    timestamp: str | None = "iso",
    timezone: int | None = None,
    timezone_name: str | None = None,
    client: _Client = None,
    *,
    stream_client: _Client = None,
) -> dict[str, Any]:
    """A stream downsampled into windows; see
    :meth:`StreamNamespace.get_stream_aggregate_window`."""
    return _namespace(client, stream_client).get_stream_aggregate_window(
        stream_id,
        start_time,
        end_time,
        resolution,
        aggregate_function,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
    )
