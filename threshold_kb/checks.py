"""Whole-knowledge-base checks beyond field syntax: completeness and provenance."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from threshold_kb import model as m
from threshold_kb import source_age
from threshold_kb.provenance import normalise

# Dialable as printed: 999, or a full UK number with its area code (0 and 10 or 11 digits). A
# number printed without its area code ("864180") would dial nothing from a mobile.
_PHONE = re.compile(r"^(999|0(?: ?[0-9]){9,10})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
_WEB = re.compile(r"^(https?://|www\.)\S+$")

# A contact's `note` and a document's `date` are shown to practitioners in replies and cards.
# Remarks for the knowledge base's maintainers belong in `maintainer_note` and `history`, which are
# never shown. These phrases mark such a remark: each stands for one that reached practitioners
# before the fields were split (where a detail is printed, what the text extraction lost, facts
# from outside the document, the knowledge base's own ids). A note may say what the document says
# ("The document says ...", "publishes no telephone number"): that is for the practitioner.
MAINTAINER_PHRASES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bextract(?:ion|ed)\b",  # "the links in the extraction have no address"
        r"\b(?:section|document|table|page|text) prints\b",  # "This section prints the number as '864180'"
        r"\bis given here\b|\bis (?:given|recorded) so that\b",  # "the full form is given here so that ..."
        r"\boutside the document\b",  # "Outside the document (general geographic knowledge ...)"
        r"\bgeneral (?:geographic )?knowledge\b",
        r"\bknowledge[- ]base\b",
        r"\bmodell?ed\b",  # "its indicators are not modelled here"
        r"\bsource text\b",
        r"\bnot preserved\b",
        r"\bis recorded (?:as|here)\b|\bno [\w ]{1,30} is recorded\b",  # "so no web address is recorded"
        r"\bversion history\b",
        r"\b(?:repeated|printed) under\b",  # "The same number is repeated under 'Sources of Support'"
        r"'(?:always|unstated)'",  # a field value: "'always' reflects that 999 is the emergency line"
        r"\b(?:contact|procedure|indicator|level)[ .]\d{3}\b",  # "Times are on contact 001."
        r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\.\d+\b",  # a full id: stoke_on_trent.contact.001
    )
) + (
    # A slug or field value (bedford_borough, out_of_hours), as in "(from bedford_borough's document)";
    # case-sensitive, and not inside a web or email address.
    re.compile(r"(?<![\w./@:-])[a-z]+(?:_[a-z]+)+(?![\w/@-])"),
)

# A document's date as shown: one date ("Revised July 2015", "Updated February 2020", "Undated"),
# as threshold_kb/source_age.py reads it to say how old the document is.
_ONE_DATE = source_age.DATE


def maintainer_phrases(text: str | None) -> list[str]:
    """What in a practitioner-facing text reads as a maintainer's remark or an internal id."""
    return [match.group() for pattern in MAINTAINER_PHRASES for match in pattern.finditer(text or "")]


def completeness_problems(authority: m.Authority) -> list[str]:
    """What a practitioner would miss: a level with no named route, a gap in the levels."""
    problems = []
    if not _ONE_DATE.match(authority.document.date):
        problems.append(
            f"{authority.slug}: document date {authority.document.date!r} is not one date as practitioners read it "
            "(e.g. 'Revised July 2015', 'Undated'); put the version history in document.history"
        )
    numbers = sorted(level.number for level in authority.levels)
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"{authority.slug}: levels should be numbered 1..{len(numbers)}, found {numbers}")
    for level in authority.levels:
        if not any(level.number in c.levels for c in authority.contacts):
            problems.append(f"{authority.slug}: {level.label} has no named route (no contact lists it)")
    if not any(level.statutory for level in authority.levels):
        problems.append(f"{authority.slug}: no level is marked statutory")
    if not any(c.role == "front_door" for c in authority.contacts):
        problems.append(f"{authority.slug}: no front_door contact")
    for contact in authority.contacts:
        for phone in contact.phones:
            if not _PHONE.match(phone):
                problems.append(f"{contact.id}: phone {phone!r} is not 999 or a full number with its area code")
        for email in contact.emails:
            if not _EMAIL.match(email):
                problems.append(f"{contact.id}: email {email!r} is not an address")
        for web in contact.web:
            if not _WEB.match(web):
                problems.append(f"{contact.id}: web {web!r} is not an address")
        found = maintainer_phrases(contact.note)
        if found:
            problems.append(
                f"{contact.id}: note is shown to practitioners but reads as a maintainer's remark or names an "
                f"internal id ({'; '.join(found)}): move that to maintainer_note"
            )
    return problems


def provenance_problems(authority: m.Authority, seeds: Path) -> list[str]:
    """Every quoted value must appear in the cited source, whitespace and markup aside."""
    source = seeds / authority.document.source_file
    if not source.is_file():
        return [f"{authority.slug}: source document {source} not found"]
    haystack = normalise(source.read_text(encoding="utf-8"))
    return [
        f"{item_id}.{field}: not found verbatim in {authority.document.source_file}: {value[:100]!r}"
        for item_id, field, value in quoted_values(authority)
        if normalise(value) not in haystack
    ]


def triage_problems(authority: m.Authority, seeds: Path | None) -> list[str]:
    """The authority's triage rules (threshold_kb/triage/rules/<slug>.yml) load, place every worry,
    reach every level, and quote the document verbatim."""
    from threshold_kb.triage.rules import RulesError, load_rules  # the rules are built on this model

    try:
        rules = load_rules(authority)
    except (OSError, RulesError, KeyError, ValueError) as exc:
        return [f"{authority.slug}: triage rules: {exc}"]
    problems = [
        f"{authority.slug}: triage rules never place a worry at Level {lv.number}"
        for lv in authority.levels
        if lv.number not in {r.level for r in rules.rules}
    ]
    source = seeds / authority.document.source_file if seeds else None
    if source is not None and source.is_file():
        haystack = normalise(source.read_text(encoding="utf-8"))
        quotes = [(r.id, r.quote) for r in rules.rules]
        quotes += [(f"red flag {f.kind}", f.quote) for f in rules.red_flags.values()]
        problems += [
            f"{authority.slug}: triage {item}: not found verbatim in {authority.document.source_file}: {quote[:80]!r}"
            for item, quote in quotes
            if normalise(quote) not in haystack
        ]
    return problems


def quoted_values(a: m.Authority) -> Iterable[tuple[str, str, str]]:
    """(item id, field, value) for every value that must be the document's own words."""
    yield "document", "title", a.document.title
    for level in a.levels:
        yield level.id, "definition", level.definition
        yield from ((level.id, "services", s) for s in level.services)
        if level.response:
            yield level.id, "response", level.response
    for i in a.indicators:
        yield i.id, "text", i.text
    for c in a.contacts:
        yield c.id, "name", c.name
        for field in ("phones", "emails", "web", "asks_for"):
            yield from ((c.id, field, v) for v in getattr(c, field))
        if c.hours:
            yield c.id, "hours", c.hours
    for p in a.procedures:
        yield p.id, "quote", p.quote
        if p.review:
            yield p.id, "review", p.review
    for r in a.consent:
        yield r.id, "quote", r.quote
        if r.age_rule:
            yield r.id, "age_rule", r.age_rule
        yield from ((r.id, "exemptions", e) for e in r.exemptions)
    for s in a.escalation:
        yield s.id, "quote", s.quote
    for route in a.special_routes:
        yield route.id, "name", route.name
        yield route.id, "quote", route.quote
    for example in a.case_examples:
        yield example.id, "quote", example.quote
    if a.signs_of_safety:
        yield from (("signs_of_safety", "questions", q) for q in a.signs_of_safety.questions)
        if a.signs_of_safety.scale:
            yield "signs_of_safety", "scale", a.signs_of_safety.scale
