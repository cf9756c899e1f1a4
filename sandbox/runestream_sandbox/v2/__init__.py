"""The V2 Stream API of the sandbox: streams addressed by 64-hex ids, from the V1 world.

Public interface: :data:`STREAMS` (id -> :class:`Stream`), :data:`STREAM_TYPES`,
:func:`find_streams` / :func:`find_stream` (runeq-style filters), :func:`stream_catalog`
(JSON-friendly list, runeq's ``StreamMetadata.to_dict()`` form), :func:`streams_with_copies`
(the catalogue of an app with ``SandboxSettings.stream_copies``), :data:`V2_OPERATIONS`,
:data:`V2_PATHS` and the sandbox's :data:`JWT`.
"""

from .request import V2_OPERATIONS, V2Operation
from .service import JWT
from .streams import (
    STREAMS,
    Recipe,
    Stream,
    find_stream,
    find_streams,
    stream_catalog,
    streams_with_copies,
)
from .types import STREAM_TYPES, Dimension, StreamType

#: The V2 operation paths as the spec writes them.
V2_PATHS: tuple[str, ...] = tuple(op.path for op in V2_OPERATIONS)

__all__ = [
    "JWT",
    "STREAMS",
    "STREAM_TYPES",
    "V2_OPERATIONS",
    "V2_PATHS",
    "Dimension",
    "Recipe",
    "Stream",
    "StreamType",
    "V2Operation",
    "find_stream",
    "find_streams",
    "stream_catalog",
    "streams_with_copies",
]
