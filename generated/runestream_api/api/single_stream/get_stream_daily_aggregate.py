from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.daily_aggregate_response import DailyAggregateResponse
from ...models.v2_error_envelope import V2ErrorEnvelope
from ...types import UNSET, Response


def _get_kwargs(
    stream_id: str,
    *,
    start_time: float,
    resolution: int,
    n_days: int,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["start_time"] = start_time

    params["resolution"] = resolution

    params["n_days"] = n_days

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/streams/{stream_id}/daily_aggregate".format(
            stream_id=quote(str(stream_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DailyAggregateResponse | V2ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = DailyAggregateResponse.from_dict(response.json())

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
) -> Response[DailyAggregateResponse | V2ErrorEnvelope]:
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
    resolution: int,
    n_days: int,
) -> Response[DailyAggregateResponse | V2ErrorEnvelope]:
    """An average day of one stream (V2), as JSON

     The stream's values over `n_days` consecutive 24-hour days from `start_time`, folded into one
    average day of `resolution`-second intervals (`offset` `HH:MM` from the start of the day), with per-
    interval counts of days with data and a summary. Only for streams with one numeric value dimension.
    One JSON response; no paging.

    Args:
        stream_id (str):
        start_time (float):
        resolution (int):
        n_days (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DailyAggregateResponse | V2ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        stream_id=stream_id,
        start_time=start_time,
        resolution=resolution,
        n_days=n_days,
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
    resolution: int,
    n_days: int,
) -> DailyAggregateResponse | V2ErrorEnvelope | None:
    """An average day of one stream (V2), as JSON

     The stream's values over `n_days` consecutive 24-hour days from `start_time`, folded into one
    average day of `resolution`-second intervals (`offset` `HH:MM` from the start of the day), with per-
    interval counts of days with data and a summary. Only for streams with one numeric value dimension.
    One JSON response; no paging.

    Args:
        stream_id (str):
        start_time (float):
        resolution (int):
        n_days (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DailyAggregateResponse | V2ErrorEnvelope
    """

    return sync_detailed(
        stream_id=stream_id,
        client=client,
        start_time=start_time,
        resolution=resolution,
        n_days=n_days,
    ).parsed


async def asyncio_detailed(
    stream_id: str,
    *,
    client: AuthenticatedClient | Client,
    start_time: float,
    resolution: int,
    n_days: int,
) -> Response[DailyAggregateResponse | V2ErrorEnvelope]:
    """An average day of one stream (V2), as JSON

     The stream's values over `n_days` consecutive 24-hour days from `start_time`, folded into one
    average day of `resolution`-second intervals (`offset` `HH:MM` from the start of the day), with per-
    interval counts of days with data and a summary. Only for streams with one numeric value dimension.
    One JSON response; no paging.

    Args:
        stream_id (str):
        start_time (float):
        resolution (int):
        n_days (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DailyAggregateResponse | V2ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        stream_id=stream_id,
        start_time=start_time,
        resolution=resolution,
        n_days=n_days,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    stream_id: str,
    *,
    client: AuthenticatedClient | Client,
    start_time: float,
    resolution: int,
    n_days: int,
) -> DailyAggregateResponse | V2ErrorEnvelope | None:
    """An average day of one stream (V2), as JSON

     The stream's values over `n_days` consecutive 24-hour days from `start_time`, folded into one
    average day of `resolution`-second intervals (`offset` `HH:MM` from the start of the day), with per-
    interval counts of days with data and a summary. Only for streams with one numeric value dimension.
    One JSON response; no paging.

    Args:
        stream_id (str):
        start_time (float):
        resolution (int):
        n_days (int):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DailyAggregateResponse | V2ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            stream_id=stream_id,
            client=client,
            start_time=start_time,
            resolution=resolution,
            n_days=n_days,
        )
    ).parsed
