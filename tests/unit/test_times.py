"""Time parameters: unix seconds, datetime (naive = UTC), date, ISO-8601 strings."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from runestream import ValidationError
from runestream.core._times import to_unix_seconds

MAY_1 = 1714521600.0  # 2024-05-01T00:00:00Z


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1714521600, MAY_1),
        (1714521600.25, MAY_1 + 0.25),
        (0, 0.0),
        (dt.datetime(2024, 5, 1), MAY_1),  # naive means UTC, not local time
        (dt.datetime(2024, 5, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2))), MAY_1),
        (dt.datetime(2024, 5, 1, tzinfo=dt.UTC), MAY_1),
        (dt.date(2024, 5, 1), MAY_1),
        ("2024-05-01", MAY_1),
        ("2024-05-01T00:00:00Z", MAY_1),
        ("2024-05-01T00:00:00", MAY_1),
        ("2024-05-01T02:00:00+02:00", MAY_1),
        ("2024-05-01T00:00:00.500000Z", MAY_1 + 0.5),
        ("1714521600", MAY_1),
        (" 1714521600.5 ", MAY_1 + 0.5),
    ],
)
def test_accepted_forms(value: object, expected: float) -> None:
    assert to_unix_seconds(value, parameter="start_time") == pytest.approx(expected, abs=1e-6)


def test_naive_datetime_ignores_local_timezone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        assert to_unix_seconds(dt.datetime(2024, 5, 1)) == MAY_1
        assert to_unix_seconds("2024-05-01T00:00:00") == MAY_1
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (True, "not bool"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        ("nan", "ISO-8601"),
        ("", "empty"),
        ("yesterday", "ISO-8601"),
        ("2024-13-01", "ISO-8601"),
        (1714521600000, "out of range"),  # milliseconds
        ([1, 2], "not list"),
        (None, "not NoneType"),
    ],
)
def test_rejected_forms_name_the_parameter(value: object, fragment: str) -> None:
    with pytest.raises(ValidationError, match="end_time") as info:
        to_unix_seconds(value, parameter="end_time")
    assert fragment in str(info.value)
    assert info.value.parameter == "end_time"
