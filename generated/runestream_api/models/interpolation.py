from enum import StrEnum


class Interpolation(StrEnum):
    LINEAR = "linear"
    NULL = "null"
    PREVIOUS = "previous"
    SKIP = ""
    ZERO = "zero"

    def __str__(self) -> str:
        return str(self.value)
