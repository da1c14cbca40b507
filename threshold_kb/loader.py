"""Authority YAML files -> model objects, validated as a whole.

A malformed file raises one LoadError naming the file, the item and the field. Every file is
read and checked before anything is returned, so callers never see a half-loaded knowledge base.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from threshold_kb import model as m

T = TypeVar("T")

_ID = re.compile(r"^[a-z_]+\.[a-z_]+\.\d+$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_TOP_LEVEL = {
    "authority",
    "document",
    "levels",
    "indicators",
    "contacts",
    "procedures",
    "consent",
    "escalation",
    "special_routes",
    "case_examples",
    "signs_of_safety",
    "coverage",
}


class LoadError(ValueError):
    def __init__(self, file: str, item: str, field: str, problem: str):
        self.file, self.item, self.field, self.problem = file, item, field, problem
        super().__init__(f"{file}: {item}: field '{field}': {problem}")


def authorities_dir() -> Path:
    return Path(__file__).resolve().parent / "authorities"


def load_all(directory: Path | None = None) -> tuple[m.Authority, ...]:
    """Every authority file in the directory, sorted by slug; raises on the first bad field."""
    directory = directory or authorities_dir()
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise LoadError(str(directory), "-", "-", "no authority files (*.yml) found")
    return tuple(load_file(path) for path in files)


def load_file(path: Path) -> m.Authority:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise LoadError(path.name, where, "-", f"not valid YAML: {exc}") from exc
    return _AuthorityReader(path.name, data).read()


class _Item:
    """One mapping in a file, with the context needed for a precise error."""

    def __init__(self, file: str, name: str, data: Any):
        self.file, self.name = file, name
        if not isinstance(data, dict):
            self.fail("-", f"expected a mapping, got {type(data).__name__}")
        self.data = data

    def fail(self, field: str, problem: str):
        raise LoadError(self.file, self.name, field, problem)

    def text(self, field: str, required: bool = True) -> str | None:
        value = self.data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(field, f"expected text, got {type(value).__name__}")
        return str(value).strip()

    def integer(self, field: str, required: bool = True) -> int | None:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "is required")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(field, f"expected a whole number, got {value!r}")
        return value

    def flag(self, field: str, default: bool = False) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            self.fail(field, f"expected true or false, got {value!r}")
        return value

    def texts(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field) or []
        if not isinstance(value, list):
            self.fail(field, "expected a list")
        for one in value:
            if not isinstance(one, str | int) or isinstance(one, bool) or not str(one).strip():
                self.fail(field, f"expected a list of non-empty text, found {one!r}")
        return tuple(str(one).strip() for one in value)

    def choice(self, field: str, allowed: Iterable[str], required: bool = True) -> str | None:
        value = self.text(field, required)
        if value is not None and value not in allowed:
            self.fail(field, f"{value!r} is not one of {', '.join(allowed)}")
        return value


def read_schedule(item: _Item) -> tuple[m.Session, ...]:
    """An item's `schedule`: opening sessions as the clock reads them (contacts, national routes)."""
    raw = item.data.get("schedule") or []
    if not isinstance(raw, list):
        item.fail("schedule", "expected a list of {days, start, end}")
    sessions = []
    for data in raw:
        one = _Item(item.file, item.name, data)
        days = one.texts("days")
        if not days or any(day not in m.DAYS for day in days):
            item.fail("schedule", f"days must be among {', '.join(m.DAYS)}")
        start, end = (_clock(item, one.text(key)) for key in ("start", "end"))
        if end <= start:
            item.fail("schedule", "end must be after start")
        sessions.append(m.Session(days=days, start=start, end=end))
    return tuple(sessions)


def _clock(item: _Item, value: str) -> time:
    match = _CLOCK.match(value)
    if not match:
        item.fail("schedule", f"time {value!r} must be HH:MM")
    return time(int(match.group(1)), int(match.group(2)))


class _AuthorityReader:
    def __init__(self, file: str, data: Any):
        self.file = file
        self.root = _Item(file, "(file)", data)
        unknown = set(self.root.data) - _TOP_LEVEL
        if unknown:
            self.root.fail(sorted(unknown)[0], "unknown top-level key")
        head = _Item(file, "authority", self.root.data.get("authority"))
        self.slug = head.text("slug")
        if self.slug != Path(file).stem:
            head.fail("slug", f"must equal the file name '{Path(file).stem}'")
        self.head = head
        self.seen_ids: set[str] = set()

    def read(self) -> m.Authority:
        document = self._document()
        self.document_title = document.title
        levels = self._items("levels", self._level)
        if not levels:
            self.root.fail("levels", "at least one level is required")
        self.level_numbers = {level.number for level in levels}
        contacts = self._items("contacts", self._contact)
        self.contact_ids = {contact.id for contact in contacts}
        self._check_partnership(document, contacts)
        coverage = _Item(self.file, "coverage", self.root.data.get("coverage") or {})
        sos = self.root.data.get("signs_of_safety")
        return m.Authority(
            slug=self.slug,
            name=self.head.text("name"),
            aliases=self.head.texts("aliases"),
            document=document,
            levels=levels,
            indicators=self._items("indicators", self._indicator),
            contacts=contacts,
            procedures=self._items("procedures", self._procedure),
            consent=self._items("consent", self._consent),
            escalation=self._items("escalation", self._escalation),
            special_routes=self._items("special_routes", self._special_route),
            case_examples=self._items("case_examples", self._case_example),
            signs_of_safety=self._signs_of_safety(sos) if sos else None,
            towns=coverage.texts("towns"),
            towns_source=coverage.text("towns_source", required=bool(coverage.data.get("towns"))),
            omitted=tuple(self._omission(coverage, i, o) for i, o in enumerate(coverage.data.get("omitted") or [])),
        )

    # -- helpers ---------------------------------------------------------------------------
    def _items(self, section: str, build: Callable[[_Item], T]) -> tuple[T, ...]:
        raw = self.root.data.get(section) or []
        if not isinstance(raw, list):
            self.root.fail(section, "expected a list")
        kind = section[:-1] if section.endswith("s") else section  # levels -> level
        built = []
        for index, data in enumerate(raw):
            name = f"{section}[{index}]"
            if isinstance(data, dict) and data.get("id"):
                name = str(data["id"])
            item = _Item(self.file, name, data)
            self._check_id(item, kind)
            built.append(build(item))
        return tuple(built)

    def _check_id(self, item: _Item, kind: str) -> None:
        item_id = item.text("id")
        if not _ID.match(item_id):
            item.fail("id", "must look like <slug>.<kind>.<number>")
        slug, id_kind, _ = item_id.split(".")
        if slug != self.slug or id_kind != kind:
            item.fail("id", f"must start with '{self.slug}.{kind}.'")
        if item_id in self.seen_ids:
            item.fail("id", "is used twice")
        self.seen_ids.add(item_id)

    def _cite(self, item: _Item) -> m.Citation:
        cite = _Item(self.file, item.name, item.data.get("cite"))
        cite.name = f"{item.name}.cite"
        level = cite.integer("level", required=False)
        return m.Citation(
            authority=self.slug,
            document=self.document_title,
            section=cite.text("section"),
            table=cite.text("table", required=False),
            level=level,
        )

    def _level_ref(self, item: _Item, field: str = "level", required: bool = True) -> int | None:
        number = item.integer(field, required)
        if number is not None and number not in self.level_numbers:
            item.fail(field, f"level {number} is not one of this authority's levels")
        return number

    # -- sections --------------------------------------------------------------------------
    def _document(self) -> m.Document:
        doc = _Item(self.file, "document", self.root.data.get("document"))
        return m.Document(
            title=doc.text("title"),
            publisher=doc.text("publisher"),
            date=doc.text("date"),
            source_file=doc.text("source_file"),
            history=doc.text("history", required=False),
            partnership_contact=doc.text("partnership_contact", required=False),
        )

    def _check_partnership(self, document: m.Document, contacts: tuple[m.Contact, ...]) -> None:
        """The partnership's contact is one of this file's contacts, with a web address to give."""
        wanted = document.partnership_contact
        if wanted is None:
            return
        doc = _Item(self.file, "document", self.root.data.get("document"))
        found = next((c for c in contacts if c.id == wanted), None)
        if found is None:
            doc.fail("partnership_contact", f"{wanted!r} is not one of this authority's contacts")
        if not found.web:
            doc.fail("partnership_contact", f"{wanted} has no web address to check the current guidance at")

    def _level(self, item: _Item) -> m.Level:
        return m.Level(
            id=item.text("id"),
            number=item.integer("number"),
            name=item.text("name"),
            definition=item.text("definition"),
            services=item.texts("services"),
            response=item.text("response", required=False),
            statutory=item.flag("statutory"),
            cite=self._cite(item),
        )

    def _indicator(self, item: _Item) -> m.Indicator:
        markers = item.texts("markers")
        for marker in markers:
            if marker not in m.MARKERS:
                item.fail("markers", f"{marker!r} is not one of {', '.join(m.MARKERS)}")
        cond = _Item(self.file, item.name, item.data.get("conditions") or {})
        return m.Indicator(
            id=item.text("id"),
            text=item.text("text"),
            level=self._level_ref(item),
            domain=item.text("domain", required=False),
            markers=markers,
            conditions=m.Conditions(
                age_under=cond.integer("age_under", required=False),
                age_over=cond.integer("age_over", required=False),
                pre_or_non_mobile=cond.flag("pre_or_non_mobile"),
            ),
            cite=self._cite(item),
        )

    def _contact(self, item: _Item) -> m.Contact:
        levels = item.data.get("levels") or []
        if not isinstance(levels, list):
            item.fail("levels", "expected a list of level numbers")
        for number in levels:
            if number not in self.level_numbers:
                item.fail("levels", f"level {number!r} is not one of this authority's levels")
        return m.Contact(
            id=item.text("id"),
            name=item.text("name"),
            role=item.choice("role", m.CONTACT_ROLES),
            phones=item.texts("phones"),
            emails=item.texts("emails"),
            web=item.texts("web"),
            hours=item.text("hours", required=False),
            availability=item.choice("availability", m.AVAILABILITY),
            schedule=read_schedule(item),
            asks_for=item.texts("asks_for"),
            levels=tuple(levels),
            note=item.text("note", required=False),
            maintainer_note=item.text("maintainer_note", required=False),
            cite=self._cite(item),
        )

    def _procedure(self, item: _Item) -> m.Procedure:
        return m.Procedure(
            id=item.text("id"),
            title=item.text("title"),
            level=self._level_ref(item, required=False),
            quote=item.text("quote"),
            written_followup_hours=item.integer("written_followup_hours", required=False),
            review=item.text("review", required=False),
            cite=self._cite(item),
        )

    def _consent(self, item: _Item) -> m.ConsentRule:
        return m.ConsentRule(
            id=item.text("id"),
            applies_to=item.choice("applies_to", m.CONSENT_SCOPES),
            quote=item.text("quote"),
            from_whom=item.text("from_whom", required=False),
            age_rule=item.text("age_rule", required=False),
            exemptions=item.texts("exemptions"),
            inform_before_sharing=item.flag("inform_before_sharing"),
            cite=self._cite(item),
        )

    def _escalation(self, item: _Item) -> m.EscalationStep:
        contact = item.text("contact", required=False)
        if contact and contact not in self.contact_ids:
            item.fail("contact", f"{contact!r} is not a contact of this authority")
        return m.EscalationStep(
            id=item.text("id"),
            step=item.integer("step"),
            quote=item.text("quote"),
            contact=contact,
            cite=self._cite(item),
        )

    def _special_route(self, item: _Item) -> m.SpecialRoute:
        contacts = item.texts("contacts")
        for contact in contacts:
            if contact not in self.contact_ids:
                item.fail("contacts", f"{contact!r} is not a contact of this authority")
        return m.SpecialRoute(
            id=item.text("id"),
            kind=item.choice("kind", m.ROUTE_KINDS),
            name=item.text("name"),
            quote=item.text("quote"),
            contacts=contacts,
            cite=self._cite(item),
        )

    def _case_example(self, item: _Item) -> m.CaseExample:
        return m.CaseExample(
            id=item.text("id"),
            level=self._level_ref(item),
            title=item.text("title"),
            quote=item.text("quote"),
            cite=self._cite(item),
        )

    def _signs_of_safety(self, data: Any) -> m.SignsOfSafety:
        item = _Item(self.file, "signs_of_safety", data)
        return m.SignsOfSafety(
            questions=item.texts("questions"),
            scale=item.text("scale", required=False),
            cite=self._cite(item),
        )

    def _omission(self, coverage: _Item, index: int, data: Any) -> m.Omission:
        item = _Item(self.file, f"coverage.omitted[{index}]", data)
        return m.Omission(part=item.text("part"), why=item.text("why"))


@lru_cache(maxsize=1)
def _bundled() -> dict[str, m.Authority]:
    try:
        return {a.slug: a for a in load_all()}
    except Exception as exc:  # the safe answer must not fail with the files: it still names 999 and the DSL
        logging.getLogger(__name__).error("bundled knowledge base unreadable: %s", exc)
        return {}


def bundled_authority(slug: str | None) -> m.Authority | None:
    """An authority from the files shipped with the code, for the safe answer when the database
    or the action server is down; None if unknown or unreadable (never raises)."""
    return _bundled().get(slug or "")
