"""Parameter tables of the 16 paginated Stream API operations, and validation before a request.

The table is built at import time from the generated functions' signatures (names, which are
required, which take an enum and whether that enum is closed), plus a small hand table of the
documented ranges (``page_size``, ``page``, ``low_freq``, ``high_freq``) — the generator drops
``minimum``/``maximum``, and ``spec/stream-api.yaml`` is not shipped to installed users.
``tests/unit/test_params.py`` checks this table against the spec.

:func:`prepare_params` turns a caller's keyword arguments into the complete keyword arguments of
the generated ``sync_detailed`` function: every parameter explicitly, the caller's value or
``UNSET`` (the generator would otherwise always send its plain defaults such as ``timezone=0``).
Every check happens here, before any request, and raises :class:`ValidationError` naming the
parameter.
"""

from __future__ import annotations

import difflib
import enum
import importlib
import inspect
import math
import numbers
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import httpx

from runestream_api.types import UNSET, Unset

from ..core._errors import ValidationError, redacted_path
from ..core._times import to_unix_seconds

__all__ = [
    "AVAILABILITY_EXPRESSIONS",
    "CSV_RESOURCES",
    "JSON_RESOURCES",
    "OPERATIONS",
    "Operation",
    "ParamSpec",
    "get_operation",
    "prepare_params",
]

ParamKind = Literal["str", "float", "int", "time", "enum", "token"]
Format = Literal["json", "csv"]

#: Resources with a ``.json`` operation, in the order of the docs.
JSON_RESOURCES: Final = (
    "accel",
    "band_power",
    "event",
    "heartrate",
    "lfp",
    "probability_symptom",
    "rotation",
    "span",
    "state",
)
#: Resources with a ``.csv`` operation (event and span are JSON only).
CSV_RESOURCES: Final = (
    "accel",
    "band_power",
    "heartrate",
    "lfp",
    "probability_symptom",
    "rotation",
    "state",
)
#: The ``expression`` that asks each resource for its availability.
AVAILABILITY_EXPRESSIONS: Final[Mapping[str, str]] = {
    "accel": "availability(accel)",
    "band_power": "availability(power)",
    "heartrate": "availability(bpm)",
    "lfp": "availability(lfp)",
    "probability_symptom": "availability(probability)",
    "rotation": "availability(rotation)",
    "state": "availability(state)",
}

#: Documented ranges the generator does not carry: (operation or "*.json"/"*.csv", name) ->
#: (minimum, maximum). Most specific key wins.
_RANGES: Final[Mapping[tuple[str, str], tuple[float | None, float | None]]] = {
    ("*.json", "page_size"): (0, 10_000),
    ("*.csv", "page_size"): (0, 3_600_000),
    # The docs give band power CSV the JSON range and default (spec/NOTES.md).
    ("band_power.csv", "page_size"): (0, 10_000),
    ("*", "page"): (0, None),
    ("*", "low_freq"): (0, 200),
    ("*", "high_freq"): (0, 200),
}
#: Sanity bounds that are not documented ranges (not compared with the spec): a zero or negative
#: sampling rate, a negative partition size or an offset beyond a day are always mistakes.
_SANITY: Final[Mapping[str, tuple[float, float | None, bool]]] = {
    # name: (lower bound, upper bound, lower bound exclusive)
    "frequency": (0.0, None, True),
    "resolution": (0.0, None, True),
    "partition_size": (0.0, None, False),
    "timezone": (-86_400.0, 86_400.0, False),
}
#: Parameters that hold comma-separated lists; a list/tuple of values is joined with ",".
_LIST_PARAMS: Final = frozenset(
    {"anatomy", "band", "channel", "channels", "sensor", "fields", "severity"}
)
#: Parameters of the paging machinery rather than of the query.
_PAGING_PARAMS: Final = frozenset({"next_page_token", "page"})
_TIME_PARAMS: Final = frozenset({"start_time", "end_time"})
#: LFP's deprecated ``channels`` selects the legacy schema and excludes these.
_LFP_CHANNELS_EXCLUDES: Final = ("algorithm", "anatomy", "channel", "sensor")
_DOWNSAMPLING_RE: Final = re.compile(r"^(first|last|mean|median)\(")


@dataclass(frozen=True)
class ParamSpec:
    """One query parameter of one operation.

    Attributes:
        name: Query parameter name.
        kind: ``str``, ``float``, ``int``, ``time`` (unix seconds), ``enum`` or ``token``.
        required: Whether the generated function requires it (``spec`` ``required: true``).
        enum_cls: The generated enum class, for enum parameters.
        closed: For enum parameters, whether only the enum's values are allowed (``False`` when
            the spec also allows any string, e.g. heart rate's ``mean(bpm)``).
        minimum: Documented minimum, if any.
        maximum: Documented maximum, if any.
        default: The generated function's default (``UNSET`` when none).
        deprecated: Deprecated by the docs (``page``, LFP ``channels``).
    """

    name: str
    kind: ParamKind
    required: bool
    enum_cls: type[enum.Enum] | None = None
    closed: bool = False
    minimum: float | None = None
    maximum: float | None = None
    default: Any = UNSET
    deprecated: bool = False

    @property
    def enum_values(self) -> tuple[str, ...]:
        """The enum's wire values (empty for non-enum parameters)."""
        if self.enum_cls is None:
            return ()
        return tuple(str(member.value) for member in self.enum_cls)


@dataclass(frozen=True)
class Operation:
    """One paginated ``GET /v1/{resource}.{json|csv}`` operation and its generated module.

    Attributes:
        resource: Resource name, e.g. ``"band_power"``.
        format: ``"json"`` or ``"csv"``.
        path: URL path, e.g. ``"/v1/band_power.csv"``.
        module: The generated module (``runestream_api.api.<resource>.get_<resource>_<format>``).
        params: The operation's query parameters by name, in the generated signature's order.
        token_in_signature: Whether the generated functions accept ``next_page_token``. The spec
            leaves it out for span (the docs list no parameter, yet span pages by token), so
            span requests get the token added to the generated request.
    """

    resource: str
    format: Format
    path: str
    module: types.ModuleType
    params: Mapping[str, ParamSpec] = field(repr=False)
    token_in_signature: bool = True

    @property
    def key(self) -> str:
        """``"<resource>.<format>"``, e.g. ``"accel.csv"``."""
        return f"{self.resource}.{self.format}"

    @property
    def supports_page(self) -> bool:
        """Whether the deprecated page-number parameter ``page`` exists (not for span)."""
        return "page" in self.params

    @property
    def sync_detailed(self) -> Callable[..., Any]:
        """The generated ``sync_detailed`` function."""
        fn: Callable[..., Any] = self.module.sync_detailed
        return fn

    @property
    def asyncio_detailed(self) -> Callable[..., Any]:
        """The generated ``asyncio_detailed`` function."""
        fn: Callable[..., Any] = self.module.asyncio_detailed
        return fn

    def request_kwargs(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Build the httpx request arguments the generated function would send.

        Args:
            kwargs: Keyword arguments of ``sync_detailed`` (without ``client``); for span a
                ``next_page_token`` is added to the query here.

        Returns:
            ``{"method", "url", "params"}`` as produced by the generated ``_get_kwargs``.
        """
        call = dict(kwargs)
        token = call.pop("next_page_token", UNSET) if not self.token_in_signature else UNSET
        request: dict[str, Any] = self.module._get_kwargs(**call)
        if isinstance(token, str):
            request["params"] = {**request["params"], "next_page_token": token}
        return request

    def describe(self, kwargs: Mapping[str, Any]) -> str:
        """Return the request path and query for messages, with the page token elided.

        Args:
            kwargs: Keyword arguments of ``sync_detailed`` (without ``client``).

        Returns:
            For example ``/v1/accel.csv?device_id=d1&start_time=1.0&...``.
        """
        try:
            request = self.request_kwargs(kwargs)
            url = httpx.URL(request["url"], params=request["params"])
        except Exception:  # describing must never mask the real error
            return self.path
        return redacted_path(url)


def _union_args(annotation: Any) -> tuple[Any, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return tuple(a for a in typing.get_args(annotation) if a is not Unset)
    return (annotation,)


def _range_for(key: str, fmt: str, name: str) -> tuple[float | None, float | None]:
    for candidate in (key, f"*.{fmt}", "*"):
        if (candidate, name) in _RANGES:
            return _RANGES[(candidate, name)]
    return None, None


def _build_operation(resource: str, fmt: Format) -> Operation:
    module = importlib.import_module(f"runestream_api.api.{resource}.get_{resource}_{fmt}")
    signature = inspect.signature(module.sync_detailed)
    key = f"{resource}.{fmt}"
    specs: dict[str, ParamSpec] = {}
    for name, parameter in signature.parameters.items():
        if name == "client":
            continue
        args = _union_args(parameter.annotation)
        enum_classes = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        kind: ParamKind
        enum_cls: type[enum.Enum] | None = None
        closed = False
        if name == "next_page_token":
            kind = "token"
        elif name in _TIME_PARAMS:
            kind = "time"
        elif enum_classes:
            kind = "enum"
            enum_cls = enum_classes[0]
            closed = str not in args
        elif float in args:
            kind = "float"
        elif int in args:
            kind = "int"
        else:
            kind = "str"
        minimum, maximum = _range_for(key, fmt, name)
        specs[name] = ParamSpec(
            name=name,
            kind=kind,
            required=parameter.default is inspect.Parameter.empty,
            enum_cls=enum_cls,
            closed=closed,
            minimum=minimum,
            maximum=maximum,
            default=UNSET if parameter.default is inspect.Parameter.empty else parameter.default,
            deprecated=name == "page" or (resource == "lfp" and name == "channels"),
        )
    return Operation(
        resource=resource,
        format=fmt,
        path=f"/v1/{resource}.{fmt}",
        module=module,
        params=specs,
        token_in_signature="next_page_token" in specs,
    )


def _build_operations() -> dict[str, Operation]:
    operations: dict[str, Operation] = {}
    for resource in JSON_RESOURCES:
        operations[f"{resource}.json"] = _build_operation(resource, "json")
    for resource in CSV_RESOURCES:
        operations[f"{resource}.csv"] = _build_operation(resource, "csv")
    return operations


#: The 16 paginated operations by key (``"accel.json"``, ``"accel.csv"``, ...).
OPERATIONS: Final[Mapping[str, Operation]] = _build_operations()


def get_operation(resource: str, fmt: Format) -> Operation:
    """Return the :class:`Operation` for ``GET /v1/{resource}.{fmt}``.

    Args:
        resource: Resource name, e.g. ``"accel"``.
        fmt: ``"json"`` or ``"csv"``.

    Returns:
        The operation.

    Raises:
        ValidationError: The resource has no such format (event and span are JSON only).
    """
    try:
        return OPERATIONS[f"{resource}.{fmt}"]
    except KeyError:
        raise ValidationError(
            f"{resource} has no {fmt.upper()} endpoint (GET /v1/{resource}.{fmt} does not exist)"
        ) from None


# --- value checks -------------------------------------------------------------------------


def _type_error(spec: ParamSpec, expected: str, value: object, where: str) -> ValidationError:
    return ValidationError(
        f"{spec.name} must be {expected} for {where}, got {type(value).__name__} {value!r}",
        parameter=spec.name,
    )


def _num(value: float) -> str:
    """Render a number without exponent noise: 3600000, not 3.6e+06."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _check_bounds(spec: ParamSpec, number: float, where: str) -> None:
    low, high = spec.minimum, spec.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        lo = "" if low is None else _num(low)
        hi = "" if high is None else _num(high)
        raise ValidationError(
            f"{spec.name}={_num(number)} is outside the documented range [{lo} .. {hi}] "
            f"for {where}",
            parameter=spec.name,
        )
    sanity = _SANITY.get(spec.name)
    if sanity is not None:
        s_low, s_high, exclusive = sanity
        if (
            number < s_low
            or (exclusive and number == s_low)
            or (s_high is not None and number > s_high)
        ):
            bound = f"> {_num(s_low)}" if exclusive else f">= {_num(s_low)}"
            if s_high is not None:
                bound += f" and <= {_num(s_high)}"
            raise ValidationError(
                f"{spec.name} must be {bound}, got {_num(number)}", parameter=spec.name
            )


def _coerce_str(spec: ParamSpec, value: object, where: str) -> str:
    if spec.name in _LIST_PARAMS and isinstance(value, list | tuple):
        parts: list[str] = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | numbers.Integral):
                raise _type_error(spec, "a string or a list of strings", value, where)
            parts.append(str(item))
        if not parts:
            raise ValidationError(f"{spec.name} must not be an empty list", parameter=spec.name)
        return ",".join(parts)
    if not isinstance(value, str):
        expected = "a string or a list of strings" if spec.name in _LIST_PARAMS else "a string"
        raise _type_error(spec, expected, value, where)
    if spec.required and not value:
        raise ValidationError(f"{spec.name} must not be empty for {where}", parameter=spec.name)
    return value


def _coerce_float(spec: ParamSpec, value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _type_error(spec, "a number", value, where)
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(
            f"{spec.name} must be a finite number, got {value!r}", parameter=spec.name
        )
    _check_bounds(spec, number, where)
    return number


def _coerce_int(spec: ParamSpec, value: object, where: str) -> int:
    if isinstance(value, bool):
        raise _type_error(spec, "an integer", value, where)
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real):
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValidationError(
                f"{spec.name} must be a finite integer, got {value!r}", parameter=spec.name
            )
        if not as_float.is_integer():
            raise _type_error(spec, "an integer", value, where)
        number = int(as_float)
    else:
        raise _type_error(spec, "an integer", value, where)
    _check_bounds(spec, number, where)
    return number


def _coerce_enum(spec: ParamSpec, value: object, where: str) -> Any:
    assert spec.enum_cls is not None
    if isinstance(value, enum.Enum):
        value = value.value
    if not isinstance(value, str):
        raise _type_error(spec, "a string", value, where)
    for member in spec.enum_cls:
        if member.value == value:
            return member
    if spec.closed:
        allowed = ", ".join(repr(v) for v in spec.enum_values)
        hint = difflib.get_close_matches(value, spec.enum_values, n=1)
        suffix = f"; did you mean {hint[0]!r}?" if hint else ""
        raise ValidationError(
            f"{spec.name}={value!r} is not allowed for {where}; allowed: {allowed}{suffix}",
            parameter=spec.name,
        )
    if not value:
        raise ValidationError(f"{spec.name} must not be empty for {where}", parameter=spec.name)
    return value


def _coerce(spec: ParamSpec, value: object, where: str) -> Any:
    if spec.kind == "time":
        return to_unix_seconds(value, parameter=spec.name)
    if spec.kind == "float":
        return _coerce_float(spec, value, where)
    if spec.kind == "int":
        return _coerce_int(spec, value, where)
    if spec.kind == "enum":
        return _coerce_enum(spec, value, where)
    if spec.kind == "token":
        if not isinstance(value, str) or not value:
            raise _type_error(spec, "a non-empty string (a page token)", value, where)
        return value
    return _coerce_str(spec, value, where)


def unknown_parameter_error(name: str, valid: Sequence[str], where: str) -> ValidationError:
    """Build the error for a parameter an operation does not have, with a did-you-mean hint.

    Args:
        name: The unknown parameter name.
        valid: The names the operation accepts.
        where: The operation, e.g. ``"GET /v1/accel.csv"``.

    Returns:
        A :class:`ValidationError` naming the parameter (not raised).
    """
    matches = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    hint = f"; did you mean {matches[0]!r}?" if matches else ""
    return ValidationError(
        f"unknown parameter {name!r} for {where}{hint} (valid: {', '.join(sorted(valid))})",
        parameter=name,
    )


def _expression_value(kwargs: Mapping[str, Any]) -> str | None:
    expression = kwargs.get("expression", UNSET)
    if isinstance(expression, Unset):
        return None
    return str(expression.value if isinstance(expression, enum.Enum) else expression)


def prepare_params(
    operation: Operation,
    params: Mapping[str, Any],
    *,
    auth_method: str | None = None,
) -> dict[str, Any]:
    """Validate a caller's parameters and build the generated function's keyword arguments.

    ``None`` means "not given" (an accessor default can be removed by overriding it with
    ``None``). Checks, each raising before any request: unknown names (with a did-you-mean),
    types, non-finite numbers, documented ranges (``page_size`` per operation), closed enums
    (``timestamp``, ``interpolation``, band power and state ``expression``), missing required
    parameters (``patient_id`` only with access-token auth; state JSON ``event`` / ``fields``
    depending on ``expression``), ``frequency`` with ``resolution``, ``timezone`` with
    ``timezone_name``, ``start_time >= end_time``, LFP ``channels`` with ``algorithm``/
    ``anatomy``/``channel``/``sensor``, ``page`` with ``next_page_token``, and the
    downsampling expressions (``mean(...)`` etc.) without ``frequency``/``resolution``.

    Args:
        operation: The operation to call.
        params: The caller's parameters (accessor defaults already merged with overrides).
        auth_method: ``"access_token"`` or ``"client_key"``; with a client key ``patient_id``
            may be omitted (the server infers it). ``None`` skips that check.

    Returns:
        Keyword arguments for ``operation.sync_detailed`` (without ``client``): every
        parameter of the operation, the caller's converted value or ``UNSET``.

    Raises:
        ValidationError: A check failed; the message and ``.parameter`` name the parameter.
    """
    where = f"GET {operation.path}"
    specs = operation.params
    for name in params:
        if name not in specs:
            if name == "next_page_token" and not operation.token_in_signature:
                continue
            if name in (*_PAGING_PARAMS, "page_size") and operation.resource == "span":
                raise ValidationError(
                    f"{name!r} is not supported by {where}: span pages by next_page_token only, "
                    "which runestream follows for you",
                    parameter=name,
                )
            raise unknown_parameter_error(name, list(specs), where)

    kwargs: dict[str, Any] = {}
    for name, spec in specs.items():
        value = params.get(name)
        kwargs[name] = UNSET if value is None else _coerce(spec, value, where)
    if not operation.token_in_signature:
        token = params.get("next_page_token")
        if token is not None:
            token_spec = ParamSpec("next_page_token", "token", required=False)
            kwargs["next_page_token"] = _coerce(token_spec, token, where)

    _check_required(operation, kwargs, auth_method, where)
    _check_combinations(operation, kwargs, where)
    return kwargs


def _missing(name: str, where: str, why: str = "") -> ValidationError:
    return ValidationError(f"missing required parameter {name!r} for {where}{why}", parameter=name)


def _check_required(
    operation: Operation, kwargs: Mapping[str, Any], auth_method: str | None, where: str
) -> None:
    for name, spec in operation.params.items():
        if spec.required and isinstance(kwargs.get(name, UNSET), Unset):
            raise _missing(name, where)
    if (
        auth_method in ("access_token", "jwt")
        and "patient_id" in operation.params
        and isinstance(kwargs.get("patient_id", UNSET), Unset)
    ):
        raise _missing(
            "patient_id", where, " (it may be omitted only when authenticating with a client key)"
        )
    if operation.key == "state.json":
        expression = _expression_value(kwargs) or "state"
        if expression != "event_type" and isinstance(kwargs.get("event", UNSET), Unset):
            raise _missing("event", where, f" with expression={expression!r}")
        if expression not in ("event_type", "update") and isinstance(
            kwargs.get("fields", UNSET), Unset
        ):
            raise _missing("fields", where, f" with expression={expression!r}")


def _given(kwargs: Mapping[str, Any], name: str) -> bool:
    return not isinstance(kwargs.get(name, UNSET), Unset)


def _check_combinations(operation: Operation, kwargs: Mapping[str, Any], where: str) -> None:
    if _given(kwargs, "frequency") and _given(kwargs, "resolution"):
        raise ValidationError(
            f"give at most one of 'frequency' and 'resolution' for {where}", parameter="resolution"
        )
    if _given(kwargs, "timezone") and kwargs.get("timezone_name"):
        raise ValidationError(
            f"give at most one of 'timezone' and 'timezone_name' for {where}",
            parameter="timezone_name",
        )
    start, end = kwargs.get("start_time", UNSET), kwargs.get("end_time", UNSET)
    if isinstance(start, float) and isinstance(end, float) and start >= end:
        raise ValidationError(
            f"start_time ({_num(start)}) must be before end_time ({_num(end)}) for {where}",
            parameter="start_time",
        )
    if _given(kwargs, "page") and _given(kwargs, "next_page_token"):
        raise ValidationError(
            f"give at most one of 'page' (deprecated) and 'next_page_token' for {where}",
            parameter="page",
        )
    if operation.resource == "lfp" and _given(kwargs, "channels"):
        clash = [name for name in _LFP_CHANNELS_EXCLUDES if _given(kwargs, name)]
        if clash:
            raise ValidationError(
                f"the deprecated 'channels' cannot be combined with {clash[0]!r} for {where}",
                parameter="channels",
            )
    expression = _expression_value(kwargs)
    if (
        expression is not None
        and _DOWNSAMPLING_RE.match(expression)
        and "frequency" in operation.params
        and not (_given(kwargs, "frequency") or _given(kwargs, "resolution"))
    ):
        raise ValidationError(
            f"expression={expression!r} needs 'frequency' or 'resolution' for {where}",
            parameter="expression",
        )


def valid_names(resource: str) -> frozenset[str]:
    """Return every parameter name accepted by any operation of ``resource``.

    Args:
        resource: Resource name, e.g. ``"accel"``.

    Returns:
        The union of the JSON and CSV operations' parameter names (``next_page_token``
        included, since a caller may resume from a token).
    """
    names: set[str] = {"next_page_token"}
    for fmt in ("json", "csv"):
        operation = OPERATIONS.get(f"{resource}.{fmt}")
        if operation is not None:
            names.update(operation.params)
    return frozenset(names)
