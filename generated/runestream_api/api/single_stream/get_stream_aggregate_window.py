from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.aggregate_function import AggregateFunction
from ...models.aggregate_window_response import AggregateWindowResponse
from ...models.stream_timestamp_format import StreamTimestampFormat
from ...models.v2_error_envelope import V2ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    stream_id: str,
    *,
    start_time: float,
    end_time: float,
    resolution: int,
    aggregate_function: AggregateFunction,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["resolution"] = resolution

    json_aggregate_function = aggregate_function.value
    params["aggregate_function"] = json_aggregate_function

    json_timestamp: str | Unset = UNSET
    if not isinstance(timestamp, Unset):
        json_timestamp = timestamp.value

    params["timestamp"] = json_timestamp

    params["timezone"] = timezone

    params["timezone_name"] = timezone_name

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/streams/{stream_id}/aggregate_window".format(
            stream_id=quote(str(stream_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AggregateWindowResponse | V2ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = AggregateWindowResponse.from_dict(response.json())

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
) -> Response[AggregateWindowResponse | V2ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    stream_id: str,
    *,
    client: AuthenticatedClient | Client,
    start_time: float,
    end_time: float,
    resolution: int,
    aggregate_function: AggregateFunction,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> Response[AggregateWindowResponse | V2ErrorEnvelope]:
    """One stream downsampled into windows (V2), as JSON

     The stream's values between `start_time` and `end_time` in windows of `resolution` seconds, with
    `aggregate_function` (`sum` or `mean`) applied to the points of each window, the summed measurement
    duration per window, and a summary. One JSON response; no paging.

    Args:
        stream_id (str):
        start_time (float):
        end_time (float):
        resolution (int):
        aggregate_function (AggregateFunction): Function applied to the points of each aggregate
            window.
        timestamp (StreamTimestampFormat | Unset): Format of timestamps returned by the V2 API.
        timezone (int | Unset):
        timezone_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AggregateWindowResponse | V2ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        stream_id=stream_id,
        start_time=start_time,
        end_time=end_time,
        resolution=resolution,
        aggregate_function=aggregate_function,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    stream_id: str,
    *,
    client: AuthenticatedClient | Client,
    start_time: float,
    end_time: float,
    resolution: int,
    aggregate_function: AggregateFunction,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> AggregateWindowResponse | V2ErrorEnvelope | None:
    """One stream downsampled into windows (V2), as JSON

     The stream's values between `start_time` and `end_time` in windows of `resolution` seconds, with
    `aggregate_function` (`sum` or `mean`) applied to the points of each window, the summed measurement
    duration per window, and a summary. One JSON response; no paging.

    Args:
        stream_id (str):
        start_time (float):
        end_time (float):
        resolution (int):
        aggregate_function (AggregateFunction): Function applied to the points of each aggregate
            window.
        timestamp (StreamTimestampFormat | Unset): Format of timestamps returned by the V2 API.
        timezone (int | Unset):
        timezone_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AggregateWindowResponse | V2ErrorEnvelope
    """

    return sync_detailed(
        stream_id=stream_id,
        client=client,
        start_time=start_time,
        end_time=end_time,
        resolution=resolution,
        aggregate_function=aggregate_function,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
    ).parsed


async def asyncio_detailed(
    stream_id: str,
    *,
    client: AuthenticatedClient | Client,
    start_time: float,
    end_time: float,
    resolution: int,
    aggregate_function: AggregateFunction,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> Response[AggregateWindowResponse | V2ErrorEnvelope]:
    """One stream downsampled into windows (V2), as JSON

     The stream's values between `start_time` and `end_time` in windows of `resolution` seconds, with
    `aggregate_function` (`sum` or `mean`) applied to the points of each window, the summed measurement
    duration per window, and a summary. One JSON response; no paging.

    Args:
        stream_id (str):
        start_time (float):
        end_time (float):
        resolution (int):
        aggregate_function (AggregateFunction): Function applied to the points of each aggregate
            window.
        timestamp (StreamTimestampFormat | Unset): Format of timestamps returned by the V2 API.
        timezone (int | Unset):
        timezone_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AggregateWindowResponse | V2ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        stream_id=stream_id,
        start_time=start_time,
        end_time=end_time,
        resolution=resolution,
        aggregate_function=aggregate_function,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream_id: str,
    *,
    client: AuthenticatedClient | Client,
    start_time: float,
    end_time: float,
    resolution: int,
    aggregate_function: AggregateFunction,
    timestamp: StreamTimestampFormat | Unset = UNSET,
    timezone: int | Unset = UNSET,
    timezone_name: str | Unset = UNSET,
) -> AggregateWindowResponse | V2ErrorEnvelope | None:
    """One stream downsampled into windows (V2), as JSON

     The stream's values between `start_time` and `end_time` in windows of `resolution` seconds, with
    `aggregate_function` (`sum` or `mean`) applied to the points of each window, the summed measurement
    duration per window, and a summary. One JSON response; no paging.

    Args:
        stream_id (str):
        start_time (float):
        end_time (float):
        resolution (int):
        aggregate_function (AggregateFunction): Function applied to the points of each aggregate
            window.
        timestamp (StreamTimestampFormat | Unset): Format of timestamps returned by the V2 API.
        timezone (int | Unset):
        timezone_name (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AggregateWindowResponse | V2ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            stream_id=stream_id,
            client=client,
            start_time=start_time,
            end_time=end_time,
            resolution=resolution,
            aggregate_function=aggregate_function,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
        )
    ).parsed
