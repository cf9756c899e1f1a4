"""runestream_sandbox: a local, faithful stand-in of the Rune Labs Stream API V1.

Public interface: :func:`create_app`, :class:`SandboxSettings`, :class:`FaultRule`,
:class:`SandboxServer`, :func:`serve`, the fake credentials, :data:`CATALOG` and
:func:`describe_catalog` (the catalogue as text, with each stream's time range).
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

__all__ = [
    "ACCESS_TOKEN_ID",
    "ACCESS_TOKEN_SECRET",
    "CATALOG",
    "CLIENT_ACCESS_KEY",
    "CLIENT_KEY_ID",
    "DATASET_ID",
    "DBS_ID",
    "ERROR_TYPES",
    "OTHER_DATASET_ID",
    "OTHER_PATIENT_ID",
    "OTHER_WATCH_ID",
    "PATIENT_ID",
    "SPECIAL_DEVICE_ID",
    "WATCH_ID",
    "Catalog",
    "FaultController",
    "FaultRule",
    "SandboxServer",
    "SandboxSettings",
    "create_app",
    "describe_catalog",
    "serve",
]
