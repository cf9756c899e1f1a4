from http import HTTPStatus
from io import BytesIO
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, File, Response


def _get_kwargs(
    *,
    session_id: str,
    stream_name: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["session_id"] = session_id

    params["stream_name"] = stream_name

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/session",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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
) -> Response[ErrorEnvelope | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    session_id: str,
    stream_name: str,
) -> Response[ErrorEnvelope | File]:
    """Raw bytes of one stream of an uploaded data session

     Downloads one stream (file) of an uploaded dataset as its original bytes; a dataset may need several
    requests, one per stream. Errors still come back as the JSON error envelope. The only V1 endpoint
    that remains supported.

    Args:
        session_id (str):
        stream_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | File]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
        stream_name=stream_name,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    session_id: str,
    stream_name: str,
) -> ErrorEnvelope | File | None:
    """Raw bytes of one stream of an uploaded data session

     Downloads one stream (file) of an uploaded dataset as its original bytes; a dataset may need several
    requests, one per stream. Errors still come back as the JSON error envelope. The only V1 endpoint
    that remains supported.

    Args:
        session_id (str):
        stream_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | File
    """

    return sync_detailed(
        client=client,
        session_id=session_id,
        stream_name=stream_name,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    session_id: str,
    stream_name: str,
) -> Response[ErrorEnvelope | File]:
    """Raw bytes of one stream of an uploaded data session

     Downloads one stream (file) of an uploaded dataset as its original bytes; a dataset may need several
    requests, one per stream. Errors still come back as the JSON error envelope. The only V1 endpoint
    that remains supported.

    Args:
        session_id (str):
        stream_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | File]
    """

    kwargs = _get_kwargs(
        session_id=session_id,
        stream_name=stream_name,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    session_id: str,
    stream_name: str,
) -> ErrorEnvelope | File | None:
    """Raw bytes of one stream of an uploaded data session

     Downloads one stream (file) of an uploaded dataset as its original bytes; a dataset may need several
    requests, one per stream. Errors still come back as the JSON error envelope. The only V1 endpoint
    that remains supported.

    Args:
        session_id (str):
        stream_name (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | File
    """

    return (
        await asyncio_detailed(
            client=client,
            session_id=session_id,
            stream_name=stream_name,
        )
    ).parsed
