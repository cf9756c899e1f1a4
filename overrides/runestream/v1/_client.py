"""``V1Client``: the V1 Stream API client and its runeq-style accessors (``Accel`` ... ``State``).

An accessor holds default query parameters; every method takes keyword overrides of them
(``None`` removes a default). Parameters are validated before any request
(:func:`runestream.v1._params.prepare_params`), then every page is fetched through the generated
``sync_detailed`` function by a :class:`~runestream.Paginator`, which follows
``X-Rune-Next-Page-Token`` with every other parameter unchanged. Page tokens never reach the
caller.

Time parameters (``start_time``, ``end_time``) take unix seconds, ``datetime`` (a **naive**
value is UTC, unlike runeq, which read it as local time), ``date`` (midnight UTC) or an
ISO-8601 string.

Example:
    >>> from runestream import Config, V1Client
    >>> with V1Client(Config()) as v1:  # doctest: +SKIP
    ...     accel = v1.Accel(patient_id="p1", device_id="d1")
    ...     table = accel.to_arrow(start_time="2024-05-01", end_time="2024-05-02")
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, Unpack

import httpx

import runestream_api
from runestream_api.params import (
    AccelParams,
    BandPowerParams,
    EventParams,
    HeartrateParams,
    LfpParams,
    ProbabilitySymptomParams,
    RotationParams,
    SpanParams,
    StateParams,
)

from ..core._config import Config
from ..core._deadline import check_deadline, deadline_scope, start_deadline
from ..core._errors import ClientClosedError
from ..core._pagination import Page
from ..core._retry import RetryPolicy
from ..core._transport import LazyAsyncClient, build_generated_client
from . import _session

if TYPE_CHECKING:
    from . import _accessors

__all__ = ["V1Client"]


class V1Client:
    """Client for the Stream API V1 (``GET /v1/...``), with runeq's accessor names.

    ``V1Client(cfg).Accel(patient_id=..., device_id=...)`` returns an accessor holding those
    defaults; likewise ``BandPower``, ``Event``, ``HeartRate``, ``LFP``,
    ``ProbabilitySymptom``, ``Rotation``, ``Span`` and ``State``. All requests share one pooled
    connection, auth, retries and timeouts (:func:`~runestream.build_generated_client`). Use as
    a context manager or call :meth:`close`.

    Args:
        config: Credentials and base URL.
        transport: An httpx transport to send requests through (tests pass
            ``httpx.MockTransport``).
        async_transport: An httpx async transport for the async paginators.
        timeout: An ``httpx.Timeout`` or seconds for each phase of each request (connecting,
            each read of a body, ...); default connect 10 s, read 30 s.
        max_attempts: Attempts per request, retries included (1 disables retries).
        retry_policy: The retry policy.
        max_pages: Refuse results longer than this many pages (``None``: no cap).
        on_page: Called with every :class:`Page` as it arrives (e.g. a progress bar). The
            CSV methods that read ahead (``to_arrow``, ``to_pandas``, ``to_csv``,
            ``iter_arrow``, ``points``) call it from their read-ahead threads (one per time
            chunk with ``workers``), one page at a time per thread. Pages that ``to_arrow``,
            ``to_pandas``, ``to_parquet``, ``iter_arrow`` and ``points`` parse as they arrive
            carry their table in ``page.table`` and an empty ``page.content``;
            ``page.size`` is the body's byte count either way.
        client: A ready generated client to use instead of building one (the other connection
            arguments are then ignored; :meth:`close` closes it).
        deadline: Seconds each call may take in all (``None``, the default: no total bound).
            A call is one method of an accessor: every page, retry, wait and time window of a
            ``to_arrow`` count; for an iterator (``iter_arrow``, ``points``, ...) the clock
            starts at its first request and the caller's time between pages counts too. Past
            it the call raises :class:`~runestream.DeadlineExceededError`; a ``Retry-After``
            or backoff that would pass it is not waited for. ``to_arrow``, ``to_pandas``,
            ``to_csv`` and ``to_parquet`` take their own ``deadline=`` too.

    Attributes:
        deadline: The default deadline of each call, in seconds, or ``None``.
        max_pages: As given.
        on_page: As given.
    """

    def __init__(
        self,
        config: Config,
        *,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float | None = None,
        max_attempts: int | None = None,
        retry_policy: RetryPolicy | None = None,
        max_pages: int | None = None,
        on_page: Callable[[Page], object] | None = None,
        client: runestream_api.Client | None = None,
        deadline: float | None = None,
    ) -> None:
        self._config = config
        self.max_pages = max_pages
        self.on_page = on_page
        self.deadline = check_deadline(deadline)
        self._closed = False
        self._client = client or build_generated_client(
            config,
            transport=transport,
            async_transport=async_transport,
            timeout=timeout,
            max_attempts=max_attempts,
            retry_policy=retry_policy,
            deadline=self.deadline,
        )

    @property
    def config(self) -> Config:
        """The configuration this client was built with."""
        return self._config

    @property
    def generated_client(self) -> runestream_api.Client:
        """The generated ``runestream_api.Client``, for typed calls to ``runestream_api.api``."""
        return self._client

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` (or :meth:`aclose`) was called."""
        return self._closed

    def check_open(self) -> None:
        """Raise :class:`~runestream.ClientClosedError` if the client was closed."""
        if self._closed or self._client.get_httpx_client().is_closed:
            raise ClientClosedError(
                "this V1Client is closed (close() or the end of its with block); "
                "create a new one to send requests"
            )

    def close(self) -> None:
        """Close the pooled sync connections (the async ones are closed by :meth:`aclose`).

        Afterwards the client and its accessors raise :class:`~runestream.ClientClosedError`.
        """
        self._closed = True
        self._client.get_httpx_client().close()

    async def aclose(self) -> None:
        """Close both the sync and the async pooled connections."""
        self.close()
        if isinstance(self._client, LazyAsyncClient):
            built = self._client.built_async_httpx_client()
            if built is not None:  # never built: nothing to close
                await built.aclose()
        else:
            await self._client.get_async_httpx_client().aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def Accel(self, **defaults: Unpack[AccelParams]) -> _accessors.AccelAccessor:
        """Accessor for accelerometry (``GET /v1/accel.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            An :class:`AccelAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import AccelAccessor

        return AccelAccessor(self, **defaults)

    def BandPower(self, **defaults: Unpack[BandPowerParams]) -> _accessors.BandPowerAccessor:
        """Accessor for on-device band power (``GET /v1/band_power.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`BandPowerAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import BandPowerAccessor

        return BandPowerAccessor(self, **defaults)

    def Event(self, **defaults: Unpack[EventParams]) -> _accessors.EventAccessor:
        """Accessor for events (``GET /v1/event.json``; JSON only, also as flat tables).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            An :class:`EventAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import EventAccessor

        return EventAccessor(self, **defaults)

    def HeartRate(self, **defaults: Unpack[HeartrateParams]) -> _accessors.HeartRateAccessor:
        """Accessor for heart rate (``GET /v1/heartrate.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`HeartRateAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import HeartRateAccessor

        return HeartRateAccessor(self, **defaults)

    def LFP(self, **defaults: Unpack[LfpParams]) -> _accessors.LFPAccessor:
        """Accessor for local field potentials (``GET /v1/lfp.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            An :class:`LFPAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import LFPAccessor

        return LFPAccessor(self, **defaults)

    def ProbabilitySymptom(
        self, **defaults: Unpack[ProbabilitySymptomParams]
    ) -> _accessors.ProbabilitySymptomAccessor:
        """Accessor for symptom probability (``GET /v1/probability_symptom.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`ProbabilitySymptomAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import ProbabilitySymptomAccessor

        return ProbabilitySymptomAccessor(self, **defaults)

    def Rotation(self, **defaults: Unpack[RotationParams]) -> _accessors.RotationAccessor:
        """Accessor for rotation (``GET /v1/rotation.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`RotationAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import RotationAccessor

        return RotationAccessor(self, **defaults)

    def Span(self, **defaults: Unpack[SpanParams]) -> _accessors.SpanAccessor:
        """Accessor for spans (``GET /v1/span.json``; JSON only, token paging; flat tables too).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`SpanAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import SpanAccessor

        return SpanAccessor(self, **defaults)

    def State(self, **defaults: Unpack[StateParams]) -> _accessors.StateAccessor:
        """Accessor for device state (``GET /v1/state.json`` / ``.csv``).

        Args:
            **defaults: Default query parameters for every call (typed: any parameter of the
                resource's operations; each method's docstring lists them).

        Returns:
            A :class:`StateAccessor`; its methods follow page tokens for you.
        """
        self.check_open()
        from ._accessors import StateAccessor

        return StateAccessor(self, **defaults)

    def download_session(
        self,
        *,
        session_id: str,
        stream_name: str,
        path: str | os.PathLike[str],
        **options: Any,
    ) -> Path:
        """Download one stream of an uploaded data session (``GET /v1/session``; not paged).

        Delegates to :func:`runestream.download_session` with this client's connections:
        streamed to a temporary file and renamed on success, never a partial file.

        Args:
            session_id: The dataset ID (``dataset-...``).
            stream_name: The stream (file) of the dataset, e.g. ``"metadata"``.
            path: Target file, or a directory: an existing one, or a path ending with a
                separator (``"raw/"``), created if missing.
            **options: Passed on (``chunk_size``, ``progress``, ``retry_policy``, ``sleep``).

        Returns:
            The path of the complete file.

        Raises:
            ValidationError: An argument is invalid.
            APIError: The server answered with an error.
        """
        self.check_open()
        with deadline_scope(start_deadline(self.deadline)):
            return _session.download_session(
                self._client,
                session_id=session_id,
                stream_name=stream_name,
                path=path,
                **options,
            )
