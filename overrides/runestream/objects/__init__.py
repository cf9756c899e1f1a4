"""runeq 0.18's metadata objects: users, orgs, patients and devices, projects, cohorts, stream
types and stream metadata, events — with runeq's names, fields and methods.

Each class has ``from_graphql(...)`` building it from the dicts runeq's GraphQL queries answer
(runeq's aliases). Nothing here sends a request: the data methods of
:class:`StreamMetadata` / :class:`StreamMetadataSet` delegate to a :class:`MetadataDataSource`
the objects carry privately (``_session``) or are given (``stream_client=``).

Where runeq is wrong this package is right, and each module's docstring says how it differs:
``DeviceSet`` keyed by (patient, device); empty frames with their columns and stable dtypes;
no global state; normalized patient ids; ``to_dict()`` returning a copy; and more.
"""

from ._base import ItemBase, ItemSet
from ._errors import AmbiguousDeviceError, ItemNotFoundError, NoSessionError
from ._event import Event, EventSet
from ._hook import MetadataDataSource
from ._org import Org, OrgSet
from ._patient import Device, DeviceSet, Patient, PatientSet
from ._project import (
    Cohort,
    CohortSet,
    Metric,
    MetricSet,
    Project,
    ProjectPatientMetadata,
    ProjectPatientMetadataSet,
    ProjectSet,
)
from ._stream_metadata import StreamMetadata, StreamMetadataSet
from ._stream_type import Dimension, StreamType, StreamTypeSet
from ._user import User

__all__ = [
    "AmbiguousDeviceError",
    "Cohort",
    "CohortSet",
    "Device",
    "DeviceSet",
    "Dimension",
    "Event",
    "EventSet",
    "ItemBase",
    "ItemNotFoundError",
    "ItemSet",
    "MetadataDataSource",
    "Metric",
    "MetricSet",
    "NoSessionError",
    "Org",
    "OrgSet",
    "Patient",
    "PatientSet",
    "Project",
    "ProjectPatientMetadata",
    "ProjectPatientMetadataSet",
    "ProjectSet",
    "StreamMetadata",
    "StreamMetadataSet",
    "StreamType",
    "StreamTypeSet",
    "User",
]
