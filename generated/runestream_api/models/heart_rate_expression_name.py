from enum import StrEnum


class HeartRateExpressionName(StrEnum):
    AVAILABILITY_BPM = "availability(bpm)"
    BPM = "bpm"

    def __str__(self) -> str:
        return str(self.value)
