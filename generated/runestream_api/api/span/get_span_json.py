from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.span_response import SpanResponse
from ...models.timestamp_format import TimestampFormat
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    patient_id: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    device_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["patient_id"] = patient_id

    params["start_time"] = start_time

    params["end_time"] = end_time

    params["algorithm"] = algorithm

    params["device_id"] = device_id

    params["event"] = event

    json_timestamp: str | Unset = UNSET
    if not isinstance(timestamp, Unset):
        json_timestamp = timestamp.value

    params["timestamp"] = json_timestamp

    params["timezone"] = timezone

    params["timezone_name"] = timezone_name

    params["next_page_token"] = next_page_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/span.json",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | SpanResponse | None:
    if response.status_code == 200:
        response_200 = SpanResponse.from_dict(response.json())

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
) -> Response[ErrorEnvelope | SpanResponse]:
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
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    device_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
) -> Response[ErrorEnvelope | SpanResponse]:
    """Spans (events with a duration) as JSON

     Spans of a patient: records with a duration, classified as `namespace.category.enum`. Every span
    overlapping the queried range is returned. Paginated by `next_page_token` only.

    Args:
        patient_id (str | Unset):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        device_id (str | Unset):
        event (str | Unset):
        timestamp (TimestampFormat | Unset): Format of returned timestamps.
        timezone (int | Unset):  Default: 0.
        timezone_name (str | Unset):  Default: ''.
        next_page_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | SpanResponse]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        start_time=start_time,
        end_time=end_time,
        algorithm=algorithm,
        device_id=device_id,
        event=event,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
        next_page_token=next_page_token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    patient_id: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    device_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
) -> ErrorEnvelope | SpanResponse | None:
    """Spans (events with a duration) as JSON

     Spans of a patient: records with a duration, classified as `namespace.category.enum`. Every span
    overlapping the queried range is returned. Paginated by `next_page_token` only.

    Args:
        patient_id (str | Unset):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        device_id (str | Unset):
        event (str | Unset):
        timestamp (TimestampFormat | Unset): Format of returned timestamps.
        timezone (int | Unset):  Default: 0.
        timezone_name (str | Unset):  Default: ''.
        next_page_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | SpanResponse
    """

    return sync_detailed(
        client=client,
        patient_id=patient_id,
        start_time=start_time,
        end_time=end_time,
        algorithm=algorithm,
        device_id=device_id,
        event=event,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
        next_page_token=next_page_token,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    patient_id: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    device_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
) -> Response[ErrorEnvelope | SpanResponse]:
    """Spans (events with a duration) as JSON

     Spans of a patient: records with a duration, classified as `namespace.category.enum`. Every span
    overlapping the queried range is returned. Paginated by `next_page_token` only.

    Args:
        patient_id (str | Unset):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        device_id (str | Unset):
        event (str | Unset):
        timestamp (TimestampFormat | Unset): Format of returned timestamps.
        timezone (int | Unset):  Default: 0.
        timezone_name (str | Unset):  Default: ''.
        next_page_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | SpanResponse]
    """

    kwargs = _get_kwargs(
        patient_id=patient_id,
        start_time=start_time,
        end_time=end_time,
        algorithm=algorithm,
        device_id=device_id,
        event=event,
        timestamp=timestamp,
        timezone=timezone,
        timezone_name=timezone_name,
        next_page_token=next_page_token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    patient_id: str | Unset = UNSET,
    start_time: float,
    end_time: float,
    algorithm: str | Unset = UNSET,
    device_id: str | Unset = UNSET,
    event: str | Unset = UNSET,
    timestamp: TimestampFormat | Unset = UNSET,
    timezone: int | Unset = 0,
    timezone_name: str | Unset = "",
    next_page_token: str | Unset = UNSET,
) -> ErrorEnvelope | SpanResponse | None:
    """Spans (events with a duration) as JSON

     Spans of a patient: records with a duration, classified as `namespace.category.enum`. Every span
    overlapping the queried range is returned. Paginated by `next_page_token` only.

    Args:
        patient_id (str | Unset):
        start_time (float):
        end_time (float):
        algorithm (str | Unset):
        device_id (str | Unset):
        event (str | Unset):
        timestamp (TimestampFormat | Unset): Format of returned timestamps.
        timezone (int | Unset):  Default: 0.
        timezone_name (str | Unset):  Default: ''.
        next_page_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | SpanResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            patient_id=patient_id,
            start_time=start_time,
            end_time=end_time,
            algorithm=algorithm,
            device_id=device_id,
            event=event,
            timestamp=timestamp,
            timezone=timezone,
            timezone_name=timezone_name,
            next_page_token=next_page_token,
        )
    ).parsed
