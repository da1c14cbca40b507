"""The query API the assistant uses. Functions take a repository and, where time matters, an
explicit `now`, so that answers are reproducible in tests and citeable in a transcript."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from threshold_kb import clock
from threshold_kb import model as m
from threshold_kb.store.repository import Repository, name_key


# -- levels and indicators ---------------------------------------------------------------------
def levels(repo: Repository, slug: str) -> tuple[m.Level, ...]:
    return tuple(sorted(repo.get(slug).levels, key=lambda level: level.number))


def statutory_levels(repo: Repository, slug: str) -> tuple[m.Level, ...]:
    return tuple(level for level in levels(repo, slug) if level.statutory)


def indicators(
    repo: Repository,
    slug: str,
    level: int | None = None,
    domain: str | None = None,
    marker: str | None = None,
) -> tuple[m.Indicator, ...]:
    return repo.indicators(slug, level=level, domain=domain, marker=marker)


def domains(repo: Repository, slug: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for indicator in repo.get(slug).indicators:
        if indicator.domain:
            seen.setdefault(indicator.domain)
    return tuple(seen)


# -- contacts at a moment ----------------------------------------------------------------------
OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"


@dataclass(frozen=True)
class ContactNow:
    contact: m.Contact
    status: str  # open | closed | unknown (the document publishes no hours)


@dataclass(frozen=True)
class ContactsAnswer:
    authority: str
    period: str  # in_hours | out_of_hours | unknown
    moment: datetime
    contacts: tuple[ContactNow, ...]  # open first, then unknown, then closed

    @property
    def reachable(self) -> tuple[m.Contact, ...]:
        """Contacts not known to be closed now."""
        return tuple(c.contact for c in self.contacts if c.status != CLOSED)


def _office_schedule(authority: m.Authority) -> tuple[m.Session, ...]:
    """The authority's published in-hours sessions (union over its in-hours contacts)."""
    return tuple(s for c in authority.contacts if c.availability == "in_hours" for s in c.schedule)


def period_at(authority: m.Authority, now: datetime) -> str:
    office = _office_schedule(authority)
    if not office:
        return "unknown"
    return "in_hours" if clock.within(office, now) else "out_of_hours"


def status_at(contact: m.Contact, period: str, now: datetime) -> str:
    if contact.availability == "always":
        return OPEN
    if contact.schedule:
        return OPEN if clock.within(contact.schedule, now) else CLOSED
    if contact.availability in ("in_hours", "out_of_hours") and period != "unknown":
        return OPEN if contact.availability == period else CLOSED
    return UNKNOWN


_ORDER = {OPEN: 0, UNKNOWN: 1, CLOSED: 2}


def contacts_at(
    repo: Repository,
    slug: str,
    now: datetime,
    level: int | None = None,
    roles: tuple[str, ...] | None = None,
) -> ContactsAnswer:
    """The contacts for a level and/or roles, each marked open, closed or unknown at `now`."""
    return contacts_of(repo.get(slug), now, level, roles)


def contacts_of(
    authority: m.Authority,
    now: datetime,
    level: int | None = None,
    roles: tuple[str, ...] | None = None,
) -> ContactsAnswer:
    """`contacts_at` for an authority already in hand (no repository read)."""
    period = period_at(authority, now)
    chosen = [
        c for c in authority.contacts if (level is None or level in c.levels) and (roles is None or c.role in roles)
    ]
    marked = [ContactNow(c, status_at(c, period, now)) for c in chosen]
    marked.sort(key=lambda cn: _ORDER[cn.status])  # stable: document order within a status
    return ContactsAnswer(authority=authority.slug, period=period, moment=clock.london(now), contacts=tuple(marked))


FRONT_DOOR_ROLES = ("front_door", "out_of_hours")


def front_door(repo: Repository, slug: str, now: datetime) -> ContactsAnswer:
    """Where a practitioner refers a child at risk of significant harm, right now."""
    return contacts_of(repo.get(slug), now, roles=FRONT_DOOR_ROLES)


# -- consent, escalation, procedures, routes ---------------------------------------------------
def consent_rules(repo: Repository, slug: str, applies_to: str | None = None) -> tuple[m.ConsentRule, ...]:
    return consent_of(repo.get(slug), applies_to)


def consent_of(authority: m.Authority, applies_to: str | None = None) -> tuple[m.ConsentRule, ...]:
    return tuple(r for r in authority.consent if applies_to is None or r.applies_to == applies_to)


def escalation_steps(repo: Repository, slug: str) -> tuple[m.EscalationStep, ...]:
    return tuple(sorted(repo.get(slug).escalation, key=lambda s: s.step))


def procedures(repo: Repository, slug: str, level: int | None = None) -> tuple[m.Procedure, ...]:
    return procedures_of(repo.get(slug), level)


def procedures_of(authority: m.Authority, level: int | None = None) -> tuple[m.Procedure, ...]:
    return tuple(p for p in authority.procedures if level is None or p.level in (None, level))


def special_routes(repo: Repository, slug: str, kind: str | None = None) -> tuple[m.SpecialRoute, ...]:
    return tuple(r for r in repo.get(slug).special_routes if kind is None or r.kind == kind)


def case_examples(repo: Repository, slug: str, level: int | None = None) -> tuple[m.CaseExample, ...]:
    return tuple(c for c in repo.get(slug).case_examples if level is None or c.level == level)


# -- one indicator across authorities ----------------------------------------------------------
_WORD = re.compile(r"[a-z0-9%]+")
_STOP = frozenset(
    "a an and are as at be by for from has have in is it of on or the their there they this to "
    "with within who which child children young person people".split()
)


def _terms(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


@dataclass(frozen=True)
class Comparison:
    authority: str
    authority_name: str
    indicator: m.Indicator | None  # None: no indicator of this authority shares enough words
    level: m.Level | None
    overlap: float


def compare_indicator(repo: Repository, text: str, minimum_overlap: float = 0.5) -> tuple[Comparison, ...]:
    """For each authority, its indicator closest in wording to `text`, with its level.

    Overlap is the share of the query's content words that the indicator contains: a plain
    measure a reviewer can check by eye. Below `minimum_overlap` an authority reports none."""
    wanted = _terms(text)
    results = []
    for authority in repo.all():
        best, best_score = None, 0.0
        for indicator in authority.indicators:
            if not wanted:
                break
            score = len(wanted & _terms(indicator.text)) / len(wanted)
            if score > best_score:
                best, best_score = indicator, score
        if best_score < minimum_overlap:
            best = None
        level = authority.level(best.level) if best else None
        results.append(Comparison(authority.slug, authority.name, best, level, round(best_score, 3)))
    return tuple(results)


# -- which authority -----------------------------------------------------------------------------
_POSSESSIVE = re.compile(r"['\u2019]s\b", re.IGNORECASE)  # "Stoke's level 3" names Stoke
_WORD = re.compile(r"[\w%]+(?:['\u2019][\w%]+)*")


@dataclass(frozen=True)
class AuthorityMatch:
    slug: str
    matched: str  # the name, alias or town found in the text
    kind: str  # name | alias | town


def authority_from_text(repo: Repository, text: str) -> tuple[AuthorityMatch, ...]:
    """Authorities named in free text ("actually I'm in Hanley"), best (longest) match first.

    Several results mean the text is ambiguous, and the caller should ask."""
    haystack = f" {name_key(_POSSESSIVE.sub('', text))} "
    found: dict[str, AuthorityMatch] = {}
    for key, owners in sorted(repo.names().items(), key=lambda kv: -len(kv[0])):
        if f" {key} " not in haystack:
            continue
        for slug, kind in owners:
            found.setdefault(slug, AuthorityMatch(slug, key, kind))
        haystack = haystack.replace(f" {key} ", " ")  # "stoke on trent" must not also match "stoke"
    return tuple(sorted(found.values(), key=lambda match: -len(match.matched)))


@dataclass(frozen=True)
class AuthorityMention:
    """Where an authority is named in a message: the NLU's `authority_name` entity."""

    slug: str
    start: int
    end: int
    kind: str  # name | alias | town


def authority_mentions(repo: Repository, text: str) -> tuple[AuthorityMention, ...]:
    """Each unambiguous name, alias or town in the text, with its span, longest names first and
    never overlapping ("Stoke-on-Trent" is one mention, not also "Stoke"). A town two authorities
    share is left out: the caller asks which one."""
    words = [(w.start(), w.end(), name_key(_POSSESSIVE.sub("", w.group()))) for w in _WORD.finditer(text)]
    taken: set[int] = set()
    found = []
    for key, owners in sorted(repo.names().items(), key=lambda kv: -len(kv[0].split())):
        parts = key.split()
        slugs = {slug for slug, _ in owners}
        for i in range(len(words) - len(parts) + 1):
            span = range(i, i + len(parts))
            if taken.intersection(span) or [words[j][2] for j in span] != parts:
                continue
            taken.update(span)
            if len(slugs) == 1:
                found.append(AuthorityMention(owners[0][0], words[i][0], words[i + len(parts) - 1][1], owners[0][1]))
    return tuple(sorted(found, key=lambda mention: mention.start))
