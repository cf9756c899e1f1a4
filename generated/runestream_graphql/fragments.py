from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class CohortFields(BaseModel):
    id: str
    title: Optional[str]
    description: Optional[str]
    created_at: Optional[float]
    updated_at: Optional[float]
    created_by: Optional[str]
    updated_by: Optional[str]


class DeviceFields(BaseModel):
    id: str
    name: Optional[str]
    created_at: Optional[float]
    device_type: Optional["DeviceFieldsDeviceType"]
    disabled: Optional[bool]
    disabled_at: Optional[float]
    updated_at: Optional[float]


class DeviceFieldsDeviceType(BaseModel):
    id: str


class DevicePage(BaseModel):
    page_info: "DevicePagePageInfo" = Field(alias="pageInfo")
    devices: Optional[list[Optional["DevicePageDevices"]]]


class DevicePagePageInfo(BaseModel):
    end_cursor: Optional[str] = Field(alias="endCursor")


class DevicePageDevices(DeviceFields):
    pass


class OrgFields(BaseModel):
    id: str
    created_at: Optional[float]
    name: Optional[str]
    tags: Optional[list[Optional[str]]]


class ProjectFields(BaseModel):
    id: str
    title: Optional[str]
    status: Optional[str]
    description: Optional[str]
    type_: Optional[str] = Field(alias="type")
    cohort_list: Optional["ProjectFieldsCohortList"] = Field(alias="cohortList")
    created_at: Optional[float]
    updated_at: Optional[float]
    started_at: Optional[float]
    created_by: Optional[str]
    updated_by: Optional[str]


class ProjectFieldsCohortList(BaseModel):
    cohorts: Optional[list[Optional["ProjectFieldsCohortListCohorts"]]]


class ProjectFieldsCohortListCohorts(CohortFields):
    pass


class ProjectPatientFields(BaseModel):
    patient: Optional["ProjectPatientFieldsPatient"]
    project_code_name: Optional[str]
    created_at: Optional[float]
    updated_at: Optional[float]
    created_by: Optional[str]
    updated_by: Optional[str]


class ProjectPatientFieldsPatient(BaseModel):
    id: str
    patient_access_list: Optional["ProjectPatientFieldsPatientPatientAccessList"] = (
        Field(alias="patientAccessList")
    )


class ProjectPatientFieldsPatientPatientAccessList(BaseModel):
    patient_access: Optional[
        list[Optional["ProjectPatientFieldsPatientPatientAccessListPatientAccess"]]
    ] = Field(alias="patientAccess")


class ProjectPatientFieldsPatientPatientAccessListPatientAccess(BaseModel):
    org: Optional["ProjectPatientFieldsPatientPatientAccessListPatientAccessOrg"]
    start_time: Optional[float]
    end_time: Optional[float]


class ProjectPatientFieldsPatientPatientAccessListPatientAccessOrg(BaseModel):
    id: str


class StreamTypeFields(BaseModel):
    id: str
    name: Optional[str]
    description: Optional[str]
    shape: Optional["StreamTypeFieldsShape"]


class StreamTypeFieldsShape(BaseModel):
    dimensions: Optional[list[Optional["StreamTypeFieldsShapeDimensions"]]]


class StreamTypeFieldsShapeDimensions(BaseModel):
    id: str
    data_type: Optional[str]
    quantity_name: Optional[str]
    quantity_abbrev: Optional[str]
    unit_name: Optional[str]
    unit_abbrev: Optional[str]


class StreamFields(BaseModel):
    id: str
    created_at: Optional[float]
    algorithm: Optional[str]
    device_id: Optional[str]
    patient_id: Optional[str]
    stream_type: Optional["StreamFieldsStreamType"] = Field(alias="streamType")
    parameters: Optional[list[Optional["StreamFieldsParameters"]]]
    min_time: Optional[float]
    max_time: Optional[float]


class StreamFieldsStreamType(StreamTypeFields):
    pass


class StreamFieldsParameters(BaseModel):
    key: str
    value: Optional[str]


CohortFields.model_rebuild()
DeviceFields.model_rebuild()
DevicePage.model_rebuild()
OrgFields.model_rebuild()
ProjectFields.model_rebuild()
ProjectPatientFields.model_rebuild()
StreamTypeFields.model_rebuild()
StreamFields.model_rebuild()
