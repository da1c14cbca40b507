"""National routes, as cited data: 999, the police non-emergency number 101 and the NSPCC Helpline
(threshold_kb/national/routes.yml).

Where a local authority's document publishes no phone number for its routes (Bedford Borough's
MASH, Cumbria's safeguarding hubs) a practitioner still has something to ring: these lines, always
marked as national, never as the authority's. Every number, email address and hours statement is
in a stored public source (threshold_kb/national/sources/*.txt: the page's title, publisher,
address and the date it was read, then its own text), checked like the documents (`problems`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from threshold_kb import checks, clock, config
from threshold_kb import model as m
from threshold_kb.loader import LoadError, _Item, read_schedule
from threshold_kb.provenance import normalise

OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"  # as threshold_kb.queries marks a contact
AVAILABILITY = ("always", "scheduled")

# Dialable as printed: 999, 101, or a full UK number with its area code.
_PHONE = re.compile(r"^(999|101|0(?: ?[0-9]){9,10})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_HEADER_END = re.compile(r"(?m)^-{4,}[ \t]*$")
_SOURCE_HEADER = ("title", "publisher", "url", "retrieved")
_ROUTE_KEYS = {"id", "name", "use", "phones", "emails", "hours", "email_hours", "availability", "schedule", "cite"}


@dataclass(frozen=True)
class Source:
    """A stored public page: who published it, where, when it was read, and its own words."""

    file: str
    title: str
    publisher: str
    url: str
    retrieved: str
    text: str  # the excerpt below the header: the page's text, cut but never reworded


@dataclass(frozen=True)
class NationalCitation:
    file: str  # in threshold_kb/national/sources/
    url: str
    quote: str
    title: str
    publisher: str
    retrieved: str

    def __str__(self) -> str:
        return f"{self.publisher}, {self.title}, {self.url}"


@dataclass(frozen=True)
class NationalRoute:
    id: str
    name: str
    use: str  # what it is for, as practitioners read it: "if a child is in immediate danger"
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    hours: str | None  # the phone line's hours, in the source's words
    email_hours: str | None
    availability: str  # always | scheduled
    schedule: tuple[m.Session, ...]
    cite: tuple[NationalCitation, ...]

    def phone_status(self, now: datetime | None) -> str:
        """Whether the phone line is open at `now` by its published hours. A source that states no
        bank-holiday hours leaves a bank holiday unknown (the hours are then shown with it)."""
        if self.availability == "always":
            return OPEN
        if now is None or clock.is_bank_holiday(now):
            return UNKNOWN
        local = clock.london(now)
        day, at = m.DAYS[local.weekday()], local.time().replace(tzinfo=None)
        return OPEN if any(day in s.days and s.start <= at < s.end for s in self.schedule) else CLOSED

    def as_payload(self, now: datetime | None) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "use": self.use,
            "phones": list(self.phones),
            "emails": list(self.emails),
            "hours": self.hours,
            "email_hours": self.email_hours,
            "availability": self.availability,
            "status": self.phone_status(now),
            "national": True,
            "cite": [
                {"source_file": c.file, "url": c.url, "quote": c.quote, "title": c.title, "publisher": c.publisher,
                 "text": str(c)}
                for c in self.cite
            ],
        }


def read_source(path: Path) -> Source:
    """A stored source: `Key: value` header lines (title, publisher, url, retrieved), a line of
    dashes, then the page's own text."""
    raw = path.read_text(encoding="utf-8")
    end = _HEADER_END.search(raw)
    if end is None:
        raise LoadError(path.name, "header", "-", "no line of dashes (----) between the header and the page's text")
    header: dict[str, str] = {}
    for line in raw[: end.start()].splitlines():
        key, colon, value = line.partition(":")
        if colon:
            header[key.strip().lower()] = value.strip()
    for key in _SOURCE_HEADER:
        if not header.get(key):
            raise LoadError(path.name, "header", key, "is required")
    return Source(path.name, header["title"], header["publisher"], header["url"], header["retrieved"],
                  raw[end.end():])


def load(directory: Path | None = None) -> tuple[NationalRoute, ...]:
    """Every route in `directory`/routes.yml (default: config.national_dir()), its citations with
    their sources' titles; raises LoadError naming the file, route and field."""
    directory = directory or config.national_dir()
    path = directory / "routes.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LoadError(str(path), "-", "-", f"cannot be read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise LoadError(path.name, "-", "-", f"not valid YAML: {exc}") from exc
    root = _Item(path.name, "(file)", data)
    raw = root.data.get("routes")
    if not isinstance(raw, list) or not raw:
        root.fail("routes", "expected a non-empty list of routes")
    sources: dict[str, Source] = {}
    routes: list[NationalRoute] = []
    for index, entry in enumerate(raw):
        item = _Item(path.name, f"routes[{index}]", entry)
        route_id = item.text("id")
        item.name = route_id
        if any(r.id == route_id for r in routes):
            item.fail("id", "is used twice")
        unknown = sorted(set(item.data) - _ROUTE_KEYS)
        if unknown:
            item.fail(unknown[0], "unknown field")
        phones, emails = item.texts("phones"), item.texts("emails")
        if not phones and not emails:
            item.fail("phones", "a route needs a phone number or an email address")
        availability = item.choice("availability", AVAILABILITY)
        schedule = read_schedule(item)
        if availability == "scheduled" and not schedule:
            item.fail("schedule", "a scheduled line needs its published hours")
        routes.append(
            NationalRoute(
                id=route_id,
                name=item.text("name"),
                use=item.text("use"),
                phones=phones,
                emails=emails,
                hours=item.text("hours", required=False),
                email_hours=item.text("email_hours", required=False),
                availability=availability,
                schedule=schedule,
                cite=_citations(item, directory, sources),
            )
        )
    return tuple(routes)


def _citations(item: _Item, directory: Path, sources: dict[str, Source]) -> tuple[NationalCitation, ...]:
    raw = item.data.get("cite")
    if not isinstance(raw, list) or not raw:
        item.fail("cite", "at least one citation (file, url, quote) is required")
    cites = []
    for index, entry in enumerate(raw):
        one = _Item(item.file, f"{item.name}.cite[{index}]", entry)
        file = one.text("file")
        if Path(file).name != file:
            one.fail("file", "a file name in sources/, no folders")
        if file not in sources:
            source_path = directory / "sources" / file
            if not source_path.is_file():
                one.fail("file", f"no stored source sources/{file}")
            sources[file] = read_source(source_path)
        source = sources[file]
        cites.append(
            NationalCitation(file=file, url=one.text("url"), quote=one.text("quote"), title=source.title,
                             publisher=source.publisher, retrieved=source.retrieved)
        )
    return tuple(cites)


def _said_in(value: str, text: str) -> bool:
    """`value` in `text` as a whole number or address (0808 800 500 is not in 0808 800 5000, nor
    help@nspcc.org in help@nspcc.org.uk)."""
    return re.search(rf"(?<![\w@.]){re.escape(normalise(value))}(?![\w@]|\.\w)", normalise(text)) is not None


def problems(directory: Path | None = None) -> list[str]:
    """Provenance, as for the documents: each citation's quote is in its stored source and the
    address is the source's own; each phone number and email is in a sentence the route quotes;
    each hours statement is in a cited source; nothing a practitioner reads is a maintainer's remark."""
    directory = directory or config.national_dir()
    try:
        routes = load(directory)
    except LoadError as exc:
        return [str(exc)]
    found: list[str] = []
    for route in routes:
        where = f"national route {route.id}"
        texts: list[str] = []
        for c in route.cite:
            source = read_source(directory / "sources" / c.file)
            texts.append(source.text)
            if c.url != source.url:
                found.append(f"{where}: cite url {c.url!r} is not the address of sources/{c.file} ({source.url})")
            if normalise(c.quote) not in normalise(source.text):
                found.append(f"{where}: quote not found verbatim in sources/{c.file}: {c.quote[:100]!r}")
        quotes = [c.quote for c in route.cite]
        for field, pattern, values in (("phones", _PHONE, route.phones), ("emails", _EMAIL, route.emails)):
            for value in values:
                if not pattern.match(value):
                    found.append(f"{where}.{field}: {value!r} is not a dialable number or an address")
                if not any(_said_in(value, q) for q in quotes):
                    found.append(
                        f"{where}.{field}: {value!r} is not in any sentence the route quotes from its sources"
                    )
        for field in ("hours", "email_hours"):
            value = getattr(route, field)
            if value and not any(normalise(value) in normalise(t) for t in texts):
                found.append(f"{where}.{field}: not found verbatim in its cited sources: {value!r}")
        for field in ("name", "use", "hours", "email_hours"):
            remark = checks.maintainer_phrases(getattr(route, field))
            if remark:
                found.append(f"{where}.{field}: reads as a maintainer's remark ({'; '.join(remark)})")
    return found


def published(routes: tuple[NationalRoute, ...]) -> set[str]:
    """Every phone number and email address of the routes."""
    return {d for r in routes for d in (*r.phones, *r.emails)}


@lru_cache(maxsize=1)
def routes() -> tuple[NationalRoute, ...]:
    """The bundled routes, for replies and payloads. Never raises: the safe answer must not fail
    with this file (999 is still said without it); `validate` and the tests report a broken file."""
    try:
        return load()
    except Exception as exc:
        logging.getLogger(__name__).error("national routes unreadable: %s", exc)
        return ()
