"""The GraphQL metadata API: users, orgs, patients and devices, projects, stream metadata, events.

The typed client is generated (``runestream_graphql``, from ``spec/graphql/``); this package
gives it runestream's HTTP stack (:mod:`._http`), follows cursors to the end (:mod:`._paging`)
and offers runeq 0.18's functions as namespaces of a :class:`~runestream.Session`
(``session.user``, ``.org``, ``.patient``, ``.project``, ``.stream_metadata``, ``.event``),
returning :mod:`runestream.objects`.
"""

from ._api import GraphAPI
from ._event import MAX_EVENT_WINDOW, EventNamespace
from ._http import GRAPHQL_PATH, GraphHTTP
from ._org import OrgNamespace
from ._patient import PatientNamespace
from ._project import ProjectNamespace
from ._stream_metadata import MAX_IDS_PER_REQUEST, StreamMetadataNamespace
from ._user import UserNamespace

__all__ = [
    "GRAPHQL_PATH",
    "MAX_EVENT_WINDOW",
    "MAX_IDS_PER_REQUEST",
    "EventNamespace",
    "GraphAPI",
    "GraphHTTP",
    "OrgNamespace",
    "PatientNamespace",
    "ProjectNamespace",
    "StreamMetadataNamespace",
    "UserNamespace",
]
