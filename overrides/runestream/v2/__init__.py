"""The V2 Stream API (data by stream id): runeq 0.18's stream functions on the generated V2 code.

Reached as ``Session(config).stream`` (see :class:`~runestream.Session`) or, in runeq's global
style, ``runestream.resources.stream``.
"""

from ._names import UnknownParameterError
from ._pages import PageBody, iter_bodies, paginator
from ._stream import StreamNamespace

__all__ = ["PageBody", "StreamNamespace", "UnknownParameterError", "iter_bodies", "paginator"]
