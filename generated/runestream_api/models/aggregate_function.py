from enum import StrEnum


class AggregateFunction(StrEnum):
    MEAN = "mean"
    SUM = "sum"

    def __str__(self) -> str:
        return str(self.value)
