from enum import StrEnum


class StreamTimestampFormat(StrEnum):
    ISO = "iso"
    UNIX = "unix"
    UNIXNS = "unixns"

    def __str__(self) -> str:
        return str(self.value)
