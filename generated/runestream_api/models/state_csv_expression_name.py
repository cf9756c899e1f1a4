from enum import StrEnum


class StateCsvExpressionName(StrEnum):
    AVAILABILITY_STATE = "availability(state)"
    STATE = "state"

    def __str__(self) -> str:
        return str(self.value)
