"""runestream: a typed, fast, reliable client for the Rune Labs Stream API.

Everyday names are re-exported here; internal modules are ``_``-prefixed. Generated operations
live in ``runestream_api.api`` and are called with a client from :func:`build_generated_client`.
"""

from . import resources, v2
from ._default_session import InitializationError, initialize, initialize_with_config
from ._session_api import Session, SessionClosedError
from ._version import __version__
from .core._auth import RuneAuth
from .core._config import (
    DEFAULT_STREAM_URL,
    Config,
    default_config_path,
    load_config_file,
    save_config_file,
)
from .core._csv import parse_csv_page
from .core._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigError,
    CSVParseError,
    DeadlineExceededError,
    IncompleteResponseError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RunestreamError,
    ServerError,
    ValidationError,
    error_from_response,
)
from .core._logging import RedactingFilter
from .core._pagination import AsyncPaginator, Page, Paginator, ParsedBody
from .core._parallel import MAX_WORKERS
from .core._retry import DEFAULT_RETRY_POLICY, RetryPolicy
from .core._times import to_unix_seconds
from .core._transport import DEFAULT_TIMEOUT, build_generated_client
from .v1._accessors import (
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
from .v1._client import V1Client
from .v1._params import AVAILABILITY_EXPRESSIONS, OPERATIONS, Operation, ParamSpec, prepare_params
from .v1._session import download_session

__all__ = [
    "AVAILABILITY_EXPRESSIONS",
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_STREAM_URL",
    "DEFAULT_TIMEOUT",
    "MAX_WORKERS",
    "OPERATIONS",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AccelAccessor",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BandPowerAccessor",
    "CSVParseError",
    "ClientClosedError",
    "Config",
    "ConfigError",
    "DeadlineExceededError",
    "EventAccessor",
    "HeartRateAccessor",
    "IncompleteResponseError",
    "InitializationError",
    "LFPAccessor",
    "NotFoundError",
    "Operation",
    "Page",
    "PaginationError",
    "Paginator",
    "ParamSpec",
    "ParsedBody",
    "PermissionDeniedError",
    "ProbabilitySymptomAccessor",
    "RateLimitError",
    "RedactingFilter",
    "RedirectError",
    "RetryPolicy",
    "RotationAccessor",
    "RuneAuth",
    "RunestreamError",
    "ServerError",
    "Session",
    "SessionClosedError",
    "SpanAccessor",
    "StateAccessor",
    "V1Client",
    "ValidationError",
    "__version__",
    "build_generated_client",
    "default_config_path",
    "download_session",
    "error_from_response",
    "initialize",
    "initialize_with_config",
    "load_config_file",
    "parse_csv_page",
    "prepare_params",
    "resources",
    "save_config_file",
    "to_unix_seconds",
    "v2",
]
