from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import DevicePage


class GetPatientList(BaseModel):
    org: Optional["GetPatientListOrg"]


class GetPatientListOrg(BaseModel):
    patient_access_list: Optional["GetPatientListOrgPatientAccessList"] = Field(
        alias="patientAccessList"
    )


class GetPatientListOrgPatientAccessList(BaseModel):
    page_info: "GetPatientListOrgPatientAccessListPageInfo" = Field(alias="pageInfo")
    patient_access: Optional[
        list[Optional["GetPatientListOrgPatientAccessListPatientAccess"]]
    ] = Field(alias="patientAccess")


class GetPatientListOrgPatientAccessListPageInfo(BaseModel):
    end_cursor: Optional[str] = Field(alias="endCursor")


class GetPatientListOrgPatientAccessListPatientAccess(BaseModel):
    patient: Optional["GetPatientListOrgPatientAccessListPatientAccessPatient"]


class GetPatientListOrgPatientAccessListPatientAccessPatient(BaseModel):
    id: str
    name: Optional[str]
    created_at: Optional[float]
    device_list: Optional[
        "GetPatientListOrgPatientAccessListPatientAccessPatientDeviceList"
    ] = Field(alias="deviceList")


GetPatientListOrgPatientAccessListPatientAccessPatientDeviceList = DevicePage
GetPatientList.model_rebuild()
GetPatientListOrg.model_rebuild()
GetPatientListOrgPatientAccessList.model_rebuild()
GetPatientListOrgPatientAccessListPatientAccess.model_rebuild()
GetPatientListOrgPatientAccessListPatientAccessPatient.model_rebuild()
