"""Request context: credentials, parsed parameters and the checks shared by every operation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from .auth import Principal
from .catalog import CATALOG, Device, Patient
from .errors import ApiError, conflicting, invalid, missing, not_found
from .operations import Operation
from .params import parse_time_us
from .settings import SandboxSettings
from .timefmt import TimeFormat, make_time_format

#: Longest bucket (2**52 us, ~143 years): longer resolutions give one bucket all the same.
MAX_RESOLUTION_US = 1 << 52


@dataclass
class Ctx:
    """Everything a plan needs to know about one request."""

    op: Operation
    values: dict[str, Any]
    raw: dict[str, str]
    principal: Principal
    settings: SandboxSettings
    patient: Patient | None = None
    device: Device | None = None
    start_us: int | None = None
    end_us: int | None = None
    time_format: TimeFormat = field(default_factory=TimeFormat)
    res_us: int | None = None

    def get(self, name: str) -> Any:
        """Parsed value (or documented default) of a parameter."""
        return self.values.get(name)

    def given(self, name: str) -> bool:
        """Whether the client sent a non-empty value for a parameter."""
        return self.raw.get(name, "") != ""

    def csv_list(self, name: str) -> list[str] | None:
        """A comma-separated parameter as a list (``None`` when not given)."""
        if not self.given(name):
            return None
        items = [x.strip() for x in self.raw[name].split(",")]
        if any(not x for x in items):
            raise invalid(name, "empty item in comma-separated list")
        return items

    @property
    def expression(self) -> str:
        """The expression without whitespace (or the operation's default)."""
        return "".join(str(self.values.get("expression") or "").split()) or str(
            self.op.params["expression"].default
        )


def check_required(ctx: Ctx, exempt: set[str]) -> None:
    """400 ``MissingParameter`` for each documented required parameter that is absent."""
    for name, spec in ctx.op.params.items():
        if spec.required and name not in exempt and not ctx.given(name):
            raise missing(name)


def check_common(ctx: Ctx) -> None:
    """Conflicts and ranges shared by the operations (after the required check)."""
    v = ctx.values
    if "start_time" in ctx.op.params:
        if ctx.given("start_time"):
            ctx.start_us = parse_time_us("start_time", ctx.raw["start_time"])
        if ctx.given("end_time"):
            ctx.end_us = parse_time_us("end_time", ctx.raw["end_time"])
        if ctx.start_us is not None and ctx.end_us is not None and ctx.start_us >= ctx.end_us:
            raise invalid("end_time", "start_time must be earlier than end_time")
    if ctx.given("frequency") and ctx.given("resolution"):
        raise conflicting("frequency and resolution cannot both be given")
    for name in ("frequency", "resolution"):
        if ctx.given(name):
            value = float(v[name])
            if value <= 0:
                raise invalid(name, "must be greater than 0")
            seconds = value if name == "resolution" else 1.0 / value
            # Any bucket longer than the data's whole span is one bucket per query; clamping
            # keeps bucket edges in int64 (a 1e300-s resolution is valid, not a crash).
            ctx.res_us = max(1, round(min(seconds * 1_000_000, MAX_RESOLUTION_US)))
    if "timezone" in ctx.op.params:
        tz, tz_name = int(v.get("timezone") or 0), str(v.get("timezone_name") or "")
        if tz != 0 and tz_name != "":
            raise conflicting("timezone and timezone_name cannot both be given")
        ctx.time_format = make_time_format(str(v.get("timestamp") or "unix"), tz, tz_name)
    # A token request may carry any deprecated `page` ("keep the rest of the query parameters
    # identical"): the token decides the offset and `page` is ignored.
    if ctx.given("partition_size") and int(v["partition_size"]) < 1:
        raise invalid("partition_size", "must be at least 1")
    if ctx.given("filename"):
        name = ctx.raw["filename"]
        if any(c in name for c in '"\\/') or _has_control(name) or len(name) > 255:
            raise invalid(
                "filename",
                "must be a plain file name without quotes, slashes or control characters",
            )


def _has_control(text: str) -> bool:
    """C0/C1 control characters and DEL, which may not appear in a header value."""
    return any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text)


def content_disposition(filename: str) -> str:
    """``attachment`` with the file name; non-ASCII names travel RFC 6266-style (``filename*``)."""
    if filename.isascii():
        return f'attachment; filename="{filename}"'
    fallback = "".join(c if c.isascii() else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def resolve_patient(ctx: Ctx) -> Patient:
    """The queried patient (inferred from a client key when omitted); 403/404 otherwise."""
    if ctx.given("patient_id"):
        patient_id = ctx.raw["patient_id"]
    elif ctx.principal.patient_id is not None:
        patient_id = ctx.principal.patient_id
    else:
        raise missing("patient_id")
    ctx.principal.check_patient(patient_id)
    patient = CATALOG.patients.get(patient_id)
    if patient is None:
        raise not_found(f"patient not found: {patient_id}")
    ctx.patient = patient
    ctx.values["patient_id"] = patient_id
    return patient


def resolve_device(ctx: Ctx, resource: str | None) -> Device:
    """The queried device of the patient; 404 when unknown or without the resource.

    The patient-scoped form ``patient-ABC,device-456`` is accepted too.
    """
    patient = ctx.patient
    assert patient is not None
    device_id = ctx.raw.get("device_id", "")
    if "," in device_id:
        owner, _, device_id = device_id.partition(",")
        if owner != patient.patient_id:
            raise not_found(f"device not found: {ctx.raw['device_id']}")
    device = patient.devices.get(device_id)
    if device is None:
        raise not_found(f"device not found for patient {patient.patient_id}: {device_id}")
    if resource is not None and resource not in device.resources:
        raise not_found(f"device {device_id} has no {resource} data")
    ctx.device = device
    return device


def require_resolution(ctx: Ctx, expression: str) -> int:
    """The bucket size for downsampling expressions, which need frequency or resolution."""
    if ctx.res_us is None:
        raise ApiError(
            "MissingParameter",
            f"expression {expression} requires the frequency or resolution parameter",
        )
    return ctx.res_us
