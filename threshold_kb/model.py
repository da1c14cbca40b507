"""The knowledge base's domain model: plain frozen dataclasses, no framework imports.

Every item carries a Citation so that whatever the assistant says can name its source.

Two audiences read the free text here. Practitioners read what replies and cards show: a contact's
`note`, a document's `date`. Maintainers also read `Contact.maintainer_note` and
`Document.history` (where a detail is printed, what the text extraction lost, what comes from
outside the document): those are kept with the data and never shown (threshold_kb/checks.py keeps
such remarks out of the practitioners' fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

CONTACT_ROLES = (
    "front_door",
    "early_help",
    "out_of_hours",
    "lado",
    "police",
    "education_safeguarding",
    "advice",
    "prevent",
    "other",
)
AVAILABILITY = ("in_hours", "out_of_hours", "always", "unstated")
MARKERS = ("s47", "s17", "s20", "s31", "strength")
CONSENT_SCOPES = (
    "early_help",
    "referral",
    "information_sharing",
    "assessment",
    "referrer_anonymity",
)
ROUTE_KINDS = (
    "lado",
    "cerar",
    "prevent",
    "private_fostering",
    "better_together",
    "panel",
    "other",
)


@dataclass(frozen=True)
class Citation:
    authority: str
    document: str
    section: str
    table: str | None = None
    level: int | None = None

    def __str__(self) -> str:
        parts = [self.document, self.section]
        if self.table:
            parts.append(self.table)
        if self.level is not None:
            parts.append(f"Level {self.level}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Level:
    id: str
    number: int
    name: str
    definition: str
    services: tuple[str, ...]
    response: str | None
    statutory: bool
    cite: Citation

    @property
    def label(self) -> str:
        return f"Level {self.number}: {self.name}"


@dataclass(frozen=True)
class Conditions:
    """Conditions stated by the indicator's own text (e.g. "under 13", "non-mobile")."""

    age_under: int | None = None
    age_over: int | None = None
    pre_or_non_mobile: bool = False

    def admits_age(self, age: float | None) -> bool:
        """Unknown age never excludes an indicator: excluding it could under-triage."""
        if age is None:
            return True
        if self.age_under is not None and age >= self.age_under:
            return False
        if self.age_over is not None and age <= self.age_over:
            return False
        return True


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    level: int
    domain: str | None
    markers: tuple[str, ...]
    conditions: Conditions
    cite: Citation


@dataclass(frozen=True)
class Session:
    """One published opening window, Europe/London local time."""

    days: tuple[str, ...]
    start: time
    end: time


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    role: str
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    web: tuple[str, ...]
    hours: str | None
    availability: str
    schedule: tuple[Session, ...]
    asks_for: tuple[str, ...]
    levels: tuple[int, ...]
    note: str | None  # for practitioners: shown in replies and cards
    maintainer_note: str | None  # for maintainers: provenance and extraction remarks, never shown
    cite: Citation

    @property
    def has_contact_details(self) -> bool:
        return bool(self.phones or self.emails or self.web)


@dataclass(frozen=True)
class Procedure:
    id: str
    title: str
    level: int | None
    quote: str
    written_followup_hours: int | None
    review: str | None
    cite: Citation


@dataclass(frozen=True)
class ConsentRule:
    id: str
    applies_to: str
    quote: str
    from_whom: str | None
    age_rule: str | None
    exemptions: tuple[str, ...]
    inform_before_sharing: bool
    cite: Citation


@dataclass(frozen=True)
class EscalationStep:
    id: str
    step: int
    quote: str
    contact: str | None
    cite: Citation


@dataclass(frozen=True)
class SpecialRoute:
    id: str
    kind: str
    name: str
    quote: str
    contacts: tuple[str, ...]
    cite: Citation


@dataclass(frozen=True)
class CaseExample:
    id: str
    level: int
    title: str
    quote: str
    cite: Citation


@dataclass(frozen=True)
class SignsOfSafety:
    questions: tuple[str, ...]
    scale: str | None
    cite: Citation


@dataclass(frozen=True)
class Omission:
    part: str
    why: str


@dataclass(frozen=True)
class Document:
    title: str
    publisher: str
    date: str  # one date, as shown to practitioners: "Revised July 2015", "Updated February 2020", "Undated"
    source_file: str
    history: str | None = None  # for maintainers: the version history or dating evidence, never shown
    # The contact holding the web address the document gives for its safeguarding partnership or
    # board: where replies send a practitioner to check the current guidance (threshold_kb/source_age.py).
    partnership_contact: str | None = None


@dataclass(frozen=True)
class Authority:
    slug: str
    name: str
    aliases: tuple[str, ...]
    document: Document
    levels: tuple[Level, ...]
    indicators: tuple[Indicator, ...] = ()
    contacts: tuple[Contact, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    consent: tuple[ConsentRule, ...] = ()
    escalation: tuple[EscalationStep, ...] = ()
    special_routes: tuple[SpecialRoute, ...] = ()
    case_examples: tuple[CaseExample, ...] = ()
    signs_of_safety: SignsOfSafety | None = None
    towns: tuple[str, ...] = ()
    towns_source: str | None = None
    omitted: tuple[Omission, ...] = field(default=())

    def level(self, number: int) -> Level:
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(f"{self.slug} has no level {number}")

    def contact(self, contact_id: str) -> Contact:
        for contact in self.contacts:
            if contact.id == contact_id:
                return contact
        raise KeyError(f"{self.slug} has no contact {contact_id}")
