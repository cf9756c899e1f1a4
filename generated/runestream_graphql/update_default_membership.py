from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import OrgFields


class UpdateDefaultMembership(BaseModel):
    update_default_membership: Optional[
        "UpdateDefaultMembershipUpdateDefaultMembership"
    ] = Field(alias="updateDefaultMembership")


class UpdateDefaultMembershipUpdateDefaultMembership(BaseModel):
    user: Optional["UpdateDefaultMembershipUpdateDefaultMembershipUser"]


class UpdateDefaultMembershipUpdateDefaultMembershipUser(BaseModel):
    default_membership: Optional[
        "UpdateDefaultMembershipUpdateDefaultMembershipUserDefaultMembership"
    ] = Field(alias="defaultMembership")


class UpdateDefaultMembershipUpdateDefaultMembershipUserDefaultMembership(BaseModel):
    org: Optional[
        "UpdateDefaultMembershipUpdateDefaultMembershipUserDefaultMembershipOrg"
    ]


UpdateDefaultMembershipUpdateDefaultMembershipUserDefaultMembershipOrg = OrgFields
UpdateDefaultMembership.model_rebuild()
UpdateDefaultMembershipUpdateDefaultMembership.model_rebuild()
UpdateDefaultMembershipUpdateDefaultMembershipUser.model_rebuild()
UpdateDefaultMembershipUpdateDefaultMembershipUserDefaultMembership.model_rebuild()
