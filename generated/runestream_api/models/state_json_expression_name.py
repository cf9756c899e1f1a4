from enum import StrEnum


class StateJsonExpressionName(StrEnum):
    AVAILABILITY_STATE = "availability(state)"
    EVENT_TYPE = "event_type"
    STATE = "state"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
