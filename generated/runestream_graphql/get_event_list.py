from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class GetEventList(BaseModel):
    patient: Optional["GetEventListPatient"]


class GetEventListPatient(BaseModel):
    event_list: Optional["GetEventListPatientEventList"] = Field(alias="eventList")


class GetEventListPatientEventList(BaseModel):
    events: Optional[list[Optional["GetEventListPatientEventListEvents"]]]
    page_info: "GetEventListPatientEventListPageInfo" = Field(alias="pageInfo")


class GetEventListPatientEventListEvents(BaseModel):
    id: str
    display_name: Optional[str]
    custom_detail: Optional["GetEventListPatientEventListEventsCustomDetail"]
    duration: Optional["GetEventListPatientEventListEventsDuration"]
    payload: Optional[str]
    classification: Optional["GetEventListPatientEventListEventsClassification"]
    tags: Optional[list[Optional["GetEventListPatientEventListEventsTags"]]]
    method: Optional[str]
    created_at: Optional[float]
    updated_at: Optional[float]


class GetEventListPatientEventListEventsCustomDetail(BaseModel):
    display_name: Optional[str]


class GetEventListPatientEventListEventsDuration(BaseModel):
    start_time: Optional[float]
    end_time: Optional[float]
    end_time_max: Optional[float]


class GetEventListPatientEventListEventsClassification(BaseModel):
    namespace: Optional[str]
    category: Optional[str]
    enum: Optional[str]


class GetEventListPatientEventListEventsTags(BaseModel):
    name: Optional[str]


class GetEventListPatientEventListPageInfo(BaseModel):
    end_cursor: Optional[str] = Field(alias="endCursor")


GetEventList.model_rebuild()
GetEventListPatient.model_rebuild()
GetEventListPatientEventList.model_rebuild()
GetEventListPatientEventListEvents.model_rebuild()
