from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_operation import BatchOperation
from ...models.stream_format import StreamFormat
from ...models.stream_timestamp_format import StreamTimestampFormat
from ...models.v2_error_envelope import V2ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    stream_id: list[str],
    start_time: float,
    end_time: float,
    resolution: int,
    batch_operation: BatchOperation,
    format_: StreamFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_stream_id = stream_id

    params["stream_id"] = json_stream_id

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["resolution"] = resolution

    json_batch_operation = batch_operation.value
    params["batch_operation"] = json_batch_operation

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params["limit"] = limit

    params["page_token"] = page_token

    json_timestamp: str | Unset = UNSET
    if not isinstance(timestamp, Unset):
        json_timestamp = timestamp.value

    params["timestamp"] = json_timestamp

    params["timezone"] = timezone

    params["timezone_name"] = timezone_name

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/batch/availability",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> V2ErrorEnvelope | str | None:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 400:
        response_400 = V2ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = V2ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = V2ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = V2ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = V2ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = V2ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = V2ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[V2ErrorEnvelope | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    stream_id: list[str],
    start_time: float,
    end_time: float,
    resolution: int,
    batch_operation: BatchOperation,
    format_: StreamFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> Response[V2ErrorEnvelope | str]:
    """Combined availability of several streams (V2), as CSV or JSON

     The availability of several streams combined bin by bin: with `batch_operation=any` a bin is 1 when
    any of the streams has data in it (OR), with `all` when every one has (AND). The ids travel as a
    repeated `stream_id` parameter (`stream_id=a&stream_id=b`). Same bins, formats and paging as the
    availability of one stream. At most 50 ids per request (an assumption, see spec/NOTES.md): larger
    sets are split by the client and combined with the same operation.

    Args:
        stream_id (list[str]):
        start_time (float):
        end_time (float):
        resolution (int):
        batch_operation (BatchOperation): How the availability of several streams is combined per
            bin (`any` = OR, `all` = AND).
        format_ (StreamFormat | Unset): Content type of a V2 data or availability response.
        limit (int | Unset):
        page_token (str | Unset):
        timestamp (StreamTimestampFormat | Unset): Format of timestamps returned by the V2 API.
        timezone (int | Unset):
        timezone_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[V2ErrorEnvelope | str]
    """

    kwargs = _get_kwargs(
        stream_id=stream_id,
        start_time=start_time,
        end_time=end_time,
        resolution=resolution,
        batch_operation=batch_operation,
        format_=format_,
        limit=limit,
        page_token=page_token,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    stream_id: list[str],
    start_time: float,
    end_time: float,
    resolution: int,
    batch_operation: BatchOperation,
    format_: StreamFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> V2ErrorEnvelope | str | None:
    """Combined availability of several streams (V2), as CSV or JSON

     The availability of several streams combined bin by bin: with `batch_operation=any` a bin is 1 when
    any of the streams has data in it (OR), with `all` when every one has (AND). The ids travel as a
    repeated `stream_id` parameter (`stream_id=a&stream_id=b`). Same bins, formats and paging as the
    availability of one stream. At most 50 ids per request (an assumption, see spec/NOTES.md): larger
    sets are split by the client and combined with the same operation.

    Args:
        stream_id (list[str]):
        start_time (float):
        end_time (float):
        resolution (int):
        batch_operation (BatchOperation): How the availability of several streams is combined per
            bin (`any` = OR, `all` = AND).
        format_ (StreamFormat | Unset): Content type of a V2 data or availability response.
        limit (int | Unset):
        page_token (str | Unset):
        timestamp (StreamTimestampFormat | Unset): Format of timestamps returned by the V2 API.
        timezone (int | Unset):
        timezone_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        V2ErrorEnvelope | str
    """

    return sync_detailed(
        client=client,
        stream_id=stream_id,
        start_time=start_time,
        end_time=end_time,
        resolution=resolution,
        batch_operation=batch_operation,
        format_=format_,
        limit=limit,
        page_token=page_token,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    stream_id: list[str],
    start_time: float,
    end_time: float,
    resolution: int,
    batch_operation: BatchOperation,
    format_: StreamFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> Response[V2ErrorEnvelope | str]:
    """Combined availability of several streams (V2), as CSV or JSON

     The availability of several streams combined bin by bin: with `batch_operation=any` a bin is 1 when
    any of the streams has data in it (OR), with `all` when every one has (AND). The ids travel as a
    repeated `stream_id` parameter (`stream_id=a&stream_id=b`). Same bins, formats and paging as the
    availability of one stream. At most 50 ids per request (an assumption, see spec/NOTES.md): larger
    sets are split by the client and combined with the same operation.

    Args:
        stream_id (list[str]):
        start_time (float):
        end_time (float):
        resolution (int):
        batch_operation (BatchOperation): How the availability of several streams is combined per
            bin (`any` = OR, `all` = AND).
        format_ (StreamFormat | Unset): Content type of a V2 data or availability response.
        limit (int | Unset):
        page_token (str | Unset):
        timestamp (StreamTimestampFormat | Unset): Format of timestamps returned by the V2 API.
        timezone (int | Unset):
        timezone_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[V2ErrorEnvelope | str]
    """

    kwargs = _get_kwargs(
        stream_id=stream_id,
        start_time=start_time,
        end_time=end_time,
        resolution=resolution,
        batch_operation=batch_operation,
        format_=format_,
        limit=limit,
        page_token=page_token,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    stream_id: list[str],
    start_time: float,
    end_time: float,
    resolution: int,
    batch_operation: BatchOperation,
    format_: StreamFormat | Unset = UNSET,
    limit: int | Unset = UNSET,
    page_token: str | Unset = UNSET,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> V2ErrorEnvelope | str | None:
    """Combined availability of several streams (V2), as CSV or JSON

     The availability of several streams combined bin by bin: with `batch_operation=any` a bin is 1 when
    any of the streams has data in it (OR), with `all` when every one has (AND). The ids travel as a
    repeated `stream_id` parameter (`stream_id=a&stream_id=b`). Same bins, formats and paging as the
    availability of one stream. At most 50 ids per request (an assumption, see spec/NOTES.md): larger
    sets are split by the client and combined with the same operation.

    Args:
        stream_id (list[str]):
        start_time (float):
        end_time (float):
        resolution (int):
        batch_operation (BatchOperation): How the availability of several streams is combined per
            bin (`any` = OR, `all` = AND).
        format_ (StreamFormat | Unset): Content type of a V2 data or availability response.
        limit (int | Unset):
        page_token (str | Unset):
        timestamp (StreamTimestampFormat | Unset): Format of timestamps returned by the V2 API.
        timezone (int | Unset):
        timezone_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        V2ErrorEnvelope | str
    """

    return (
        await asyncio_detailed(
            client=client,
            stream_id=stream_id,
            start_time=start_time,
            end_time=end_time,
            resolution=resolution,
            batch_operation=batch_operation,
            format_=format_,
            limit=limit,
            page_token=page_token,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
        )
    ).parsed
