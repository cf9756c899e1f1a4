from enum import StrEnum


class TimestampFormat(StrEnum):
    DATETIME = "datetime"
    ISO = "iso"
    UNIX = "unix"

    def __str__(self) -> str:
        return str(self.value)
