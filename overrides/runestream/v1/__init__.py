"""The V1 Stream API (retired upstream except ``/v1/session``, kept for code that uses it).

``V1Client`` (``_client.py``) and its runeq 0.15-style accessors: the shared accessor base
(``_accessor.py``), the time-series accessors (``_series.py``), the event and span accessors
(``_events.py``), their typed signatures (``_accessors.py``, emitted by ``scripts/regenerate``),
one prepared query and its time chunks (``_query.py``), the binding of the generated operations
(``_operations.py``), parameter validation (``_params.py``), JSON records into tables
(``_records.py``) and raw session downloads (``_session.py``).
"""

from ._accessors import (
    AccelAccessor,
    BandPowerAccessor,
    EventAccessor,
    HeartRateAccessor,
    LFPAccessor,
    ProbabilitySymptomAccessor,
    RotationAccessor,
    SpanAccessor,
    StateAccessor,
)
from ._client import V1Client
from ._session import download_session

__all__ = [
    "AccelAccessor",
    "BandPowerAccessor",
    "EventAccessor",
    "HeartRateAccessor",
    "LFPAccessor",
    "ProbabilitySymptomAccessor",
    "RotationAccessor",
    "SpanAccessor",
    "StateAccessor",
    "V1Client",
    "download_session",
]
