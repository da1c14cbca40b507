from datetime import date, datetime, time, timezone

import pytest

from threshold_kb import clock
from threshold_kb.model import Session

WEEKDAYS_9_TO_5 = (Session(days=("mon", "tue", "wed", "thu", "fri"), start=time(9), end=time(17)),)


def test_england_bank_holidays_2026_include_substitute_boxing_day():
    assert clock.bank_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day falls on a Saturday
    }


def test_christmas_on_a_saturday_moves_both_holidays_to_the_next_weekdays():
    holidays = clock.bank_holidays(2027)
    assert date(2027, 12, 27) in holidays and date(2027, 12, 28) in holidays
    assert date(2027, 12, 25) not in holidays


@pytest.mark.parametrize(
    "moment, open_",
    [
        (datetime(2026, 11, 24, 10, 30), True),  # Tuesday morning
        (datetime(2026, 11, 24, 17, 0), False),  # closing time is exclusive
        (datetime(2026, 11, 24, 8, 59), False),
        (datetime(2026, 11, 28, 11, 0), False),  # Saturday
        (datetime(2026, 12, 28, 11, 0), False),  # substitute bank holiday, a Monday
    ],
)
def test_within_weekday_office_hours(moment, open_):
    assert clock.within(WEEKDAYS_9_TO_5, moment) is open_


def test_utc_moment_is_judged_in_london_summer_time():
    # 08:30 UTC in July is 09:30 in London, so the office is open.
    assert clock.within(WEEKDAYS_9_TO_5, datetime(2026, 7, 14, 8, 30, tzinfo=timezone.utc))
    # 08:30 UTC in January is 08:30 in London: still closed.
    assert not clock.within(WEEKDAYS_9_TO_5, datetime(2026, 1, 13, 8, 30, tzinfo=timezone.utc))
