"""runestream: a typed, fast, reliable client for the Rune Labs Stream API.

Everyday names are re-exported here; internal modules are ``_``-prefixed. Generated operations
live in ``runestream_api.api`` and are called with a client from :func:`build_generated_client`.
"""

from ._auth import RuneAuth
from ._config import (
    DEFAULT_STREAM_URL,
    Config,
    default_config_path,
    load_config_file,
    save_config_file,
)
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigError,
    CSVParseError,
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
from ._logging import RedactingFilter
from ._retry import RetryPolicy
from ._session import download_session
from ._transport import DEFAULT_TIMEOUT, build_generated_client
from ._version import __version__

__all__ = [
    "DEFAULT_STREAM_URL",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CSVParseError",
    "Config",
    "ConfigError",
    "IncompleteResponseError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedactingFilter",
    "RedirectError",
    "RetryPolicy",
    "RuneAuth",
    "RunestreamError",
    "ServerError",
    "ValidationError",
    "__version__",
    "build_generated_client",
    "default_config_path",
    "download_session",
    "error_from_response",
    "load_config_file",
    "save_config_file",
]

# --- data access: accessors, pagination, CSV, parameters, times ---
from ._csv import parse_csv_page
from ._pagination import AsyncPaginator, Page, Paginator
from ._params import AVAILABILITY_EXPRESSIONS, OPERATIONS, Operation, ParamSpec, prepare_params
from ._resources import (
    AccelAccessor,
    BandPowerAccessor,
    EventAccessor,
    HeartRateAccessor,
    LFPAccessor,
    ProbabilitySymptomAccessor,
    RotationAccessor,
    SpanAccessor,
    StateAccessor,
    V1Client,
)
from ._times import to_unix_seconds

__all__ += [
    "AVAILABILITY_EXPRESSIONS",
    "OPERATIONS",
    "AccelAccessor",
    "AsyncPaginator",
    "BandPowerAccessor",
    "EventAccessor",
    "HeartRateAccessor",
    "LFPAccessor",
    "Operation",
    "Page",
    "Paginator",
    "ParamSpec",
    "ProbabilitySymptomAccessor",
    "RotationAccessor",
    "SpanAccessor",
    "StateAccessor",
    "V1Client",
    "parse_csv_page",
    "prepare_params",
    "to_unix_seconds",
]
