from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class GetUser(BaseModel):
    user: Optional["GetUserUser"]


class GetUserUser(BaseModel):
    id: str
    created_at: Optional[float]
    name: Optional[str]
    default_membership: Optional["GetUserUserDefaultMembership"] = Field(
        alias="defaultMembership"
    )
    email: Optional[str]


class GetUserUserDefaultMembership(BaseModel):
    org: Optional["GetUserUserDefaultMembershipOrg"]


class GetUserUserDefaultMembershipOrg(BaseModel):
    id: str
    name: Optional[str]


GetUser.model_rebuild()
GetUserUser.model_rebuild()
GetUserUserDefaultMembership.model_rebuild()
