"""Europe/London time: whether a published schedule is open at a moment.

Offices in the documents keep weekday hours and say "out of hours or at weekends"; bank holidays
in England are treated like weekends, since an office closed that day would leave a caller
ringing a number that does not answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from threshold_kb import model as m

LONDON = ZoneInfo("Europe/London")


def london(now: datetime) -> datetime:
    """The same moment in London; a naive datetime is taken to be London time already."""
    return now.replace(tzinfo=LONDON) if now.tzinfo is None else now.astimezone(LONDON)


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    mm = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * mm + 114) // 31
    day = (h + l - 7 * mm + 114) % 31 + 1
    return date(year, month, day)


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=day.weekday())


def _substitute(days: Iterable[date]) -> set[date]:
    """A fixed holiday on a weekend moves to the next free weekday."""
    taken: set[date] = set()
    for day in sorted(days):
        while day.weekday() >= 5 or day in taken:
            day += timedelta(days=1)
        taken.add(day)
    return taken


@lru_cache(maxsize=32)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales' regular bank holidays (one-off ones are not predictable)."""
    easter = _easter(year)
    fixed = _substitute([date(year, 1, 1)]) | _substitute([date(year, 12, 25), date(year, 12, 26)])
    return frozenset(
        fixed
        | {
            easter - timedelta(days=2),
            easter + timedelta(days=1),
            _first_monday(year, 5),
            _last_monday(year, 5),
            _last_monday(year, 8),
        }
    )


def is_bank_holiday(moment: datetime) -> bool:
    local = london(moment)
    return local.date() in bank_holidays(local.year)


def within(schedule: Iterable[m.Session], moment: datetime) -> bool:
    """True when the London moment falls inside one of the sessions, bank holidays excepted."""
    local = london(moment)
    if is_bank_holiday(local):
        return False
    day = m.DAYS[local.weekday()]
    clock = local.time().replace(tzinfo=None)
    return any(day in s.days and s.start <= clock < s.end for s in schedule)
