"""Answers to the questions practitioners ask at any time: consent, escalation, contacts, levels,
the Children Act sections, one indicator across authorities, special routes, and why there is no
anonymous "What If" answer. Each quotes its source; none invents a contact. Each answer from an
authority's document ends by naming the document's date, and says when it is too old to rely on
without checking the current guidance (threshold_kb/source_age.py, at the answer's `now`).

The question's own words pick the topic within it (out-of-hours or not, which level, which
section); the knowledge base gives everything said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml

from threshold_kb import model as m
from threshold_kb import queries
from threshold_kb.recommend import EMERGENCY_NUMBER, is_dsl
from threshold_kb.replies import DSL_ROUTE, contact_line, national_line, no_number_line
from threshold_kb.source_age import age_warning, several_warning, source_lines
from threshold_kb.store.repository import Repository

MAX_QUOTES = 3


def _has(text: str, *words: str) -> bool:
    lowered = f" {text.lower()} "
    return any(re.search(rf"\b{re.escape(w)}", lowered) for w in words)


def _quote(text: str, cite: m.Citation) -> str:
    return f'- "{text}" ({cite})'


def _contacts_by_id(authority: m.Authority, ids: Iterable[str | None]) -> list[m.Contact]:
    wanted = [i for i in ids if i]
    return [c for c in authority.contacts if c.id in wanted]


# -- consent -------------------------------------------------------------------------------------
def consent(authority: m.Authority, now: datetime, question: str) -> str:
    if _has(question, "early help", "eha", "early-help"):
        scopes = ("early_help",)
    elif _has(question, "share", "sharing", "information", "tell the school", "pass on"):
        scopes = ("information_sharing",)
    elif _has(question, "assessment"):
        scopes = ("assessment", "early_help")
    else:
        scopes = ("referral", "information_sharing")
    rules = [r for scope in scopes for r in queries.consent_of(authority, scope)] or list(authority.consent)
    if not rules:
        said = f"{authority.name}'s document says nothing about consent that I hold. Ask {DSL_ROUTE}."
        return "\n".join([said, *source_lines(authority, now)])
    lines = [f"Consent in {authority.name}'s document:"]
    rule = golden_rule(authority)
    if rule is not None and (scopes == ("information_sharing",) or _asks_without_names(question)):
        # "Seek advice ... without disclosing the identity": the document's own answer to asking
        # a general question without names, first; the rest after it.
        lines.append(f"Its information-sharing rule on asking for advice: {_quote(rule.quote, rule.cite)[2:]}")
        rules = [r for r in rules if r.id != rule.id][: MAX_QUOTES - 1]
    if _asks_without_names(question):
        lines.append(NO_NAMES_NEEDED)
    lines += [_quote(r.quote, r.cite) for r in rules[:MAX_QUOTES]]
    exemptions = sorted({e for r in rules for e in r.exemptions})
    if exemptions:
        lines.append("Exceptions the document states: " + "; ".join(f'"{e}"' for e in exemptions[:3]) + ".")
    lines.append(
        "If seeking consent could put the child at greater risk, do not delay: speak to "
        f"{DSL_ROUTE}, and call {EMERGENCY_NUMBER} if the child is in danger now. Record what you decided and why."
    )
    return "\n".join([*lines, *source_lines(authority, now)])


NO_NAMES_NEEDED = (
    "A general question like this needs no names. If you then decide a particular child needs a referral or "
    "a consultation about them, that is made with the child's details, on record."
)
_WITHOUT_NAMES = re.compile(
    r"(?i)\b(without (naming|giving|saying|disclosing|revealing|identifying|telling (them|her|him) who)|"
    r"no[- ]names?|anonym\w*|identity|identif\w*|not nam(e|ing))"
)


def _asks_without_names(question: str) -> bool:
    return bool(_WITHOUT_NAMES.search(question))


def golden_rule(authority: m.Authority) -> m.ConsentRule | None:
    """The information-sharing rule to seek advice without disclosing identity where possible
    (the Seven Golden Rules, as Bedford Borough, Peterborough and Stoke-on-Trent repeat them), or
    None when the document does not carry it."""
    return next(
        (r for r in queries.consent_of(authority, "information_sharing") if "disclosing the identity" in r.quote), None
    )


# -- escalation / professional disagreement ---------------------------------------------------------
def escalation(authority: m.Authority, now: datetime) -> str:
    steps = sorted(authority.escalation, key=lambda s: s.step)
    if not steps:
        said = (
            f"{authority.name}'s document gives no escalation procedure that I hold. Raise it with {DSL_ROUTE}; "
            f"if a child may be at risk of significant harm, refer again to the front door and record the disagreement."
        )
        return "\n".join([said, *source_lines(authority, now)])
    lines = [f"Resolving a professional disagreement in {authority.name} (the document's steps, in order):"]
    shown: list[m.Contact] = []
    for step in steps[:5]:
        lines.append(f'{step.step}. "{step.quote}" ({step.cite})')
        named = _contacts_by_id(authority, [step.contact])
        shown += named
        lines += [f"   Contact: {contact_line(c)} ({c.cite})" for c in named]
    _say_missing(lines, authority, shown, now)
    lines.append("While you escalate, keep the child's safety first: if the risk grows, refer again and record why.")
    return "\n".join([*lines, *source_lines(authority, now)])


def _say_missing(lines: list[str], authority: m.Authority, shown, now: datetime | None, **kw) -> bool:
    """Adds the one line on what the routes shown do not publish (with the national lines when
    none of them can be rung); True when the national lines were given."""
    said = no_number_line(authority.name, shown, now, **kw)
    if said:
        lines.append(said)
    return bool(said) and "National lines" in said


# -- contacts --------------------------------------------------------------------------------------
_OUT_OF_HOURS_WORDS = ("out of hours", "out-of-hours", "ooh", "evening", "night", "weekend", "edt", "emergency duty")


def contacts(authority: m.Authority, now: datetime, question: str) -> str:
    if _has(question, "early help"):
        roles: tuple[str, ...] = ("early_help",)
        what = "early help"
    elif _has(question, *_OUT_OF_HOURS_WORDS):
        roles = ("out_of_hours", "front_door")
        what = "out of hours"
    else:
        roles = queries.FRONT_DOOR_ROLES + ("advice",)
        what = "the front door"
    answer = queries.contacts_of(authority, now, roles=roles)
    if not answer.contacts:
        answer = queries.contacts_of(authority, now, roles=queries.FRONT_DOOR_ROLES)
    lines = [f"{authority.name}, {what} (checked for {now.strftime('%a %d %b %H:%M')}, Europe/London):"]
    lines += _contact_lines(answer.contacts)
    if not _say_missing(lines, authority, [item.contact for item in answer.contacts], now):
        lines.append(f"If a child is in danger right now, call {EMERGENCY_NUMBER}.")
    return "\n".join([*lines, *source_lines(authority, now)])


_STATUS = {queries.OPEN: "open now", queries.CLOSED: "closed now", queries.UNKNOWN: "hours not published"}


def _contact_lines(items) -> list[str]:
    return [f"- {contact_line(item.contact)} [{_STATUS[item.status]}] ({item.contact.cite})" for item in items]


def talk_to_person(authority: m.Authority, now: datetime) -> str:
    """"Can I speak to a real person?": the people to talk it through with, the authority's routes
    for the time of day (those open now first), then the national lines, marked as national."""
    answer = queries.contacts_of(authority, now, roles=queries.FRONT_DOOR_ROLES + ("advice", "out_of_hours"))
    # People and services, not web pages; those open now first.
    people = [i for i in answer.contacts if i.contact.phones or i.contact.emails or not i.contact.web]
    people.sort(key=lambda item: item.status != queries.OPEN)
    own = _contact_lines(people)
    _say_missing(own, authority, [item.contact for item in people], now, national=False)
    lines = [
        "I'm an assistant, not a person. To talk it through with someone:",
        "- your designated safeguarding lead (or your organisation's safeguarding lead), today;",
        f"- {authority.name} (checked for {now.strftime('%a %d %b %H:%M')}, Europe/London), open now first:",
        *("  " + line for line in own),
        national_line(authority.name, now),
        *source_lines(authority, now),
    ]
    return "\n".join(lines)


# -- levels ----------------------------------------------------------------------------------------
def levels(authority: m.Authority, now: datetime, question: str) -> str:
    ordered = sorted(authority.levels, key=lambda lv: lv.number)
    asked = re.search(r"\blevel\s*(\d)\b", question.lower())
    chosen = [lv for lv in ordered if asked and lv.number == int(asked.group(1))]
    if not chosen and _has(question, "statutory", "social care", "threshold for", "significant harm"):
        chosen = [lv for lv in ordered if lv.statutory]
    if chosen:
        level = chosen[0]
        lines = [f"{authority.name}, {level.label}:", _quote(level.definition, level.cite)]
        if level.services:
            lines.append("Services named: " + "; ".join(level.services[:6]) + ".")
        if level.response:
            lines.append(f"Response: {level.response}")
        return "\n".join([*lines, *source_lines(authority, now)])
    # The heading names the document: its date goes there, and only the age warning at the end.
    lines = [f"{authority.name}'s levels of need ({authority.document.title}, {authority.document.date}):"]
    for level in ordered:
        first = level.definition.split(". ")[0].rstrip(".")
        lines.append(f'- {level.label}{" (statutory)" if level.statutory else ""}: "{first}." ({level.cite})')
    lines.append('Ask about one level ("what is level 3?") for its full definition and services.')
    warning = age_warning(authority, now)
    return "\n".join([*lines, *([warning] if warning else [])])


# -- Children Act sections ------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _legal() -> dict:
    return yaml.safe_load(Path(__file__).with_name("data").joinpath("legal_sections.yml").read_text("utf-8"))


def legal_section(authority: m.Authority | None, now: datetime, question: str) -> str:
    data = _legal()
    lowered = question.lower()
    wanted = [
        number
        for number, entry in data["sections"].items()
        if re.search(rf"\b(s|section|sec)\.?\s*{number}\b", lowered) or any(a in lowered for a in entry["aliases"])
    ] or list(data["sections"])
    lines, quoted = [], False
    for number in wanted:
        entry = data["sections"][number]
        lines.append(f"{entry['title']} ({data['source']}, section {number}): {' '.join(entry['meaning'].split())}")
        if authority is not None:
            uses = [_quote(text, cite) for text, cite in _uses(authority, number)[:1]]
            lines += uses
            quoted = quoted or bool(uses)
    if quoted:  # the Act's meaning is not from the document; a quotation from it is
        lines += source_lines(authority, now)
    return "\n".join(lines)


def _uses(authority: m.Authority, number: str) -> list[tuple[str, m.Citation]]:
    """Where the authority's own document uses the section."""
    pattern = re.compile(rf"\b(s|section)\s*{number}\b", re.IGNORECASE)
    found = [(p.quote, p.cite) for p in authority.procedures if pattern.search(p.quote)]
    found += [(lv.definition, lv.cite) for lv in authority.levels if pattern.search(lv.definition)]
    found += [(i.text, i.cite) for i in authority.indicators if f"s{number}" in i.markers]
    return found


# -- one indicator across authorities ------------------------------------------------------------
_COMPARE_FRAME = re.compile(
    r"(?i)\b(how|what|do|does|is|are|the|authorities|authority|councils?|areas?|all five|five|each|other|"
    r"compare[sd]?|comparison|differ(s|ence|ent)?|treat(ed)?|place[sd]?|rate[sd]?|same|across|between|on|about|"
    r"for|with|in|level)\b"
)


def compare(repo: Repository, now: datetime, question: str) -> str:
    topic = " ".join(_COMPARE_FRAME.sub(" ", question).split()).strip(" ?.")
    rows = queries.compare_indicator(repo, topic or question, minimum_overlap=0.4)
    lines = [f'How the five documents place "{topic or question}":']
    for row in rows:
        named = f"{row.authority_name} ({repo.get(row.authority).document.date})"  # each document's date, once
        if row.indicator is None:
            lines.append(f"- {named}: no indicator close enough in its document.")
        else:
            lines.append(f'- {named}: {row.level.label}, "{row.indicator.text}" ({row.indicator.cite})')
    lines.append("Levels are each authority's own scheme: the same number can mean different things.")
    warning = several_warning((repo.get(row.authority) for row in rows), now)
    return "\n".join([*lines, *([warning] if warning else [])])


# -- special routes ---------------------------------------------------------------------------------
_ROUTE_WORDS = {
    "lado": ("lado", "allegation", "designated officer", "against a member of staff", "against staff", "colleague"),
    "cerar": ("cerar", "exploitation", "county lines", "cse", "cce", "missing from home"),
    "prevent": ("prevent", "radicalis", "extremis", "terroris"),
    "private_fostering": ("private fostering", "privately fostered"),
}


def special_route(authority: m.Authority, now: datetime, question: str) -> str:
    kind = next((k for k, words in _ROUTE_WORDS.items() if _has(question, *words)), None)
    routes = [r for r in authority.special_routes if kind is None or r.kind == kind]
    role_contacts = [c for c in authority.contacts if kind and c.role == kind]
    if not routes and not role_contacts:
        label = kind.replace("_", " ").upper() if kind in ("lado", "cerar") else (kind or "special").replace("_", " ")
        door = queries.contacts_of(authority, now, roles=queries.FRONT_DOOR_ROLES)
        lines = [f"{authority.name}'s document gives no {label} route that I hold. What it does give, its front door:"]
        lines += [f"- {contact_line(c.contact)} ({c.contact.cite})" for c in door.contacts]
        _say_missing(lines, authority, [c.contact for c in door.contacts], now)
        lines.append(f"Talk to {DSL_ROUTE} as well.")
        return "\n".join([*lines, *source_lines(authority, now)])
    lines = []
    given: list[m.Contact] = []
    for route in routes[:MAX_QUOTES]:
        lines.append(f'{route.name}: "{route.quote}" ({route.cite})')
        named = _contacts_by_id(authority, route.contacts)
        given += named
        lines += [f"   Contact: {contact_line(c, note=True)} ({c.cite})" for c in named]
    shown = {cid for r in routes for cid in r.contacts}
    others = [c for c in role_contacts if c.id not in shown]
    lines += [f"Contact: {contact_line(c)} ({c.cite})" for c in others]
    _say_missing(lines, authority, given + others, now)
    return "\n".join([*lines, *source_lines(authority, now)])


# -- anonymous / "What If" requests -----------------------------------------------------------------
WHAT_IF_WHY = (
    "I cannot give an anonymous or hypothetical answer about a child: I point you to a named, recorded route. "
    'Nameless "What If" consultations let concerns about the same child from different people go '
    "unconnected, and serious case reviews have found that a factor in children suffering serious harm."
)
WHAT_IF_NAMED = (
    "Give the child's details when you ask, so that the advice is recorded and can be joined up with other concerns."
)
_WHAT_IF_ROLES = {
    # the authority's own routes for the time of day, first the one that answers now
    "out_of_hours": ("out_of_hours", "front_door", "advice"),
    "in_hours": ("advice", "front_door", "out_of_hours"),
    "unknown": ("advice", "front_door", "out_of_hours"),
}
MAX_WHAT_IF_ROUTES = 3
DSL_LATER = "your designated safeguarding lead (or your line manager) as soon as you can"


def what_if(authority: m.Authority | None, now: datetime) -> str:
    """Why there is no anonymous answer, and the named route instead: the designated safeguarding
    lead, and the authority's own consultation, front door and out-of-hours routes for `now` (those
    open now first, none known to be closed), each with only the contacts its document publishes.
    Peterborough's document tells its own history of the withdrawn line; for it alone that is quoted."""
    lines = [WHAT_IF_WHY]
    if authority is None:
        lines += [
            WHAT_IF_NAMED,
            f"Talk it through with {DSL_ROUTE}. If a child is in danger right now, call {EMERGENCY_NUMBER}.",
            "Tell me your authority and I will name its consultation routes for this time of day.",
        ]
        return "\n".join(lines)
    own = [p for p in authority.procedures if re.search(r"what.?if", p.quote, re.IGNORECASE)]
    lines += [f"{authority.name}'s document: " + _quote(p.quote, p.cite)[2:] for p in own[:1]]
    lines.append(WHAT_IF_NAMED)
    routes = what_if_routes(authority, now)
    period = queries.period_at(authority, now)
    if period == "out_of_hours":
        lines.append(f"{authority.name} is out of office hours now (Europe/London). Talk it through, named, with:")
    else:
        when = "in office hours now" if period == "in_hours" else "no office hours published"
        lines.append(f"Talk it through with {DSL_ROUTE}, or with {authority.name} ({when}, Europe/London):")
    for item in routes:
        advice = item.contact.role == "advice"  # a consultation line: what it is, and what it asks
        lines.append(f"- {contact_line(item.contact, item.status, note=advice)} ({item.contact.cite})")
        if advice and item.contact.asks_for:
            lines.append(f"   They will ask for: {'; '.join(item.contact.asks_for)}")
    if period == "out_of_hours":
        lines.append(f"Tell {DSL_LATER} as well.")
    if not _say_missing(lines, authority, [item.contact for item in routes], now):
        lines.append(f"If a child is in danger right now, call {EMERGENCY_NUMBER}.")
    return "\n".join([*lines, *source_lines(authority, now)])


def what_if_routes(authority: m.Authority, now: datetime) -> list[queries.ContactNow]:
    """The authority's named routes for a consultation at `now`: its advice (consultation), front
    door and out-of-hours contacts, open now first, then by the role that fits the time of day; none
    known to be closed, no designated safeguarding lead (said on its own line) and no mere web page
    of advice."""
    order = _WHAT_IF_ROLES[queries.period_at(authority, now)]
    answer = queries.contacts_of(authority, now, roles=order)
    chosen = [
        item
        for item in answer.contacts
        if item.status != queries.CLOSED
        and not is_dsl(item.contact.name)
        and not (item.contact.role == "advice" and not item.contact.phones and not item.contact.emails)
    ]
    chosen.sort(key=lambda item: (item.status != queries.OPEN, order.index(item.contact.role)))
    return chosen[:MAX_WHAT_IF_ROUTES]


# -- a question the classifier was unsure of ---------------------------------------------------------
# "LADO email for Stoke?", "mash no for northants?": a named service or role and a word asking for
# its contact. The fallback answers these as the question they are, whatever the classifier said.
_CONTACT_ASK = re.compile(
    r"(?i)\b(numbers?|tel|telephone|phone|ring|call|e-?mail|address|contact|details|line|get hold of|reach)\b"
    r"|(?<!said )(?<!says )(?<!say )\b(nos?\.|no\b\s*(\?|$|for\b|of\b|pls\b|please\b|plz\b))"
)
_SERVICE = re.compile(
    r"(?i)\b(mash|front door|(safeguarding )?hub|social care|csc|children'?s services|duty (team|social worker|sw)|edt|"
    r"emergency duty|out[- ]of[- ]hours|out of hours|ooh|early help|referrals?|advice line|consultation line)\b"
)
# A disagreement, a decision or a worry is not a request for a number, even with a service in it.
_NOT_A_CONTACT_ASK = re.compile(
    r"(?i)\b(disagree\w*|reject\w*|closed?|not met|escalat\w*|challeng\w*|decision|decided|consent|level|"
    r"threshold|refused?|worried|concern(ed)?)\b"
)
MAX_CONTACT_ASK_WORDS = 16


def question_kind(text: str) -> str | None:
    """"contacts" or "special_route" when a short message names a service or role and asks for its
    contact ("LADO email for Stoke?", "Peterborough MASH tel pls", "early help no. for Bedford"); None
    for anything else. Read by the fallback, so that such a question is answered even when the
    classifier was unsure of it."""
    if len(text.split()) > MAX_CONTACT_ASK_WORDS or _NOT_A_CONTACT_ASK.search(text) or not _CONTACT_ASK.search(text):
        return None
    if any(_has(text, *words) for words in _ROUTE_WORDS.values()):
        return "special_route"
    return "contacts" if _SERVICE.search(text) else None
