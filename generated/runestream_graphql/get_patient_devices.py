from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import DevicePage


class GetPatientDevices(BaseModel):
    patient: Optional["GetPatientDevicesPatient"]


class GetPatientDevicesPatient(BaseModel):
    id: str
    device_list: Optional["GetPatientDevicesPatientDeviceList"] = Field(
        alias="deviceList"
    )


GetPatientDevicesPatientDeviceList = DevicePage
GetPatientDevices.model_rebuild()
GetPatientDevicesPatient.model_rebuild()
