"""The Dask cluster the integration tests share: a real ``distributed.LocalCluster`` of 2 worker
processes (2 threads each) on 127.0.0.1, one per test module that asks for it (it starts in
about a second, and stops with the module: no idle processes through the rest of the suite).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    """A ``distributed.Client`` of a 2-process LocalCluster (skipped without the extra)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=2,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client
