from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import DevicePage


class GetPatient(BaseModel):
    patient: Optional["GetPatientPatient"]


class GetPatientPatient(BaseModel):
    id: str
    name: Optional[str]
    created_at: Optional[float]
    device_list: Optional["GetPatientPatientDeviceList"] = Field(alias="deviceList")


GetPatientPatientDeviceList = DevicePage
GetPatient.model_rebuild()
GetPatientPatient.model_rebuild()
