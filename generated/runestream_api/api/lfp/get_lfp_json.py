from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.interpolation import Interpolation
from ...models.timeseries_response import TimeseriesResponse
from ...models.timestamp_format import TimestampFormat
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    patient_id: str | Unset = UNSET,
    device_id: str,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    anatomy: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    channels: str | Unset = UNSET,
    sensor: str | Unset = UNSET,
    expression: str | Unset = "lfp",
    low_freq: int | Unset = 0,
    high_freq: int | Unset = 125,
    frequency: float | Unset = UNSET,
    resolution: float | Unset = UNSET,
    interpolation: Interpolation | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = 10000,
    partition_size: int | Unset = UNSET,
    filename: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["patient_id"] = patient_id

    params["device_id"] = device_id

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["algorithm"] = algorithm

    params["anatomy"] = anatomy

    params["channel"] = channel

    params["channels"] = channels

    params["sensor"] = sensor

    params["expression"] = expression

    params["low_freq"] = low_freq

    params["high_freq"] = high_freq

    params["frequency"] = frequency

    params["resolution"] = resolution

    json_interpolation: str | Unset = UNSET
    if not isinstance(interpolation, Unset):
        json_interpolation = interpolation.value

    params["interpolation"] = json_interpolation

    json_timestamp: str | Unset = UNSET
    if not isinstance(timestamp, Unset):
        json_timestamp = timestamp.value

    params["timestamp"] = json_timestamp

    params["timezone"] = timezone

    params["timezone_name"] = timezone_name

    params["next_page_token"] = next_page_token

    params["page"] = page

    params["page_size"] = page_size

    params["partition_size"] = partition_size

    params["filename"] = filename

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/lfp.json",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | TimeseriesResponse | None:
    if response.status_code == 200:
        response_200 = TimeseriesResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | TimeseriesResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    patient_id: str | Unset = UNSET,
    device_id: str,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    anatomy: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    channels: str | Unset = UNSET,
    sensor: str | Unset = UNSET,
    expression: str | Unset = "lfp",
    low_freq: int | Unset = 0,
    high_freq: int | Unset = 125,
    frequency: float | Unset = UNSET,
    resolution: float | Unset = UNSET,
    interpolation: Interpolation | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = 10000,
    partition_size: int | Unset = UNSET,
    filename: str | Unset = UNSET,
) -> Response[ErrorEnvelope | TimeseriesResponse]:
    """Local field potentials as JSON

     Local field potentials of a sensing implant. The `result` is column-oriented: `time` plus one array
    per value column; its exact shape depends on `expression`, `timestamp` and `partition_size`.
    Paginated: while the response carries `X-Rune-Next-Page-Token`, request again with that value as
    `next_page_token` and every other parameter unchanged.

    Args:
        patient_id (str | Unset):
        device_id (str):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        anatomy (str | Unset):
        channel (str | Unset):
        channels (str | Unset):
        sensor (str | Unset):
        expression (str | Unset):  Default: 'lfp'.
        low_freq (int | Unset):  Default: 0.
        high_freq (int | Unset):  Default: 125.
        frequency (float | Unset):
        resolution (float | Unset):
        interpolation (Interpolation | Unset): Gap filling once `frequency` or `resolution` is
            set. The docs list a bare `null`; in a query string it can only travel as the text `null`
            (see spec/NOTES.md).
        timestamp (TimestampFormat | Unset): Format of returned timestamps.
        timezone (int | Unset):  Default: 0.
        timezone_name (str | Unset):  Default: ''.
        next_page_token (str | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 10000.
        partition_size (int | Unset):
        filename (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TimeseriesResponse]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        device_id=device_id,
        start_time=start_time,
        end_time=end_time,
        algorithm=algorithm,
        anatomy=anatomy,
        channel=channel,
        channels=channels,
        sensor=sensor,
        expression=expression,
        low_freq=low_freq,
        high_freq=high_freq,
        frequency=frequency,
        resolution=resolution,
        interpolation=interpolation,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
        next_page_token=next_page_token,
        page=page,
        page_size=page_size,
        partition_size=partition_size,
        filename=filename,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    patient_id: str | Unset = UNSET,
    device_id: str,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    anatomy: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    channels: str | Unset = UNSET,
    sensor: str | Unset = UNSET,
    expression: str | Unset = "lfp",
    low_freq: int | Unset = 0,
    high_freq: int | Unset = 125,
    frequency: float | Unset = UNSET,
    resolution: float | Unset = UNSET,
    interpolation: Interpolation | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = 10000,
    partition_size: int | Unset = UNSET,
    filename: str | Unset = UNSET,
) -> ErrorEnvelope | TimeseriesResponse | None:
    """Local field potentials as JSON

     Local field potentials of a sensing implant. The `result` is column-oriented: `time` plus one array
    per value column; its exact shape depends on `expression`, `timestamp` and `partition_size`.
    Paginated: while the response carries `X-Rune-Next-Page-Token`, request again with that value as
    `next_page_token` and every other parameter unchanged.

    Args:
        patient_id (str | Unset):
        device_id (str):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        anatomy (str | Unset):
        channel (str | Unset):
        channels (str | Unset):
        sensor (str | Unset):
        expression (str | Unset):  Default: 'lfp'.
        low_freq (int | Unset):  Default: 0.
        high_freq (int | Unset):  Default: 125.
        frequency (float | Unset):
        resolution (float | Unset):
        interpolation (Interpolation | Unset): Gap filling once `frequency` or `resolution` is
            set. The docs list a bare `null`; in a query string it can only travel as the text `null`
            (see spec/NOTES.md).
        timestamp (TimestampFormat | Unset): Format of returned timestamps.
        timezone (int | Unset):  Default: 0.
        timezone_name (str | Unset):  Default: ''.
        next_page_token (str | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 10000.
        partition_size (int | Unset):
        filename (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TimeseriesResponse
    """

    return sync_detailed(
        client=client,
        patient_id=patient_id,
        device_id=device_id,
        start_time=start_time,
        end_time=end_time,
        algorithm=algorithm,
        anatomy=anatomy,
        channel=channel,
        channels=channels,
        sensor=sensor,
        expression=expression,
        low_freq=low_freq,
        high_freq=high_freq,
        frequency=frequency,
        resolution=resolution,
        interpolation=interpolation,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
        next_page_token=next_page_token,
        page=page,
        page_size=page_size,
        partition_size=partition_size,
        filename=filename,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    patient_id: str | Unset = UNSET,
    device_id: str,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    anatomy: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    channels: str | Unset = UNSET,
    sensor: str | Unset = UNSET,
    expression: str | Unset = "lfp",
    low_freq: int | Unset = 0,
    high_freq: int | Unset = 125,
    frequency: float | Unset = UNSET,
    resolution: float | Unset = UNSET,
    interpolation: Interpolation | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = 10000,
    partition_size: int | Unset = UNSET,
    filename: str | Unset = UNSET,
) -> Response[ErrorEnvelope | TimeseriesResponse]:
    """Local field potentials as JSON

     Local field potentials of a sensing implant. The `result` is column-oriented: `time` plus one array
    per value column; its exact shape depends on `expression`, `timestamp` and `partition_size`.
    Paginated: while the response carries `X-Rune-Next-Page-Token`, request again with that value as
    `next_page_token` and every other parameter unchanged.

    Args:
        patient_id (str | Unset):
        device_id (str):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        anatomy (str | Unset):
        channel (str | Unset):
        channels (str | Unset):
        sensor (str | Unset):
        expression (str | Unset):  Default: 'lfp'.
        low_freq (int | Unset):  Default: 0.
        high_freq (int | Unset):  Default: 125.
        frequency (float | Unset):
        resolution (float | Unset):
        interpolation (Interpolation | Unset): Gap filling once `frequency` or `resolution` is
            set. The docs list a bare `null`; in a query string it can only travel as the text `null`
            (see spec/NOTES.md).
        timestamp (TimestampFormat | Unset): Format of returned timestamps.
        timezone (int | Unset):  Default: 0.
        timezone_name (str | Unset):  Default: ''.
        next_page_token (str | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 10000.
        partition_size (int | Unset):
        filename (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TimeseriesResponse]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        device_id=device_id,
        start_time=start_time,
        end_time=end_time,
        algorithm=algorithm,
        anatomy=anatomy,
        channel=channel,
        channels=channels,
        sensor=sensor,
        expression=expression,
        low_freq=low_freq,
        high_freq=high_freq,
        frequency=frequency,
        resolution=resolution,
        interpolation=interpolation,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
        next_page_token=next_page_token,
        page=page,
        page_size=page_size,
        partition_size=partition_size,
        filename=filename,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    patient_id: str | Unset = UNSET,
    device_id: str,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    anatomy: str | Unset = UNSET,
    channel: str | Unset = UNSET,
    channels: str | Unset = UNSET,
    sensor: str | Unset = UNSET,
    expression: str | Unset = "lfp",
    low_freq: int | Unset = 0,
    high_freq: int | Unset = 125,
    frequency: float | Unset = UNSET,
    resolution: float | Unset = UNSET,
    interpolation: Interpolation | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = 10000,
    partition_size: int | Unset = UNSET,
    filename: str | Unset = UNSET,
) -> ErrorEnvelope | TimeseriesResponse | None:
    """Local field potentials as JSON

     Local field potentials of a sensing implant. The `result` is column-oriented: `time` plus one array
    per value column; its exact shape depends on `expression`, `timestamp` and `partition_size`.
    Paginated: while the response carries `X-Rune-Next-Page-Token`, request again with that value as
    `next_page_token` and every other parameter unchanged.

    Args:
        patient_id (str | Unset):
        device_id (str):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        anatomy (str | Unset):
        channel (str | Unset):
        channels (str | Unset):
        sensor (str | Unset):
        expression (str | Unset):  Default: 'lfp'.
        low_freq (int | Unset):  Default: 0.
        high_freq (int | Unset):  Default: 125.
        frequency (float | Unset):
        resolution (float | Unset):
        interpolation (Interpolation | Unset): Gap filling once `frequency` or `resolution` is
            set. The docs list a bare `null`; in a query string it can only travel as the text `null`
            (see spec/NOTES.md).
        timestamp (TimestampFormat | Unset): Format of returned timestamps.
        timezone (int | Unset):  Default: 0.
        timezone_name (str | Unset):  Default: ''.
        next_page_token (str | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):  Default: 10000.
        partition_size (int | Unset):
        filename (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TimeseriesResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            patient_id=patient_id,
            device_id=device_id,
            start_time=start_time,
            end_time=end_time,
            algorithm=algorithm,
            anatomy=anatomy,
            channel=channel,
            channels=channels,
            sensor=sensor,
            expression=expression,
            low_freq=low_freq,
            high_freq=high_freq,
            frequency=frequency,
            resolution=resolution,
            interpolation=interpolation,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
            next_page_token=next_page_token,
            page=page,
            page_size=page_size,
            partition_size=partition_size,
            filename=filename,
        )
    ).parsed
