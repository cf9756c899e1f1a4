from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ProjectPatientFields


class GetProjectPatients(BaseModel):
    project: Optional["GetProjectPatientsProject"]


class GetProjectPatientsProject(BaseModel):
    organization_id: Optional[str]
    project_patient_list: Optional["GetProjectPatientsProjectProjectPatientList"] = (
        Field(alias="projectPatientList")
    )


class GetProjectPatientsProjectProjectPatientList(BaseModel):
    project_patients: Optional[
        list[Optional["GetProjectPatientsProjectProjectPatientListProjectPatients"]]
    ] = Field(alias="projectPatients")
    page_info: "GetProjectPatientsProjectProjectPatientListPageInfo" = Field(
        alias="pageInfo"
    )


GetProjectPatientsProjectProjectPatientListProjectPatients = ProjectPatientFields


class GetProjectPatientsProjectProjectPatientListPageInfo(BaseModel):
    code_name_end_cursor: Optional[str] = Field(alias="codeNameEndCursor")


GetProjectPatients.model_rebuild()
GetProjectPatientsProject.model_rebuild()
GetProjectPatientsProjectProjectPatientList.model_rebuild()
