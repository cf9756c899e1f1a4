"""runeq-style module functions bound to the default session (see :func:`runestream.initialize`).

``runestream.resources.stream`` mirrors ``runeq.resources.stream``.
"""

from . import stream

__all__ = ["stream"]
