"""From an assessment to a named next step, and the JSON payload channels draw as a card.

Every contact detail comes from the knowledge base; every fact carries its citation. When the
worry cannot be classified the recommendation does not guess a level: it names the designated
safeguarding lead and the authority's front door, which is safe whatever the level.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from threshold_kb import disclosure, national_routes, queries
from threshold_kb import model as m
from threshold_kb.matching.engine import Assessment, IndicatorMatch
from threshold_kb.source_age import age_warning

PAYLOAD_SCHEMA_VERSION = 1
EMERGENCY_NUMBER = "999"  # the national emergency number, the same in every authority

# What a practitioner should write down whatever the level (our guidance, not a document's).
WHAT_TO_RECORD = (
    "What you saw or heard, with the date and time, and the child's own words where they spoke.",
    "Who you spoke to (name, role, service), what they advised and what was decided.",
    "Your reasons for the decision, including any decision not to share or not to refer.",
    "Whether consent was sought, given or refused, or why you shared without it.",
)

_STATUTORY_ROLES = ("front_door", "out_of_hours", "education_safeguarding", "advice")
_EARLY_HELP_ROLES = ("early_help", "education_safeguarding", "advice", "front_door")


@dataclass(frozen=True)
class NextStep:
    name: str
    role: str
    phones: tuple[str, ...]
    emails: tuple[str, ...]
    web: tuple[str, ...]
    status: str  # open | closed | unknown at the moment of the recommendation | internal
    hours: str | None
    asks_for: tuple[str, ...]
    note: str | None
    cite: m.Citation | None


DSL_STEP = NextStep(
    name="Your designated safeguarding lead (or your line manager)",
    role="designated_safeguarding_lead",
    phones=(),
    emails=(),
    web=(),
    status="internal",
    hours=None,
    asks_for=(),
    note="Talk to them today and agree who will make any referral; they will want the child's details.",
    cite=None,
)


@dataclass(frozen=True)
class Recommendation:
    assessment: Assessment
    moment: datetime
    period: str
    next_steps: tuple[NextStep, ...]
    written_followup: m.Procedure | None
    consent: tuple[m.ConsentRule, ...]
    why: str

    @property
    def authority(self) -> m.Authority:
        return self.assessment.authority

    @property
    def classified(self) -> bool:
        return self.assessment.level is not None

    @property
    def missing_numbers(self) -> bool:
        """No named step published with a telephone number: say so, and what is given instead."""
        return not any(step.phones for step in self.next_steps)

    @property
    def national_routes(self) -> tuple[national_routes.NationalRoute, ...]:
        """The national lines (999, police 101, the NSPCC Helpline), given only when none of the
        authority's next steps has a phone number: an authority that publishes one leads with it."""
        return national_routes.routes() if self.missing_numbers else ()


def _step(contact: m.Contact, status: str) -> NextStep:
    return NextStep(
        name=contact.name,
        role=contact.role,
        phones=contact.phones,
        emails=contact.emails,
        web=contact.web,
        status=status,
        hours=contact.hours,
        asks_for=contact.asks_for,
        note=contact.note,
        cite=contact.cite,
    )


def _contacts_for(authority: m.Authority, level: m.Level | None, statutory: bool, now: datetime):
    """Named contacts for the level, in the order a practitioner should try them."""
    roles = _STATUTORY_ROLES if statutory else _EARLY_HELP_ROLES
    answer = None
    if level is not None:
        answer = queries.contacts_of(authority, now, level=level.number, roles=roles)
    if answer is None or not answer.reachable:  # never leave a worry without a named route
        answer = queries.contacts_of(authority, now, roles=queries.FRONT_DOOR_ROLES)
    chosen = [c for c in answer.contacts if c.status != queries.CLOSED]
    chosen.sort(key=lambda c: (roles.index(c.contact.role) if c.contact.role in roles else len(roles)))
    return answer.period, [_step(c.contact, c.status) for c in chosen[:3]]


def _why(a: Assessment) -> str:
    if not a.in_scope:
        return (
            "I could not find a worry about a child in this message. If you are worried about a child, "
            "describe what you have seen or heard; if in doubt, talk to your designated safeguarding lead."
        )
    if a.level is None:
        return (
            f"I could not match this worry to an indicator in {a.authority.name}'s threshold document. "
            "That does not mean it is low level: talk it through with your designated safeguarding lead, "
            "and contact the front door below if you think the child may be at risk of harm."
        )
    if a.triage is not None:
        return _triage_why(a)
    at_level = [mt for mt in a.matches if (mt.level or mt.indicator.level) == a.level.number]
    top = at_level[0] if at_level else (a.matches[0] if a.matches else None)
    if a.precautionary and a.alternative:
        reason = _precaution(a, top)
    elif top is None:
        reason = f"I place this at {a.level.label}."
    elif top.borrowed_from:
        owner = _owner(top)
        reason = (
            f'Your description matches "{top.indicator.text}" ({owner}\'s document, {top.indicator.cite}, '
            f"Level {top.indicator.level} there), which corresponds to {a.level.label} in {a.authority.name}."
        )
    else:
        reason = f'Your description matches "{top.indicator.text}", which the document places at {a.level.label}.'
    if a.alternative and not a.precautionary:
        reason += f" It is close to {a.alternative.label}; use your professional judgement."
    for rule in a.rules:
        if rule.kind == "combination":
            reason += f' Several needs at Level {a.level.number - 1} together: "{rule.detail}" ({rule.cite}).'
        elif rule.kind == "strengths":
            reason += " What is working well brought the suggestion down one level (never across the statutory level)."
        elif rule.kind == "danger":
            reason += " The child may be in danger now, so the suggestion is at least the statutory level."
    if a.borrowed:
        reason += (
            f" {a.authority.name}'s own indicator examples are in a separate document, so these indicators "
            "come from the other authorities' documents, cited as theirs."
        )
    return reason


def _triage_why(a: Assessment) -> str:
    """The level in the document's own words, from the qualifiers the triage used."""
    t, name = a.triage, a.authority.name
    if t.danger:
        reason = f"The child may be in danger now, so this is at least {a.level.label} in {name}'s document."
        if t.rule:
            reason += f' "{t.rule.quote}" ({t.rule.cite}).'
        return reason
    if t.red_flag is not None:
        said = f' (you said "{t.red_flag_words.phrase}")' if t.red_flag_words else ""
        return (
            f"This always goes to children's social care in {name}'s document{said}: "
            f'"{t.red_flag.quote}" ({t.red_flag.cite}).'
        )
    reason = f'{name}\'s document places this at {a.level.label}: "{t.rule.quote}" ({t.rule.cite}).'
    if not t.decided:
        span = f"Level {t.low} to Level {t.high}"
        if t.range_kept_high:
            reason += (
                f" What you know so far fits {span}; your description matches the document's own words at "
                f"Level {t.high}, so I keep the higher level."
            )
        elif t.questions:
            reason += f" Not decided yet: it could be {span}, depending on the answers to the questions."
        else:
            reason += f" What you know so far fits {span}."
        reason += " Your designated safeguarding lead decides."
    return reason


def _owner(match: IndicatorMatch) -> str:
    """The authority whose document a borrowed indicator comes from, by its name (never its slug)."""
    return match.borrowed_from_name or (match.borrowed_from or "").replace("_", " ").title()


def _quote(match: IndicatorMatch) -> str:
    owner = f"{_owner(match)}'s document, " if match.borrowed_from else ""
    return f'"{match.indicator.text}" ({owner}{match.indicator.cite})'


def _precaution(a: Assessment, top: IndicatorMatch | None) -> str:
    """A level raised only by the engine's margin: say the words fit a range, and why the higher
    end is suggested. The lower end is not offered as an answer: words alone cannot justify it."""
    low = a.alternative
    fitting = next((mt for mt in a.matches if (mt.level or mt.indicator.level) == low.number), None)
    reason = f"Your words resemble indicators at {low.label}"
    reason += f", such as {_quote(fitting)}," if fitting else ","
    reason += f" and at {a.level.label}"
    reason += f", such as {_quote(top)}." if top and top is not fitting else "."
    return reason + (
        f" A description alone cannot tell these apart, so I suggest the higher level, {a.level.label}, as a "
        "precaution. Do not lower it on your own: talk it through with your designated safeguarding lead, who "
        "can weigh what the words do not say: how often, for how long, the impact on the child, and how the "
        "parents respond."
    )


def is_dsl(name: str) -> bool:
    """The practitioner's own designated safeguarding lead, in the document's words (not, say,
    the council's Education Safeguarding Lead, who is a contact like any other)."""
    lowered = name.lower()
    return "designated safeguarding lead" in lowered or lowered.startswith("safeguarding lead")


def recommend(assessment: Assessment, now: datetime) -> Recommendation:
    """Everything comes from the assessed authority already in hand: no further reads."""
    authority, level = assessment.authority, assessment.level
    statutory = level is None or level.statutory  # unclassified is treated as possibly statutory
    period, steps = _contacts_for(authority, level, statutory, now)
    followups = [
        p for p in queries.procedures_of(authority, level.number if level else None) if p.written_followup_hours
    ]
    scopes = ("referral", "information_sharing") if statutory else ("early_help", "referral")
    consent = tuple(r for scope in scopes for r in queries.consent_of(authority, scope))[:2]
    # The designated safeguarding lead comes first: the document's own wording where it names one.
    dsl = [s for s in steps if is_dsl(s.name)]
    steps = dsl[:1] + [s for s in steps if s not in dsl] if dsl else [DSL_STEP, *steps]
    return Recommendation(
        assessment=assessment,
        moment=now,
        period=period,
        next_steps=tuple(steps),
        written_followup=followups[0] if statutory and followups else None,
        consent=consent,
        why=_why(assessment),
    )


# -- payload -----------------------------------------------------------------------------------
def _cite(c: m.Citation | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "authority": c.authority,
        "document": c.document,
        "section": c.section,
        "table": c.table,
        "level": c.level,
        "text": str(c),
    }


def _level(level: m.Level | None) -> dict[str, Any] | None:
    if level is None:
        return None
    return {
        "number": level.number,
        "name": level.name,
        "label": level.label,
        "definition": level.definition,
        "statutory": level.statutory,
        "cite": _cite(level.cite),
    }


def _step_payload(step: NextStep) -> dict[str, Any]:
    """Every NextStep field, so the payload cannot fall behind the dataclass."""
    data: dict[str, Any] = {}
    for f in fields(step):
        value = getattr(step, f.name)
        data[f.name] = _cite(value) if f.name == "cite" else list(value) if isinstance(value, tuple) else value
    return data


def to_payload(rec: Recommendation) -> dict[str, Any]:
    """The recommendation as JSON (schema: docs/recommendation.schema.json)."""
    a = rec.assessment
    return {
        "type": "threshold_recommendation",
        "schema_version": PAYLOAD_SCHEMA_VERSION,
        "authority": {"slug": a.authority.slug, "name": a.authority.name},
        "document": {  # never the maintainers' history: the date is the one date a practitioner reads
            "title": a.authority.document.title,
            "date": a.authority.document.date,
            "source_file": a.authority.document.source_file,
            # Too old (or undated) to rely on without checking the current guidance, at rec.moment.
            "age_warning": age_warning(a.authority, rec.moment),
        },
        "moment": rec.moment.isoformat(),
        "period": rec.period,
        "immediate_danger": a.immediate_danger,
        "danger": [{"label": d.label, "phrase": d.phrase} for d in a.danger],
        "emergency_number": EMERGENCY_NUMBER,
        "classified": rec.classified,
        "level": _level(a.level),
        "alternative_level": _level(a.alternative),
        "precautionary": a.precautionary,
        "confidence": a.confidence,
        "indicators": [
            {
                "id": mt.indicator.id,
                "text": mt.indicator.text,
                "level": mt.indicator.level,
                "score": mt.score,
                "borrowed_from": mt.borrowed_from,
                "borrowed_from_name": _owner(mt) if mt.borrowed_from else None,
                "cite": _cite(mt.indicator.cite),
            }
            for mt in a.matches[:5]
        ],
        "borrowed_evidence": a.borrowed,
        "in_scope": a.in_scope,
        "matcher": "meaning and words" if a.semantic else "words only",
        "rules": [{"kind": r.kind, "detail": r.detail, "cite": _cite(r.cite)} for r in a.rules],
        # A child has told, or an allegation: what to do and not to do, read first (after 999).
        "guidance": _guidance_payload(rec),
        "why": rec.why,
        "next_steps": [_step_payload(s) for s in rec.next_steps],
        "missing_numbers": rec.missing_numbers,
        # National, never the authority's: each number is in a stored public source (national/).
        "national_routes": [route.as_payload(rec.moment) for route in rec.national_routes],
        "written_followup": None
        if rec.written_followup is None
        else {
            "hours": rec.written_followup.written_followup_hours,
            "quote": rec.written_followup.quote,
            "cite": _cite(rec.written_followup.cite),
        },
        "consent": [
            {"applies_to": r.applies_to, "quote": r.quote, "exemptions": list(r.exemptions), "cite": _cite(r.cite)}
            for r in rec.consent
        ],
        "record": list(WHAT_TO_RECORD),
        "questions": _questions_payload(a),
        "triage": _triage_payload(a),
        "short": short_answer(rec),
    }


def _guidance_payload(rec: Recommendation) -> dict[str, Any] | None:
    found = disclosure.for_assessment(rec.assessment, rec.written_followup)
    return None if found is None else disclosure.payload(found[0], rec.authority, found[1], _cite)


# -- the short part: what a card shows first -----------------------------------------------------
SHORT_WORDS = 60  # at most this many words, so the answer fits one phone screen
SHORT_CALLS = 2  # numbers to ring now, at most


def _call(name: str, phone: str, status: str, national: bool = False) -> dict[str, Any]:
    return {"name": name, "phone": phone, "status": status, "national": national}


def _calls(rec: Recommendation) -> list[dict[str, Any]]:
    """Who to ring now, from the next steps (already those open at rec.moment, in order), one
    number each; where none publishes one, the national lines other than 999 (said on its own)."""
    calls = [_call(s.name, s.phones[0], s.status) for s in rec.next_steps if s.phones and s.status != queries.CLOSED]
    if not calls:
        level = rec.assessment.level
        urgent = rec.assessment.immediate_danger or level is None or level.statutory
        calls = [
            _call(r.name, r.phones[0], r.phone_status(rec.moment), national=True)
            for r in rec.national_routes
            if r.phones and r.phones[0] != EMERGENCY_NUMBER and r.phone_status(rec.moment) != national_routes.CLOSED
            and (urgent or r.id != "police_non_emergency")  # the police, for a worry below the statutory level
        ]
    unique = {c["phone"]: c for c in reversed(calls)}  # one number once, under the first name given it
    return [c for c in calls if unique[c["phone"]] is c][:SHORT_CALLS]


def _do_now(rec: Recommendation) -> str:
    """What to do now, in one sentence: the designated safeguarding lead, and the route for the level."""
    a = rec.assessment
    door = next((s.name for s in rec.next_steps if not is_dsl(s.name) and s.status != "internal"), None)
    if a.immediate_danger:
        return "When the child is safe, tell your designated safeguarding lead and refer today."
    if a.level is None:
        where = f" {door}" if door else " the front door"
        return ("Talk it through with your designated safeguarding lead today; if the child may be at risk of harm, "
                f"contact{where}.")
    if a.level.statutory:
        where = f" {door}" if door else " children's social care"
        return f"Talk to your designated safeguarding lead now and agree who refers to{where} today."
    return f"Talk to your designated safeguarding lead today about support at {a.level.label}."


def short_answer(rec: Recommendation) -> dict[str, Any]:
    """The answer first, in at most SHORT_WORDS words: 999 if danger, the level in the authority's
    own words, what to do now (and by when, where the document gives a time), and who to ring now.
    Everything in it is a field of the full payload; the rest of the card is details on demand."""
    a = rec.assessment
    name = a.authority.name
    danger = f"Call {EMERGENCY_NUMBER} now (police or ambulance)." if a.immediate_danger else None
    if a.level is None:
        level = f"{name}: no level suggested."
    elif a.precautionary and a.alternative:
        level = f"{name}: {a.level.label}, as a precaution."
    else:
        level = f"{name}: {a.level.label}."
    calls = _calls(rec)
    do_now = _do_now(rec)
    fu = rec.written_followup
    by_when = f"Follow up in writing within {fu.written_followup_hours} hours." if fu else None
    ring = "; ".join(f"{c['name']}, {c['phone']}" for c in calls)
    parts = [danger, level, do_now, by_when, f"Ring now: {ring}." if ring else None]
    text = " ".join(p for p in parts if p)
    while len(text.split()) > SHORT_WORDS and len(calls) > 1:  # a long name: one number is enough
        calls = calls[:-1]
        ring = "; ".join(f"{c['name']}, {c['phone']}" for c in calls)
        parts[-1] = f"Ring now: {ring}."
        text = " ".join(p for p in parts if p)
    return {"danger": danger, "level": level, "do_now": do_now, "by_when": by_when, "calls": calls, "text": text}


def _questions_payload(a: Assessment) -> list[dict[str, Any]]:
    """The questions still worth asking, in the order the assistant asks them (empty when decided)."""
    t = a.triage
    if t is None:
        return []
    return [
        {"qualifier": q.qualifier, "text": q.text, "answers": [{"value": v, "title": title} for v, title in q.answers]}
        for q in t.questions
    ]


def _triage_payload(a: Assessment) -> dict[str, Any] | None:
    """How the level was decided: the range still open, the qualifiers read or answered, the
    document's words for the level and what would change it."""
    t = a.triage
    if t is None:
        return None
    authority = a.authority
    return {
        "decided": t.decided,
        "range": {"low": authority.level(t.low).label, "high": authority.level(t.high).label,
                  "low_number": t.low, "high_number": t.high},
        "kept_high": t.range_kept_high,
        "red_flag": None if t.red_flag is None else {
            "kind": t.red_flag.kind,
            "words": t.red_flag_words.phrase if t.red_flag_words else None,
            "quote": t.red_flag.quote,
            "cite": _cite(t.red_flag.cite),
        },
        "facts": dict(t.facts),
        "read_from_worry": dict(t.read),
        "answered": list(t.asked),
        "rule": None if t.rule is None else {"quote": t.rule.quote, "cite": _cite(t.rule.cite), "level": t.rule.level},
        "changes": [
            {
                "qualifier": c.qualifier,
                "value": c.value,
                "if": c.phrase,
                "level": authority.level(c.level).label,
                "level_number": c.level,
                "quote": c.rule.quote,
                "cite": _cite(c.rule.cite),
            }
            for c in t.changes
        ],
    }
