"""Contains all the data models used in inputs/outputs"""

from .aggregate_function import AggregateFunction
from .aggregate_window_columns import AggregateWindowColumns
from .aggregate_window_response import AggregateWindowResponse
from .availability_columns import AvailabilityColumns
from .availability_response import AvailabilityResponse
from .band_power_expression_name import BandPowerExpressionName
from .batch_operation import BatchOperation
from .daily_aggregate_columns import DailyAggregateColumns
from .daily_aggregate_response import DailyAggregateResponse
from .daily_aggregate_summary import DailyAggregateSummary
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
from .stream_data_columns import StreamDataColumns
from .stream_data_response import StreamDataResponse
from .stream_format import StreamFormat
from .stream_timestamp_format import StreamTimestampFormat
from .timeseries_response import TimeseriesResponse
from .timeseries_result import TimeseriesResult
from .timeseries_result_streams_item import TimeseriesResultStreamsItem
from .timestamp_format import TimestampFormat
from .v2_error_envelope import V2ErrorEnvelope
from .value_summary import ValueSummary

__all__ = (
    "AggregateFunction",
    "AggregateWindowColumns",
    "AggregateWindowResponse",
    "AvailabilityColumns",
    "AvailabilityResponse",
    "BandPowerExpressionName",
    "BatchOperation",
    "DailyAggregateColumns",
    "DailyAggregateResponse",
    "DailyAggregateSummary",
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
    "StreamDataColumns",
    "StreamDataResponse",
    "StreamFormat",
    "StreamTimestampFormat",
    "TimeseriesResponse",
    "TimeseriesResult",
    "TimeseriesResultStreamsItem",
    "TimestampFormat",
    "V2ErrorEnvelope",
    "ValueSummary",
)
