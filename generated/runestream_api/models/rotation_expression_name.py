from enum import StrEnum


class RotationExpressionName(StrEnum):
    AVAILABILITY_ROTATION = "availability(rotation)"
    ROTATION = "rotation"

    def __str__(self) -> str:
        return str(self.value)
