from typing import Optional

from .base_model import BaseModel
from .fragments import ProjectFields


class GetProject(BaseModel):
    project: Optional["GetProjectProject"]


GetProjectProject = ProjectFields
GetProject.model_rebuild()
