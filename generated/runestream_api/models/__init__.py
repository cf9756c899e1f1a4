"""Contains all the data models used in inputs/outputs"""

from .band_power_expression_name import BandPowerExpressionName
from .error_detail import ErrorDetail
from .error_envelope import ErrorEnvelope
from .event import Event
from .event_response import EventResponse
from .event_result import EventResult
from .heart_rate_expression_name import HeartRateExpressionName
from .interpolation import Interpolation
from .lfp_csv_expression_name import LfpCsvExpressionName
from .payload import Payload
from .rotation_expression_name import RotationExpressionName
from .span import Span
from .span_response import SpanResponse
from .span_result import SpanResult
from .state_csv_expression_name import StateCsvExpressionName
from .state_json_expression_name import StateJsonExpressionName
from .state_response import StateResponse
from .state_result import StateResult
from .state_result_update_item import StateResultUpdateItem
from .timeseries_response import TimeseriesResponse
from .timeseries_result import TimeseriesResult
from .timeseries_result_streams_item import TimeseriesResultStreamsItem
from .timestamp_format import TimestampFormat

__all__ = (
    "BandPowerExpressionName",
    "ErrorDetail",
    "ErrorEnvelope",
    "Event",
    "EventResponse",
    "EventResult",
    "HeartRateExpressionName",
    "Interpolation",
    "LfpCsvExpressionName",
    "Payload",
    "RotationExpressionName",
    "Span",
    "SpanResponse",
    "SpanResult",
    "StateCsvExpressionName",
    "StateJsonExpressionName",
    "StateResponse",
    "StateResult",
    "StateResultUpdateItem",
    "TimeseriesResponse",
    "TimeseriesResult",
    "TimeseriesResultStreamsItem",
    "TimestampFormat",
)
