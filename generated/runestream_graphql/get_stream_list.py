from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import StreamFields


class GetStreamList(BaseModel):
    stream_list: Optional["GetStreamListStreamList"] = Field(alias="streamList")


class GetStreamListStreamList(BaseModel):
    page_info: "GetStreamListStreamListPageInfo" = Field(alias="pageInfo")
    streams: Optional[list[Optional["GetStreamListStreamListStreams"]]]


class GetStreamListStreamListPageInfo(BaseModel):
    end_cursor: Optional[str] = Field(alias="endCursor")


GetStreamListStreamListStreams = StreamFields
GetStreamList.model_rebuild()
GetStreamListStreamList.model_rebuild()
