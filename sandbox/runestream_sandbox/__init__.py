"""runestream_sandbox: a local, faithful stand-in of the Rune Labs Stream API (V1 and V2).

Public interface: :func:`create_app`, :class:`SandboxSettings`, :class:`FaultRule`,
:class:`SandboxServer`, :func:`serve`, the fake credentials (and :data:`JWT`), :data:`CATALOG`
(the V1 world), :func:`describe_catalog` (the catalogue as text, with each stream's time range)
and the V2 stream catalogue: :data:`STREAMS` (64-hex id -> :class:`Stream`),
:data:`STREAM_TYPES`, :func:`find_streams`, :func:`find_stream` and :func:`stream_catalog`.
"""

from .app import create_app
from .catalog import (
    ACCESS_TOKEN_ID,
    ACCESS_TOKEN_SECRET,
    CATALOG,
    CLIENT_ACCESS_KEY,
    CLIENT_KEY_ID,
    DATASET_ID,
    DBS_ID,
    OTHER_DATASET_ID,
    OTHER_PATIENT_ID,
    OTHER_WATCH_ID,
    PATIENT_ID,
    SPECIAL_DEVICE_ID,
    WATCH_ID,
    Catalog,
)
from .errors import ERROR_TYPES
from .faults import FaultController
from .overview import describe_catalog
from .server import SandboxServer, serve
from .settings import FaultRule, SandboxSettings
from .v2 import (
    JWT,
    STREAM_TYPES,
    STREAMS,
    V2_PATHS,
    Stream,
    StreamType,
    find_stream,
    find_streams,
    stream_catalog,
)

__all__ = [
    "ACCESS_TOKEN_ID",
    "ACCESS_TOKEN_SECRET",
    "CATALOG",
    "CLIENT_ACCESS_KEY",
    "CLIENT_KEY_ID",
    "DATASET_ID",
    "DBS_ID",
    "ERROR_TYPES",
    "JWT",
    "OTHER_DATASET_ID",
    "OTHER_PATIENT_ID",
    "OTHER_WATCH_ID",
    "PATIENT_ID",
    "SPECIAL_DEVICE_ID",
    "STREAMS",
    "STREAM_TYPES",
    "V2_PATHS",
    "WATCH_ID",
    "Catalog",
    "FaultController",
    "FaultRule",
    "SandboxServer",
    "SandboxSettings",
    "Stream",
    "StreamType",
    "create_app",
    "describe_catalog",
    "find_stream",
    "find_streams",
    "serve",
    "stream_catalog",
]
