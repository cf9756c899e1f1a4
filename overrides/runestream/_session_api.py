"""``runestream.Session``: one object holding the pooled clients every API call goes through.

No globals: each Session has its own configuration and connection pool, built with the shared
transport stack (:func:`~runestream.build_generated_client`: auth, timeouts, retries, redirect
guard, errors, log redaction). It is thread-safe (httpx clients are; the session's own state is
guarded by a lock) and closable: ``with Session(cfg) as s:``, ``async with``, ``close()``,
``aclose()``. The async httpx client is built only on first async use.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import httpx

import runestream_api

from ._data_source import DEFAULT_FRAME_WORKERS, SessionDataSource
from .core._config import Config
from .core._errors import RunestreamError
from .core._logging import logger
from .core._options import TransportOptions
from .core._parallel import check_workers
from .core._retry import RetryPolicy
from .core._transport import (
    LazyAsyncClient,
    build_generated_client,
    build_httpx_client,
)
from .graph import (
    EventNamespace,
    GraphAPI,
    OrgNamespace,
    PatientNamespace,
    ProjectNamespace,
    StreamMetadataNamespace,
    UserNamespace,
)
from .objects import MetadataDataSource
from .v2 import StreamNamespace
from .v2._batch import DEFAULT_BATCH_WORKERS, DEFAULT_MAX_BATCH_IDS
from .v2._batch import max_batch_ids as check_max_batch_ids

if TYPE_CHECKING:
    from .core._times import TimeLike
    from .sync import SyncResult

__all__ = ["DEFAULT_METADATA_WORKERS", "Session", "SessionClosedError"]

#: Default ``metadata_workers``: GraphQL requests one metadata call sends at once.
DEFAULT_METADATA_WORKERS: Final = 4


class SessionClosedError(RunestreamError, RuntimeError):
    """A call was made on a :class:`Session` after it was closed."""


class Session:
    """Access to the Rune Labs APIs with one configuration and one connection pool.

    Example:
        >>> with runestream.Session(runestream.Config()) as session:  # doctest: +SKIP
        ...     for page in session.stream.get_stream_data(stream_id, start_time="2024-05-01",
        ...                                                end_time="2024-05-02"):
        ...         print(page)

    Args:
        config: Credentials and URLs; default ``Config()`` (``~/.rune/config``, ``RUNE_*``).
        transport: Innermost sync transport (tests pass ``httpx.MockTransport``).
        async_transport: Innermost async transport.
        timeout: ``httpx.Timeout`` or seconds; default connect 10 s, read 120 s.
        max_attempts: Attempts per request (1 disables retries).
        retry_policy: The shared retry policy; default ``RetryPolicy()``.
        limits: Connection pool limits.
        proxy: Proxy URL (default from the environment, never for loopback).
        sleep: Sleep between sync retries (tests pass a fake).
        async_sleep: Awaitable sleep between async retries.
        rand: Uniform [0, 1) source for backoff jitter.
        deadline: Seconds one request may take in all, retries and waits included
            (:func:`~runestream.build_generated_client`'s ``deadline``); ``None``: no bound.
        max_batch_ids: Most ``stream_id`` values one ``/v2/batch/availability`` request
            carries (default 50, the server's assumed limit); larger sets are split into
            chunks and combined bin by bin with the same any/all. ``None``: never split.
            Checked first: an invalid value raises :class:`~runestream.ValidationError`.
        batch_workers: Most chunks of a split batch fetched at once (default 4; 1 to
            :data:`~runestream.MAX_WORKERS`), threads over the pooled client. Checked first.
        metadata_workers: Most GraphQL requests one metadata call sends at once (batches of
            100 stream ids, 90-day event windows, patients by id); default 4. Checked first.
        frame_workers: Most streams of a metadata set fetched at once by its data methods
            (``get_stream_dataframe``, ``to_arrow``, ... unless given ``workers=``); default 4,
            at most :data:`~runestream.MAX_WORKERS`. Checked first.

    Attributes:
        config: The session's :class:`~runestream.Config`.
        stream: The V2 Stream API functions (runeq's ``get_stream_data``,
            ``get_stream_availability``, ``get_stream_daily_aggregate``,
            ``get_stream_aggregate_window``) and ``availability`` (a ``pyarrow.Table``).
        user, org, patient, project, stream_metadata, event: runeq 0.18's GraphQL metadata
            functions (``get_current_user``; ``get_orgs``, ``get_org``, ``set_active_org``;
            ``get_all_patients``, ``get_patient``, ``get_all_devices``, ``get_device``,
            ``get_patient_devices``; ``get_projects``, ``get_project``,
            ``get_project_patients``, ``get_cohort_patients``; ``get_all_stream_types``,
            ``get_patient_stream_metadata``, ``get_stream_metadata``,
            ``get_stream_dataframe``, ``get_stream_availability_dataframe``;
            ``get_patient_events`` and its category helpers), over the pooled client for
            ``config.graph_url`` (built on first use), returning :mod:`runestream.objects`.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float | None = None,
        max_attempts: int | None = None,
        retry_policy: RetryPolicy | None = None,
        limits: httpx.Limits | None = None,
        proxy: str | None = None,
        sleep: Callable[[float], None] | None = None,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
        rand: Callable[[], float] | None = None,
        deadline: float | None = None,
        max_batch_ids: int | None = DEFAULT_MAX_BATCH_IDS,
        batch_workers: int = DEFAULT_BATCH_WORKERS,
        metadata_workers: int = DEFAULT_METADATA_WORKERS,
        frame_workers: int = DEFAULT_FRAME_WORKERS,
    ) -> None:
        batch_limit = check_max_batch_ids(max_batch_ids)
        chunk_workers = check_workers(batch_workers, "batch_workers")
        graph_workers = check_workers(metadata_workers, "metadata_workers")
        set_workers = check_workers(frame_workers, "frame_workers")
        self.config = config if config is not None else Config()
        self._transport_options: TransportOptions = {
            "transport": transport,
            "async_transport": async_transport,
            "timeout": timeout,
            "max_attempts": max_attempts,
            "retry_policy": retry_policy,
            "limits": limits,
            "proxy": proxy,
            "sleep": sleep,
            "async_sleep": async_sleep,
            "rand": rand,
            "deadline": deadline,
        }
        self._generated = build_generated_client(
            self.config,
            transport=transport,
            async_transport=async_transport,
            timeout=timeout,
            max_attempts=max_attempts,
            retry_policy=retry_policy,
            limits=limits,
            proxy=proxy,
            sleep=sleep,
            async_sleep=async_sleep,
            rand=rand,
            deadline=deadline,
        )
        self._lock = threading.Lock()
        self._closed = False
        self.stream = StreamNamespace(
            self.generated_client, max_batch_ids=batch_limit, batch_workers=chunk_workers
        )
        self._graph_client: httpx.Client | None = None
        self._graph = GraphAPI(
            self.graph_httpx_client,
            SessionDataSource(self.stream, workers=set_workers),
            workers=graph_workers,
        )
        self.user = UserNamespace(self._graph)
        self.org = OrgNamespace(self._graph)
        self.patient = PatientNamespace(self._graph)
        self.project = ProjectNamespace(self._graph)
        self.stream_metadata = StreamMetadataNamespace(self._graph)
        self.event = EventNamespace(self._graph)

    def sync(
        self,
        dest: str | os.PathLike[str],
        *,
        patient_ids: str | Sequence[str],
        start: TimeLike,
        end: TimeLike,
        **options: Any,
    ) -> SyncResult:
        """Mirror streams into a resumable hive-partitioned Parquet dataset at ``dest``.

        ``patient_id=…/stream_id=…/date=YYYY-MM-DD/`` partitions, one per (stream, UTC day) of
        ``[start, end)``, with a manifest of what is complete: a second run fetches nothing
        complete, an interrupted one resumes, a day still being recorded is refreshed. Options
        (``category``, ``measurement``, ``device_id``, ``parameters``, ``workers``, ...) and
        guarantees: :func:`runestream.sync.sync`. ``scheduler="tcp://host:8786"`` (or a
        ``distributed.Client``) fetches the partitions on a Dask cluster while this process
        keeps the lock, writes the files and the manifest (``worker_config`` for the workers'
        credentials; by default their own ``Config()``).
        """
        from .sync import sync  # not at import: the mirror is optional to most sessions

        return sync(self, dest, patient_ids=patient_ids, start=start, end=end, **options)

    @property
    def metadata_source(self) -> MetadataDataSource | None:
        """What the metadata objects this session returns fetch stream data through."""
        return self._graph.source

    def graph_httpx_client(self) -> httpx.Client:
        """The pooled ``httpx.Client`` for the GraphQL API (``config.graph_url``), built on
        first use with the same auth, timeouts, retries and guards as the Stream API's.

        Raises:
            SessionClosedError: The session was closed.
        """
        with self._lock:
            if self._closed:
                raise SessionClosedError("this Session is closed; create a new one")
            if self._graph_client is None:
                self._graph_client = build_httpx_client(
                    self.config, base_url=self.config.graph_url, **self._transport_options
                )
            return self._graph_client

    def generated_client(self) -> runestream_api.Client:
        """The generated client under this session (for typed calls to ``runestream_api``).

        Raises:
            SessionClosedError: The session was closed.
        """
        with self._lock:
            if self._closed:
                raise SessionClosedError("this Session is closed; create a new one")
            return self._generated

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` or :meth:`aclose` has been called."""
        with self._lock:
            return self._closed

    def _mark_closed(self) -> httpx.AsyncClient | None:
        with self._lock:
            self._closed = True
            graph = self._graph_client
        if graph is not None:
            graph.close()
        generated = self._generated
        async_client = (
            generated.built_async_httpx_client() if isinstance(generated, LazyAsyncClient) else None
        )
        generated.get_httpx_client().close()
        return async_client

    def close(self) -> None:
        """Close the pooled connections; later calls raise :class:`SessionClosedError`.

        Prefer :meth:`aclose` (or ``async with``) after async use: ``close()`` closes a built
        async client itself only when no event loop is running in this thread.
        """
        async_client = self._mark_closed()
        if async_client is not None and not async_client.is_closed:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                asyncio.run(async_client.aclose())
            else:
                logger.debug("Session.close() inside an event loop: use aclose() to close it")

    async def aclose(self) -> None:
        """Close the sync and (if built) async pooled connections."""
        async_client = self._mark_closed()
        if async_client is not None:
            await async_client.aclose()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"Session({self.config!r}, {state})"
