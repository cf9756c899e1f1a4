from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.interpolation import Interpolation
from ...models.rotation_expression_name import RotationExpressionName
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
    expression: RotationExpressionName | str | Unset = RotationExpressionName.ROTATION,
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
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["patient_id"] = patient_id

    params["device_id"] = device_id

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["algorithm"] = algorithm

    json_expression: str | Unset
    if isinstance(expression, Unset):
        json_expression = UNSET
    elif isinstance(expression, RotationExpressionName):
        json_expression = expression.value
    else:
        json_expression = expression
    params["expression"] = json_expression

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

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/rotation.json",
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
    expression: RotationExpressionName | str | Unset = RotationExpressionName.ROTATION,
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
) -> Response[ErrorEnvelope | TimeseriesResponse]:
    """Rotation as JSON

     Rotation of a device: angular velocity about the x, y and z axes. The `result` is column-oriented:
    `time` plus one array per value column; its exact shape depends on `expression`, `timestamp` and
    `partition_size`. Paginated: while the response carries `X-Rune-Next-Page-Token`, request again with
    that value as `next_page_token` and every other parameter unchanged.

    Args:
        patient_id (str | Unset):
        device_id (str):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        expression (RotationExpressionName | str | Unset):  Default:
            RotationExpressionName.ROTATION.
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
        expression=expression,
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
    expression: RotationExpressionName | str | Unset = RotationExpressionName.ROTATION,
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
) -> ErrorEnvelope | TimeseriesResponse | None:
    """Rotation as JSON

     Rotation of a device: angular velocity about the x, y and z axes. The `result` is column-oriented:
    `time` plus one array per value column; its exact shape depends on `expression`, `timestamp` and
    `partition_size`. Paginated: while the response carries `X-Rune-Next-Page-Token`, request again with
    that value as `next_page_token` and every other parameter unchanged.

    Args:
        patient_id (str | Unset):
        device_id (str):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        expression (RotationExpressionName | str | Unset):  Default:
            RotationExpressionName.ROTATION.
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
        expression=expression,
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
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    patient_id: str | Unset = UNSET,
    device_id: str,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    expression: RotationExpressionName | str | Unset = RotationExpressionName.ROTATION,
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
) -> Response[ErrorEnvelope | TimeseriesResponse]:
    """Rotation as JSON

     Rotation of a device: angular velocity about the x, y and z axes. The `result` is column-oriented:
    `time` plus one array per value column; its exact shape depends on `expression`, `timestamp` and
    `partition_size`. Paginated: while the response carries `X-Rune-Next-Page-Token`, request again with
    that value as `next_page_token` and every other parameter unchanged.

    Args:
        patient_id (str | Unset):
        device_id (str):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        expression (RotationExpressionName | str | Unset):  Default:
            RotationExpressionName.ROTATION.
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
        expression=expression,
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
    expression: RotationExpressionName | str | Unset = RotationExpressionName.ROTATION,
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
) -> ErrorEnvelope | TimeseriesResponse | None:
    """Rotation as JSON

     Rotation of a device: angular velocity about the x, y and z axes. The `result` is column-oriented:
    `time` plus one array per value column; its exact shape depends on `expression`, `timestamp` and
    `partition_size`. Paginated: while the response carries `X-Rune-Next-Page-Token`, request again with
    that value as `next_page_token` and every other parameter unchanged.

    Args:
        patient_id (str | Unset):
        device_id (str):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        expression (RotationExpressionName | str | Unset):  Default:
            RotationExpressionName.ROTATION.
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
            expression=expression,
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
        )
    ).parsed
