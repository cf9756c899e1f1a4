from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class UpdateDefaultMembershipInput(BaseModel):
    org_id: str = Field(alias="orgId")


class EventClassificationFilter(BaseModel):
    """Which events to include: each field matches exactly; null or `*` matches anything."""

    namespace: Optional[str] = None
    category: Optional[str] = None
    enum: Optional[str] = None


class StreamQueryFilters(BaseModel):
    """All given filters must match (AND); a null filter matches anything."""

    patient_id: Optional[str] = Field(alias="patientId", default=None)
    device_id: Optional[str] = Field(alias="deviceId", default=None)
    stream_type_id: Optional[str] = Field(alias="streamTypeId", default=None)
    algorithm: Optional[str] = None
    parameters: Optional[list[Optional["StreamParameterFilter"]]] = None
    "Each key/value pair must be one of the stream's parameters."


class StreamParameterFilter(BaseModel):
    key: str
    value: str


class CursorInput(BaseModel):
    """Where a page of project or cohort patients starts (patients are ordered by code name)."""

    code_name_cursor: Optional[str] = Field(alias="codeNameCursor", default=None)
    "The `codeNameEndCursor` of the previous page; null for the first."


StreamQueryFilters.model_rebuild()
