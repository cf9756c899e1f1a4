"""Raw bytes of the session datasets: deterministic, generated on demand and memoised."""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np

from . import signals
from .catalog import Dataset


def stream_bytes(dataset: Dataset, stream_name: str) -> bytes:
    """The content of one stream of a dataset (its size is ``dataset.streams[stream_name]``)."""
    return _stream_bytes(dataset.dataset_id, dataset.patient_id, stream_name)


@lru_cache(maxsize=16)
def _stream_bytes(dataset_id: str, patient_id: str, stream_name: str) -> bytes:
    from .catalog import CATALOG

    dataset = CATALOG.patients[patient_id].datasets[dataset_id]
    size = dataset.streams[stream_name]
    if stream_name == "metadata":
        meta = {
            "dataset_id": dataset.dataset_id,
            "patient_id": dataset.patient_id,
            "streams": sorted(dataset.streams),
            "schema": "sandbox-session-v1",
        }
        text = json.dumps(meta, sort_keys=True).encode()
        return text + b" " * max(0, size - len(text))
    rng = np.random.Generator(np.random.PCG64(signals.seed_of(dataset.dataset_id, stream_name)))
    return rng.bytes(size)
