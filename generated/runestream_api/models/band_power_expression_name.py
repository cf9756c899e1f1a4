from enum import StrEnum


class BandPowerExpressionName(StrEnum):
    AVAILABILITY_POWER = "availability(power)"
    POWER = "power"

    def __str__(self) -> str:
        return str(self.value)
