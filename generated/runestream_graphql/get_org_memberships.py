from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import OrgFields


class GetOrgMemberships(BaseModel):
    user: Optional["GetOrgMembershipsUser"]


class GetOrgMembershipsUser(BaseModel):
    membership_list: Optional["GetOrgMembershipsUserMembershipList"] = Field(
        alias="membershipList"
    )


class GetOrgMembershipsUserMembershipList(BaseModel):
    page_info: "GetOrgMembershipsUserMembershipListPageInfo" = Field(alias="pageInfo")
    memberships: Optional[
        list[Optional["GetOrgMembershipsUserMembershipListMemberships"]]
    ]


class GetOrgMembershipsUserMembershipListPageInfo(BaseModel):
    end_cursor: Optional[str] = Field(alias="endCursor")


class GetOrgMembershipsUserMembershipListMemberships(BaseModel):
    org: Optional["GetOrgMembershipsUserMembershipListMembershipsOrg"]


GetOrgMembershipsUserMembershipListMembershipsOrg = OrgFields
GetOrgMemberships.model_rebuild()
GetOrgMembershipsUser.model_rebuild()
GetOrgMembershipsUserMembershipList.model_rebuild()
GetOrgMembershipsUserMembershipListMemberships.model_rebuild()
