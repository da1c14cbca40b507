"""What the assistant says, as plain text: the recommendation, the danger-first line and the safe
answer used whenever something is unsure or unavailable. Channels that can draw a card use the
JSON payload instead; the text carries the same facts for channels that cannot.

Pure functions of the knowledge base and an explicit `now`: every contact here comes from it.
Every answer from an authority's document names the document's date, and says when the document
is too old to rely on without checking the current guidance (threshold_kb/source_age.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from threshold_kb import disclosure, national_routes, queries
from threshold_kb import model as m
from threshold_kb.matching.danger import DangerSignal
from threshold_kb.recommend import EMERGENCY_NUMBER, WHAT_TO_RECORD, NextStep, Recommendation, is_dsl
from threshold_kb.source_age import source_lines

DANGER_FIRST = (
    f"If a child may be in danger right now, call {EMERGENCY_NUMBER} (police or ambulance) before anything else."
)
DSL_ROUTE = "your designated safeguarding lead (or your line manager) today"
GUIDANCE_UNAVAILABLE = "The full threshold guidance is unavailable for the moment, so I will not suggest a level."
UNKNOWN_AUTHORITY_DOOR = "your local authority's children's social care front door (MASH or equivalent)"


@dataclass(frozen=True)
class SignsOfSafetyAnswers:
    """The practitioner's answers; None means skipped or not asked."""

    worried: str | None = None
    working_well: str | None = None
    needs_to_happen: str | None = None
    scale: int | None = None

    def as_payload(self) -> dict:
        return {
            "worried": self.worried,
            "working_well": self.working_well,
            "needs_to_happen": self.needs_to_happen,
            "scale": self.scale,
        }


_WORKING_WELL = {"harm": ("no",), "impact": ("little",), "carers": ("engaging",), "support": ("helping",),
                 "pattern": ("first_time",)}


def signs_of_safety_map(a) -> SignsOfSafetyAnswers:
    """The Signs of Safety map, built from what the practitioner said and answered: the answers on
    the side of risk; the answers that protect; and what the document says happens at the level
    (its own words). The worry itself is not copied into it: it may name the child."""
    from threshold_kb.triage.qualifiers import qualifiers  # replies is imported by the triage's users

    t = a.triage
    if t is None:
        return SignsOfSafetyAnswers()
    worried, well = [], []
    for name, value in t.facts.items():
        q = qualifiers().get(name)
        if q is None or value not in q.concrete:
            continue
        phrase = q.value(value).change
        (well if value in _WORKING_WELL.get(name, ()) else worried).append(phrase)
    response = a.level.response if a.level is not None and a.level.response else None
    needs = f'"{" ".join(response.split())}" ({a.level.cite})' if response else None
    return SignsOfSafetyAnswers(
        worried="; ".join(worried) or None,
        working_well="; ".join(well) or None,
        needs_to_happen=needs,
    )


def danger_first(signals: Sequence[DangerSignal]) -> str:
    heard = "; ".join(f'"{s.phrase}"' for s in signals[:2])
    return (
        f"Call {EMERGENCY_NUMBER} (police or ambulance) now if the child is in danger: you said {heard}. "
        "Stay with the child if you safely can. When the child is safe, I will give you the next step."
    )


def contact_line(step: NextStep | m.Contact, status: str | None = None, note: bool = False) -> str:
    """A named contact with only the details its document publishes. What it does not publish is
    said once for all the routes of a reply (no_number_line), not on each route's line.

    Notes are written for practitioners (maintainers' remarks are in maintainer_note, never shown),
    but long: the card shows them; chat lines add them only on request."""
    if getattr(step, "status", None) == "internal":  # our own advice, not a published contact
        return f"{step.name}. {step.note}" if step.note else step.name
    parts = [step.name]
    details = [*step.phones, *step.emails, *step.web]
    if details:
        parts.append(": " + ", ".join(details))
    status = status or getattr(step, "status", None)
    if status == queries.OPEN:
        parts.append(" (open now)")
    elif status == queries.UNKNOWN:
        parts.append(" (hours not published)")
    if step.hours:
        parts.append(f"; hours: {' '.join(step.hours.split())}")
    if note and step.note:
        parts.append(f". {step.note}")
    return "".join(parts)


def _in_own_organisation(step: NextStep | m.Contact) -> bool:
    """The practitioner's own designated safeguarding lead: a person in their organisation, whose
    number no document could publish."""
    return getattr(step, "status", None) == "internal" or is_dsl(step.name)


def _a_page(step: NextStep | m.Contact) -> bool:
    """A web page the document points to (its procedures, a policy), not a service to call."""
    return bool(step.web) and not (step.phones or step.emails) and step.role in ("advice", "other")


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def national_said(route: national_routes.NationalRoute, now: datetime | None) -> str:
    """One national route as a chat line says it: what to use, whose it is and what for; a phone
    line closed now by its published hours gives its email first and its hours."""
    status = route.phone_status(now) if route.phones else national_routes.OPEN
    phones, emails = " or ".join(route.phones), " or ".join(route.emails)
    if status == national_routes.CLOSED and route.emails:
        said = f"{emails} ({route.name}) {route.use}"
        said += f", {route.email_hours}," if route.email_hours else ","
        return said + f" or by phone on {phones}, {route.hours} (closed now)"
    said = f"{' or '.join(d for d in (phones, emails) if d)} ({route.name}) {route.use}"
    if status != national_routes.OPEN and route.hours:
        said += f" (phone {route.hours})"
    return said


def national_line(authority_name: str | None, now: datetime | None) -> str:
    """The national lines a practitioner can always use, marked as national, never the authority's."""
    routes = national_routes.routes()
    if not routes:  # the file is unreadable: 999 is still said
        return f"If a child may be in danger right now, call {EMERGENCY_NUMBER}."
    whose = f"national, not {authority_name}'s" if authority_name else "national"
    return f"National lines you can ring now ({whose}): " + "; ".join(national_said(r, now) for r in routes) + "."


def no_number_line(
    authority_name: str, shown: Sequence[NextStep | m.Contact], now: datetime | None, national: bool | None = None
) -> str | None:
    """What a reply's routes do not publish, said once: "<authority>'s document publishes no phone
    number for A or B." When none of them can be rung (or `national` says so), the national lines
    follow on the same line; None when there is nothing to say."""
    missing = list(dict.fromkeys(
        s.name for s in shown if not s.phones and not _in_own_organisation(s) and not _a_page(s)
    ))
    give = (bool(shown) and not any(s.phones for s in shown)) if national is None else national
    parts = []
    if missing:
        parts.append(f"{authority_name}'s document publishes no phone number for {_either(missing)}.")
    elif give and shown:
        parts.append(f"{authority_name}'s document publishes no phone number for these routes.")
    if give:
        parts.append(national_line(authority_name, now))
    return " ".join(parts) or None


def _period(period: str) -> str:
    return {"in_hours": "in office hours", "out_of_hours": "out of hours"}.get(period, "no office hours published")


def recommendation_text(rec: Recommendation, sos: SignsOfSafetyAnswers | None = None) -> str:
    a = rec.assessment
    lines: list[str] = []
    if a.immediate_danger:
        lines.append(DANGER_FIRST)
    # A child has told, or an allegation: what to do and not to do comes before the level.
    urgent = disclosure.for_assessment(a, rec.written_followup)
    if urgent:
        lines.extend(disclosure.text_lines(urgent[0], a.authority, urgent[1]))
    if a.level is not None and a.precautionary and a.alternative:
        lines.append(
            f"{a.authority.name}: {a.level.label}, as a precaution ({a.level.cite}): "
            f"the words fit {a.alternative.label} to {a.level.label}."
        )
    elif a.level is not None:
        lines.append(f"{a.authority.name}: this looks like {a.level.label} ({a.level.cite}).")
    else:
        lines.append(f"{a.authority.name}: I cannot place this worry at a level with confidence, so I will not guess.")
    lines.extend(source_lines(a.authority, rec.moment))  # the date once, and how old, after the level
    lines.append(f"Why: {rec.why}")
    lines.extend(change_lines(a))
    if a.matches:
        lines.append("Matched indicators, in the document's words:")
        shown: set[str] = set()  # some documents repeat an indicator in two tables: quote it once
        for match in a.matches[:5]:
            if match.indicator.text not in shown and len(shown) < 3:
                shown.add(match.indicator.text)
                lines.append(f'- "{match.indicator.text}" ({match.indicator.cite})')
    warning = scale_warning(rec, sos)
    if warning:
        lines.append(warning)
    lines.append(f"Next steps ({_period(rec.period)}, {rec.moment.strftime('%a %d %b %H:%M')}):")
    for number, step in enumerate(rec.next_steps, 1):
        lines.append(f"{number}. {contact_line(step)}")
        if step.asks_for:
            lines.append(f"   They will ask for: {'; '.join(step.asks_for)}")
    said = no_number_line(a.authority.name, rec.next_steps, rec.moment, national=rec.missing_numbers)
    if said:
        lines.append(said)
    if rec.written_followup and not (urgent and urgent[1]):  # said first, with the guidance
        fu = rec.written_followup
        lines.append(f'Written follow-up: within {fu.written_followup_hours} hours. "{fu.quote}" ({fu.cite})')
    for rule in rec.consent[:1]:
        lines.append(f'Consent: "{rule.quote}" ({rule.cite})')
    if sos and any((sos.worried, sos.working_well, sos.needs_to_happen)):
        lines.append("Signs of Safety map, from your answers:")
        for title, value in (("What are we worried about?", sos.worried), ("What's working well?", sos.working_well),
                             ("What needs to happen?", sos.needs_to_happen)):
            if value:
                lines.append(f"- {title} {value}")
    lines.append("Record: " + " ".join(record_notes(rec, sos)))
    return "\n".join(lines)


def change_lines(a) -> list[str]:
    """What would change the level, in the document's words."""
    if a.triage is None:
        return []
    return [
        f'If {c.phrase}, {a.authority.name}\'s document places this at {a.authority.level(c.level).label}: '
        f'"{c.rule.quote}" ({c.rule.cite}).'
        for c in a.triage.changes
    ]


def scale_warning(rec: Recommendation, sos: SignsOfSafetyAnswers | None) -> str | None:
    """A low safety scale below the statutory level: the practitioner's own judgement of risk
    outranks the suggestion, so say where to go with it."""
    level = rec.assessment.level
    if not sos or sos.scale is None or sos.scale > 3 or (level and level.statutory):
        return None
    return (
        f"You rated the situation {sos.scale}/10. If you think the child may be at risk of significant harm, "
        "contact the front door below whatever the suggested level."
    )


def record_notes(rec: Recommendation, sos: SignsOfSafetyAnswers | None) -> list[str]:
    notes = list(WHAT_TO_RECORD)
    if sos and any(v is not None for v in (sos.worried, sos.working_well, sos.needs_to_happen, sos.scale)):
        notes.append("The Signs of Safety map (worries, what is working well, what needs to happen).")
    return notes


def safe_answer(authority: m.Authority | None, now: datetime, danger: bool, reason: str) -> str:
    """What to do when the assistant cannot give its full guidance: never silence, never a level."""
    lines = [reason] if reason else []
    if danger:
        lines.insert(0, DANGER_FIRST)
    else:
        lines.append(f"If a child may be in danger right now, call {EMERGENCY_NUMBER}.")
    lines.append(f"Otherwise talk to {DSL_ROUTE}.")
    if authority is None:
        lines.append(f"If you think a child may be at risk of harm, contact {UNKNOWN_AUTHORITY_DOOR}.")
        return "\n".join(lines)
    door = queries.contacts_of(authority, now, roles=queries.FRONT_DOOR_ROLES)
    reachable = [c for c in door.contacts if c.status != queries.CLOSED] or list(door.contacts)
    lines.append(f"If you think the child may be at risk of harm, {authority.name}'s front door:")
    lines.extend(f"- {contact_line(c.contact, c.status)} ({c.contact.cite})" for c in reachable)
    said = no_number_line(authority.name, [c.contact for c in reachable], now)
    if said:
        lines.append(said)
    lines.extend(source_lines(authority, now))
    return "\n".join(lines)
