from enum import StrEnum


class LfpCsvExpressionName(StrEnum):
    AVAILABILITY_LFP = "availability(lfp)"
    LFP = "lfp"
    SPECTROGRAM_LFP = "spectrogram(lfp)"

    def __str__(self) -> str:
        return str(self.value)
