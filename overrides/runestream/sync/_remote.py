"""A sync's partitions fetched on a Dask cluster (``sync(..., scheduler=...)``).

The cluster only fetches: each task is one (stream, UTC day) fetched by a worker through its own
pooled :class:`~runestream.Session` (the credentials of :mod:`runestream.dask`: the worker's own
``Config()``, or an explicit Config pickled into the task) and returned as the bytes of the
partition's Parquet file. Everything that must not be lost or half-done stays in the process
that called ``sync``: it holds the dataset's lock, writes each file atomically, records it in the
manifest and reports progress, exactly as for a local fetch. At most ``in_flight`` partitions
are submitted and not yet written at any time, so neither the workers nor this process hold
more than that many partitions' results.

A task that fails raises, here, the error a local fetch raises (the worker's session retries
first); a worker lost mid-task is Dask's to handle (the task runs again on another worker). No
secret is in a task key (``runestream-sync-<random>-<n>``) or a repr.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final

from ..core._errors import ValidationError
from ._partition import declared_schema, fetch_partition

if TYPE_CHECKING:
    from ..core._config import Config
    from ._sync import PartitionEvent, _Task

__all__ = [
    "MAX_IN_FLIGHT",
    "Cluster",
    "check_in_flight",
    "check_scheduler",
    "connected",
    "fetch_day",
]

#: Most partitions submitted to the cluster and not yet written (``workers=`` with a scheduler).
MAX_IN_FLIGHT: Final = 256
#: The address schemes of Dask's comm backends that take ``host:port``.
_HOST_PORT: Final = frozenset({"tcp", "tls", "ws", "wss"})
_EXAMPLE: Final = "tcp://scheduler-host:8786"


def require_distributed() -> Any:
    """The ``distributed`` module, or an ImportError naming the extra that installs it."""
    try:
        import distributed
    except ImportError as error:
        raise ImportError(
            "sync(scheduler=...) and --scheduler need Dask's distributed: pip install "
            f"'runestream[dask]'; {error}"
        ) from error
    return distributed


def check_scheduler(scheduler: object) -> Any:
    """``scheduler`` checked: a ``distributed.Client``, or a scheduler address (text such as
    ``tcp://host:8786``), parsed without connecting.

    Raises:
        ImportError: ``distributed`` is not installed.
        ValidationError: It is neither, or the address does not parse.
    """
    distributed = require_distributed()
    if isinstance(scheduler, distributed.Client):
        return scheduler
    if not isinstance(scheduler, str):
        raise ValidationError(
            f"scheduler must be a Dask scheduler address such as {_EXAMPLE!r} or a "
            f"distributed.Client, not {type(scheduler).__name__}",
            parameter="scheduler",
        )
    from distributed.comm import registry
    from distributed.comm.addressing import parse_address, parse_host_port

    address = scheduler.strip()
    why = ""
    if not address or any(c.isspace() for c in address):
        why = "it is empty or holds spaces"
    else:
        scheme, location = parse_address(address, strict=False)
        if scheme not in registry.backends:
            why = f"{scheme!r} is not a Dask protocol ({', '.join(sorted(registry.backends))})"
        elif scheme in _HOST_PORT:
            try:
                host, port = parse_host_port(location)
            except ValueError as error:
                why = str(error)
            else:
                if not host or not 0 < int(port) < 65536:
                    why = "it needs a host and a port from 1 to 65535"
        elif not location:
            why = "it has no location"
    if why:
        raise ValidationError(
            f"scheduler {scheduler!r} is not a Dask scheduler address such as {_EXAMPLE!r}: {why}",
            parameter="scheduler",
        )
    return address


def check_in_flight(workers: object) -> int | None:
    """``workers`` as the most partitions in flight on a cluster (``None``: the default)."""
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValidationError(
            f"workers must be a positive integer, got {workers!r}", parameter="workers"
        )
    if workers > MAX_IN_FLIGHT:
        raise ValidationError(
            f"with a scheduler, workers is the most partitions in flight: at most "
            f"{MAX_IN_FLIGHT}, got {workers}",
            parameter="workers",
        )
    return workers


@contextlib.contextmanager
def connected(scheduler: Any) -> Iterator[Any]:
    """The client for a checked ``scheduler``: the caller's own (left open), or one connected
    to the address for the duration (closed after)."""
    distributed = require_distributed()
    if isinstance(scheduler, distributed.Client):
        yield scheduler
        return
    with distributed.Client(scheduler, set_as_default=False) as client:
        yield client


def fetch_day(
    credentials: Any,
    options: tuple[tuple[str, Any], ...],
    stream_id: str,
    start_ns: int,
    end_ns: int,
    declared: Any,
    codec: str,
) -> tuple[int, bytes]:
    """On a worker: one partition's rows and the bytes of its Parquet file (``b""`` if none).

    The same fetch (:func:`~runestream.sync._partition.fetch_partition`, typed by the
    ``declared`` schema) and the same ``write_table`` as a local sync, so the file is the one
    a local sync writes.
    """
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    from ..dask._worker import worker_session

    session = worker_session(credentials, options)
    table = fetch_partition(session, stream_id, start_ns, end_ns, declared)
    if table.num_rows == 0:
        return 0, b""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=codec)
    rows: int = table.num_rows
    payload: bytes = sink.getvalue().to_pybytes()
    return rows, payload


class Cluster:
    """How a sync reaches a cluster: the client, the workers' credentials and session options,
    and the bound on partitions in flight.

    Args:
        client: A connected ``distributed.Client``.
        config: The Config the workers' sessions use (pickled into each task), or ``None``:
            each worker's own ``Config()``.
        options: ``Session`` options of the workers' sessions (``max_attempts``, ``timeout``).
        in_flight: Most partitions submitted and not yet written; ``None``: twice the
            cluster's threads when the sync starts (2 to :data:`MAX_IN_FLIGHT`).
    """

    def __init__(
        self,
        client: Any,
        config: Config | None,
        options: tuple[tuple[str, Any], ...],
        in_flight: int | None,
    ) -> None:
        from ..dask._worker import Credentials

        self.client = client
        self.credentials = Credentials(config)
        self.options = options
        if in_flight is None:
            threads = sum(client.nthreads().values())
            in_flight = max(2, min(2 * threads, MAX_IN_FLIGHT))
        self.in_flight = in_flight

    def run(
        self,
        tasks: Sequence[_Task],
        codec: str,
        day_ns: Callable[[_Task], tuple[int, int]],
        write: Callable[[_Task, int, bytes], PartitionEvent],
        notify: Callable[[PartitionEvent], None],
    ) -> None:
        """Fetch ``tasks`` on the cluster, ``in_flight`` at a time; ``write`` (and then
        ``notify``) each result here, in the order they complete.

        On an error (a task's, or ``notify``'s such as a ``KeyboardInterrupt``), the results
        already finished are written too (not notified), the others cancelled, and the error
        raised.
        """
        distributed = require_distributed()
        run_id = uuid.uuid4().hex[:16]
        pending = iter(enumerate(tasks))
        submitted: dict[Any, _Task] = {}
        completed = distributed.as_completed(loop=self.client.loop)  # not a default client

        def submit_next() -> None:
            item = next(pending, None)
            if item is None:
                return
            number, task = item
            start_ns, end_ns = day_ns(task)
            future = self.client.submit(
                fetch_day,
                self.credentials,
                self.options,
                task.stream.id,
                start_ns,
                end_ns,
                declared_schema(task.stream),
                codec,
                key=f"runestream-sync-{run_id}-{number}",
                pure=False,
            )
            submitted[future] = task
            completed.add(future)

        try:
            for _ in range(self.in_flight):
                submit_next()
            for future in completed:
                task = submitted.pop(future)
                rows, payload = future.result()
                future.release()
                event = write(task, rows, payload)
                del payload
                notify(event)
                submit_next()
        except BaseException:
            self._salvage(submitted, write)
            raise

    def _salvage(
        self, submitted: dict[Any, _Task], write: Callable[[_Task, int, bytes], object]
    ) -> None:
        """Write the results that finished; cancel the rest."""
        for future, task in list(submitted.items()):
            if future.status == "finished":
                with contextlib.suppress(Exception):
                    write(task, *future.result())
        with contextlib.suppress(Exception):
            self.client.cancel(list(submitted))
