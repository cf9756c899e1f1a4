"""A resumable local mirror of streams as a hive-partitioned Parquet dataset.

``sync(session, dest, patient_ids=..., start=..., end=...)`` (and ``runestream sync``) writes
``patient_id=…/stream_id=…/date=YYYY-MM-DD/part.parquet`` under ``dest`` with a manifest of
what is complete (``_runestream_manifest.json``); see :mod:`runestream.sync._sync`.
``open_dataset(dest)`` opens it whole (every stream's columns) as a ``pyarrow.dataset``.
"""

from __future__ import annotations

from ._dataset import PARTITION_SCHEMA, dataset_schema, open_dataset
from ._manifest import MANIFEST_NAME, PART_NAME
from ._sync import LOCK_NAME, PartitionEvent, SyncResult, partition_key, sync

__all__ = [
    "LOCK_NAME",
    "MANIFEST_NAME",
    "PARTITION_SCHEMA",
    "PART_NAME",
    "PartitionEvent",
    "SyncResult",
    "dataset_schema",
    "open_dataset",
    "partition_key",
    "sync",
]
