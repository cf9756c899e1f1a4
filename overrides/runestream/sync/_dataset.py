"""Opening a synced dataset whole: one schema for the columns of every stream in it.

Each stream type has its own data columns, and hive readers take the schema of the first file
they see unless told otherwise (polars then drops the other streams' columns). Every day of a
stream has the same schema (see :mod:`._partition`), so the union of one file's schema per
stream (found through the manifest) is the dataset's schema, without reading every file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Final

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ..core._errors import ValidationError
from ._manifest import MANIFEST_NAME, Manifest

__all__ = ["PARTITION_SCHEMA", "dataset_schema", "open_dataset"]

#: The hive path fields of a synced dataset, as text (``date`` is ``YYYY-MM-DD``).
PARTITION_SCHEMA: Final = pa.schema(
    [("patient_id", pa.string()), ("stream_id", pa.string()), ("date", pa.string())]
)


def _root(dest: str | os.PathLike[str]) -> Path:
    root = Path(dest).expanduser()
    if not (root / MANIFEST_NAME).is_file():
        raise ValidationError(
            f"{str(root)!r} is not a synced dataset (no {MANIFEST_NAME}); create it with "
            "runestream sync",
            parameter="dest",
        )
    return root


def dataset_schema(dest: str | os.PathLike[str]) -> pa.Schema:
    """The columns of every stream synced into ``dest`` (each stream's first file's schema,
    unified; a column two stream types type differently takes the wider type), then
    ``patient_id, stream_id, date``.

    Raises:
        ValidationError: ``dest`` holds no sync manifest.
        ValueError: The manifest is unreadable.
    """
    root = _root(dest)
    manifest = Manifest(root)
    seen: set[str] = set()
    schemas: list[pa.Schema] = []
    for key, entry in sorted(manifest.partitions.items()):
        stream = key.split("/")[1] if key.count("/") == 2 else key
        if entry.file is None or stream in seen:
            continue
        try:
            schemas.append(pq.read_schema(root / key / entry.file))
        except (OSError, pa.ArrowInvalid):
            continue  # deleted or damaged: another day of the stream stands for it
        seen.add(stream)
    data = pa.unify_schemas(schemas, promote_options="permissive") if schemas else pa.schema([])
    return pa.schema(
        [*(f for f in data if f.name not in PARTITION_SCHEMA.names), *PARTITION_SCHEMA]
    )


def open_dataset(dest: str | os.PathLike[str]) -> Any:
    """``dest`` as one ``pyarrow.dataset.Dataset`` with :func:`dataset_schema` (every stream's
    columns, null where a stream has no such column) and the hive fields as text columns.

    Polars reads it with ``polars.scan_pyarrow_dataset(open_dataset(dest))``; DuckDB with
    ``read_parquet('dest/**/*.parquet', hive_partitioning = true, union_by_name = true)``.
    """
    import pyarrow.dataset as ds  # type: ignore[import-untyped]

    schema = dataset_schema(dest)
    partitioning = ds.partitioning(PARTITION_SCHEMA, flavor="hive")
    return ds.dataset(_root(dest), format="parquet", partitioning=partitioning, schema=schema)
