"""runeq-style module functions bound to the default session (see :func:`runestream.initialize`).

``runestream.resources.<module>`` mirrors ``runeq.resources.<module>`` for ``stream`` (V2 data),
``user``, ``org``, ``patient``, ``project``, ``stream_metadata`` and ``event`` (GraphQL
metadata). Each function also takes ``client=`` (a :class:`~runestream.Session` or its
namespace).
"""

from . import event, org, patient, project, stream, stream_metadata, user

__all__ = ["event", "org", "patient", "project", "stream", "stream_metadata", "user"]
