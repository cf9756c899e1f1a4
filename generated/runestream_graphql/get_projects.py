from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ProjectFields


class GetProjects(BaseModel):
    org: Optional["GetProjectsOrg"]


class GetProjectsOrg(BaseModel):
    id: str
    project_list: Optional["GetProjectsOrgProjectList"] = Field(alias="projectList")


class GetProjectsOrgProjectList(BaseModel):
    projects: Optional[list[Optional["GetProjectsOrgProjectListProjects"]]]
    page_info: "GetProjectsOrgProjectListPageInfo" = Field(alias="pageInfo")


GetProjectsOrgProjectListProjects = ProjectFields


class GetProjectsOrgProjectListPageInfo(BaseModel):
    end_cursor: Optional[str] = Field(alias="endCursor")


GetProjects.model_rebuild()
GetProjectsOrg.model_rebuild()
GetProjectsOrgProjectList.model_rebuild()
