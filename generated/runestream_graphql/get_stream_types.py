from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import StreamTypeFields


class GetStreamTypes(BaseModel):
    stream_type_list: Optional["GetStreamTypesStreamTypeList"] = Field(
        alias="streamTypeList"
    )


class GetStreamTypesStreamTypeList(BaseModel):
    stream_types: Optional[
        list[Optional["GetStreamTypesStreamTypeListStreamTypes"]]
    ] = Field(alias="streamTypes")


GetStreamTypesStreamTypeListStreamTypes = StreamTypeFields
GetStreamTypes.model_rebuild()
GetStreamTypesStreamTypeList.model_rebuild()
