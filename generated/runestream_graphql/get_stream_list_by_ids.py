from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import StreamFields


class GetStreamListByIds(BaseModel):
    stream_list_by_ids: Optional["GetStreamListByIdsStreamListByIds"] = Field(
        alias="streamListByIds"
    )


class GetStreamListByIdsStreamListByIds(BaseModel):
    page_info: "GetStreamListByIdsStreamListByIdsPageInfo" = Field(alias="pageInfo")
    streams: Optional[list[Optional["GetStreamListByIdsStreamListByIdsStreams"]]]


class GetStreamListByIdsStreamListByIdsPageInfo(BaseModel):
    end_cursor: Optional[str] = Field(alias="endCursor")


GetStreamListByIdsStreamListByIdsStreams = StreamFields
GetStreamListByIds.model_rebuild()
GetStreamListByIdsStreamListByIds.model_rebuild()
