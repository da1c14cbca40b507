"""The age of the source: which document an answer comes from, its date, and whether it is too old
to rely on without checking the authority's current guidance.

Every answer from an authority's document names the document's date once (`source_line`). Where
the document is more than MAX_AGE_YEARS old at the moment of the answer, or gives no date, one more
line says so (`age_warning`) and where to check: the web address the document itself gives for its
safeguarding children board or partnership, where the authority file points to the contact that
holds it (`document.partnership_contact`), or else the local safeguarding partnership or the front
door, with no address. No address is ever made up here: it is read from that contact.

Pure: the authority and an explicit `now`, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from threshold_kb import model as m
from threshold_kb.clock import london

MAX_AGE_YEARS = 3

SOURCE = "Source: {name}'s threshold document ({date})."
OLD = f"This document is more than {MAX_AGE_YEARS} years old"
UNDATED = "This document does not give its date"
CHECK = "check {name}'s current guidance before relying on it"
AT_ADDRESS = " (its safeguarding board or partnership, at the address the document gives: {address})."
NO_ADDRESS = ", with the local safeguarding partnership or the front door."
# For an answer drawn from several documents (comparing the authorities).
SEVERAL_OLD = ("{names}'s document is", "The documents of {names} are")
SEVERAL_UNDATED = ("{names}'s document gives", "The documents of {names} give")
CHECK_EACH = "check each authority's current guidance before relying on them."

# English month names, whatever the process's locale (calendar.month_name follows it).
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"),
        start=1,
    )
}
# One date as practitioners read it: "Revised July 2015", "Updated February 2020", "December 2018",
# "2018", "Undated" (threshold_kb/checks.py refuses any other document date).
DATE = re.compile(
    rf"^(?:(?P<undated>Undated)|(?:(?:Revised|Updated|Published|Issued) )?(?:(?P<month>{'|'.join(_MONTHS)}) )?"
    r"(?P<year>(?:19|20)\d\d))$"
)


def parse_date(text: str) -> date | None:
    """The earliest day a document's date can mean (the 1st of its month, or 1 January of a year
    given alone), so that an age is never understated; None for "Undated". Raises ValueError for
    anything that is not one date."""
    found = DATE.match(text.strip())
    if found is None:
        raise ValueError(f"not one document date: {text!r}")
    if found["undated"]:
        return None
    return date(int(found["year"]), _MONTHS[found["month"]] if found["month"] else 1, 1)


def is_old(text: str, now: datetime) -> bool:
    """More than MAX_AGE_YEARS old at `now` (Europe/London), or undated, or unreadable: check first."""
    try:
        dated = parse_date(text)
    except ValueError:
        return True
    if dated is None:
        return True
    return london(now).date() >= dated.replace(year=dated.year + MAX_AGE_YEARS)


def _undated(text: str) -> bool:
    try:
        return parse_date(text) is None
    except ValueError:
        return True


def partnership_address(authority: m.Authority) -> str | None:
    """The web address the document gives for its safeguarding board or partnership, if held."""
    wanted = authority.document.partnership_contact
    if not wanted:
        return None
    try:
        web = authority.contact(wanted).web
    except KeyError:
        return None
    return web[0] if web else None


def source_line(authority: m.Authority) -> str:
    return SOURCE.format(name=authority.name, date=authority.document.date)


def age_warning(authority: m.Authority, now: datetime) -> str | None:
    """One line when the document is too old (or undated) to rely on unchecked, else None. It does
    not repeat the date: the source line (or the card's heading) names it."""
    date_text = authority.document.date
    if not is_old(date_text, now):
        return None
    opening = UNDATED if _undated(date_text) else OLD
    address = partnership_address(authority)
    where = AT_ADDRESS.format(address=address) if address else NO_ADDRESS
    return f"{opening}: {CHECK.format(name=authority.name)}{where}"


def source_lines(authority: m.Authority, now: datetime) -> list[str]:
    """The last lines of an answer from one authority's document: its date, and the age warning."""
    warning = age_warning(authority, now)
    return [source_line(authority), *([warning] if warning else [])]


def several_warning(authorities: Iterable[m.Authority], now: datetime) -> str | None:
    """One line for an answer from several documents (their dates are named where each is used)."""
    chosen = [a for a in authorities if is_old(a.document.date, now)]
    undated = [a.name for a in chosen if _undated(a.document.date)]
    old = [a.name for a in chosen if not _undated(a.document.date)]
    parts = []
    if old:
        parts.append(f"{_several(SEVERAL_OLD, old)} more than {MAX_AGE_YEARS} years old")
    if undated:
        parts.append(f"{_several(SEVERAL_UNDATED, undated)} no date")
    if not parts:
        return None
    return f"{'; '.join(parts)}: {CHECK_EACH}"


def _several(forms: tuple[str, str], names: list[str]) -> str:
    return forms[len(names) > 1].format(names=_names(names))


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
