from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ProjectPatientFields


class GetCohortPatients(BaseModel):
    cohort: Optional["GetCohortPatientsCohort"]


class GetCohortPatientsCohort(BaseModel):
    id: str
    organization_id: Optional[str]
    cohort_patient_list: Optional["GetCohortPatientsCohortCohortPatientList"] = Field(
        alias="cohortPatientList"
    )


class GetCohortPatientsCohortCohortPatientList(BaseModel):
    cohort_patients: Optional[
        list[Optional["GetCohortPatientsCohortCohortPatientListCohortPatients"]]
    ] = Field(alias="cohortPatients")
    page_info: "GetCohortPatientsCohortCohortPatientListPageInfo" = Field(
        alias="pageInfo"
    )


GetCohortPatientsCohortCohortPatientListCohortPatients = ProjectPatientFields


class GetCohortPatientsCohortCohortPatientListPageInfo(BaseModel):
    code_name_end_cursor: Optional[str] = Field(alias="codeNameEndCursor")


GetCohortPatients.model_rebuild()
GetCohortPatientsCohort.model_rebuild()
GetCohortPatientsCohortCohortPatientList.model_rebuild()
